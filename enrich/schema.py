"""Declared record types that flow through enrich.

Readers validate raw rows into these types; everything downstream takes them as plain data.
Nothing here imports heavy dependencies.

Example:
    >>> from datetime import datetime, timezone
    >>> fb = Feedback(feedback_id="r1", channel="review", customer_id="C001",
    ...               created_at=datetime(2026, 1, 5, tzinfo=timezone.utc), text="Great app.")
    >>> fb.key
    'review:r1'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Channel = Literal["review", "chat", "survey"]
Speaker = Literal["customer", "agent", "system"]
SentimentLabel = Literal["negative", "neutral", "positive"]

MAX_TEXT_CHARS = 20_000
"""Longest feedback text accepted; longer rows are rejected as ``text_too_long`` (a 200 KB paste is not feedback)."""


class Turn(BaseModel):
    """One turn of a chat conversation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    speaker: Speaker
    text: str
    at: datetime | None = None


class Feedback(BaseModel):
    """One piece of customer feedback: a review, a chat conversation or a survey response.

    For chats, ``text`` holds the customer turns joined by newlines and ``turns`` holds every turn
    (agent and system turns are context for effort, never scored for sentiment).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    feedback_id: str = Field(min_length=1)
    channel: Channel
    customer_id: str | None
    created_at: datetime
    text: str
    rating: float | None = None
    nps: int | None = Field(default=None, ge=0, le=10)
    product: str | None = None
    turns: tuple[Turn, ...] = ()
    source_file: str = ""

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        # Naive timestamps are read as UTC so comparisons across sources never raise.
        from datetime import timezone

        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    @property
    def key(self) -> str:
        """Store-wide unique key: ``"{channel}:{feedback_id}"``."""
        return f"{self.channel}:{self.feedback_id}"


class Customer(BaseModel):
    """A row of the customers table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_id: str = Field(min_length=1)
    name: str | None = None
    value_tier: Literal["low", "medium", "high"] | None = None
    country: str | None = None
    signup_date: date | None = None
    account_id: str | None = None


RejectReason = Literal[
    "missing_id",
    "missing_text",
    "empty_text",
    "text_too_long",
    "bad_date",
    "bad_encoding",
    "bad_value",
    "duplicate_id",
    "malformed_row",
]


@dataclass(frozen=True)
class Reject:
    """A row that could not become a record. ``line`` is 1-based: the CSV data row or the JSONL line."""

    source: str
    file: str
    line: int
    reason: RejectReason
    detail: str
    record_id: str | None = None


@dataclass(frozen=True)
class Unit:
    """The scored piece of a feedback: a sentence (reviews, surveys) or a customer turn (chats)."""

    feedback_key: str
    index: int
    text: str
    speaker: Speaker = "customer"

    @property
    def unit_id(self) -> str:
        return f"{self.feedback_key}#{self.index}"


@dataclass
class UnitEnrichment:
    """Everything enrich attaches to one unit."""

    sentiment_label: SentimentLabel | None = None
    sentiment_score: float | None = None  # in [-1, 1]: P(positive) - P(negative)
    sentiment_probs: dict[str, float] = field(default_factory=dict)
    effort_score: float | None = None  # in [-5, 5]; None when the unit says nothing about effort
    pain_points: list[str] = field(default_factory=list)
    theme_id: int | None = None
    theme_label: str | None = None
    language: str = "en"


@dataclass
class ReadResult:
    """What a reader returns: the valid records, the rejects, and how many rows it saw."""

    records: list = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 0


@dataclass(frozen=True)
class Provenance:
    """Where a computed value came from: attached to every trait value and theme.

    ``models`` maps a model name (``"encoder"``, ``"sentiment"``, ...) to ``"<id>@<sha256 prefix of its weights>"``.
    """

    run_id: str
    pipeline_hash: str
    models: dict[str, str]
    computed_at: datetime
