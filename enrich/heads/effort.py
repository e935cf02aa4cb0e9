"""Effort from its two heads over [unit embedding, sentiment log-probabilities, lexical effort cues]:

- ``bucket`` (saved as ``models/effort/presence.*``, the file name the pipeline's provenance hashes): softmax over ``null`` (says nothing about effort), ``effortful`` (<= -2), ``mild`` (-1..0) and
  ``easy`` (>= +1);
- ``score``: ridge regression of the -5..+5 label, fitted on labelled units only.

Rule: the unit is null when ``null`` is the likeliest bucket. Otherwise the score is the regression value,
moved into the likeliest of the three decisive buckets (effortful/easy/null) when it falls outside it, so the
number and the bucket never disagree: ``effortful`` caps it at -2, ``easy`` floors it at +1. ``mild`` is never
chosen as a bucket on its own (it is a middle band the rubric keeps fuzzy); its probability still informs the
softmax. Inference is numpy only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from enrich.effort_features import effort_features
from enrich.heads.linear import LinearHead

if TYPE_CHECKING:
    from enrich.components.sentiment import SentimentModel

BUCKETS = ("effortful", "easy", "mild", "null")
DECISIVE = ("effortful", "easy", "null")


#: Number of sentiment columns in the input (log-probabilities of negative, neutral, positive).
N_SENTIMENT = 3


def effort_inputs(embeddings: np.ndarray, texts: list[str], sentiment: "SentimentModel | None" = None) -> np.ndarray:
    """The heads' input, float32.

    Args:
        embeddings: (n, 384) unit embeddings.
        texts: the n unit texts.
        sentiment: the sentiment model whose probabilities the heads were trained on, or None for heads trained
            without them (``meta["sentiment_inputs"]`` false or absent).

    Returns:
        (n, 384 + 3 + n_cues) with ``sentiment`` (embedding, log sentiment probabilities, :func:`effort_features`),
        else (n, 384 + n_cues). Sentiment separates opinion from process poorly on its own, but an easy unit is
        rarely negative and a neutral one is often null, which the embedding alone blurs.
    """
    parts = [np.asarray(embeddings, dtype=np.float32)]
    if sentiment is not None:
        parts.append(np.log(sentiment.predict_proba(parts[0], texts) + 1e-4).astype(np.float32))
    parts.append(effort_features(texts))
    return np.hstack(parts)


def sentiment_fingerprint(directory: str | Path) -> str:
    """SHA-256 over the sentiment model's weight files (``*.safetensors`` under ``directory``, sorted by name).

    The effort heads record it at training time; a different value at load means the sentiment model was retrained
    since, so the effort inputs have shifted.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.safetensors")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def effort_raw_score(score: LinearHead, inputs: np.ndarray) -> np.ndarray:
    """The regression head's value, clipped to [-5, 5] (n,), before the bucket decision."""
    return np.clip(score.predict_value(inputs), -5.0, 5.0)


def predict_effort(bucket: LinearHead, score: LinearHead, inputs: np.ndarray) -> np.ndarray:
    """Effort per row: float in [-5, 5] rounded to 0.1, NaN where the unit says nothing about effort.

    Args:
        bucket: the softmax bucket head (labels a permutation of ``BUCKETS``).
        score: the linear score head.
        inputs: (n, n_features) float32 from :func:`effort_inputs`.

    Returns:
        (n,) float64 effort scores, NaN for null.
    """
    probabilities = bucket.predict_proba(inputs)
    labels = list(bucket.labels)
    decisive = [labels.index(name) for name in DECISIVE]
    choice = np.array(DECISIVE)[probabilities[:, decisive].argmax(axis=1)]
    values = effort_raw_score(score, inputs).astype(np.float64)  # float64: round(0.1) must survive into JSON
    values = np.where(choice == "effortful", np.minimum(values, -2.0), values)
    values = np.where(choice == "easy", np.maximum(values, 1.0), values)
    return np.where(choice == "null", np.nan, values.round(1))
