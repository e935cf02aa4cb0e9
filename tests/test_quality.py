"""Model quality on real labelled held-out data (``-m slow``): the committed heads against baselines.

Figures are computed fresh here from the data and the committed weights (never read from ``metrics.json``, and
without ``enrich.training.*.evaluate``, which rewrites the model cards).
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow

LABELS = ["negative", "neutral", "positive"]


def _scores(truth, predicted) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {"accuracy": float(accuracy_score(truth, predicted)),
            "macro_f1": float(f1_score(truth, predicted, average="macro"))}


def _vader(texts: list[str]) -> np.ndarray:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = np.array([analyzer.polarity_scores(text)["compound"] for text in texts])
    return np.where(compound >= 0.05, "positive", np.where(compound <= -0.05, "negative", "neutral"))


@pytest.fixture(scope="module")
def sentiment_head():
    """The committed sentiment model, loaded as ``sentiment.v1`` loads it."""
    from enrich.components.sentiment import SentimentModel

    model = SentimentModel.load()
    assert model.labels == LABELS
    return model


@pytest.fixture(scope="module")
def airline_test(encoder):
    from enrich.training.datasets import airline_tweets

    frame = airline_tweets()
    test = frame[frame["split"] == "test"]
    return test["text"].tolist(), test["label"].to_numpy(), encoder.encode(test["text"].tolist())


def test_quality_sentiment_beats_vader_on_airline_test(sentiment_head, airline_test):
    texts, truth, vectors = airline_test
    predicted = np.array(LABELS)[sentiment_head.predict_proba(vectors, texts).argmax(axis=1)]

    head = _scores(truth, predicted)
    vader = _scores(truth, _vader(texts))
    print(f"airline test n={len(truth)}: head {head}, vader {vader}")

    assert head["macro_f1"] > vader["macro_f1"]
    assert head["accuracy"] > vader["accuracy"]
    assert head["macro_f1"] >= 0.72


def test_quality_sentiment_beats_majority_on_rotten_tomatoes_test(sentiment_head, encoder):
    from enrich.training.datasets import rotten_tomatoes

    frame = rotten_tomatoes()
    test = frame[frame["split"] == "test"]
    truth = test["label"].to_numpy()
    texts = test["text"].tolist()
    probabilities = sentiment_head.predict_proba(encoder.encode(texts), texts)
    # Two-class set: decide between negative and positive only.
    predicted = np.where(probabilities[:, 2] >= probabilities[:, 0], "positive", "negative")
    majority_label = max(("negative", "positive"), key=lambda label: (truth == label).sum())

    head = _scores(truth, predicted)
    majority = _scores(truth, np.full(len(truth), majority_label))
    print(f"rotten tomatoes test n={len(truth)}: head {head}, majority {majority}")

    assert head["accuracy"] > majority["accuracy"] + 0.1
    assert head["macro_f1"] > majority["macro_f1"]


def test_quality_held_out_splits_are_disjoint_from_train():
    from enrich.training.datasets import airline_tweets, rotten_tomatoes
    from enrich.training.effort_data import load_effort_seed

    for name, frame in (("airline_tweets", airline_tweets()), ("rotten_tomatoes", rotten_tomatoes()),
                        ("effort_seed", load_effort_seed())):
        train = set(frame.loc[frame["split"] == "train", "text"])
        test = set(frame.loc[frame["split"] == "test", "text"])
        assert train and test, name
        overlap = train & test
        assert not overlap, f"{name}: {len(overlap)} texts in both splits, e.g. {sorted(overlap)[:2]}"


def test_quality_sentiment_test_splits_unseen_by_either_training_set():
    # The head trains on airline and Rotten Tomatoes train splits together: no test text may be in either.
    from enrich.training.datasets import airline_tweets, rotten_tomatoes

    frames = [airline_tweets(), rotten_tomatoes()]
    train = set().union(*(set(f.loc[f["split"] == "train", "text"]) for f in frames))
    for frame in frames:
        assert not set(frame.loc[frame["split"] == "test", "text"]) & train
