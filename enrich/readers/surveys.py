"""Survey responses: ``response_id,customer_id,submitted_at,nps,comment`` by default.

An NPS score with a blank comment is a valid response (``text == ""``); a response with neither is rejected as
``empty_text``.

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "surveys.csv"
    >>> _ = path.write_text("response_id,customer_id,submitted_at,nps,comment\\ns1,C1,2026-01-05,9,\\n")
    >>> record = read_surveys(path).records[0]
    >>> record.nps, record.text
    (9, '')
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from enrich.readers.base import Row, read_records
from enrich.readers.fields import RowRejected, parse_datetime, parse_int_in_range, parse_text, require_id
from enrich.readers.rows import RowFormat
from enrich.schema import Feedback, ReadResult

NPS_RANGE = (0, 10)


def _build_survey(row: Row, columns: Mapping[str, str], source_file: str) -> Feedback:
    feedback_id = require_id(row.get(columns["feedback_id"]), columns["feedback_id"])
    customer_id = require_id(row.get(columns["customer_id"]), columns["customer_id"])
    created_at = parse_datetime(row.get(columns["created_at"]), columns["created_at"])
    nps = parse_int_in_range(row.get(columns["nps"]), columns["nps"], *NPS_RANGE)
    text = parse_text(row.get(columns["text"]), columns["text"], allow_empty=True)
    if nps is None and not text:
        raise RowRejected("empty_text", f"response has neither an {columns['nps']} score nor a {columns['text']}")
    return Feedback(
        feedback_id=feedback_id,
        channel="survey",
        customer_id=customer_id,
        created_at=created_at,
        text=text,
        nps=nps,
        source_file=source_file,
    )


def read_surveys(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    fmt: RowFormat | None = None,
    source: str = "surveys",
) -> ReadResult:
    """Read a survey file into ``Feedback`` records with channel ``"survey"``.

    Args:
        path: CSV, JSONL or Parquet file.
        columns: Record field -> input column (fields: feedback_id, customer_id, created_at, nps, text).
        fmt: ``"csv"``, ``"jsonl"`` or ``"parquet"``; ``None`` picks it from the suffix.
        source: Name carried by the rejects.

    Returns:
        Records with ``nps`` an int in [0, 10] or ``None`` and ``text`` the comment (``""`` when blank);
        rejects with reason codes (a non-integer or out-of-range NPS is ``bad_value``); rows read.

    Raises:
        ConfigError: ``columns`` names an unknown field.
        InputError: The file is missing or lacks a required column.
    """
    return read_records(
        "surveys", path, _build_survey, id_field="feedback_id", columns=columns, fmt=fmt, source=source
    )
