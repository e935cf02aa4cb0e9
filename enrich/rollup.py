"""Unit annotations rolled up to feedback, and unit rows shaped for the profile store.

Feedback-level rules (stated, so analysts can rely on them):
- sentiment: the mean of the scored units' class probabilities; label = argmax, score = P(pos) - P(neg).
  So "great app but checkout keeps failing" keeps its two opposite units and rolls up to a middling score.
- effort: the mean of the units' non-null effort scores; NaN when no unit speaks of effort.
- pain points: the units' pain points, in order, without repeats.
- theme: the most frequent theme among the units (ties: the smallest id); ``theme_ids`` lists them all.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from enrich.components.batch import Batch
from enrich.schema import Feedback

LABELS = ("negative", "neutral", "positive")


def unit_rows(batch: Batch, theme_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """One dict per unit with every annotation, in the profile store's ``units`` shape."""
    columns = {name: batch.column(name) for name in
               ("sentiment_label", "sentiment_score", "sentiment_probs", "effort_score", "pain_points")}
    languages = batch.column("language", "en")
    rows = []
    for i, unit in enumerate(batch.units):
        rows.append({
            "unit_id": unit.unit_id,
            "feedback_key": unit.feedback_key,
            "idx": unit.index,
            "text": unit.text,
            "speaker": unit.speaker,
            "sentiment_label": columns["sentiment_label"][i],
            "sentiment_score": columns["sentiment_score"][i],
            "sentiment_probs": columns["sentiment_probs"][i],
            "effort_score": columns["effort_score"][i],
            "pain_points": columns["pain_points"][i] or [],
            "theme_id": None if theme_ids is None or theme_ids[i] < 0 else int(theme_ids[i]),
            "language": languages[i],
        })
    return rows


def feedback_rows(batch: Batch) -> list[dict[str, Any]]:
    """Feedback-level enrichments of a batch, in the profile store's ``feedback_enrichments`` shape."""
    per_key: dict[str, list[tuple[dict[str, Any], int]]] = {}
    for row in unit_rows(batch):
        per_key.setdefault(row["feedback_key"], []).append((row, -1))
    actionability = batch.feedback_annotations.get("actionability", {})
    rows = []
    for record in batch.feedback:
        rolled = _rollup_one(per_key.get(record.key, []), {})
        rows.append({
            "feedback_key": record.key,
            "sentiment_label": rolled["sentiment_label"],
            "sentiment_score": None if np.isnan(rolled["sentiment_score"]) else rolled["sentiment_score"],
            "effort_score": None if np.isnan(rolled["effort_score"]) else rolled["effort_score"],
            "actionability": actionability.get(record.key),
            "language": rolled["language"],
            "n_units": rolled["n_units"],
        })
    return rows


def feedback_rollup(
    records: list[Feedback], batches: list[Batch], theme_ids: list[int], theme_labels: dict[int, str]
) -> pd.DataFrame:
    """Per-feedback enrichment, one row per record in ``records`` order.

    Args:
        records: the feedback, in the order rows are wanted.
        batches: the enriched batches that hold those records' units.
        theme_ids: theme id per unit across ``batches`` in order (-1 = unthemed).
        theme_labels: theme id -> readable name.
    """
    per_key: dict[str, list[tuple[dict[str, Any], int]]] = {}
    offset = 0
    for batch in batches:
        for row in unit_rows(batch):
            per_key.setdefault(row["feedback_key"], []).append((row, theme_ids[offset]))
            offset += 1
    out = [_rollup_one(per_key.get(record.key, []), theme_labels) for record in records]
    return pd.DataFrame(out)


def _rollup_one(units: list[tuple[dict[str, Any], int]], theme_labels: dict[int, str]) -> dict[str, Any]:
    probabilities = [row["sentiment_probs"] for row, _ in units if row["sentiment_probs"]]
    label, score = None, np.nan
    if probabilities:
        mean = np.array([[p[name] for name in LABELS] for p in probabilities]).mean(axis=0)
        label, score = LABELS[int(mean.argmax())], round(float(mean[2] - mean[0]), 4)
    efforts = [row["effort_score"] for row, _ in units if row["effort_score"] is not None]
    pain_points: list[str] = []
    for row, _ in units:
        pain_points += [p for p in row["pain_points"] if p not in pain_points]
    themes = [theme for _, theme in units if theme >= 0]
    counts = Counter(themes)
    top = min(counts, key=lambda t: (-counts[t], t)) if counts else -1
    languages = Counter(row["language"] for row, _ in units)
    return {
        "sentiment_label": label,
        "sentiment_score": score,
        "effort_score": round(float(np.mean(efforts)), 2) if efforts else np.nan,
        "pain_points": pain_points,
        "theme_id": top,
        "theme_label": theme_labels.get(top),
        "theme_ids": sorted(counts),
        "language": languages.most_common(1)[0][0] if languages else None,
        "n_units": len(units),
    }
