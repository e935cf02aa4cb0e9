"""Product reviews: one row per review, ``review_id,customer_id,product,stars,created_at,text`` by default.

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text("review_id,customer_id,product,stars,created_at,text\\n"
    ...                     "r1,C1,App,5,2026-01-05,Great app.\\n")
    >>> read_reviews(path).records[0].rating
    5.0
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from enrich.readers.base import Row, read_records
from enrich.readers.fields import clean_str, parse_datetime, parse_float_in_range, parse_text, require_id
from enrich.readers.rows import RowFormat
from enrich.schema import Feedback, ReadResult

STARS_RANGE = (1.0, 5.0)


def _build_review(row: Row, columns: Mapping[str, str], source_file: str) -> Feedback:
    feedback_id = require_id(row.get(columns["feedback_id"]), columns["feedback_id"])
    customer_id = require_id(row.get(columns["customer_id"]), columns["customer_id"])
    created_at = parse_datetime(row.get(columns["created_at"]), columns["created_at"])
    rating = parse_float_in_range(row.get(columns["rating"]), columns["rating"], *STARS_RANGE)
    product = clean_str(row.get(columns["product"]))
    text = parse_text(row.get(columns["text"]), columns["text"])
    return Feedback(
        feedback_id=feedback_id,
        channel="review",
        customer_id=customer_id,
        created_at=created_at,
        text=text,
        rating=rating,
        product=product,
        source_file=source_file,
    )


def read_reviews(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    fmt: RowFormat | None = None,
    source: str = "reviews",
) -> ReadResult:
    """Read a reviews file into ``Feedback`` records with channel ``"review"``.

    Args:
        path: CSV, JSONL or Parquet file.
        columns: Record field -> input column, for columns named differently from the defaults
            (fields: feedback_id, customer_id, product, rating, created_at, text).
        fmt: ``"csv"``, ``"jsonl"`` or ``"parquet"``; ``None`` picks it from the suffix.
        source: Name carried by the rejects.

    Returns:
        Records with ``rating`` = stars in [1, 5] (or ``None``), tz-aware ``created_at`` and stripped ``text``;
        rejects with reason codes; rows read.

    Raises:
        ConfigError: ``columns`` names an unknown field.
        InputError: The file is missing or lacks a required column.
    """
    return read_records(
        "reviews", path, _build_review, id_field="feedback_id", columns=columns, fmt=fmt, source=source
    )
