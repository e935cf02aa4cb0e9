"""``sentiment.v1``: label in {negative, neutral, positive} and score in [-1, 1] per unit, from the trained
head in ``models/sentiment/`` (see its card for held-out figures). Non-English and non-customer units get None."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.heads.linear import LinearHead
from enrich.paths import models_dir


@dataclass
class SentimentPredictions:
    labels: list[str | None]
    scores: list[float | None]
    probabilities: list[dict[str, float] | None]


@register("sentiment.v1", assigns=("sentiment",), requires=("units", "embeddings"))
class SentimentScorer:
    def __init__(self, head: LinearHead | None = None):
        self.head = head or LinearHead.load(models_dir() / "sentiment", "head")

    def predict(self, batch: Batch) -> SentimentPredictions:
        n = len(batch.units)
        predictions = SentimentPredictions([None] * n, [None] * n, [None] * n)
        mask = batch.scorable()
        if not mask.any():
            return predictions
        probabilities = self.head.predict_proba(batch.embeddings[mask])
        labels = self.head.labels
        negative, positive = labels.index("negative"), labels.index("positive")
        for row, p in zip(np.flatnonzero(mask), probabilities):
            predictions.labels[row] = labels[int(p.argmax())]
            predictions.scores[row] = round(float(p[positive] - p[negative]), 4)
            predictions.probabilities[row] = {label: round(float(v), 4) for label, v in zip(labels, p)}
        return predictions

    def set_annotations(self, batch: Batch, predictions: SentimentPredictions) -> None:
        batch.annotations["sentiment_label"] = predictions.labels
        batch.annotations["sentiment_score"] = predictions.scores
        batch.annotations["sentiment_probs"] = predictions.probabilities
