"""Effort from its two heads over [unit embedding, sentiment log-probabilities, lexical effort cues] and the text:

- ``bucket`` (:class:`EffortBuckets`, saved as ``models/effort/presence.*``, the file name the pipeline's provenance
  hashes): probabilities of ``null`` (says nothing about effort), ``effortful`` (<= -2), ``mild`` (-1..0) and
  ``easy`` (>= +1), the average of a multinomial logistic over the dense inputs plus word 1-2-gram tf-idf and a
  one-hidden-layer MLP over the dense inputs;
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
from enrich.errors import ModelError
from enrich.features import TOKEN_PATTERN, NgramTfidf
from enrich.heads.artifact import load_artifact, save_artifact
from enrich.heads.linear import LinearHead

if TYPE_CHECKING:
    from enrich.components.sentiment import SentimentModel

BUCKETS = ("effortful", "easy", "mild", "null")
DECISIVE = ("effortful", "easy", "null")


#: Number of sentiment columns in the input (log-probabilities of negative, neutral, positive).
N_SENTIMENT = 3


def effort_inputs(embeddings: np.ndarray, texts: list[str], sentiment: "SentimentModel | None" = None,
                  probabilities: np.ndarray | None = None) -> np.ndarray:
    """The heads' input, float32.

    Args:
        embeddings: (n, 384) unit embeddings.
        texts: the n unit texts.
        sentiment: the sentiment model whose probabilities the heads were trained on, or None for heads trained
            without them (``meta["sentiment_inputs"]`` false or absent).
        probabilities: ``sentiment``'s probabilities of these units when already computed (n, 3), in its label
            order; computed here when None.

    Returns:
        (n, 384 + 3 + n_cues) with ``sentiment`` (embedding, log sentiment probabilities, :func:`effort_features`),
        else (n, 384 + n_cues). Sentiment separates opinion from process poorly on its own, but an easy unit is
        rarely negative and a neutral one is often null, which the embedding alone blurs.
    """
    parts = [np.asarray(embeddings, dtype=np.float32)]
    if sentiment is not None:
        if probabilities is None:
            probabilities = sentiment.predict_proba(parts[0], texts)
        parts.append(np.log(np.asarray(probabilities) + 1e-4).astype(np.float32))
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


class EffortBuckets:
    """Bucket probabilities over ``BUCKETS``: ``(1 - mlp_weight)`` x logistic + ``mlp_weight`` x MLP.

    The logistic's logits are ``linear`` on the standardised dense inputs plus ``ngrams`` on the text (fitted
    jointly); the MLP (one ReLU layer, softmax out) reads the same standardised dense inputs. Everything is saved in
    one ``<name>.safetensors`` + ``<name>.json`` pair, so a hash of the safetensors file covers the whole decision.

    Args:
        linear: softmax head over the dense inputs (its ``mean``/``scale`` standardise the MLP's input too).
        ngrams: (4, V) n-gram tf-idf weights added to ``linear``'s logits.
        hidden_weights: (h, n_features) float32; hidden_bias: (h,).
        out_weights: (4, h) float32; out_bias: (4,). Rows in ``linear.labels`` order.
        mlp_weight: float in [0, 1], the MLP's share of the average.

    Example:
        >>> buckets = EffortBuckets.load(models_dir() / "effort", "presence")   # doctest: +SKIP
        >>> buckets.predict_proba(inputs, texts).shape                          # doctest: +SKIP
        (n, 4)
    """

    def __init__(self, linear: LinearHead, ngrams: NgramTfidf, hidden_weights: np.ndarray, hidden_bias: np.ndarray,
                 out_weights: np.ndarray, out_bias: np.ndarray, mlp_weight: float):
        if linear.mean is None or linear.scale is None:
            raise ModelError("EffortBuckets needs a linear head with mean/scale (the MLP reads standardised inputs)")
        self.linear, self.ngrams = linear, ngrams
        self.hidden_weights = np.asarray(hidden_weights, dtype=np.float32)
        self.hidden_bias = np.asarray(hidden_bias, dtype=np.float32)
        self.out_weights = np.asarray(out_weights, dtype=np.float32)
        self.out_bias = np.asarray(out_bias, dtype=np.float32)
        self.mlp_weight = float(mlp_weight)

    @property
    def labels(self) -> list[str]:
        return list(self.linear.labels)

    @property
    def meta(self) -> dict:
        return self.linear.meta

    def predict_proba(self, inputs: np.ndarray, texts: list[str]) -> np.ndarray:
        """(n, 4) probabilities in ``labels`` order, rows summing to 1."""
        logistic = _softmax(self.linear.decision(inputs) + self.ngrams.decision(texts))
        standardised = (np.asarray(inputs, dtype=np.float32) - self.linear.mean) / self.linear.scale
        hidden = np.maximum(standardised @ self.hidden_weights.T + self.hidden_bias, 0.0)
        mlp = _softmax(hidden @ self.out_weights.T + self.out_bias)
        return (1.0 - self.mlp_weight) * logistic + self.mlp_weight * mlp

    def save(self, directory: str | Path, name: str) -> Path:
        """Write ``<name>.safetensors`` (every array) and ``<name>.json`` (labels, vocabulary, meta)."""
        tensors = {
            "weights": self.linear.weights, "bias": self.linear.bias, "mean": self.linear.mean,
            "scale": self.linear.scale, "ngram_idf": self.ngrams.idf, "ngram_weights": self.ngrams.weights,
            "mlp_hidden_weights": self.hidden_weights, "mlp_hidden_bias": self.hidden_bias,
            "mlp_out_weights": self.out_weights, "mlp_out_bias": self.out_bias,
        }
        header = {
            "kind": "effort_buckets", "labels": self.labels, "mlp_weight": self.mlp_weight, "meta": self.meta,
            "max_n": self.ngrams.max_n, "token_pattern": TOKEN_PATTERN, "vocabulary": self.ngrams.vocabulary,
        }
        tensors = {key: np.ascontiguousarray(value, dtype=np.float32) for key, value in tensors.items()}
        return save_artifact(directory, name, tensors, header, ensure_ascii=False, sort_keys=True)

    @classmethod
    def load(cls, directory: str | Path, name: str) -> "EffortBuckets":
        """Read a pair written by :meth:`save`.

        Raises:
            ModelError: the files are missing, were written by an older effort head (retrain with
                ``enrich train effort``), or use another tokenizer.
        """
        tensors, header = load_artifact(directory, name, "effort bucket head")
        if header.get("kind") != "effort_buckets":
            raise ModelError(f"{Path(directory) / name}.json is a {header.get('kind')!r} head, expected "
                             f"'effort_buckets' (written by an older release); retrain: enrich train effort")
        if header.get("token_pattern") != TOKEN_PATTERN:
            raise ModelError(f"effort bucket head in {directory} was saved with another tokenizer; "
                             f"retrain: enrich train effort")
        linear = LinearHead(weights=tensors["weights"], bias=tensors["bias"], kind="softmax", labels=header["labels"],
                            mean=tensors["mean"], scale=tensors["scale"], meta=header.get("meta", {}))
        ngrams = NgramTfidf(header["vocabulary"], tensors["ngram_idf"], tensors["ngram_weights"], header["max_n"])
        return cls(linear, ngrams, tensors["mlp_hidden_weights"], tensors["mlp_hidden_bias"],
                   tensors["mlp_out_weights"], tensors["mlp_out_bias"], header["mlp_weight"])


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def effort_raw_score(score: LinearHead, inputs: np.ndarray) -> np.ndarray:
    """The regression head's value, clipped to [-5, 5] (n,), before the bucket decision."""
    return np.clip(score.predict_value(inputs), -5.0, 5.0)


def predict_effort(bucket: EffortBuckets, score: LinearHead, inputs: np.ndarray, texts: list[str]) -> np.ndarray:
    """Effort per row: float in [-5, 5] rounded to 0.1, NaN where the unit says nothing about effort.

    Args:
        bucket: the bucket head (labels a permutation of ``BUCKETS``).
        score: the linear score head.
        inputs: (n, n_features) float32 from :func:`effort_inputs`.
        texts: the n unit texts (the bucket head's n-gram block reads them).

    Returns:
        (n,) float64 effort scores, NaN for null.
    """
    probabilities = bucket.predict_proba(inputs, texts)
    labels = list(bucket.labels)
    decisive = [labels.index(name) for name in DECISIVE]
    choice = np.array(DECISIVE)[probabilities[:, decisive].argmax(axis=1)]
    values = effort_raw_score(score, inputs).astype(np.float64)  # float64: round(0.1) must survive into JSON
    values = np.where(choice == "effortful", np.minimum(values, -2.0), values)
    values = np.where(choice == "easy", np.maximum(values, 1.0), values)
    return np.where(choice == "null", np.nan, values.round(1))
