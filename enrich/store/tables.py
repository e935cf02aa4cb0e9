"""The profile store's tables, declared with SQLAlchemy Core so one schema runs on SQLite and PostgreSQL.

Conventions that hold for every table:

* Timestamps use :class:`UTCDateTime`: written as UTC, always read back timezone-aware (SQLite keeps no
  zone, PostgreSQL uses ``timestamptz``).
* JSON columns use :data:`JSONValue`: canonical JSON text on SQLite, ``JSONB`` on PostgreSQL, so that
  the change checks in upserts (``IS DISTINCT FROM``) work on both.
* Vectors (theme centroids, cached embeddings) are little-endian float32 bytes in ``LargeBinary``;
  read them with ``numpy.frombuffer(blob, dtype="<f4")``.
* No foreign keys: chunks may land in any order (units before their feedback, traits before the customer
  row) and ``forget`` deletes per table.

Example:
    >>> from sqlalchemy import create_engine
    >>> engine = create_engine("sqlite://")
    >>> metadata.create_all(engine)
    >>> sorted(metadata.tables)[:3]
    ['customers', 'embedding_cache', 'feedback']
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from enrich.store._sql import dumps

__all__ = [
    "JSONText",
    "JSONValue",
    "UTCDateTime",
    "customers",
    "embedding_cache",
    "feedback",
    "metadata",
    "rejects",
    "runs",
    "theme_events",
    "theme_groups",
    "themes",
    "trait_history",
    "traits",
    "units",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (UTC).

    Naive datetimes are read as UTC, like :class:`enrich.schema.Feedback` does.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime for a timestamp column, got {type(value).__name__}: {value!r}")
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        utc = aware.astimezone(timezone.utc)
        # SQLite's DateTime cannot hold an offset; the value is UTC by this type's contract.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class JSONText(TypeDecorator[Any]):
    """JSON held as canonical text (sorted keys), for SQLite.

    A column declared ``JSON`` gets NUMERIC affinity in SQLite, which silently turns the JSON text ``0.0``
    into the integer ``0`` (and ``1.10`` into ``1.1``); TEXT affinity keeps the bytes as written, and
    SQLite's ``json_extract`` still reads them. Python None is SQL NULL.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


JSONValue = JSON().with_variant(JSONText(), "sqlite").with_variant(JSONB(), "postgresql")
"""JSON column type: canonical JSON text on SQLite, JSONB on PostgreSQL (it has equality, plain JSON has not)."""

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("pipeline", String(256), nullable=False),
    Column("pipeline_hash", String(128), nullable=False),
    Column("models", JSONValue, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("summary", JSONValue, nullable=True),
)

