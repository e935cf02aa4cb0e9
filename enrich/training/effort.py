"""Train and evaluate the effort heads: ``enrich train effort`` / ``enrich eval effort``.

Two heads on [frozen all-MiniLM-L6-v2 embedding, log-probabilities of the sentiment model
(``enrich.components.sentiment.SentimentModel`` on the same embedding and text), lexical effort cues
(``enrich.effort_features``)], trained on the
train split of the project's own seed set (``corpora/labelled/effort/``, see its RUBRIC.md):

- ``presence`` (the bucket head, :class:`enrich.heads.effort.EffortBuckets`) over null / effortful (<= -2) /
  mild (-1..0) / easy (>= +1): the average, weighted ``MLP_WEIGHT``, of a multinomial logistic over the dense
  inputs (scaled by ``DENSE_SCALE``) jointly with word 1-2-gram tf-idf, and a one-hidden-layer MLP over the
  dense inputs;
- ``score``: ridge regression of the -5..+5 label on labelled units only (dense inputs).

How they combine is :func:`enrich.heads.effort.predict_effort`. Dense inputs are standardised and the sentiment and
cue columns are given ``CUE_WEIGHT`` times the scale of an embedding column (a lighter penalty on 23 interpretable
inputs than on 384 opaque dimensions); every constant below was chosen by 5-fold cross-validation on the train
split only (figures in the card). Held-out figures come from the seed set's test split, which no
training step reads.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np

from enrich.effort_features import FEATURE_NAMES
from enrich.encoder import ENCODER_ID, ENCODER_PACKAGE, Encoder
from enrich.features import TOKEN_PATTERN, NgramTfidf
from enrich.heads.effort import (
    BUCKETS, N_SENTIMENT, EffortBuckets, effort_inputs, effort_raw_score, predict_effort, sentiment_fingerprint,
)
from enrich.heads.linear import LinearHead
from enrich.training.chat_effort import evaluate_chat_effort
from enrich.training.common import MODELS_DIR, SEED, embed_texts
from enrich.training.effort_data import load_effort_seed
from enrich.training.model_card import write_card

BUCKET_C = 1.0
"""Inverse L2 penalty of the joint logistic (dense block scaled by ``DENSE_SCALE``, tf-idf block as is)."""
DENSE_SCALE = 0.05
MAX_N = 2
MIN_DF = 2
MLP_HIDDEN = 128
MLP_ALPHA = 3.0
MLP_WEIGHT = 1 / 3
RIDGE_ALPHA = 300.0
CUE_WEIGHT = 4.0


def effort_bucket(values: np.ndarray) -> np.ndarray:
    """null / effortful (<= -2) / easy (>= +1) / mild (in between), as strings."""
    buckets = np.full(len(values), "mild", dtype=object)
    buckets[np.isnan(values)] = "null"
    buckets[values <= -2] = "effortful"
    buckets[values >= 1] = "easy"
    return buckets


def _data(encoder: Encoder, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    from enrich.components.sentiment import SentimentModel

    frame = load_effort_seed(split)
    texts = frame["text"].tolist()
    inputs = effort_inputs(embed_texts(encoder, texts, f"effort-{split}"), texts, SentimentModel.load())
    return inputs, frame["effort"].to_numpy(dtype=float), frame["source"].to_numpy(dtype=object), texts


def _fit_buckets(standardised: np.ndarray, texts: list[str], buckets: np.ndarray) -> tuple[Any, Any, Any]:
    """(tf-idf vectorizer, joint logistic, MLP) fitted on the standardised dense inputs, texts and bucket labels."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    vectorizer = TfidfVectorizer(
        lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, MAX_N), min_df=MIN_DF, sublinear_tf=True
    ).fit(texts)
    design = sparse.hstack([sparse.csr_matrix(standardised * DENSE_SCALE), vectorizer.transform(texts)]).tocsr()
    classifier = LogisticRegression(C=BUCKET_C, max_iter=5000, random_state=SEED).fit(design, buckets)
    mlp = MLPClassifier(hidden_layer_sizes=(MLP_HIDDEN,), alpha=MLP_ALPHA, max_iter=500, random_state=SEED)
    return vectorizer, classifier, mlp.fit(standardised, buckets)


