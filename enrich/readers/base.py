"""The read loop every reader shares: raw rows in, validated records and rejects out.

A reader supplies a *builder* that turns one raw row into a record, checking in the documented order (ids, dates,
values, text) and raising :class:`~enrich.readers.fields.RowRejected` at the first failure. This loop adds the
per-file checks around it: row problems from :mod:`enrich.readers.rows` first, pydantic validation errors as
``bad_value``, and ``duplicate_id`` last.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from enrich.readers.fields import RowRejected, clean_str
from enrich.readers.mapping import SourceKind, required_columns, resolve_columns
from enrich.readers.rows import RowFormat, iter_rows
from enrich.schema import Reject, ReadResult

Row = Mapping[str, Any]
Builder = Callable[[Row, Mapping[str, str], str], BaseModel]
"""``build(row, columns, source_file) -> record``; raises RowRejected or pydantic's ValidationError."""


def summarise_validation_error(exc: ValidationError, limit: int = 3) -> str:
    """One line naming each failing field and why, e.g. ``"value_tier: Input should be 'low', ..."``."""
    parts = []
    for error in exc.errors()[:limit]:
        where = ".".join(str(part) for part in error["loc"]) or "row"
        parts.append(f"{where}: {error['msg']}")
    if exc.error_count() > limit:
        parts.append(f"and {exc.error_count() - limit} more")
    return "; ".join(parts)


def _record_id(row: Row | None, id_column: str) -> str | None:
    """The row's id for a reject, when it has a readable one."""
    raw_id = None if row is None else row.get(id_column)
    if not isinstance(raw_id, str | int | float):
        return None
    record_id = clean_str(raw_id)
    if record_id is None or any("\udc80" <= ch <= "\udcff" for ch in record_id):
        return None
    return record_id


def read_records(
    kind: SourceKind,
    path: str | Path,
    build: Builder,
    *,
    id_field: str,
    columns: Mapping[str, str] | None = None,
    fmt: RowFormat | None = None,
    source: str | None = None,
) -> ReadResult:
    """Read every row of ``path`` through ``build``, collecting records and rejects.

    Args:
        kind: The source kind, which picks the default column mapping and required columns.
        path: The input file.
        build: Turns one raw row into a record.
        id_field: The record field that must be unique within the file (``feedback_id`` or ``customer_id``).
        columns: User column mapping, record field -> input column.
        fmt: Input format; ``None`` picks it from the suffix.
        source: The name rejects carry in their ``source`` column; defaults to ``kind``.

    Returns:
        The records in file order (first occurrence of each id), the rejects in file order, and the row count.

    Raises:
        ConfigError: The column mapping names an unknown field.
        InputError: The file is missing, of unknown format, or lacks a required column.
    """
    resolved = resolve_columns(kind, columns)
    path = Path(path)
    source = source or kind
    result = ReadResult()
    first_line: dict[str, int] = {}
    id_column = resolved[id_field]

    def reject(line: int, reason: Any, detail: str, record_id: str | None) -> None:
        result.rejects.append(Reject(source, path.name, line, reason, detail, record_id))

    rows = iter_rows(path, fmt=fmt, required=required_columns(kind, resolved, columns))
    for line, row, problem in rows:
        result.rows_read += 1
        record_id = _record_id(row, id_column)
        if problem is not None or row is None:
            reason, _, detail = (problem or "malformed_row: unreadable row").partition(": ")
            reject(line, reason, detail, record_id)
            continue
        try:
            record = build(row, resolved, path.name)
        except RowRejected as exc:
            reject(line, exc.reason, exc.detail, record_id)
            continue
        except ValidationError as exc:
            reject(line, "bad_value", summarise_validation_error(exc), record_id)
            continue
        key = getattr(record, id_field)
        if key in first_line:
            reject(line, "duplicate_id", f"{id_column} {key!r} was already read at line {first_line[key]}", key)
            continue
        first_line[key] = line
        result.records.append(record)
    return result
