"""Train and evaluate the effort head: ``enrich train effort`` / ``enrich eval effort``.

Two linear heads on the frozen all-MiniLM-L6-v2 embedding, trained on the train split of the project's own
seed set (``corpora/labelled/effort/``, see its RUBRIC.md):
- ``presence``: logistic, P(the unit says something about effort); below 0.5 the effort is null.
- ``score``: ridge regression of the -5..+5 label, fitted on labelled units only.
Held-out figures on the seed set's test split, which no training step reads.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np

from enrich.encoder import ENCODER_ID, ENCODER_PACKAGE, Encoder
from enrich.heads.effort import predict_effort
from enrich.heads.linear import LinearHead
from enrich.training.common import MODELS_DIR, SEED, embed_texts
from enrich.training.effort_data import load_effort_seed
from enrich.training.model_card import write_card

PRESENCE_C = 1.0
RIDGE_ALPHA = 3.0


def effort_bucket(values: np.ndarray) -> np.ndarray:
    """null / effortful (<= -2) / easy (>= +1) / mild (in between), as strings."""
    buckets = np.full(len(values), "mild", dtype=object)
    buckets[np.isnan(values)] = "null"
    buckets[values <= -2] = "effortful"
    buckets[values >= 1] = "easy"
    return buckets


def _data(encoder: Encoder, split: str) -> tuple[np.ndarray, np.ndarray]:
    frame = load_effort_seed(split)
    return embed_texts(encoder, frame["text"].tolist(), f"effort-{split}"), frame["effort"].to_numpy(dtype=float)


def train(encoder: Encoder | None = None) -> tuple[LinearHead, LinearHead]:
    """Fit both heads on the seed train split; save them and the card under ``models/effort/``."""
    from sklearn.linear_model import LogisticRegression, Ridge

    encoder = encoder or Encoder()
    features, labels = _data(encoder, "train")
    present = ~np.isnan(labels)
    classifier = LogisticRegression(C=PRESENCE_C, max_iter=3000, random_state=SEED).fit(features, present)
    regressor = Ridge(alpha=RIDGE_ALPHA).fit(features[present], labels[present])
    meta = {
        "task": "effort",
        "encoder": ENCODER_ID,
        "encoder_package": ENCODER_PACKAGE,
        "encoder_weights_sha256": encoder.weights_hash,
        "train_set": "corpora/labelled/effort/effort_seed.csv (split=train)",
        "n_train": int(len(labels)),
        "n_train_labelled": int(present.sum()),
        "presence_C": PRESENCE_C,
        "ridge_alpha": RIDGE_ALPHA,
        "seed": SEED,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    presence = LinearHead(
        weights=classifier.coef_.astype(np.float32), bias=classifier.intercept_.astype(np.float32),
        kind="logistic", labels=["effort_present"], meta=meta,
    )
    score = LinearHead(
        weights=regressor.coef_[None, :].astype(np.float32), bias=np.array([regressor.intercept_], np.float32),
        kind="linear", labels=["effort_score"], meta=meta,
    )
    presence.save(MODELS_DIR / "effort", "presence")
    score.save(MODELS_DIR / "effort", "score")
    evaluate(encoder, presence, score)
    return presence, score


def evaluate(
    encoder: Encoder | None = None, presence: LinearHead | None = None, score: LinearHead | None = None
) -> dict[str, Any]:
    """Held-out metrics on the seed test split beside a majority baseline; rewrites the model card."""
    from scipy.stats import spearmanr

    encoder = encoder or Encoder()
    presence = presence or LinearHead.load(MODELS_DIR / "effort", "presence")
    score = score or LinearHead.load(MODELS_DIR / "effort", "score")
    features, truth = _data(encoder, "test")
    predicted = predict_effort(presence, score, features)
    labelled = ~np.isnan(truth)
    raw = np.clip(score.predict_value(features), -5, 5)
    three_way = np.isin(effort_bucket(truth), ["null", "effortful", "easy"])
    _, train_truth = _data(encoder, "train")
    majority_bucket = max(["null", "effortful", "easy"], key=lambda b: (effort_bucket(train_truth) == b).sum())

    def bucket_accuracy(prediction: np.ndarray) -> float:
        return round(float((effort_bucket(prediction)[three_way] == effort_bucket(truth)[three_way]).mean()), 4)

    results = {
        "effort_seed_test": {
            "n_test": int(len(truth)),
            "head": {
                "spearman_labelled": round(float(spearmanr(raw[labelled], truth[labelled]).statistic), 4),
                "null_effortful_easy_accuracy": bucket_accuracy(predicted),
                "presence_accuracy": round(float(((~np.isnan(predicted)) == labelled).mean()), 4),
                "mae_labelled": round(float(np.abs(raw[labelled] - truth[labelled]).mean()), 4),
            },
            "majority": {
                "null_effortful_easy_accuracy": round(
                    float((effort_bucket(truth)[three_way] == majority_bucket).mean()), 4
                ),
                "mae_labelled": round(float(np.abs(np.nanmedian(train_truth) - truth[labelled]).mean()), 4),
            },
        }
    }
    write_card("effort", presence.meta, results, _CARD_NOTES)
    return results


_CARD_NOTES = """\
## What it is
Customer effort per unit on the XM-compatible scale -5 (extreme effort) .. +5 (effortless), null when the unit
says nothing about effort. Two linear heads on the frozen all-MiniLM-L6-v2 embedding: a logistic presence head
(null below P=0.5) and a ridge regression of the score. Basic by design for the first release: no lexical or
structural features yet (chat transfers, repeat contacts and turn counts are not used by this head).

## Data
`corpora/labelled/effort/effort_seed.csv`: 1,096 units sampled from real public corpora that ship in PyPI packages
(airline customer tweets 505, CFPB complaint sentences 378, Twitter entity sentiment 213), stored as references
(never the text) and resolved from the packages by `enrich.training.effort_data`. Labelled in a single pass by an
AI assistant (Claude) against `corpora/labelled/effort/RUBRIC.md` on 2026-11-22; no inter-annotator agreement
figure exists. Seeded 70/30 split stratified by source and label bucket: 764 train, 332 test. The test split is
read only by `enrich eval effort`.

- Reproduce: `enrich train effort`; print figures: `enrich eval effort`.
- `spearman_labelled`: Spearman of the raw score head against labels on test units that have a label.
- `null_effortful_easy_accuracy`: on test units labelled null, <= -2 or >= +1, how often the prediction
  falls in the same bucket.

## Known limits
The seed set leans negative (easy labels are scarce), so scores above +2 are rarely predicted. Product reviews
and chat turns are not in the seed set yet; in-domain quality on them is unmeasured.
"""