def train(encoder: Encoder | None = None) -> tuple[EffortBuckets, LinearHead]:
    """Fit both heads on the seed train split; save them and the card under ``models/effort/``."""
    from scipy import sparse
    from sklearn.linear_model import Ridge

    encoder = encoder or Encoder()
    inputs, labels, _, texts = _data(encoder, "train")
    mean = inputs.mean(axis=0)
    scale = inputs.std(axis=0) + 1e-6
    scale[-(len(FEATURE_NAMES) + N_SENTIMENT):] /= CUE_WEIGHT
    standardised = (inputs - mean) / scale
    buckets = effort_bucket(labels)
    present = ~np.isnan(labels)
    vectorizer, classifier, mlp = _fit_buckets(standardised, texts, buckets)
    regressor = Ridge(alpha=RIDGE_ALPHA).fit(standardised[present], labels[present])
    order = [list(classifier.classes_).index(name) for name in BUCKETS]
    mlp_order = [list(mlp.classes_).index(name) for name in BUCKETS]
    n_dense = inputs.shape[1]
    meta = {
        "task": "effort",
        "encoder": ENCODER_ID,
        "encoder_package": ENCODER_PACKAGE,
        "encoder_weights_sha256": encoder.weights_hash,
        "inputs": f"embedding(384) + log sentiment probabilities(3: negative, neutral, positive) + "
                  f"effort_features({len(FEATURE_NAMES)}): {', '.join(FEATURE_NAMES)}",
        "sentiment_inputs": True,
        "sentiment_weights_sha256": sentiment_fingerprint(MODELS_DIR / "sentiment"),
        "train_set": "corpora/labelled/effort/effort_seed.csv (split=train)",
        "n_train": int(len(labels)),
        "n_train_labelled": int(present.sum()),
        "bucket_C": BUCKET_C,
        "dense_scale": DENSE_SCALE,
        "ngrams": f"word 1-{MAX_N}-grams, min_df {MIN_DF}, sublinear tf-idf",
        "mlp": f"{MLP_HIDDEN} ReLU units, alpha {MLP_ALPHA}, weight {MLP_WEIGHT:.3f}",
        "ridge_alpha": RIDGE_ALPHA,
        "cue_weight": CUE_WEIGHT,
        "seed": SEED,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    common = {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32), "meta": meta}
    # Fold DENSE_SCALE into the dense weights: LinearHead standardises with mean/scale itself.
    coef = classifier.coef_[order]
    linear = LinearHead(
        weights=(coef[:, :n_dense] * DENSE_SCALE).astype(np.float32),
        bias=classifier.intercept_[order].astype(np.float32), kind="softmax", labels=list(BUCKETS), **common,
    )
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    ngrams = NgramTfidf(vocabulary, vectorizer.idf_.astype(np.float32), coef[:, n_dense:].astype(np.float32), MAX_N)
    bucket = EffortBuckets(
        linear, ngrams, mlp.coefs_[0].T, mlp.intercepts_[0], mlp.coefs_[1].T[mlp_order], mlp.intercepts_[1][mlp_order],
        MLP_WEIGHT,
    )
    # The numpy path must reproduce scikit-learn's probabilities (guards the tokenizer and the MLP reimplementation).
    probe = slice(0, 200)
    design = sparse.hstack([sparse.csr_matrix(standardised[probe] * DENSE_SCALE), vectorizer.transform(texts[probe])])
    expected = ((1 - MLP_WEIGHT) * classifier.predict_proba(design.tocsr())[:, order]
                + MLP_WEIGHT * mlp.predict_proba(standardised[probe])[:, mlp_order])
    drift = float(np.abs(bucket.predict_proba(inputs[probe], texts[probe]) - expected).max())
    if drift > 1e-3:
        raise AssertionError(f"numpy inference drifts from scikit-learn by {drift:.2e}")
    score = LinearHead(
        weights=regressor.coef_[None, :].astype(np.float32), bias=np.array([regressor.intercept_], np.float32),
        kind="linear", labels=["effort_score"], **common,
    )
    bucket.save(MODELS_DIR / "effort", "presence")
    score.save(MODELS_DIR / "effort", "score")
    evaluate(encoder, bucket, score)
    return bucket, score


