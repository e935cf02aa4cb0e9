"""B2B accounts: customers roll up to their ``account_id`` with the account's own declared ``cx.*`` traits.

Account traits are computed from the customers table and the customers' current traits, so they always
agree with the customer profiles they summarise; ``n_units`` of an account trait counts the customers it
rests on.

Example:
    >>> import pandas as pd
    >>> profiles = pd.DataFrame([
    ...     {"customer_id": "C1", "account_id": "A1", "cx.feedback_count": 2, "cx.nps_category": "detractor",
    ...      "cx.top_pain_points": [["login", 2]], "cx.sentiment_avg_90d": -0.5, "cx.at_risk": True,
    ...      "cx.last_feedback_at": "2026-01-05T00:00:00+00:00"},
    ...     {"customer_id": "C2", "account_id": "A1", "cx.feedback_count": 1, "cx.nps_category": "promoter",
    ...      "cx.top_pain_points": [["login", 1]], "cx.sentiment_avg_90d": 0.5, "cx.at_risk": False,
    ...      "cx.last_feedback_at": "2026-01-07T00:00:00+00:00"}])
    >>> values = compute_account_traits(profiles)["A1"]
    >>> values["cx.detractor_share"], values["cx.worst_pain_points"]
    ((0.5, 2), ([['login', 3, 2]], 2))
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from enrich.store.traits import TraitSpec, TraitValues

__all__ = ["ACCOUNT_TRAITS", "compute_account_traits"]

WORST_PAIN_POINTS = 5

ACCOUNT_TRAITS: dict[str, TraitSpec] = {spec.name: spec for spec in (
    TraitSpec("cx.customer_count", "int", "Customers (contacts) of the account in the customers table.", "count"),
    TraitSpec("cx.customers_with_feedback", "int", "Contacts with at least one feedback.", "count"),
    TraitSpec("cx.feedback_count", "int", "Feedback across the contacts (sum of their cx.feedback_count).", "sum"),
    TraitSpec("cx.sentiment_avg_90d", "float", "Mean of the contacts' cx.sentiment_avg_90d, each contact "
              "weighing the same; 4 dp.", "mean"),
    TraitSpec("cx.detractor_share", "float", "Share of contacts with an NPS whose cx.nps_category is detractor, "
              "4 dp; null when no contact answered NPS.", "share"),
    TraitSpec("cx.at_risk_customers", "list", "Contacts with cx.at_risk true, sorted ids.", "union"),
    TraitSpec("cx.worst_pain_points", "list", f"Top {WORST_PAIN_POINTS} pain points across contacts as "
              "[[name, units, contacts], ...], most units first, ties by contacts then name.", "top_k"),
    TraitSpec("cx.last_feedback_at", "datetime", "Latest cx.last_feedback_at of any contact.", "most_recent"),
)}


def _present(value: Any) -> bool:
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and value != value)


def compute_account_traits(profiles: pd.DataFrame) -> TraitValues:
    """Account traits from a customer profiles frame (nested values as Python objects, not JSON).

    Args:
        profiles: One row per customer with ``customer_id``, ``account_id`` and ``cx.*`` trait columns;
            rows without an ``account_id`` belong to no account.

    Returns:
        ``{account_id: {name: (value, n_customers)}}``, accounts sorted.
    """
    result: TraitValues = {}
    if profiles.empty or "account_id" not in profiles.columns:
        return result
    for account_id, group in sorted(profiles[profiles["account_id"].map(_present)].groupby("account_id")):
        rows = group.sort_values("customer_id").to_dict("records")
        with_feedback = [r for r in rows if _present(r.get("cx.feedback_count")) and r["cx.feedback_count"] > 0]
        sentiments = [float(r["cx.sentiment_avg_90d"]) for r in rows if _present(r.get("cx.sentiment_avg_90d"))]
        categories = [r["cx.nps_category"] for r in rows if _present(r.get("cx.nps_category"))]
        pains: Counter[str] = Counter()
        contacts: Counter[str] = Counter()
        for row in rows:
            for name, count in (row.get("cx.top_pain_points") if _present(row.get("cx.top_pain_points")) else []):
                pains[name] += int(count)
                contacts[name] += 1
        worst = sorted(pains, key=lambda name: (-pains[name], -contacts[name], name))[:WORST_PAIN_POINTS]
        last = [r["cx.last_feedback_at"] for r in rows if _present(r.get("cx.last_feedback_at"))]
        at_risk = sorted(str(r["customer_id"]) for r in rows if _present(r.get("cx.at_risk")) and bool(r["cx.at_risk"]))
        result[str(account_id)] = {
            "cx.customer_count": (len(rows), len(rows)),
            "cx.customers_with_feedback": (len(with_feedback), len(rows)),
            "cx.feedback_count": (sum(int(r["cx.feedback_count"]) for r in with_feedback), len(with_feedback)),
            "cx.sentiment_avg_90d": (round(sum(sentiments) / len(sentiments), 4) + 0.0 if sentiments else None,
                                     len(sentiments)),
            "cx.detractor_share": (round(categories.count("detractor") / len(categories), 4) if categories else None,
                                   len(categories)),
            "cx.at_risk_customers": (at_risk, len(with_feedback)),
            "cx.worst_pain_points": ([[name, pains[name], contacts[name]] for name in worst], len(with_feedback)),
            "cx.last_feedback_at": (max(last) if last else None, len(last)),
        }
    return result
