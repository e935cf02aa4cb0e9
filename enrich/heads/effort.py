"""Effort from its two heads: presence (is effort mentioned at all?) and score (-5..+5)."""

from __future__ import annotations

import numpy as np

from enrich.heads.linear import LinearHead

PRESENCE_THRESHOLD = 0.5


def predict_effort(presence: LinearHead, score: LinearHead, features: np.ndarray) -> np.ndarray:
    """Effort per row: float in [-5, 5] rounded to 0.1, NaN where the unit says nothing about effort.

    Args:
        features: (n, n_features) float32, the heads' input (the unit embeddings).
    """
    values = np.clip(score.predict_value(features), -5.0, 5.0).round(1)
    return np.where(presence.predict_proba(features) >= PRESENCE_THRESHOLD, values, np.nan)