def evaluate(
    encoder: Encoder | None = None, bucket: EffortBuckets | None = None, score: LinearHead | None = None,
    write: bool = True,
) -> dict[str, Any]:
    """Held-out metrics on the seed test split beside a majority baseline; rewrites the model card when ``write``."""
    from scipy.stats import spearmanr

    encoder = encoder or Encoder()
    bucket = bucket or EffortBuckets.load(MODELS_DIR / "effort", "presence")
    score = score or LinearHead.load(MODELS_DIR / "effort", "score")
    inputs, truth, sources, texts = _data(encoder, "test")
    train_truth = load_effort_seed("train")["effort"].to_numpy(dtype=float)
    predicted = predict_effort(bucket, score, inputs, texts)
    # The score the head would give if the unit were not null (its Spearman is what the rubric's order tests).
    raw = effort_raw_score(score, inputs)
    raw = np.where(effort_bucket(predicted) == "effortful", np.minimum(raw, -2), raw)
    raw = np.where(effort_bucket(predicted) == "easy", np.maximum(raw, 1), raw)
    true_bucket, predicted_bucket = effort_bucket(truth), effort_bucket(predicted)
    majority_bucket = max(["null", "effortful", "easy"], key=lambda b: (effort_bucket(train_truth) == b).sum())

    def figures(rows: np.ndarray) -> dict[str, float]:
        labelled = rows & ~np.isnan(truth)
        three_way = rows & np.isin(true_bucket, ["null", "effortful", "easy"])
        return {
            "spearman_labelled": round(float(spearmanr(raw[labelled], truth[labelled]).statistic), 4),
            "null_effortful_easy_accuracy": round(float((predicted_bucket[three_way] == true_bucket[three_way]).mean()), 4),
            "presence_accuracy": round(float(((~np.isnan(predicted)) == ~np.isnan(truth))[rows].mean()), 4),
            "mae_labelled": round(float(np.abs(raw[labelled] - truth[labelled]).mean()), 4),
        }

    everything = np.ones(len(truth), dtype=bool)
    three_way = np.isin(true_bucket, ["null", "effortful", "easy"])
    labelled = ~np.isnan(truth)
    sample = np.char.startswith(sources.astype(str), "sample_")
    results = {
        "effort_seed_test": {
            "n_test": int(len(truth)),
            "head": figures(everything),
            "majority": {
                "null_effortful_easy_accuracy": round(float((true_bucket[three_way] == majority_bucket).mean()), 4),
                "mae_labelled": round(float(np.abs(np.nanmedian(train_truth) - truth[labelled]).mean()), 4),
            },
        },
        "effort_seed_test_sample_corpora": {"n_test": int(sample.sum()), "head": figures(sample)},
        # Whole chat conversations (their own labelled set): unit effort alone vs combined with the structure.
        "chat_conversations_test": evaluate_chat_effort(encoder),
    }
    # Context, not a baseline: how far the two blind labelling passes agree on the same test units.
    results["effort_seed_test"]["annotator pass 2 scored against pass 1"] = _annotator_agreement("test")
    if write:
        write_card("effort", bucket.meta, results, _CARD_NOTES)
    return results


def _annotator_agreement(split: str) -> dict[str, float]:
    """Pass 2 scored against pass 1 with the head's figures (Spearman on units both passes scored)."""
    import pandas as pd
    from scipy.stats import spearmanr

    from enrich.training.effort_data import SEED_PATH

    seed = pd.read_csv(SEED_PATH, dtype=str, keep_default_na=False)
    seed = seed[seed["split"] == split]
    first = pd.to_numeric(seed["effort_pass1"].replace("", np.nan)).to_numpy(dtype=float)
    second = pd.to_numeric(seed["effort_pass2"].replace("", np.nan)).to_numpy(dtype=float)
    both = ~np.isnan(first) & ~np.isnan(second)
    first_bucket, second_bucket = effort_bucket(first), effort_bucket(second)
    three_way = np.isin(first_bucket, ["null", "effortful", "easy"])
    return {
        "spearman_labelled": round(float(spearmanr(second[both], first[both]).statistic), 4),
        "null_effortful_easy_accuracy": round(float((second_bucket[three_way] == first_bucket[three_way]).mean()), 4),
        "presence_accuracy": round(float((np.isnan(first) == np.isnan(second)).mean()), 4),
        "mae_labelled": round(float(np.abs(second[both] - first[both]).mean()), 4),
    }


