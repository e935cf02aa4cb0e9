"""Close-the-loop alerts: rules over new feedback and its customer's profile, each firing once per feedback.

An alert row names the rule, the customer, the feedback and the evidence: up to three of the feedback's
customer units, most negative first, with their scores. ``alert_id`` is a hash of (rule, feedback key), so a
re-run, a resumed run or a concurrent run never fires the same alert twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from enrich.profiles.rules import Rule

__all__ = ["ALERT_FEEDBACK_FIELDS", "EVIDENCE_QUOTES", "alert_id", "evaluate_alerts"]

ALERT_FEEDBACK_FIELDS = ("channel", "sentiment_label", "sentiment_score", "effort_score", "actionability", "nps",
                         "rating", "product")
"""Fields of the feedback itself an alert rule may read (beside every profile field and ``segments``)."""
EVIDENCE_QUOTES = 3


def alert_id(rule: str, feedback_key: str) -> str:
    return hashlib.sha256(f"{rule}\x00{feedback_key}".encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        return value.item()
    return value


def evaluate_alerts(
    rules: Sequence[tuple[str, str, Rule]],
    feedback: pd.DataFrame,
    units: pd.DataFrame,
    profiles: Mapping[str, Mapping[str, Any]],
    run_id: str,
    fired_at: datetime,
) -> list[dict[str, Any]]:
    """The alerts ``rules`` fire on ``feedback``.

    Args:
        rules: ``(name, description, rule)`` triples.
        feedback: New feedback joined with its enrichments: ``feedback_key``, ``customer_id``,
            ``created_at`` and the :data:`ALERT_FEEDBACK_FIELDS`.
        units: Their units (``unit_id``, ``feedback_key``, ``idx``, ``speaker``, ``text``, scores).
        profiles: ``customer_id -> profile fields`` (customer columns, ``cx.*`` traits, ``segments``).
        run_id: The run that fires them.
        fired_at: Stamp of the firing.

    Returns:
        Rows for the ``alerts`` table, by feedback then rule.
    """
    by_feedback = {key: group for key, group in units.groupby("feedback_key")} if len(units) else {}
    alerts = []
    for row in feedback.sort_values("feedback_key").to_dict("records"):
        profile = profiles.get(row["customer_id"], {}) if row["customer_id"] is not None else {}
        fields = {**{k: _plain(v) for k, v in profile.items()},
                  **{name: _plain(row.get(name)) for name in ALERT_FEEDBACK_FIELDS}}
        for name, description, rule in rules:
            if not rule.matches(fields):
                continue
            evidence_units = by_feedback.get(row["feedback_key"])
            evidence: list[dict[str, Any]] = []
            if evidence_units is not None:
                mine = evidence_units[evidence_units["speaker"] == "customer"].copy()
                mine["_s"] = pd.to_numeric(mine["sentiment_score"], errors="coerce").fillna(0.0)
                mine["_e"] = pd.to_numeric(mine["effort_score"], errors="coerce").fillna(0.0)
                mine = mine.sort_values(["_s", "_e", "idx"], ascending=[True, False, True]).head(EVIDENCE_QUOTES)
                evidence = [{"unit_id": u["unit_id"], "text": u["text"], "sentiment_score": _plain(u["sentiment_score"]),
                             "effort_score": _plain(u["effort_score"])} for u in mine.to_dict("records")]
            alerts.append({
                "alert_id": alert_id(name, row["feedback_key"]), "rule": name, "customer_id": row["customer_id"],
                "feedback_key": row["feedback_key"], "feedback_created_at": row["created_at"].to_pydatetime(),
                "fired_at": fired_at, "run_id": run_id, "description": description,
                "fields": {key: fields[key] for key in sorted(rule.fields)}, "evidence": evidence,
            })
    return alerts