run_checkpoints = Table(  # each chunk's feedback once the chunk is stored; a run's rows go when it completes
    "run_checkpoints",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("feedback_key", String(256), primary_key=True),
)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(128), primary_key=True),
    Column("name", Text, nullable=True),
    Column("value_tier", String(16), nullable=True),
    Column("country", String(64), nullable=True),
    Column("signup_date", Date, nullable=True),
    Column("account_id", String(128), nullable=True, index=True),
)

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_key", String(256), primary_key=True),  # "channel:feedback_id"
    Column("feedback_id", String(200), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("customer_id", String(128), nullable=True, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("rating", Float, nullable=True),
    Column("nps", Integer, nullable=True),
    Column("product", Text, nullable=True),
    Column("source_file", Text, nullable=False, default=""),
    Column("turns", JSONValue, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("first_run_id", String(128), nullable=False),
    Column("last_run_id", String(128), nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("unit_id", String(300), primary_key=True),  # "feedback_key#index"
    Column("feedback_key", String(256), nullable=False, index=True),
    Column("idx", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("speaker", String(16), nullable=False),
    Column("sentiment_label", String(16), nullable=True),
    Column("sentiment_score", Float, nullable=True),  # in [-1, 1]
    Column("sentiment_probs", JSONValue, nullable=True),
    Column("effort_score", Float, nullable=True),  # in [-5, 5]; NULL when the unit says nothing about effort
    Column("pain_points", JSONValue, nullable=False),  # list[str]
    Column("theme_id", Integer, nullable=True, index=True),
    Column("language", String(16), nullable=True),
)

feedback_enrichments = Table(
    "feedback_enrichments",
    metadata,
    Column("feedback_key", String(256), primary_key=True),
    Column("sentiment_label", String(16), nullable=True),
    Column("sentiment_score", Float, nullable=True),  # in [-1, 1], rolled up from the units (enrich.rollup)
    Column("effort_score", Float, nullable=True),  # in [-5, 5]; NULL when no unit speaks of effort
    Column("actionability", String(32), nullable=True),  # response_needed | suggestion | praise | not_meaningful
    Column("language", String(16), nullable=True),
    Column("n_units", Integer, nullable=False),
)

themes = Table(
    "themes",
    metadata,
    Column("theme_id", Integer, primary_key=True, autoincrement=False),
    Column("label", Text, nullable=False),
    Column("key_phrases", JSONValue, nullable=False),
    Column("size", Integer, nullable=False),
    Column("centroid", LargeBinary, nullable=True),  # float32 bytes
    Column("quotes", JSONValue, nullable=False),
    Column("avg_sentiment", Float, nullable=True),
    Column("avg_effort", Float, nullable=True),
    Column("first_run_id", String(128), nullable=False),
    Column("last_run_id", String(128), nullable=False),
    Column("status", String(16), nullable=False),  # "active" | "retired" | lineage states set by ThemeRegistry
)

theme_events = Table(  # lineage written by enrich.themes.registry.ThemeRegistry, one row per event, append-only
    "theme_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(128), nullable=False, index=True),
    Column("event", String(16), nullable=False),  # "new" | "grown" | "merged" | "split" | "retired"
    Column("theme_id", Integer, nullable=False, index=True),
    Column("related", JSONValue, nullable=False),  # list[int]: split from / merged into
    Column("similarity", Float, nullable=True),  # cosine of the centroids behind the decision
    Column("size", Integer, nullable=True),  # units in the theme after the run
    Column("previous_size", Integer, nullable=True),  # units in the theme before the run
    Column("emerging", Integer, nullable=False, default=0),  # 1: a new theme on a refit over known themes
    Column("computed_at", UTCDateTime, nullable=False),
)

theme_groups = Table(  # the top level of the theme hierarchy, rebuilt by each theme fit
    "theme_groups",
    metadata,
    Column("group_id", Integer, primary_key=True, autoincrement=False),
    Column("label", Text, nullable=False),
    Column("key_phrases", JSONValue, nullable=False),
    Column("size", Integer, nullable=False),
    Column("children", JSONValue, nullable=False),  # list[int]: the themes.theme_id it groups
    Column("quotes", JSONValue, nullable=False),
    Column("run_id", String(128), nullable=False),
)

rejects = Table(
    "rejects",
    metadata,
    Column("file", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("source", String(64), nullable=False),
    Column("record_id", String(200), nullable=True),
    Column("detail", Text, nullable=False),
    Column("run_id", String(128), nullable=False),
    PrimaryKeyConstraint("file", "line", "reason"),
)

embedding_cache = Table(
    "embedding_cache",
    metadata,
    Column("text_hash", String(64), nullable=False),
    Column("model_hash", String(128), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32 bytes
    Column("dim", Integer, nullable=False),
    PrimaryKeyConstraint("text_hash", "model_hash"),
)

traits = Table(
    "traits",
    metadata,
    Column("customer_id", String(128), nullable=False),
    Column("name", String(128), nullable=False),
    Column("value", JSONValue, nullable=True),
    Column("n_units", Integer, nullable=False),
    Column("run_id", String(128), nullable=False),
    Column("pipeline_hash", String(128), nullable=False),
    Column("models", JSONValue, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    Column("as_of", UTCDateTime, nullable=True),  # the date the trait's windows end at
    PrimaryKeyConstraint("customer_id", "name"),
)

trait_history = Table(
    "trait_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(128), nullable=False, index=True),
    Column("name", String(128), nullable=False),
    Column("value", JSONValue, nullable=True),  # JSON null when the trait was removed
    Column("previous", JSONValue, nullable=True),  # JSON null when the trait was new
    Column("change", String(16), nullable=False),  # "new" | "changed" | "removed"
    Column("run_id", String(128), nullable=False),
    Column("pipeline_hash", String(128), nullable=False),
    Column("models", JSONValue, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),    Column("as_of", UTCDateTime, nullable=True),
)
