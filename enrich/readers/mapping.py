"""Column mapping: which input column feeds which record field, per source kind.

A mapping is a dict from record field name (``"text"``, ``"feedback_id"``, ...) to input column name. A user mapping
overrides the defaults field by field; unknown field names are an error, never silently ignored.

Example:
    >>> resolve_columns("reviews", {"text": "body"})["text"]
    'body'
    >>> required_columns("surveys", resolve_columns("surveys"))
    ['response_id', 'customer_id', 'submitted_at']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from enrich.errors import ConfigError

SourceKind = Literal["reviews", "chats", "surveys", "customers"]

DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    "reviews": {
        "feedback_id": "review_id",
        "customer_id": "customer_id",
        "product": "product",
        "rating": "stars",
        "created_at": "created_at",
        "text": "text",
    },
    "chats": {
        "feedback_id": "conversation_id",
        "customer_id": "customer_id",
        "created_at": "started_at",
        "turns": "turns",
    },
    "surveys": {
        "feedback_id": "response_id",
        "customer_id": "customer_id",
        "created_at": "submitted_at",
        "nps": "nps",
        "text": "comment",
    },
    "customers": {
        "customer_id": "customer_id",
        "name": "name",
        "value_tier": "value_tier",
        "country": "country",
        "signup_date": "signup_date",
        "account_id": "account_id",
    },
}
"""Default input column for each record field, per source kind."""

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "reviews": ("feedback_id", "customer_id", "created_at", "text"),
    # A chat's created_at may come from its first turn, so only the id, customer and turns are required columns.
    "chats": ("feedback_id", "customer_id", "turns"),
    # A survey's comment column may be absent: an NPS alone is a valid response.
    "surveys": ("feedback_id", "customer_id", "created_at"),
    "customers": ("customer_id",),
}
"""Fields whose column must exist in the file; other fields are read when their column is there."""


def resolve_columns(kind: SourceKind, columns: Mapping[str, str] | None = None) -> dict[str, str]:
    """Merge a user column mapping over the defaults of ``kind``.

    Args:
        kind: The source kind.
        columns: Record field name -> input column name, for the fields whose column is named differently.

    Returns:
        The full mapping, field -> column.

    Raises:
        ConfigError: ``kind`` is unknown, a key is not a field of ``kind``, or a column name is not a
            non-empty string.
    """
    if kind not in DEFAULT_COLUMNS:
        raise ConfigError(f"unknown source kind {kind!r}; valid kinds: {', '.join(DEFAULT_COLUMNS)}")
    defaults = DEFAULT_COLUMNS[kind]
    resolved = dict(defaults)
    for field_name, column in (columns or {}).items():
        if field_name not in defaults:
            hint = ""
            as_column = [f for f, c in defaults.items() if c == field_name]
            if as_column:
                hint = f" ({field_name!r} is the default column of field {as_column[0]!r}; map that field instead)"
            raise ConfigError(
                f"unknown {kind} field {field_name!r} in column mapping{hint}; "
                f"valid fields: {', '.join(defaults)}"
            )
        if not isinstance(column, str) or not column:
            raise ConfigError(
                f"column for {kind} field {field_name!r} must be a non-empty string, got {column!r}"
            )
        resolved[field_name] = column
    return resolved


def required_columns(kind: SourceKind, resolved: Mapping[str, str], user: Mapping[str, str] | None = None) -> list[str]:
    """Input columns that must exist: those of the required fields, plus every column the user mapped by hand.

    Args:
        kind: The source kind.
        resolved: The mapping from :func:`resolve_columns`.
        user: The user's own mapping; a column named there is required even for an optional field.
    """
    fields = list(REQUIRED_FIELDS[kind]) + [f for f in (user or {}) if f not in REQUIRED_FIELDS[kind]]
    return [resolved[f] for f in fields]
