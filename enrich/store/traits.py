"""Declared ``cx.*`` profile traits and the pure function that computes them from feedback and units.

Every trait a profile can carry is declared here as a :class:`TraitSpec` in :data:`TRAITS`; computing or
writing any other name raises :class:`~enrich.errors.StoreError` naming the declared ones (like spaCy's
E047 for unregistered ``Doc._`` extensions). Values are plain JSON (numbers, strings, lists), sorted and
rounded, so that the same feedback and units give byte-identical values on every run.

Only customer units count (chat agent and system turns are context, never the customer's experience),
and feedback without a ``customer_id`` belongs to no profile.

Example:
    >>> import pandas as pd
    >>> from datetime import datetime, timezone
    >>> feedback = pd.DataFrame([{"feedback_key": "review:r1", "customer_id": "C1", "channel": "review",
    ...                           "created_at": datetime(2026, 1, 5, tzinfo=timezone.utc), "nps": None}])
    >>> units = pd.DataFrame([{"feedback_key": "review:r1", "speaker": "customer", "sentiment_score": -0.5,
    ...                        "effort_score": None, "pain_points": ["login"], "theme_id": 3}])
    >>> values = compute_traits(feedback, units)
    >>> values["C1"]["cx.sentiment_avg"], values["C1"]["cx.top_pain_points"]
    ((-0.5, 1), ([['login', 1]], 1))
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import numpy as np
import pandas as pd

from enrich.errors import StoreError

__all__ = [
    "TRAITS",
    "MergeRule",
    "TraitSpec",
    "TraitType",
    "TraitValues",
    "check_declared",
    "compute_traits",
    "declare_trait",
]

TraitType = Literal["int", "float", "bool", "str", "datetime", "list"]
MergeRule = Literal["count", "sum", "mean", "slope", "top_k", "share", "union", "most_recent", "rule"]
TraitValues = dict[str, dict[str, tuple[Any, int]]]
"""``{customer_id: {trait_name: (value, n_units)}}``; ``n_units`` counts the records the value came from."""

FEEDBACK_COLUMNS = ("feedback_key", "customer_id", "channel", "created_at", "nps")
OPTIONAL_FEEDBACK_COLUMNS = ("actionability",)
UNIT_COLUMNS = ("feedback_key", "sentiment_score", "effort_score", "pain_points", "theme_id")
TOP_PAIN_POINTS = 5
WINDOW_90D = timedelta(days=90)

# The documented cx.at_risk rule: a customer is at risk when at least AT_RISK_MIN_REASONS of these hold over
# the 90-day window: mean sentiment <= NEGATIVE_SENTIMENT, mean effort <= HIGH_EFFORT (the effort scale runs
# from -5, extreme effort, to +5, effortless, so high effort is low scores), and at least one
# feedback whose actionability is "response_needed" (a complaint or question still waiting for an answer).
NEGATIVE_SENTIMENT = -0.3
HIGH_EFFORT = -2.0
AT_RISK_MIN_REASONS = 2

# compute(feedback_rows, unit_rows) -> (value, n_units); rows are dicts sorted by time then key.
ComputeFn = Callable[[list[dict[str, Any]], list[dict[str, Any]]], tuple[Any, int]]


@dataclass(frozen=True)
class TraitSpec:
    """One declared profile trait.

    Args:
        name: ``cx.``-prefixed trait name, e.g. ``"cx.sentiment_avg"``.
        type: JSON shape of the value (``"datetime"`` values are ISO 8601 strings in UTC).
        description: What the value means, with units and range.
        merge: How values over several chunks or accounts combine: ``"count"`` adds, ``"mean"`` weights by
            ``n_units``, ``"top_k"``/``"share"`` re-rank merged counts, ``"union"`` unions sets,
            ``"most_recent"`` keeps the latest.
        window: Only feedback created in ``[as_of - window, as_of]`` counts; None for all time.
        compute: Function of one customer's feedback rows and customer-unit rows returning
            ``(value, n_units)``; None for traits written by another component through
            :meth:`enrich.store.profile_store.ProfileStore.write_traits`.
    """

    name: str
    type: TraitType
    description: str
    merge: MergeRule
    window: timedelta | None = None
    compute: ComputeFn | None = field(default=None, compare=False, repr=False)


TRAITS: dict[str, TraitSpec] = {}
"""The registry of declared traits, in profile column order."""


def declare_trait(spec: TraitSpec) -> TraitSpec:
    """Add ``spec`` to :data:`TRAITS`.

    Raises:
        StoreError: The name lacks the ``cx.`` prefix or is already declared.
    """
    if not spec.name.startswith("cx.") or len(spec.name) <= 3:
        raise StoreError(f"trait names live in the 'cx.' namespace, e.g. 'cx.sentiment_avg'; got {spec.name!r}")
    if spec.name in TRAITS:
        raise StoreError(f"trait {spec.name!r} is already declared")
    TRAITS[spec.name] = spec
    return spec


def check_declared(names: Iterable[str], registry: dict[str, TraitSpec] | None = None) -> None:
    """Raise unless every name is a declared trait (of ``registry``, default the customer :data:`TRAITS`).

    Raises:
        StoreError: Naming the undeclared traits and listing the declared ones.
    """
    declared = TRAITS if registry is None else registry
    unknown = sorted({name for name in names if name not in declared})
    if unknown:
        raise StoreError(
            f"undeclared trait(s) {', '.join(map(repr, unknown))}; declared traits: {', '.join(declared)} "
            "(declare new ones with enrich.store.traits.declare_trait)"
        )


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _mean(values: Sequence[float]) -> float | None:
    # fsum is exact and order-independent, so the rounded mean never depends on row order.
    if not values:
        return None
    return round(math.fsum(values) / len(values), 4) + 0.0  # + 0.0 turns -0.0 into 0.0


def _iso(ts: pd.Timestamp) -> str:
    return ts.to_pydatetime().astimezone(timezone.utc).isoformat()


def _pain_points(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [str(item) for item in value]


def _feedback_count(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    return len(fb), len(fb)


def _sentiment_avg(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    scores = [float(u["sentiment_score"]) for u in units if not _missing(u["sentiment_score"])]
    return _mean(scores), len(scores)


def _effort_avg(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    scores = [float(u["effort_score"]) for u in units if not _missing(u["effort_score"])]
    return _mean(scores), len(scores)


def _top_pain_points(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    counts: Counter[str] = Counter()
    n_units = 0
    for unit in units:
        names = set(_pain_points(unit["pain_points"]))  # a unit counts once per pain point
        n_units += bool(names)
        counts.update(names)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_PAIN_POINTS]
    return [[name, count] for name, count in ranked], n_units


def _themes(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    # -1 is the clusterer's "outlier" id: such units are unthemed, like NULL.
    themed = [int(u["theme_id"]) for u in units if not _missing(u["theme_id"]) and int(u["theme_id"]) >= 0]
    counts = Counter(themed)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [[theme_id, round(count / len(themed), 4)] for theme_id, count in ranked], len(themed)


def _last_feedback_at(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    return (_iso(max(row["created_at"] for row in fb)) if fb else None), len(fb)


def _channels(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    return sorted({str(row["channel"]) for row in fb}), len(fb)


def _window_mean(column: str) -> ComputeFn:
    def compute(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
        scores = [float(u[column]) for u in units if not _missing(u[column])]
        return _mean(scores), len(scores)

    return compute


def _sentiment_trend(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    # Least-squares slope of unit sentiment against its feedback's time, in score points per 30 days:
    # > 0 means the customer is getting happier, < 0 unhappier; null without two distinct instants.
    when = {row["feedback_key"]: row["created_at"] for row in fb}
    points = [((when[u["feedback_key"]] - pd.Timestamp(0, tz="UTC")).total_seconds() / 86_400.0,
               float(u["sentiment_score"])) for u in units if not _missing(u["sentiment_score"])]
    days = np.array([p[0] for p in points])
    if len(points) < 2 or np.ptp(days) == 0:
        return None, len(points)
    scores = np.array([p[1] for p in points])
    centred = days - days.mean()
    slope = float((centred * (scores - scores.mean())).sum() / (centred**2).sum())
    return round(slope * 30.0, 4) + 0.0, len(points)


def _effort_last(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    by_key: dict[str, list[float]] = defaultdict(list)
    for unit in units:
        if not _missing(unit["effort_score"]):
            by_key[unit["feedback_key"]].append(float(unit["effort_score"]))
    for row in reversed(fb):  # fb is sorted by time then key: the latest feedback that speaks of effort
        if by_key.get(row["feedback_key"]):
            return _mean(by_key[row["feedback_key"]]), len(by_key[row["feedback_key"]])
    return None, 0


def nps_category(score: int | None) -> str | None:
    """``"promoter"`` (9-10), ``"passive"`` (7-8), ``"detractor"`` (0-6), or None without a score."""
    if score is None:
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _nps_category(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    score, n = _nps_last(fb, units)
    return nps_category(score), n


def at_risk_reasons(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> list[str]:
    """The reasons of the cx.at_risk rule that hold for these (windowed) rows, sorted."""
    reasons = []
    sentiment, _ = _window_mean("sentiment_score")(fb, units)
    effort, _ = _window_mean("effort_score")(fb, units)
    if sentiment is not None and sentiment <= NEGATIVE_SENTIMENT:
        reasons.append("negative_sentiment")
    if effort is not None and effort <= HIGH_EFFORT:
        reasons.append("high_effort")
    if any(row.get("actionability") == "response_needed" for row in fb):
        reasons.append("response_needed")
    return sorted(reasons)


def _at_risk(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    return len(at_risk_reasons(fb, units)) >= AT_RISK_MIN_REASONS, len(fb)


def _at_risk_reasons(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    return at_risk_reasons(fb, units), len(fb)


def _nps_last(fb: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[Any, int]:
    surveys = [row for row in fb if row["channel"] == "survey" and not _missing(row["nps"])]
    if not surveys:
        return None, 0
    latest = max(surveys, key=lambda row: (row["created_at"], row["feedback_key"]))
    return int(latest["nps"]), len(surveys)


for _spec in (
    TraitSpec("cx.feedback_count", "int", "Number of feedback records (reviews, chats, surveys).", "count",
              compute=_feedback_count),
    TraitSpec("cx.sentiment_avg", "float", "Mean unit sentiment score in [-1, 1], 4 dp; null without scored units.",
              "mean", compute=_sentiment_avg),
    TraitSpec("cx.effort_avg", "float", "Mean customer effort in [-5, 5] over units that express effort, 4 dp; "
              "null when none do.", "mean", compute=_effort_avg),
    TraitSpec("cx.top_pain_points", "list", f"Top {TOP_PAIN_POINTS} pain points as [[name, units], ...], most "
              "frequent first, ties by name.", "top_k", compute=_top_pain_points),
    TraitSpec("cx.themes", "list", "Themes as [[theme_id, share of themed units], ...], largest first, ties by id; "
              "shares to 4 dp.", "share", compute=_themes),
    TraitSpec("cx.last_feedback_at", "datetime", "When the latest feedback was created (ISO 8601, UTC).",
              "most_recent", compute=_last_feedback_at),
    TraitSpec("cx.channels", "list", "Channels the customer gave feedback on, sorted.", "union",
              compute=_channels),
    TraitSpec("cx.nps_last", "int", "NPS 0-10 of the most recent survey that has one; null if none.",
              "most_recent", compute=_nps_last),
    TraitSpec("cx.nps_category", "str", "promoter (NPS 9-10), passive (7-8) or detractor (0-6) of cx.nps_last; "
              "null without one.", "most_recent", compute=_nps_category),
    TraitSpec("cx.sentiment_avg_90d", "float", "Mean unit sentiment in [-1, 1] over the 90 days up to as_of, 4 dp.",
              "mean", window=WINDOW_90D, compute=_window_mean("sentiment_score")),
    TraitSpec("cx.sentiment_trend_90d", "float", "Least-squares slope of unit sentiment over the 90 days up to "
              "as_of, in score points per 30 days: > 0 improving, < 0 worsening; null without two instants.",
              "slope", window=WINDOW_90D, compute=_sentiment_trend),
    TraitSpec("cx.effort_avg_90d", "float", "Mean customer effort over the 90 days up to as_of, 4 dp; -5 extreme effort .. +5 effortless.",
              "mean", window=WINDOW_90D, compute=_window_mean("effort_score")),
    TraitSpec("cx.effort_last", "float", "Mean effort of the most recent feedback that expresses effort.",
              "most_recent", compute=_effort_last),
    TraitSpec("cx.at_risk", "bool", f"True when at least {AT_RISK_MIN_REASONS} of cx.at_risk_reasons hold.",
              "rule", window=WINDOW_90D, compute=_at_risk),
    TraitSpec("cx.at_risk_reasons", "list", f"Which at-risk signals hold over the 90 days up to as_of, sorted: "
              f"negative_sentiment (mean <= {NEGATIVE_SENTIMENT}), high_effort (mean effort <= {HIGH_EFFORT} on "
              "the -5 extreme effort .. +5 effortless scale), "
              "response_needed (a feedback whose actionability is response_needed).", "rule",
              window=WINDOW_90D, compute=_at_risk_reasons),
    TraitSpec("cx.segments", "list", "Names of the pipeline's [[profiles.segments]] the customer belongs to, "
              "sorted.", "union"),
):
    declare_trait(_spec)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise StoreError(f"{what} frame lacks column(s) {missing}; expected at least {list(columns)}, "
                         f"got {list(frame.columns)}")


def compute_traits(
    feedback: pd.DataFrame,
    units: pd.DataFrame,
    names: Sequence[str] | None = None,
    as_of: datetime | None = None,
) -> TraitValues:
    """Compute declared traits per customer.

    Args:
        feedback: One row per feedback with columns ``feedback_key, customer_id, channel, created_at, nps``.
        units: One row per unit with ``feedback_key, sentiment_score, effort_score, pain_points, theme_id``
            and optionally ``speaker`` (only ``"customer"`` units count) and ``idx``/``unit_id``.
        names: Traits to compute; default every declared trait that has a compute function.
        as_of: End of the window for windowed traits; default the latest ``created_at`` in ``feedback``.

    Returns:
        ``{customer_id: {name: (value, n_units)}}`` for every customer with feedback created at or before
        ``as_of``, customers sorted. Feedback after ``as_of`` is ignored by every trait.

    Raises:
        StoreError: A name is undeclared or has no compute function, or a frame lacks a column.
    """
    if names is None:
        specs = [spec for spec in TRAITS.values() if spec.compute is not None]
    else:
        check_declared(names)
        specs = [TRAITS[name] for name in names]
        not_computed = [spec.name for spec in specs if spec.compute is None]
        if not_computed:
            raise StoreError(f"trait(s) {not_computed} are written by other components, not computed from units")
    computers = [(spec, spec.compute) for spec in specs if spec.compute is not None]
    _require_columns(feedback, FEEDBACK_COLUMNS, "feedback")
    _require_columns(units, UNIT_COLUMNS, "units")

    optional = [column for column in OPTIONAL_FEEDBACK_COLUMNS if column in feedback.columns]
    fb = feedback.loc[feedback["customer_id"].notna(), [*FEEDBACK_COLUMNS, *optional]].copy()
    fb["created_at"] = pd.to_datetime(fb["created_at"], utc=True)
    fb = fb.sort_values(["created_at", "feedback_key"], kind="stable")
    end: pd.Timestamp | None = fb["created_at"].max() if len(fb) else None
    if as_of is not None:
        end = pd.Timestamp(as_of)
        end = end.tz_localize("UTC") if end.tzinfo is None else end.tz_convert("UTC")
        fb = fb.loc[fb["created_at"] <= end]  # a profile as of a date knows nothing after it
    customer_of = dict(zip(fb["feedback_key"], fb["customer_id"].astype(str), strict=True))

    unit_cols = [c for c in ("feedback_key", "idx", "unit_id", "speaker", *UNIT_COLUMNS[1:]) if c in units.columns]
    us = units.loc[units["feedback_key"].isin(customer_of.keys()), unit_cols]
    if "speaker" in us.columns:
        us = us.loc[us["speaker"].isna() | (us["speaker"] == "customer")]
    us = us.sort_values([c for c in ("feedback_key", "idx", "unit_id") if c in us.columns], kind="stable")

    feedback_by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in fb.to_dict("records"):
        feedback_by[str(row["customer_id"])].append(row)
    units_by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in us.to_dict("records"):
        units_by[customer_of[row["feedback_key"]]].append(row)

    result: TraitValues = {}
    for customer_id in sorted(feedback_by):
        rows, unit_rows = feedback_by[customer_id], units_by.get(customer_id, [])
        values: dict[str, tuple[Any, int]] = {}
        for spec, compute in computers:
            if spec.window is not None and end is not None:
                start = end - spec.window
                window_rows = [row for row in rows if start <= row["created_at"] <= end]
                keys = {row["feedback_key"] for row in window_rows}
                values[spec.name] = compute(window_rows, [u for u in unit_rows if u["feedback_key"] in keys])
            else:
                values[spec.name] = compute(rows, unit_rows)
        result[customer_id] = values
    return result
