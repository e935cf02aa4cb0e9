"""Tables of the profile layer beside the core ones: account traits and their history, alerts, store state.

They share :data:`enrich.store.tables.metadata`, so ``metadata.create_all`` creates them with the rest.
Account traits mirror the customer ``traits``/``trait_history`` tables, keyed by ``account_id``.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String, Table, Text

from enrich.store.tables import JSONValue, UTCDateTime, metadata

__all__ = ["account_trait_history", "account_traits", "alerts", "store_state"]

account_traits = Table(
    "account_traits",
    metadata,
    Column("account_id", String(128), nullable=False),
    Column("name", String(128), nullable=False),
    Column("value", JSONValue, nullable=True),
    Column("n_units", Integer, nullable=False),  # here: how many customers the value rests on
    Column("run_id", String(128), nullable=False),
    Column("pipeline_hash", String(128), nullable=False),
    Column("models", JSONValue, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    Column("as_of", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("account_id", "name"),
)

account_trait_history = Table(
    "account_trait_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(128), nullable=False, index=True),
    Column("name", String(128), nullable=False),
    Column("value", JSONValue, nullable=True),
    Column("previous", JSONValue, nullable=True),
    Column("change", String(16), nullable=False),
    Column("run_id", String(128), nullable=False),
    Column("pipeline_hash", String(128), nullable=False),
    Column("models", JSONValue, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    Column("as_of", UTCDateTime, nullable=True),
)

alerts = Table(
    "alerts",
    metadata,
    Column("alert_id", String(64), primary_key=True),  # sha256(rule, feedback_key)[:32]: fires once per pair
    Column("rule", String(128), nullable=False),
    Column("customer_id", String(128), nullable=True, index=True),
    Column("feedback_key", String(256), nullable=False, index=True),
    Column("feedback_created_at", UTCDateTime, nullable=False),
    Column("fired_at", UTCDateTime, nullable=False),
    Column("run_id", String(128), nullable=False),
    Column("description", Text, nullable=False),
    Column("fields", JSONValue, nullable=False),  # the values the rule was evaluated on
    Column("evidence", JSONValue, nullable=False),  # [{"unit_id", "text", "sentiment_score", "effort_score"}]
)

store_state = Table(
    "store_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSONValue, nullable=True),
)
