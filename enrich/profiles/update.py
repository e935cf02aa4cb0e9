"""The profile step of a run: traits of the affected customers, segments, accounts, then alerts.

Incremental by construction: only customers whose feedback this run read, whose units a theme refit moved,
or whose windows a move of ``as_of`` shifts are recomputed, and every write stores only changed values, so a
run over new feedback only gives the same traits as a full recompute over everything (see
``tests/test_profiles.py::test_profiles_incremental_runs_equal_one_full_run``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pandas as pd
from sqlalchemy import select

from enrich.profiles.accounts import ACCOUNT_TRAITS, compute_account_traits
from enrich.profiles.alerts import ALERT_FEEDBACK_FIELDS, evaluate_alerts
from enrich.profiles.rules import Rule
from enrich.schema import Provenance

__all__ = ["ProfileUpdate", "alert_fields", "check_alert_rule", "check_segment_rule", "segment_fields",
           "update_profiles"]


def segment_fields() -> set[str]:
    from enrich.store.profiles import CUSTOMER_COLUMNS
    from enrich.store.traits import TRAITS

    return {*CUSTOMER_COLUMNS, *(name for name in TRAITS if name != "cx.segments")}


def alert_fields() -> set[str]:
    return segment_fields() | set(ALERT_FEEDBACK_FIELDS) | {"segments", "cx.segments"}


def check_segment_rule(text: str) -> Rule:
    return Rule.parse(text, segment_fields())


def check_alert_rule(text: str) -> Rule:
    return Rule.parse(text, alert_fields())


@dataclass
class ProfileUpdate:
    """What the profile step did."""

    as_of: str | None = None
    customers_refreshed: int = 0
    traits_changed: int = 0
    account_traits_changed: int = 0
    alerts_fired: list[str] = field(default_factory=list)


def update_profiles(store: Any, config: Any, provenance: Provenance, feedback_keys: Iterable[str],
                    theme_moved_units: Iterable[str] = (), full: bool = False) -> ProfileUpdate:
    """Bring traits, segments, account traits and alerts up to date after a run wrote ``feedback_keys``.

    Args:
        store: The :class:`~enrich.store.ProfileStore`.
        config: The run's :class:`~enrich.config.PipelineConfig` (its ``profiles`` section).
        provenance: Stamped on every value written.
        feedback_keys: Feedback this run read (their customers are recomputed).
        theme_moved_units: Units whose theme a refit changed (their customers are recomputed).
        full: Recompute every customer.
    """
    from enrich.store.traits import TRAITS

    as_of = _instant(config.profiles.as_of) or store.latest_feedback_at()
    result = ProfileUpdate(as_of=None if as_of is None else as_of.isoformat())
    previous = store.state("traits_as_of")
    keys = sorted(set(feedback_keys))
    if full or previous is None:
        scope = None
    else:
        affected = store.customers_of(keys) | _customers_of_units(store, theme_moved_units)
        before = datetime.fromisoformat(previous)
        if as_of is not None and before != as_of:
            longest = max((spec.window for spec in TRAITS.values() if spec.window is not None))
            affected |= store.customers_with_feedback_between(min(before, as_of) - longest, max(before, as_of))
        scope = sorted(affected)
    result.customers_refreshed = len(scope) if scope is not None else -1
    result.traits_changed = store.refresh_traits(provenance, scope, as_of=as_of)

    profiles = store.profiles_frame(nested_as_json=False)
    segments = [(item.name, check_segment_rule(item.rule)) for item in config.profiles.segments]
    records = {row["customer_id"]: row for row in profiles.to_dict("records")}
    membership = {cid: sorted(name for name, rule in segments if rule.matches(row)) for cid, row in records.items()}
    if segments:
        values = {cid: {"cx.segments": (names, 1)} for cid, names in membership.items()}
        result.traits_changed += store.write_traits(values, provenance)
    for cid, names in membership.items():
        records[cid]["cx.segments"] = names
        records[cid]["segments"] = names

    result.account_traits_changed = store.write_account_traits(
        compute_account_traits(profiles), provenance, ACCOUNT_TRAITS, as_of)

    rules = [(item.name, item.description, check_alert_rule(item.when)) for item in config.profiles.alerts]
    new_keys = store.feedback_keys_of_run(provenance.run_id)
    if rules and new_keys:
        feedback, units = _feedback_for_alerts(store, new_keys)
        rows = evaluate_alerts(rules, feedback, units, records, provenance.run_id, provenance.computed_at)
        result.alerts_fired = store.insert_alerts(rows)
    return result


def _instant(value: Any) -> datetime | None:
    from enrich.store.profile_layer import parse_instant

    if value is None:
        return None
    return parse_instant(value if isinstance(value, datetime) else value.isoformat())


def _customers_of_units(store: Any, unit_ids: Iterable[str]) -> set[str]:
    return store.customers_of(sorted({unit_id.rsplit("#", 1)[0] for unit_id in unit_ids}))


def _feedback_for_alerts(store: Any, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    from enrich.store import tables as t
    from enrich.store._sql import select_in

    fe = t.feedback_enrichments
    joined = t.feedback.join(fe, t.feedback.c.feedback_key == fe.c.feedback_key, isouter=True)
    columns = [t.feedback.c[n] for n in ("feedback_key", "customer_id", "created_at", "channel", "nps", "rating",
                                         "product")] + [fe.c[n] for n in ("sentiment_label", "sentiment_score",
                                                                          "effort_score", "actionability")]
    unit_columns = [t.units.c[n] for n in ("unit_id", "feedback_key", "idx", "speaker", "text", "sentiment_score",
                                           "effort_score")]
    with store._engine.connect() as conn:
        fb = select_in(conn, select(*columns).select_from(joined), t.feedback.c.feedback_key, keys)
        us = select_in(conn, select(*unit_columns), t.units.c.feedback_key, keys)
    feedback = pd.DataFrame([tuple(r) for r in fb], columns=[c.name for c in columns])
    feedback["created_at"] = pd.to_datetime(feedback["created_at"], utc=True)
    return feedback, pd.DataFrame([tuple(r) for r in us], columns=[c.name for c in unit_columns])


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
