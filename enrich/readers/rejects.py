"""Rejects as a table, for summaries and for writing a rejects file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple
from typing import TYPE_CHECKING

from enrich.schema import Reject

if TYPE_CHECKING:
    import pandas as pd

REJECT_COLUMNS = ["source", "file", "line", "record_id", "reason", "detail"]


def rejects_to_frame(rejects: Iterable[Reject]) -> pd.DataFrame:
    """Turn rejects into a DataFrame with columns source, file, line, record_id, reason, detail.

    Example:
        >>> rejects_to_frame([Reject("reviews", "r.csv", 3, "empty_text", "text is empty", "r3")]).shape
        (1, 6)
    """
    import pandas as pd

    rows = []
    for reject in rejects:
        source, file, line, reason, detail, record_id = astuple(reject)
        rows.append((source, file, line, record_id, reason, detail))
    frame = pd.DataFrame(rows, columns=REJECT_COLUMNS)
    return frame.astype({"line": "int64"})
