"""Parsers for raw field values, shared by every reader.

Each parser takes a raw value as a file gives it (CSV: ``str``; JSONL: JSON types; Parquet: Python values such as
``int``, ``float``, ``datetime``) and either returns a clean value or raises :class:`RowRejected` with the reason code
and a detail that quotes what was received and what was expected.

Example:
    >>> parse_datetime("2026-01-05T10:00:00Z", "created_at").isoformat()
    '2026-01-05T10:00:00+00:00'
    >>> try:
    ...     parse_datetime("14/31/2026", "created_at")
    ... except RowRejected as exc:
    ...     print(exc.reason, "|", exc.detail)
    bad_date | created_at '14/31/2026' is not an ISO date or datetime
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from typing import Any

from enrich.schema import MAX_TEXT_CHARS, RejectReason


class RowRejected(Exception):
    """Raised inside a reader when a row cannot become a record; the reader turns it into a ``Reject``."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: RejectReason = reason
        self.detail = detail


def _short(value: Any, limit: int = 60) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def is_blank(value: Any) -> bool:
    """True for ``None``, NaN, and strings that are empty or whitespace."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_str(value: Any) -> str | None:
    """A stripped string, or ``None`` for a blank value. Integral numbers keep no ``.0`` (``12.0`` -> ``"12"``)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def require_id(value: Any, field_name: str) -> str:
    """Return the id as a string or reject the row as ``missing_id``."""
    cleaned = clean_str(value)
    if cleaned is None:
        raise RowRejected("missing_id", f"{field_name} is missing")
    return cleaned


def parse_datetime(value: Any, field_name: str) -> datetime:
    """Parse an ISO 8601 date or datetime (trailing ``Z`` accepted) into a tz-aware datetime; naive means UTC.

    Raises:
        RowRejected: ``bad_date`` when the value is blank or not ISO 8601.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif is_blank(value):
        raise RowRejected("bad_date", f"{field_name} is missing; expected an ISO date or datetime")
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
        except ValueError:
            raise RowRejected(
                "bad_date", f"{field_name} {_short(value)} is not an ISO date or datetime"
            ) from None
    else:
        raise RowRejected(
            "bad_date", f"{field_name} {_short(value)} is a {type(value).__name__}, not an ISO date or datetime"
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_date(value: Any, field_name: str) -> date | None:
    """Parse an optional ISO date; a datetime keeps its date part. Blank gives ``None``.

    Raises:
        RowRejected: ``bad_date`` when the value is present but not ISO 8601.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    return parse_datetime(value, field_name).date()


def parse_int_in_range(value: Any, field_name: str, low: int, high: int) -> int | None:
    """Parse an optional integer within ``[low, high]``; blank gives ``None``.

    Raises:
        RowRejected: ``bad_value`` when the value is not an integer or out of range.
    """
    if is_blank(value):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    if number is None:
        raise RowRejected("bad_value", f"{field_name} {_short(value)} is not an integer {low}-{high}")
    if not low <= number <= high:
        raise RowRejected("bad_value", f"{field_name} {number} is out of range {low}-{high}")
    return number


def parse_float_in_range(value: Any, field_name: str, low: float, high: float) -> float | None:
    """Parse an optional number within ``[low, high]``; blank gives ``None``.

    Raises:
        RowRejected: ``bad_value`` when the value is not a number or out of range.
    """
    if is_blank(value):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise RowRejected("bad_value", f"{field_name} {_short(value)} is not a number {low:g}-{high:g}") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise RowRejected("bad_value", f"{field_name} {_short(value)} is not a number {low:g}-{high:g}")
    if not low <= number <= high:
        raise RowRejected("bad_value", f"{field_name} {number:g} is out of range {low:g}-{high:g}")
    return number


def check_text_length(text: str, field_name: str = "text") -> str:
    """Return ``text`` or reject it as ``text_too_long`` past ``MAX_TEXT_CHARS`` characters."""
    if len(text) > MAX_TEXT_CHARS:
        raise RowRejected(
            "text_too_long", f"{field_name} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
        )
    return text


def parse_text(value: Any, field_name: str, *, allow_empty: bool = False) -> str:
    """Return the stripped text of a field, checking type, emptiness and length in that order.

    Args:
        value: The raw value; ``None`` and NaN count as empty.
        field_name: The input column, for the detail.
        allow_empty: Return ``""`` for an empty value instead of rejecting it (survey comments).

    Raises:
        RowRejected: ``bad_value`` for a non-string, ``empty_text`` for a blank one (unless allowed),
            ``text_too_long`` past ``MAX_TEXT_CHARS``.
    """
    if not is_blank(value) and not isinstance(value, str):
        raise RowRejected("bad_value", f"{field_name} is a {type(value).__name__}, expected a string")
    text = "" if is_blank(value) else value.strip()
    if not text and not allow_empty:
        raise RowRejected("empty_text", f"{field_name} is empty" if not value else f"{field_name} is only whitespace")
    return check_text_length(text, field_name)
