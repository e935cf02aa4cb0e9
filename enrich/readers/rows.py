"""Raw rows out of CSV, JSONL or Parquet files, one at a time, with per-row problems instead of exceptions.

Every format yields ``(line, row, problem)``: ``row`` is a dict from column name to raw value (``None`` when the row
could not be parsed) and ``problem`` is ``None`` or ``"<reason>: <detail>"`` with reason ``malformed_row`` or
``bad_encoding``. A CSV ``bad_encoding`` row comes with its fields (bad bytes surrogate-escaped) so that the caller
can name the row's id; any row with a problem must be rejected, never turned into a record. Only problems with the whole file (missing, unknown format, missing required column) raise.

Line numbers are 1-based: the CSV data row (header excluded, blank lines skipped), the JSONL physical line, the
Parquet row.

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = path.write_bytes(b"id,text\\n1,ok\\n2,caf\\xe9\\n")
    >>> [(line, problem is None) for line, _, problem in iter_rows(path)]
    [(1, True), (2, False)]
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, Literal

from enrich.errors import InputError

RowFormat = Literal["csv", "jsonl", "parquet"]
RawRow = tuple[int, dict[str, Any] | None, str | None]
"""``(line, row, problem)`` as yielded by :func:`iter_rows`."""

FORMAT_FOR_SUFFIX: dict[str, RowFormat] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}

# The csv module refuses fields over 128 KiB by default; a 200 KB paste must still parse so that it can be
# rejected as text_too_long. Past this limit a field is almost surely an unclosed quote eating the file.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024
_PARQUET_BATCH_ROWS = 1024


def detect_format(path: str | Path, fmt: RowFormat | None = None) -> RowFormat:
    """Return the row format of ``path``: ``fmt`` when given, else from the file suffix.

    Raises:
        InputError: ``fmt`` is not a known format, or the suffix says nothing known.
    """
    if fmt is not None:
        if fmt not in ("csv", "jsonl", "parquet"):
            raise InputError(f"unknown input format {fmt!r} for {path}; expected one of: csv, jsonl, parquet")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in FORMAT_FOR_SUFFIX:
        raise InputError(
            f"cannot tell the format of {path} from its suffix {suffix!r}; expected one of "
            f"{', '.join(FORMAT_FOR_SUFFIX)} or pass fmt='csv' | 'jsonl' | 'parquet'"
        )
    return FORMAT_FOR_SUFFIX[suffix]


def iter_rows(
    path: str | Path, *, fmt: RowFormat | None = None, required: Collection[str] = ()
) -> Iterator[RawRow]:
    """Stream the raw rows of a CSV, JSONL or Parquet file.

    Args:
        path: The input file.
        fmt: ``"csv"``, ``"jsonl"`` or ``"parquet"``; ``None`` picks it from the suffix.
        required: Column names that must exist. CSV and Parquet check the header/schema before the first row;
            JSONL has no header, so a required key that no parsed line carries raises after the last line.

    Yields:
        ``(line, row, problem)``; ``row`` is a dict, or ``None`` when ``problem`` says it could not be parsed.

    Raises:
        InputError: The file is missing or unreadable, or a required column is absent.
    """
    path = Path(path)
    kind = detect_format(path, fmt)
    if not path.is_file():
        raise InputError(f"input file {path} does not exist or is not a file")
    if kind == "csv":
        yield from _iter_csv(path, required)
    elif kind == "jsonl":
        yield from _iter_jsonl(path, required)
    else:
        yield from _iter_parquet(path, required)


def _check_columns(path: Path, present: Collection[str], required: Collection[str]) -> None:
    missing = [name for name in required if name not in present]
    if missing:
        raise InputError(
            f"{path} lacks required column(s) {', '.join(repr(m) for m in missing)}; "
            f"columns present: {', '.join(repr(p) for p in present) or '(none)'}. "
            "Map your column names with columns={field: column}."
        )


def _undecodable(value: str) -> str | None:
    """Describe the non-UTF-8 bytes in a surrogate-escaped string, or ``None`` if it is clean."""
    bad = [(i, ch) for i, ch in enumerate(value) if "\udc80" <= ch <= "\udcff"]
    if not bad:
        return None
    shown = "".join(f"\\x{ord(ch) - 0xDC00:02x}" for _, ch in bad[:4])
    more = f" and {len(bad) - 4} more" if len(bad) > 4 else ""
    return f"bytes {shown}{more} at character {bad[0][0]}"


def _iter_csv(path: Path, required: Collection[str]) -> Iterator[RawRow]:
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, _CSV_FIELD_LIMIT))
    try:
        with path.open("rb") as raw:
            # surrogateescape keeps a row with bad bytes readable, so it alone is rejected, not the file.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            # strict: a stray quote is a malformed row, not a silent merge of fields.
            reader = csv.reader(text, strict=True)
            try:
                header = next(reader, None)
            except csv.Error as exc:
                raise InputError(f"cannot parse the CSV header of {path}: {exc}") from exc
            if header is None:
                raise InputError(f"{path} is empty; expected a CSV header row")
            header = [name.strip() for name in header]
            if any(_undecodable(name) for name in header):
                raise InputError(f"the CSV header of {path} is not valid UTF-8: {header!r}")
            _check_columns(path, header, required)
            line = 0
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    line += 1
                    yield line, None, f"malformed_row: CSV row cannot be parsed ({exc})"
                    continue
                if not fields:
                    continue
                line += 1
                if len(fields) != len(header):
                    yield line, None, (
                        f"malformed_row: row has {len(fields)} fields, the header has {len(header)}"
                    )
                    continue
                # A bad_encoding row still comes with its fields, so the reject can name the row's id.
                yield line, dict(zip(header, fields)), _csv_encoding_problem(header, fields)
    finally:
        csv.field_size_limit(previous_limit)


def _csv_encoding_problem(header: list[str], fields: list[str]) -> str | None:
    for name, value in zip(header, fields):
        where = _undecodable(value)
        if where:
            return f"bad_encoding: column {name!r} is not valid UTF-8 ({where})"
    return None


def _iter_jsonl(path: Path, required: Collection[str]) -> Iterator[RawRow]:
    seen_keys: set[str] = set()
    parsed = 0
    with path.open("rb") as raw:
        for line, data in enumerate(raw, start=1):
            if not data.strip():
                continue
            try:
                text = data.decode("utf-8-sig" if line == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                bad = data[exc.start : exc.end]
                yield line, None, f"bad_encoding: line is not valid UTF-8 (bytes {bad!r} at byte {exc.start})"
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                yield line, None, f"malformed_row: line is not valid JSON ({exc})"
                continue
            if not isinstance(row, dict):
                yield line, None, f"malformed_row: line is a JSON {type(row).__name__}, expected an object"
                continue
            if _has_lone_surrogate(row):
                yield line, None, "bad_encoding: line holds a \\u escape of a lone surrogate, not valid text"
                continue
            parsed += 1
            seen_keys.update(row)
            yield line, row, None
    if parsed:
        _check_columns(path, sorted(seen_keys), required)


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _iter_parquet(path: Path, required: Collection[str]) -> Iterator[RawRow]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(f"cannot read {path} as Parquet: {exc}") from exc
    _check_columns(path, parquet.schema_arrow.names, required)
    line = 0
    for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
        for row in batch.to_pylist():
            line += 1
            yield line, row, None
