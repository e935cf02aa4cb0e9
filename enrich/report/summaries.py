"""Build the report's plain data from profile-store frames, so ``enrich report`` needs nothing but the store."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from enrich.report.themes_html import Quote, ThemeSummary

TOP_PAIN_POINTS = 8


def theme_summaries(
    themes: pd.DataFrame, units: pd.DataFrame, feedback: pd.DataFrame,
    groups: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
) -> list[ThemeSummary]:
    """One summary per active theme, from the store's ``themes``, ``units`` and ``feedback`` frames, with the
    top-level group (``theme_groups``) and the emerging flag of the latest fit (``theme_events``) when given."""
    if themes.empty:
        return []
    group_of = {
        int(child): row.label for row in (groups.itertuples() if groups is not None else []) for child in row.children
    }
    emerging: set[int] = set()
    if events is not None and len(events):
        latest = events[events["run_id"] == events["run_id"].iloc[-1]]
        emerging = {int(t) for t in latest.loc[latest["emerging"].astype(bool), "theme_id"]}
    active = themes[themes["status"] == "active"]
    channel_of = dict(zip(feedback["feedback_key"], feedback["channel"]))
    customer_units = units[units["speaker"] == "customer"]
    total = max(len(customer_units), 1)
    score_of = dict(zip(units["unit_id"], units["sentiment_score"]))
    summaries = []
    for theme in active.itertuples():
        members = customer_units[customer_units["theme_id"] == theme.theme_id]
        efforts = pd.to_numeric(members["effort_score"], errors="coerce").dropna()
        sentiments = pd.to_numeric(members["sentiment_score"], errors="coerce").dropna()
        pain_counts = Counter(p for points in members["pain_points"] for p in (points or []))
        quotes = [
            Quote(
                text=quote["text"],
                channel=channel_of.get(quote["feedback_key"], "review"),
                sentiment_score=_or_none(score_of.get(quote.get("unit_id"))),
                feedback_key=quote["feedback_key"],
            )
            for quote in (theme.quotes or [])
        ]
        summaries.append(ThemeSummary(
            theme_id=int(theme.theme_id),
            label=theme.label,
            key_phrases=list(theme.key_phrases or []),
            size=len(members),
            share=round(len(members) / total, 4),
            avg_sentiment=round(float(sentiments.mean()), 4) if len(sentiments) else None,
            avg_effort=round(float(efforts.mean()), 4) if len(efforts) else None,
            n_effort=len(efforts),
            channels=dict(Counter(channel_of.get(key, "review") for key in members["feedback_key"])),
            quotes=quotes,
            top_pain_points=sorted(pain_counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_PAIN_POINTS],
            group=group_of.get(int(theme.theme_id)),
            emerging=int(theme.theme_id) in emerging,
        ))
    return summaries


def _or_none(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
