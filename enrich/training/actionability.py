"""Train and evaluate the actionability head: ``enrich train actionability`` / ``enrich eval actionability``.

One multinomial logistic head over [mean of the feedback's unit embeddings (frozen all-MiniLM-L6-v2), cheap cue
counts] (see ``enrich.components.actionability``), trained on the train split of
``corpora/labelled/actionability/`` with balanced class weights (suggestion and not_meaningful are rare).
``C`` and ``CUE_WEIGHT`` were chosen by 5-fold cross-validation (macro-F1) on the train split only; the test
split is read only by :func:`evaluate`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np

from enrich.components.actionability import FEATURE_NAMES, actionability_inputs
from enrich.encoder import ENCODER_ID, ENCODER_PACKAGE, Encoder
from enrich.heads.linear import LinearHead
from enrich.training.actionability_data import LABELS, feedback_units, load_actionability_seed
from enrich.training.common import MODELS_DIR, SEED, embed_texts
from enrich.training.model_card import write_card

C = 0.03
CUE_WEIGHT = 2.0


def _data(encoder: Encoder, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame = load_actionability_seed(split)
    units = [feedback_units(source, text) for source, text in zip(frame["source"], frame["text"])]
    flat = [unit for group in units for unit in group]
    vectors = embed_texts(encoder, flat, f"actionability-{split}")
    bounds = np.cumsum([0] + [len(group) for group in units])
    means = np.stack([vectors[start:end].mean(axis=0) for start, end in zip(bounds[:-1], bounds[1:])])
    inputs = actionability_inputs(means, frame["text"].tolist(), [len(group) for group in units])
    return inputs, frame["label"].to_numpy(dtype=object), frame["source"].to_numpy(dtype=object)


def train(encoder: Encoder | None = None) -> LinearHead:
    """Fit the head on the seed train split; save it and the card under ``models/actionability/``."""
    from sklearn.linear_model import LogisticRegression

    encoder = encoder or Encoder()
    inputs, labels, _ = _data(encoder, "train")
    mean = inputs.mean(axis=0)
    scale = inputs.std(axis=0) + 1e-6
    scale[-len(FEATURE_NAMES):] /= CUE_WEIGHT
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=SEED)
    classifier.fit((inputs - mean) / scale, labels)
    order = [list(classifier.classes_).index(name) for name in LABELS]
    meta = {
        "task": "actionability",
        "encoder": ENCODER_ID,
        "encoder_package": ENCODER_PACKAGE,
        "encoder_weights_sha256": encoder.weights_hash,
        "inputs": f"mean unit embedding(384) + cues({len(FEATURE_NAMES)}): {', '.join(FEATURE_NAMES)}",
        "train_set": "corpora/labelled/actionability/actionability_seed.csv (split=train)",
        "n_train": int(len(labels)),
        "C": C,
        "cue_weight": CUE_WEIGHT,
        "class_weight": "balanced",
        "seed": SEED,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    head = LinearHead(
        weights=classifier.coef_[order].astype(np.float32), bias=classifier.intercept_[order].astype(np.float32),
        kind="softmax", labels=list(LABELS), mean=mean.astype(np.float32), scale=scale.astype(np.float32), meta=meta,
    )
    head.save(MODELS_DIR / "actionability", "head")
    evaluate(encoder, head)
    return head


def evaluate(encoder: Encoder | None = None, head: LinearHead | None = None, write: bool = True) -> dict[str, Any]:
    """Held-out macro-F1 and accuracy on the seed test split beside a majority baseline; rewrites the card."""
    from sklearn.metrics import accuracy_score, f1_score

    encoder = encoder or Encoder()
    head = head or LinearHead.load(MODELS_DIR / "actionability", "head")
    inputs, truth, _ = _data(encoder, "test")
    _, train_labels, _ = _data(encoder, "train")
    predicted = np.array(head.labels, dtype=object)[head.predict_proba(inputs).argmax(axis=1)]
    values, counts = np.unique(train_labels, return_counts=True)
    majority = np.full(len(truth), values[counts.argmax()], dtype=object)

    def figures(prediction: np.ndarray) -> dict[str, float]:
        per_class = f1_score(truth, prediction, labels=list(LABELS), average=None, zero_division=0)
        return {
            "accuracy": round(float(accuracy_score(truth, prediction)), 4),
            "macro_f1": round(float(f1_score(truth, prediction, labels=list(LABELS), average="macro",
                                             zero_division=0)), 4),
            **{f"f1_{name}": round(float(score), 4) for name, score in zip(LABELS, per_class)},
        }

    results = {"actionability_seed_test": {"n_test": int(len(truth)), "head": figures(predicted),
                                           "majority": figures(majority)}}
    if write:
        write_card("actionability", head.meta, results, _CARD_NOTES)
    return results


_CARD_NOTES = """\
## What it is
Actionability per feedback: `response_needed` (a customer waiting for an answer or at risk), `suggestion`,
`praise`, `not_meaningful` (see `corpora/labelled/actionability/RUBRIC.md`). One multinomial logistic head
(`head.safetensors` + `head.json`) over the mean of the feedback's unit embeddings from the shared
all-MiniLM-L6-v2 pass plus 11 cue counts (question marks, requests, suggestion phrasing, praise words, churn
threats, problem words, negation, exclamation marks, @mentions/links, word and unit counts), balanced class
weights. Component: `actionability.v1`, writing `batch.feedback_annotations["actionability"]`.

## Data
`corpora/labelled/actionability/actionability_seed.csv`: 502 whole feedback items: the project's own sample
corpora (138 reviews, 99 survey comments, 60 chat transcripts' customer turns) and public data resolved from PyPI
packages by reference, never copied (150 airline customer tweets, 45 of them drawn from tweets with suggestion
phrasing; 55 CFPB complaint narratives). Labels: response_needed 294, praise 104, not_meaningful 53,
suggestion 51. Labelled in a single pass by an AI assistant (Claude) against the rubric; no agreement figure.
Seeded 70/30 split stratified by source x label: 351 train, 151 test; the test split is read only by
`enrich eval actionability`.

- Reproduce: `enrich train actionability`; print figures: `enrich eval actionability`.

## Known limits
The issue's target is macro-F1 >= 0.75 held out; this head does not reach it (see the table). Tried: C and cue
weight by cross-validation on train (CV macro-F1 0.58-0.60 across the grid). Mixed praise + suggestion reviews
lean to praise. Suggestion and not_meaningful are small classes (~50 each, ~15 each in test), so their F1 moves several points
with one or two items. CFPB narratives are all response_needed (they are complaints filed for an answer). The
line between a past complaint (suggestion) and an at-risk customer (response_needed) is a judgement call the
rubric settles by explicit cues; expect disagreement there.
"""
