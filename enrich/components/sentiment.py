"""``sentiment.v1``: label in {negative, neutral, positive}, score in [-1, 1] and calibrated probabilities per
unit, from the trained model in ``models/sentiment/`` (see its card for held-out figures).
Non-English and non-customer units get None.

The model reads the unit embeddings of the shared encoder pass (``batch.embeddings``) plus cheap lexical
features of the unit texts (``enrich.features``); it never re-encodes text. A pipeline may instead name a local
Hugging Face classifier in ``[sentiment] model_path`` (``enrich.transformers_backend``), which reads the texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.errors import ModelError
from enrich.features import FEATURE_NAMES, NgramTfidf, lexical_features
from enrich.heads.linear import LinearHead

if TYPE_CHECKING:
    from enrich.config import PipelineConfig
from enrich.paths import models_dir


@dataclass
class SentimentModel:
    """Softmax over ``dense([embedding, lexical features]) + ngrams(text)``, divided by a fitted temperature.

    Args:
        dense: softmax-kind LinearHead over ``[embedding (384), lexical_features (len(FEATURE_NAMES))]``;
            its ``meta["temperature"]`` (default 1.0) divides the logits.
        ngrams: word n-gram tf-idf term added to the logits, or None for an embedding-only model.

    Example:
        >>> model = SentimentModel.load()                                       # doctest: +SKIP
        >>> model.predict_proba(vectors, ["not bad at all"]).round(2)           # doctest: +SKIP
        array([[0.03, 0.12, 0.85]], dtype=float32)
    """

    dense: LinearHead
    ngrams: NgramTfidf | None = None

    @property
    def labels(self) -> list[str]:
        return self.dense.labels

    @property
    def meta(self) -> dict:
        return self.dense.meta

    @property
    def temperature(self) -> float:
        return float(self.dense.meta.get("temperature", 1.0))

    @classmethod
    def load(cls, directory: str | Path | None = None) -> "SentimentModel":
        directory = Path(directory) if directory else models_dir() / "sentiment"
        dense = LinearHead.load(directory, "head")
        names = dense.meta.get("lexical_features")
        if names is not None and tuple(names) != FEATURE_NAMES:
            raise ModelError(
                f"{directory}/head.json was trained on lexical features {names}, but enrich.features now computes "
                f"{list(FEATURE_NAMES)}; retrain: enrich train sentiment"
            )
        ngrams = NgramTfidf.load(directory, "ngrams") if dense.meta.get("ngrams") else None
        return cls(dense, ngrams)

    def logits(self, embeddings: np.ndarray, texts: list[str]) -> np.ndarray:
        """Calibrated logits (n, 3) in ``labels`` order."""
        if len(texts) != len(embeddings):
            raise ModelError(f"got {len(embeddings)} embeddings for {len(texts)} texts; they must align")
        features = embeddings
        if "lexical_features" in self.dense.meta:
            features = np.hstack([embeddings, lexical_features(texts)])
        z = self.dense.decision(features)
        if self.ngrams is not None:
            z = z + self.ngrams.decision(texts)
        return z / self.temperature

    def predict_proba(self, embeddings: np.ndarray, texts: list[str]) -> np.ndarray:
        """Class probabilities: float (n, 3), rows sum to 1, columns in ``labels`` order."""
        z = self.logits(embeddings, texts)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def stored_probabilities(batch: Batch, rows: list[int] | np.ndarray, labels: list[str]) -> np.ndarray | None:
    """The probabilities ``sentiment.v1`` set on ``rows`` of ``batch``, (len(rows), 3) in ``labels`` order.

    Heads that take sentiment probabilities as inputs (effort, actionability) read them here instead of running the
    sentiment model again on the same embeddings. ``None`` when any row has none (no ``sentiment.v1`` in the
    pipeline, a unit it did not score, or ``sentiment.v1`` running a plugged-in Hugging Face model, whose
    probabilities are not the inputs those heads were trained on); the caller then computes them itself.
    """
    column = batch.annotations.get("sentiment_head_probs")
    if column is None:
        return None
    stored = [column[row] for row in rows]
    if any(p is None or set(p) != set(labels) for p in stored):
        return None
    matrix = np.array([[p[label] for label in labels] for p in stored], dtype=np.float64)
    return matrix.reshape(len(stored), len(labels))


@dataclass
class SentimentPredictions:
    labels: list[str | None]
    scores: list[float | None]
    probabilities: list[dict[str, float] | None]


@register("sentiment.v1", assigns=("sentiment",), requires=("units", "embeddings"))
class SentimentScorer:
    """Unit sentiment from the trained model; blank, non-English and non-customer units stay None.

    Args:
        model: The model; default enrich's trained head, or the Hugging Face classifier that the pipeline
            config's ``[sentiment] model_path`` names.
        config: The pipeline config.
    """

    def __init__(self, model: SentimentModel | None = None, config: PipelineConfig | None = None):
        settings = config.sentiment if config is not None else None
        if model is None and settings is not None and settings.model_path is not None:
            from enrich.transformers_backend import TransformersSentiment

            model = TransformersSentiment(settings.model_path, settings.labels, settings.batch_size,
                                          settings.max_length)
        self.model = model or SentimentModel.load()

    def predict(self, batch: Batch) -> SentimentPredictions:
        n = len(batch.units)
        predictions = SentimentPredictions([None] * n, [None] * n, [None] * n)
        mask = batch.scorable()
        if not mask.any():
            return predictions
        rows = np.flatnonzero(mask)
        texts = [batch.units[row].text for row in rows]
        probabilities = self.model.predict_proba(batch.embeddings[mask], texts)
        labels = self.model.labels
        negative, positive = labels.index("negative"), labels.index("positive")
        for row, p in zip(rows, probabilities):
            predictions.labels[row] = labels[int(p.argmax())]
            predictions.scores[row] = round(float(p[positive] - p[negative]), 4)
            predictions.probabilities[row] = {label: float(v) for label, v in zip(labels, p)}  # rounded on output
        return predictions

    def set_annotations(self, batch: Batch, predictions: SentimentPredictions) -> None:
        batch.annotations["sentiment_label"] = predictions.labels
        batch.annotations["sentiment_score"] = predictions.scores
        batch.annotations["sentiment_probs"] = predictions.probabilities
        if isinstance(self.model, SentimentModel):  # the inputs effort and actionability were trained on
            batch.annotations["sentiment_head_probs"] = predictions.probabilities
