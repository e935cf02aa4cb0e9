"""Themes over everything in a profile store: fit the Themer on every scored customer unit, write themes and
each unit's theme back.

Theme ids from one fit to the next: a fitted theme keeps the id of the stored theme whose centroid is most
similar (cosine >= ``MATCH_FLOOR``, each stored theme matched at most once, best pairs first); other themes get
new ids above every id ever used. So a re-run over the same units keeps every id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from enrich.encoder import text_hash
from enrich.themes.themer import Themer

MATCH_FLOOR = 0.9


@dataclass(frozen=True)
class ThemeFit:
    n_units: int
    n_themes: int
    n_unthemed: int
    units_changed: int


def _scorable_units(units: pd.DataFrame) -> pd.DataFrame:
    mask = (units["speaker"] == "customer") & (units["language"].fillna("en") == "en")
    return units[mask & units["text"].str.strip().astype(bool)].sort_values("unit_id", kind="stable")


def match_ids(centroids: np.ndarray, stored: pd.DataFrame) -> list[int]:
    """Stable ids for fitted centroids (rows of ``centroids``, L2-normalised), given the stored themes."""
    known = stored.dropna(subset=["centroid"]) if len(stored) else stored
    next_id = int(stored["theme_id"].max()) + 1 if len(stored) else 0
    ids: list[int | None] = [None] * len(centroids)
    if len(known) and len(centroids):
        stored_vectors = np.stack([np.frombuffer(blob, dtype="<f4") for blob in known["centroid"]])
        similarity = centroids @ stored_vectors.T
        used: set[int] = set()
        for flat in np.argsort(-similarity, axis=None, kind="stable"):
            row, col = divmod(int(flat), similarity.shape[1])
            if similarity[row, col] < MATCH_FLOOR:
                break
            if ids[row] is None and col not in used:
                ids[row] = int(known["theme_id"].iloc[col])
                used.add(col)
    for row in range(len(ids)):
        if ids[row] is None:
            ids[row], next_id = next_id, next_id + 1
    return [int(i) for i in ids]


def fit_store_themes(store, themer: Themer, model_hash: str, run_id: str) -> ThemeFit:
    """Fit ``themer`` on the store's units (embeddings from the store's cache) and write the results.

    Args:
        store: a :class:`~enrich.store.ProfileStore`.
        themer: an unfitted Themer.
        model_hash: the encoder weights hash the unit embeddings were cached under.
        run_id: the run recorded on changed themes.
    """
    units = _scorable_units(store.units_frame())
    hashes = [text_hash(text) for text in units["text"]]
    vectors = store.cached_embeddings(hashes, model_hash)
    have = np.array([h in vectors for h in hashes], dtype=bool)
    units, hashes = units[have], [h for h, ok in zip(hashes, have) if ok]
    if units.empty:
        store.replace_themes([], run_id)
        return ThemeFit(0, 0, 0, 0)
    embeddings = np.stack([vectors[h] for h in hashes])
    texts = units["text"].tolist()
    themer.fit(embeddings, texts)
    ids = match_ids(themer.centroids_, store.themes_frame()) if themer.themes_ else []
    local_to_stable = dict(zip((theme.theme_id for theme in themer.themes_), ids))
    labels = np.array([local_to_stable.get(int(label), -1) for label in themer.labels_])
    rows = []
    for theme in themer.themes_:
        stable = local_to_stable[theme.theme_id]
        members = units[labels == stable]
        quotes = [
            {"text": texts[i], "feedback_key": units["feedback_key"].iloc[i], "unit_id": units["unit_id"].iloc[i]}
            for i in theme.quote_indices[:3]
        ]
        rows.append({
            "theme_id": stable,
            "label": theme.label,
            "key_phrases": theme.key_phrases,
            "size": theme.size,
            "centroid": theme.centroid,
            "quotes": quotes,
            "avg_sentiment": _mean(members["sentiment_score"]),
            "avg_effort": _mean(members["effort_score"]),
        })
    store.replace_themes(rows, run_id)
    theme_by_unit = {unit_id: (None if label < 0 else int(label)) for unit_id, label in zip(units["unit_id"], labels)}
    changed = store.set_unit_themes(theme_by_unit)
    return ThemeFit(len(units), len(rows), int((labels < 0).sum()), changed)


def _mean(values: pd.Series) -> float | None:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return round(float(values.mean()), 4) if len(values) else None
