"""Readers: one per source kind, each turning a CSV, JSONL or Parquet file into validated records and rejects.

Every reader returns a :class:`~enrich.schema.ReadResult`; a bad row becomes a :class:`~enrich.schema.Reject` with a
reason code and a detail, never an exception. Only a file that cannot be read at all raises ``InputError``.

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text("review_id,customer_id,product,stars,created_at,text\\n"
    ...                     "r1,C1,App,5,2026-01-05,Great app.\\nr2,C2,App,1,yesterday,Crashes.\\n")
    >>> result = read_source("reviews", path)
    >>> len(result.records), [r.reason for r in result.rejects]
    (1, ['bad_date'])
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from enrich.errors import ConfigError
from enrich.readers.chats import read_chats
from enrich.readers.customers import read_customers
from enrich.readers.mapping import DEFAULT_COLUMNS, resolve_columns
from enrich.readers.rejects import REJECT_COLUMNS, rejects_to_frame
from enrich.readers.reviews import read_reviews
from enrich.readers.rows import iter_rows
from enrich.readers.surveys import read_surveys
from enrich.schema import ReadResult

READERS: dict[str, Callable[..., ReadResult]] = {
    "reviews": read_reviews,
    "chats": read_chats,
    "surveys": read_surveys,
}
"""Feedback readers by source kind."""


def read_source(kind: str, path: str | Path, **kwargs: Any) -> ReadResult:
    """Read a feedback file with the reader for ``kind``.

    Args:
        kind: ``"reviews"``, ``"chats"`` or ``"surveys"``.
        path: The input file.
        **kwargs: Passed to the reader (``columns``, ``fmt``, ``source``).

    Raises:
        ConfigError: ``kind`` is not a known feedback source kind.
        InputError: The file cannot be read at all.
    """
    if kind not in READERS:
        raise ConfigError(f"unknown source kind {kind!r}; valid kinds: {', '.join(READERS)}")
    return READERS[kind](path, **kwargs)


__all__ = [
    "DEFAULT_COLUMNS",
    "READERS",
    "REJECT_COLUMNS",
    "iter_rows",
    "read_chats",
    "read_customers",
    "read_reviews",
    "read_source",
    "read_surveys",
    "rejects_to_frame",
    "resolve_columns",
]
