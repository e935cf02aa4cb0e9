"""Themes over everything in a profile store: fit the Themer on every scored customer unit, keep theme ids stable
through the :class:`~enrich.themes.registry.ThemeRegistry`, and write themes, the top level, lineage events and
each unit's theme back. :func:`assign_store_themes` assigns units that have no theme yet to the known themes
without refitting (streaming, a matrix product per chunk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from enrich.encoder import text_hash
from enrich.themes.registry import MATCH_THRESHOLD, ThemeRegistry
from enrich.themes.themer import Themer

MATCH_FLOOR = MATCH_THRESHOLD  # kept for callers of the earlier name


@dataclass(frozen=True)
class ThemeFit:
    n_units: int
    n_themes: int
    n_unthemed: int
    units_changed: int
    n_top_themes: int = 0
    emerging: tuple[int, ...] = ()


def _scorable_units(units: pd.DataFrame) -> pd.DataFrame:
    mask = (units["speaker"] == "customer") & (units["language"].fillna("en") == "en")
    return units[mask & units["text"].str.strip().astype(bool)].sort_values("unit_id", kind="stable")


def _units_with_vectors(store, model_hash: str, units: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    hashes = [text_hash(text) for text in units["text"]]
    vectors = store.cached_embeddings(hashes, model_hash)
    have = np.array([h in vectors for h in hashes], dtype=bool)
    units = units[have] if len(units) else units
    kept = [h for h, ok in zip(hashes, have) if ok]
    return units, (np.stack([vectors[h] for h in kept]) if kept else np.zeros((0, 384), dtype=np.float32))


def fit_store_themes(store, themer: Themer, model_hash: str, run_id: str) -> ThemeFit:
    """Fit ``themer`` on the store's units (embeddings from the store's cache) and write the results.

    Args:
        store: a :class:`~enrich.store.ProfileStore`.
        themer: an unfitted Themer.
        model_hash: the encoder weights hash the unit embeddings were cached under.
        run_id: the run recorded on changed themes and lineage events.
    """
    units, embeddings = _units_with_vectors(store, model_hash, _scorable_units(store.units_frame()))
    registry = ThemeRegistry(store, reassign_floor=float(themer.reassign_floor))
    if units.empty:
        _, events = registry.match(np.zeros((0, 384), dtype=np.float32), [])
        store.replace_themes([], run_id)
        store.record_theme_lineage(events, [], run_id)
        return ThemeFit(0, 0, 0, 0)
    texts = units["text"].tolist()
    themer.fit(embeddings, texts)
    ids, events = registry.match(themer.centroids_, [theme.size for theme in themer.themes_])
    stable = np.asarray(ids, dtype=np.int64)
    labels = np.where(themer.labels_ >= 0, stable[np.maximum(themer.labels_, 0)] if len(ids) else -1, -1)

    def quotes(indices: list[int]) -> list[dict]:
        return [{"text": texts[i], "feedback_key": units["feedback_key"].iloc[i], "unit_id": units["unit_id"].iloc[i]}
                for i in indices[:3]]

    rows = []
    for theme in themer.themes_:
        members = units[labels == ids[theme.theme_id]]
        rows.append({
            "theme_id": ids[theme.theme_id], "label": theme.label, "key_phrases": theme.key_phrases,
            "size": theme.size, "centroid": theme.centroid, "quotes": quotes(theme.quote_indices),
            "avg_sentiment": _mean(members["sentiment_score"]), "avg_effort": _mean(members["effort_score"]),
        })
    groups = [{"group_id": top.theme_id, "label": top.label, "key_phrases": top.key_phrases, "size": top.size,
               "children": [ids[c] for c in top.children], "quotes": quotes(top.quote_indices)}
              for top in themer.top_themes_]
    store.replace_themes(rows, run_id)
    store.record_theme_lineage(events, groups, run_id)
    theme_by_unit = {unit_id: (None if label < 0 else int(label)) for unit_id, label in zip(units["unit_id"], labels)}
    changed = store.set_unit_themes(theme_by_unit)
    emerging = tuple(e["theme_id"] for e in events if e["emerging"])
    return ThemeFit(len(units), len(rows), int((labels < 0).sum()), changed, len(groups), emerging)


def assign_store_themes(store, model_hash: str, reassign_floor: float = 0.45, chunk_size: int = 8192) -> int:
    """Give every scored unit without a theme its nearest known theme (no refit); returns how many changed."""
    units = _scorable_units(store.units_frame())
    units = units[units["theme_id"].isna()]
    registry = ThemeRegistry(store, reassign_floor=reassign_floor)
    changed = 0
    for start in range(0, len(units), chunk_size):
        chunk, vectors = _units_with_vectors(store, model_hash, units.iloc[start : start + chunk_size])
        labels = registry.assign(vectors)
        changed += store.set_unit_themes({u: (None if t < 0 else int(t)) for u, t in zip(chunk["unit_id"], labels)})
    return changed


def _mean(values: pd.Series) -> float | None:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return round(float(values.mean()), 4) if len(values) else None
