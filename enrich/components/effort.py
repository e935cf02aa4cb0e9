"""``effort.v1``: customer effort per unit on -5 (extreme effort) .. +5 (effortless), None when the unit says
nothing about effort, from the heads in ``models/effort/`` (see its card) over the shared embedding, cheap
lexical cues and word n-grams of the unit's text, plus the sentiment model's probabilities when the heads were
trained on them."""

from __future__ import annotations

import warnings

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.components.sentiment import stored_probabilities
from enrich.heads.effort import EffortBuckets, effort_inputs, predict_effort, sentiment_fingerprint
from enrich.heads.linear import LinearHead
from enrich.paths import models_dir


@register("effort.v1", assigns=("effort",), requires=("units", "embeddings"))
class EffortScorer:
    """Scores customer units in English; agent/system turns, blank and non-English units stay None.

    Example:
        >>> scorer = EffortScorer()                      # doctest: +SKIP
        >>> scorer.set_annotations(batch, scorer.predict(batch))   # batch.annotations["effort_score"]
    """

    def __init__(self, presence: EffortBuckets | None = None, score: LinearHead | None = None, sentiment=None):
        self.presence = presence or EffortBuckets.load(models_dir() / "effort", "presence")
        self.score = score or LinearHead.load(models_dir() / "effort", "score")
        self.sentiment = sentiment
        if self.sentiment is None and self.presence.meta.get("sentiment_inputs"):
            from enrich.components.sentiment import SentimentModel

            self.sentiment = SentimentModel.load()
            trained_on = self.presence.meta.get("sentiment_weights_sha256")
            if trained_on and trained_on != sentiment_fingerprint(models_dir() / "sentiment"):
                # A warning, not an error: the sentiment model has its own owner and release cycle, and a shifted
                # input degrades effort gracefully rather than making it meaningless.
                warnings.warn(
                    "models/sentiment changed since the effort heads were trained on its probabilities; "
                    "effort figures in models/effort/card.md may no longer hold; retrain: enrich train effort",
                    stacklevel=2,
                )

    def predict(self, batch: Batch) -> list[float | None]:
        efforts: list[float | None] = [None] * len(batch.units)
        mask = batch.scorable()
        if mask.any():
            rows = np.flatnonzero(mask)
            texts = [batch.units[row].text for row in rows]
            probabilities = (stored_probabilities(batch, rows, self.sentiment.labels) if self.sentiment is not None
                             else None)
            inputs = effort_inputs(batch.embeddings[mask], texts, self.sentiment, probabilities)
            values = predict_effort(self.presence, self.score, inputs, texts)
            for row, value in zip(rows, values):
                efforts[row] = None if np.isnan(value) else float(value)
        return efforts

    def set_annotations(self, batch: Batch, efforts: list[float | None]) -> None:
        batch.annotations["effort_score"] = efforts