_CARD_NOTES = """\
## What it is
Customer effort per unit on the XM-compatible scale -5 (extreme effort) .. +5 (effortless), null when the unit
says nothing about effort. Dense inputs: the frozen all-MiniLM-L6-v2 embedding, the sentiment model's
log-probabilities (negative/neutral/positive, `models/sentiment` on the same embedding and text) and 20 lexical
effort cues (`enrich/effort_features.py`: contacts, repeats, waiting, long/short durations, transfers, being
blocked, nobody answering, chasing, ease words, speed, resolution, helpfulness, thanks, negation, ?, !, length).
- `presence.*` — the bucket head over null / effortful (<= -2) / mild (-1..0) / easy (>= +1): two thirds of a
  multinomial logistic fitted jointly on the dense inputs (standardised, x0.05) and word 1-2-gram tf-idf (min_df 2,
  C=1), plus one third of an MLP (128 ReLU units, L2 alpha 3) on the standardised dense inputs. The unit is null
  when null is the likeliest of null/effortful/easy. All its arrays are in one safetensors file.
- `score.*` — ridge regression (alpha 300) of the label on labelled units, dense inputs; the value is moved into
  the chosen bucket (effortful caps it at -2, easy floors it at +1).

## How it was chosen
By 5-fold cross-validation (stratified by bucket, seed 42) on the train split only; out-of-fold 3-way accuracy /
Spearman. Previous head (logistic on dense inputs, C=0.003, cue weight 4): 0.803 / 0.680. Tried on top of it:
C 0.001 / 0.01 / 0.03: 0.794 / 0.794 / 0.780; a direct 3-way classifier without the mild bucket: 0.797;
balanced class weights: 0.781; six more cue families (documents sent, attempts, flight disruption, channels,
opinion words, replies), each alone 0.796-0.803 and all together 0.800 (not kept); word 1-2-gram tf-idf in the
bucket logistic: 0.809 (dense x0.05, C=1; C 0.5 / 3 / 10: 0.807 / 0.805 / 0.809; dense x0.1: 0.802; unigrams:
0.806; tf-idf in the ridge too lowered Spearman to 0.627, so the ridge stays dense); an MLP alone blended 50/50
with the previous logistic: 0.804-0.806; tf-idf logistic + MLP (1/3): 0.815 / 0.681 (kept; 0.817 with
another MLP seed). A learning curve on the previous head (60% / 80% / 100% of each training fold: 0.786 / 0.796 /
0.803) says more labels help slowly. All of the above was measured on the first-pass labels of the first 1,141
train units. Later, on the adjudicated labels of the same units: the kept head 0.822 / 0.685; training the
bucket logistic on both passes (two rows per unit, weighted by agreement) 0.820 / 0.687; MLP share 1/2 0.817;
C=2 0.817 (none kept). Feedback context (the mean embedding of the other units of the unit's review, narrative
or chat, and/or the previous unit, or context cue counts, at several weights) scored 0.795-0.814 against 0.815
on the first-pass labels (not kept; CFPB, the source it was meant to help, did not move).
Intermediate encoder layers (the mean-pooled hidden states of MiniLM layer 2 or 4, which the same forward
pass computes, appended to the inputs), 5-fold CV on the adjudicated train labels averaged over four fold
seeds: the kept head 0.825, + layer 4 0.830, + layer 2 0.828, per seed -0.004 to +0.015 (not kept: within
the fold spread, and it would mean caching a second vector per unit; 2026-11-22).
The heads record the sentiment weights' SHA-256; `effort.v1` warns when `models/sentiment` has changed since
(retrain with `enrich train effort`).
Chat conversations also get structural signals at feedback level (`enrich/rollup.py`); this head scores units.
The combination is measured on whole conversations (`chat_conversations_test` in the table): the sample's 119
chats labelled at conversation level (`corpora/labelled/effort/chat_effort_seed.csv`, two blind passes, bucket
agreement 0.933, kappa 0.886, 8 adjudicated; 84 train, 35 test; `enrich.training.chat_effort`). On the 35 test
chats, unit effort alone (mean of the customer units) ranks conversations at Spearman 0.687, the shipped rule
(text effort minus the hand-set structural penalty) 0.844, the penalty alone 0.696. A non-negative linear
combination fitted on the 83 scorable train chats scores 0.882 (MAE 1.31 against the rule's 1.96; 5-fold CV on
train 0.797 against the rule's 0.716), but its weights (about -1.2 per customer turn beyond two, -3.1 for a
repeat contact, +2.5 when nothing went wrong) describe how our synthetic chat generator builds conversations,
so the hand-set rule stays the default until labelled real chats exist.

## Data
`corpora/labelled/effort/effort_seed.csv`: 2,175 units: 1,876 sampled from real public corpora that ship in PyPI
packages (airline customer tweets 877, CFPB complaint sentences 668, Twitter entity sentiment 331), stored as
references (never the text) and resolved by `enrich.training.effort_data`, plus 299 units of the project's own
sample corpora (review sentences 140, survey sentences 79, chat customer turns 80), referenced by feedback id and
sentence/turn index. Drawn in four rounds (see the rubric): 1,013 cue-stratified units, 299 sample-corpus units,
322 easy/mild/null opinion units, 540 more airline/CFPB/Twitter units. Every unit is labelled twice, blind, by
instances of an AI assistant (Claude) against `corpora/labelled/effort/RUBRIC.md`; bucket agreement 0.907, Cohen's
kappa 0.855 (a same-model consistency figure, not independent inter-annotator agreement); the 202 units whose
two labels fall in different buckets were adjudicated against the rubric by a third instance that saw both labels
unattributed; same-bucket differences are averaged. Seeded ~70/30 splits stratified by source and label bucket:
1,519 train, 656 test (30.2%). The test split is read only by `enrich eval effort` (and by `train`, which ends by
calling it). The heads above were chosen before the fourth round; retrained on all 1,519 train units, the
figures on the first 494 test units moved from 0.830 to 0.831 (3-way accuracy) and on the 162 new test units are
0.811, so more labels of the same kind no longer move this head.

- Reproduce: `enrich train effort`; print figures: `enrich eval effort`.
- `spearman_labelled`: Spearman of the head's score (before the null decision) against labels on test units that
  have a label.
- `null_effortful_easy_accuracy`: on test units labelled null, <= -2 or >= +1, how often the prediction
  falls in the same bucket. `effort_seed_test_sample_corpora` repeats the figures on the sample-corpus test units.

## Known limits
The issue's target for the three-way accuracy is 0.85; this head does not reach it (see the table). In
cross-validation the errors are mostly effortful units called null and null units called effortful (a missing
parcel, a failed checkout, a generic complaint about service, a CFPB sentence that narrates a step), then easy
units called null (thanks-with-a-fix versus bare thanks is a thin line); CFPB sentences are the hardest source
(out-of-fold 0.70) and Twitter entity the easiest (0.94). Easy labels are scarce (~10% of units), so scores above
+3 are rarely predicted. The sentiment model was trained on airline tweets that overlap this set's airline units
(a different label, but its probabilities are more confident there than on new text). Labels are two passes of
one AI model (self-consistency 0.907 on the bucket); cleaner, adjudicated labels moved held-out accuracy by less
than a point, so the gap to 0.85 is the head and its frozen inputs, not label noise. The table's "annotator pass 2
scored against pass 1" row puts the two blind passes side by side on the test units (three-way 0.928, Spearman
0.931): the target is within what labellers agree on; the head is not. The sample-corpus units come from a
synthetic retailer whose sentences repeat with small variations, so their figures flatter in-domain quality.
"""
