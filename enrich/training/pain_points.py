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
#: How extracted names join the retrieved ones (:class:`enrich.pain_point_retrieval.NameRetriever`):
#: ``"retrieval"`` (one threshold for every proposed name), ``"union"`` (plus the extracted names the candidate
#: scorer alone keeps) or ``"oov_threshold"`` (out-of-vocabulary extracted names against a threshold of their
#: own). All three are cross-validated on dev; the choice and its reason are in the model card.
COMBINATION = "oov_threshold"
COMBINATIONS = ("retrieval", "union", "oov_threshold")
#: Probability thresholds searched by cross-validation.
THRESHOLDS = tuple(float(t) for t in np.round(np.arange(0.1, 0.81, 0.025), 3))


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
        "gold": _names(seed["pain_points"]),
        # A blind second labelling of the test units (same rubric, another annotator pass); empty on dev.
        "gold_pass2": _names(seed["pain_points_pass2"]) if "pain_points_pass2" in seed else [[] for _ in texts],
        "split": seed["split"],
    })


def _names(cells: pd.Series) -> list[list[str]]:
    return [[name.strip() for name in cell.split(";") if name.strip()] for cell in cells]


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


def predict(texts: list[str], encoder: Any, scorer: Any = "default", retriever: Any = "default") -> list[list[str]]:
    """Pain points of texts treated as negative units, with a fresh extractor (no names carried between runs)."""
    from enrich.components.pain_points import PainPointExtractor

    return PainPointExtractor(encoder=encoder, scorer=scorer, retriever=retriever).extract_texts(texts)


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
               regularisation: float = 1.0, labelled: tuple | None = None) -> tuple[Any, dict[str, Any]]:
    """Fit the candidate scorer on labelled units and choose its threshold by cross-validation over units.

    The threshold maximises the F1 of the selected names (micro, under the matching rule) on out-of-fold scores.
    ``labelled`` reuses the output of :func:`labelled_candidates` for these units.

    Returns:
        the :class:`CandidateScorer` fitted on all the units, and the cross-validated figures per threshold.
    """
    from sklearn.linear_model import LogisticRegression

    from enrich.components.pain_points import CandidateScorer, select

    features, labels, units, names_per_unit = labelled or labelled_candidates(texts, gold, encoder)
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
                    "n_positive": int(labels.sum()), "out_of_fold": out_of_fold}


def build_vocabulary(example_vectors: np.ndarray, example_gold: list[list[str]], names: Any,
                     table: dict[str, list[str]]) -> Any:
    """The retriever's vocabulary: the canonical table's names (aliases as extra surfaces) and the gold names.

    Args:
        example_vectors: L2-normalised embeddings (n, 384) of the labelled example units.
        example_gold: their gold names (n lists).
        names: a :class:`enrich.pain_point_names.PainPointNames` whose ``vectors`` embeds phrases (cached).
        table: canonical name -> aliases.
    """
    from enrich.pain_point_retrieval import NameVocabulary

    vocabulary = list(table) + sorted({name for gold in example_gold for name in gold} - set(table))
    surfaces = [(surface, owner) for owner, name in enumerate(vocabulary) for surface in [name] + table.get(name, [])]
    name_vectors = names.vectors(vocabulary)
    index = {name: position for position, name in enumerate(vocabulary)}
    carried = []
    for gold in example_gold:
        hits: set[int] = set()
        for name in gold:  # an example carries every name its gold names match under the matching rule
            hits |= set(np.flatnonzero(name_vectors @ names.vectors([name])[0] >= MATCH_THRESHOLD).tolist())
            hits.add(index[name])
        carried.append(sorted(hits))
    return NameVocabulary(vocabulary, names.vectors([surface for surface, _ in surfaces]),
                          [owner for _, owner in surfaces], [name in table for name in vocabulary],
                          example_vectors, carried)


def _scorer_probabilities(labelled: tuple, train_units: np.ndarray, test_units: np.ndarray,
                          regularisation: float) -> np.ndarray:
    """Candidate-scorer probabilities of the test units' candidates, fitted on the train units' (others 0)."""
    from sklearn.linear_model import LogisticRegression

    features, labels, units, _ = labelled
    train, test = np.isin(units, train_units), np.isin(units, test_units)
    out = np.zeros(len(labels))
    if test.any():
        model = LogisticRegression(C=regularisation, max_iter=2000).fit(features[train], labels[train])
        out[test] = model.predict_proba(features[test])[:, 1]
    return out


def _extracted(labelled: tuple, units: np.ndarray, probabilities: np.ndarray, names: Any) -> list:
    _, _, unit_of_row, names_per_unit = labelled
    out = []
    for unit in units:
        rows = np.flatnonzero(unit_of_row == unit)
        vectors = names.vectors(names_per_unit[unit])
        out.append([(name, float(probabilities[row]), vector)
                    for name, row, vector in zip(names_per_unit[unit], rows, vectors)])
    return out


class _CachedEncoder:
    """``encode`` through a :class:`PainPointNames` phrase cache (cross-validation matches the same names often)."""

    def __init__(self, names: Any):
        self.names = names

    def encode(self, phrases: list[str]) -> np.ndarray:
        return self.names.vectors(phrases)


def _cross_validated_settings(held: list, held_scores: dict, held_extracted: list, extraction_threshold: float,
                              gold: list[list[str]], encoder: Any) -> dict[tuple, tuple[dict, list]]:
    """Out-of-fold figures and names per (combination, C, threshold, out-of-vocabulary threshold or None)."""
    from enrich.pain_point_retrieval import NAME_FEATURES, add_extracted, select_names

    column = NAME_FEATURES.index("in_vocabulary")
    out = {}
    for c, scores in held_scores.items():
        for threshold in THRESHOLDS:
            retrieved = [select_names(found.names, scores[u], found.vectors, threshold) for u, found in enumerate(held)]
            union = [add_extracted(kept, found.vectors[[found.names.index(name) for name in kept]], held_extracted[u],
                                   extraction_threshold) for u, (kept, found) in enumerate(zip(retrieved, held))]
            out[("retrieval", c, threshold, None)] = retrieved
            out[("union", c, threshold, None)] = union
            for oov in (t for t in THRESHOLDS if t < threshold):
                out[("oov_threshold", c, threshold, oov)] = [
                    select_names(found.names, scores[u], found.vectors,
                                 np.where(found.features[:, column] > 0, threshold, oov)) for u, found in enumerate(held)]
    return {key: (match_counts(predicted, gold, encoder), predicted) for key, predicted in out.items()}


def fit_retriever(texts: list[str], gold: list[list[str]], sources: list[str], encoder: Any, seed: int = 0,
                  folds: int = 5, regularisations: tuple[float, ...] = (0.3, 1.0, 3.0)) -> tuple[Any, Any, dict]:
    """Fit the candidate scorer and the name retriever on labelled units; choose C and threshold by grouped CV.

    In each fold the vocabulary, label transfer and both models see the training units only; the retriever's
    training pairs use leave-one-out label transfer and out-of-fold candidate-scorer probabilities (inner CV), so
    they look like unseen units. C and the threshold maximise the out-of-fold F1 under the matching rule.

    Returns:
        the retriever and the candidate scorer fitted on every unit, and the cross-validated figures.
    """
    from sklearn.linear_model import LogisticRegression

    from enrich.components.pain_points import select
    from enrich.pain_point_names import PainPointNames, load_canonical_table
    from enrich.pain_point_retrieval import NAME_FEATURES, NameRetriever

    names, table = PainPointNames(encoder), load_canonical_table()
    labelled = labelled_candidates(texts, gold, encoder)
    scorer, scorer_info = fit_scorer(texts, gold, encoder, seed, folds, SCORER_REGULARISATION, labelled)
    embeddings = encoder.encode(texts)

    def pairs(vocabulary_units: np.ndarray, units: np.ndarray, probabilities: np.ndarray, leave_one_out: bool):
        vocabulary = build_vocabulary(embeddings[vocabulary_units], [gold[u] for u in vocabulary_units], names, table)
        retriever = NameRetriever(np.zeros(len(NAME_FEATURES)), 0.0, 0.5, vocabulary)
        proposed = retriever.propose(embeddings[units], [texts[u] for u in units],
                                     _extracted(labelled, units, probabilities, names),
                                     list(range(len(units))) if leave_one_out else None)
        labels = [np.array([int(any(name == truth or float(vector @ names.vectors([truth])[0]) >= MATCH_THRESHOLD
                                    for truth in gold[unit])) for name, vector in zip(found.names, found.vectors)])
                  for found, unit in zip(proposed, units)]
        return vocabulary, proposed, labels

    fold_of_unit = np.random.default_rng(seed).permutation(len(texts)) % folds
    held: list[Any] = [None] * len(texts)
    held_extracted: list[list] = [[] for _ in texts]
    held_scores = {c: [np.zeros(0)] * len(texts) for c in regularisations}
    for fold in range(folds):
        train, test = np.flatnonzero(fold_of_unit != fold), np.flatnonzero(fold_of_unit == fold)
        inner_fold = np.random.default_rng(seed + 1).permutation(len(train)) % folds
        inner = sum(_scorer_probabilities(labelled, train[inner_fold != k], train[inner_fold == k],
                                          SCORER_REGULARISATION) for k in range(folds))
        _, proposed, labels = pairs(train, train, inner, True)
        probabilities = _scorer_probabilities(labelled, train, test, SCORER_REGULARISATION)
        _, tested, _ = pairs(train, test, probabilities, False)
        for unit, found in zip(test, _extracted(labelled, test, probabilities, names)):
            held_extracted[unit] = found
        rows, targets = np.vstack([found.features for found in proposed]), np.concatenate(labels)
        for c in regularisations:
            model = LogisticRegression(C=c, max_iter=5000).fit(rows, targets)
            for found, unit in zip(tested, test):
                held_scores[c][unit] = model.predict_proba(found.features)[:, 1] if found.names else np.zeros(0)
        for found, unit in zip(tested, test):
            held[unit] = found
    cached = _CachedEncoder(names)
    by_setting = _cross_validated_settings(held, held_scores, held_extracted, scorer_info["threshold"], gold, cached)
    best = {combination: max((key for key in by_setting if key[0] == combination),
                             key=lambda key: (round(by_setting[key][0]["f1"], 4), key[2], key[3] or 0.0))
            for combination in COMBINATIONS}
    counts, predicted = by_setting[best[COMBINATION]]
    _, c, threshold, oov_threshold = best[COMBINATION]
    by_source = {source: match_counts([predicted[u] for u in range(len(texts)) if sources[u] == source],
                                      [gold[u] for u in range(len(texts)) if sources[u] == source], cached)
                 for source in SOURCES}
    several = [u for u in range(len(texts)) if len(gold[u]) >= 2]
    combinations = {combination: {
        "regularisation": key[1], "threshold": key[2], "oov_threshold": key[3], "cv": by_setting[key][0],
        "cv_several_gold": match_counts([by_setting[key][1][u] for u in several], [gold[u] for u in several], cached),
        "predicted": by_setting[key][1],
    } for combination, key in best.items()}
    _, features_units, names_per_unit = labelled[1], labelled[2], labelled[3]
    round_one = [select(names_per_unit[u], scorer_info["out_of_fold"][features_units == u], scorer_info["threshold"])
                 for u in range(len(texts))]
    all_units = np.arange(len(texts))
    vocabulary, proposed, labels = pairs(all_units, all_units, scorer_info["out_of_fold"], True)
    model = LogisticRegression(C=c, max_iter=5000).fit(np.vstack([f.features for f in proposed]),
                                                       np.concatenate(labels))
    retriever = NameRetriever(model.coef_[0], model.intercept_[0], threshold, vocabulary,
                              oov_threshold=oov_threshold,
                              extraction_threshold=scorer.threshold if COMBINATION == "union" else None)
    round_one_several = match_counts([round_one[u] for u in several], [gold[u] for u in several], cached)
    return retriever, scorer, {
        "combination": COMBINATION, "regularisation": c, "threshold": threshold, "oov_threshold": oov_threshold,
        "cv": counts, "cv_by_source": by_source, "combinations": combinations,
        "cv_round_one": match_counts(round_one, gold, cached), "cv_round_one_several_gold": round_one_several,
        "n_several_gold": len(several), "scorer": scorer_info, "held_predicted": predicted,
        "oracle_recall": match_counts([found.names for found in held], gold, encoder)["recall"],
        "oracle_recall_extraction": match_counts(names_per_unit, gold, encoder)["recall"],
        "candidates_per_unit": float(np.mean([len(found.names) for found in held])),
        "n_names": len(vocabulary.names), "n_table_names": len(table), "n_pairs": int(sum(map(len, labels))),
    }


def evaluate(split: str = "test", encoder: Any | None = None) -> dict[str, Any]:
    """Held-out precision / recall of ``pain_points.v1`` (overall and per source) and of simpler methods on ``split``."""
    from enrich.encoder import Encoder

    encoder = encoder or Encoder()
    seed = load_seed(split)
    texts, gold, sources = seed["text"].tolist(), seed["gold"].tolist(), seed["source"].tolist()
    predicted = predict(texts, encoder)
    scores = {"n_test": len(seed), "pain_points.v1": match_counts(predicted, gold, encoder)}
    for source in SOURCES:
        rows = [row for row, name in enumerate(sources) if name == source]
        scores[f"pain_points.v1, {source} only ({len(rows)} units)"] = match_counts(
            [predicted[row] for row in rows], [gold[row] for row in rows], encoder)
    scores.update({
        f"pain_points.v1, lenient match (>= {LENIENT_MATCH_THRESHOLD})": match_counts(
            predicted, gold, encoder, LENIENT_MATCH_THRESHOLD),
        "extraction + candidate scorer (round 1)": match_counts(predict(texts, encoder, retriever=None), gold,
                                                               encoder),
        "rules only (no scorer)": match_counts(predict(texts, encoder, scorer=None), gold, encoder),
        "noun chunks (baseline)": match_counts(noun_chunk_baseline(texts), gold, encoder),
    })
    second = seed["gold_pass2"].tolist()
    if all(second):  # the test split: how far a second annotator's names agree with the gold under the same rule
        scores["second annotator pass (agreement ceiling)"] = match_counts(second, gold, encoder)
    return {f"pain_points_seed ({split})": scores}


def train(seed: int = 0) -> dict[str, Any]:
    """Fit the candidate scorer and name retriever on the dev split, evaluate on test, rewrite card and models.

    Args:
        seed: seed of the cross-validation folds that choose C and the thresholds.
    """
    from enrich.components.pain_points import FEATURES, scorer_path
    from enrich.encoder import Encoder
    from enrich.nlp import SPACY_MODEL_ID
    from enrich.pain_point_names import MERGE_THRESHOLD
    from enrich.training.model_card import write_card
    from enrich.training.pain_points_card import CARD_NOTES, combination_table, cv_table, selection

    encoder = Encoder()
    dev = load_seed("dev")
    retriever, scorer, info = fit_retriever(dev["text"].tolist(), dev["gold"].tolist(), dev["source"].tolist(),
                                            encoder, seed=seed)
    scorer_info = info["scorer"]
    scorer.save(scorer_path(), {"trained_on": "pain_points_seed (dev)", "encoder": encoder.model_ref,
                                "cv_dev": scorer_info["cv"], "n_candidates": scorer_info["n_candidates"]})
    retriever.save(meta={"trained_on": "pain_points_seed (dev) + models/pain_points/canonical.json",
                         "encoder": encoder.model_ref, "cv_dev": info["cv"], "regularisation": info["regularisation"]})
    results = evaluate("test", encoder)
    ours = next(iter(results.values()))["pain_points.v1"]
    met = ours["precision"] >= 0.8 and ours["recall"] >= 0.6
    status = ("Targets (precision >= 0.8, recall >= 0.6) are **met** on the test split." if met else
              f"Targets (precision >= 0.8, recall >= 0.6) are **not met**: test precision {ours['precision']:.3f}, "
              f"recall {ours['recall']:.3f}. The slow test that enforces them is marked `xfail(strict=True)`; a "
              "regression floor just under these figures is a plain assertion.")
    meta = {
        "method": "name retrieval (dev-name vocabulary + canonical table, logistic regression over MiniLM "
                  "similarity and label transfer) combined with spaCy parse-rule candidates + candidate scorer",
        "encoder": encoder.model_ref, "match_threshold": MATCH_THRESHOLD,
        "seed_set": "corpora/labelled/pain_points/pain_points_seed.csv", "spacy": SPACY_MODEL_ID,
        "merge_threshold": MERGE_THRESHOLD, "match_calibration": "corpora/labelled/pain_points/name_pairs.csv",
        "scorer": f"models/pain_points/scorer.json (threshold {scorer_info['threshold']:.3f}, "
                  f"C {SCORER_REGULARISATION})",
        "retriever": f"models/pain_points/retrieval.json + retrieval.safetensors ({info['combination']}: "
                     f"{selection(info, scorer_info['threshold'])}, C {info['regularisation']})",
    }
    calibration = calibrate_match_threshold(encoder)
    best, old_rule = (calibration["by_threshold"][calibration["best"]],
                      calibration["by_threshold"][LENIENT_MATCH_THRESHOLD])
    full = load_seed()
    sources = full["source"].value_counts()
    notes = CARD_NOTES.format(
        oracle_extraction=info["oracle_recall_extraction"], oracle_recall=info["oracle_recall"],
        candidates_per_unit=info["candidates_per_unit"], n_table=info["n_table_names"], n_names=info["n_names"],
        scorer_c=SCORER_REGULARISATION, n_features=len(FEATURES), n_pairs=info["n_pairs"],
        regularisation=info["regularisation"], cv_table=cv_table(info), combination=info["combination"],
        selection=selection(info, scorer_info["threshold"]), n_several=info["n_several_gold"],
        combination_table=combination_table(info), scorer_threshold=scorer_info["threshold"],
        n_units=len(full), n_sample=int(sources.get("sample", 0)), n_airline=int(sources.get("airline_tweets", 0)),
        n_cfpb=int(sources.get("cfpb", 0)), n_dev=int((full["split"] == "dev").sum()),
        n_test=int((full["split"] == "test").sum()), match_threshold=MATCH_THRESHOLD,
        n_pairs_judged=calibration["n_pairs"], n_same=calibration["n_same"], best_match=calibration["best"],
        agreement_best=best["agreement"], false_best=best["false_match"], missed_best=best["missed_match"],
        agreement_old=old_rule["agreement"], false_old=old_rule["false_match"], status=status)
    write_card("pain_points", meta, results, notes)
    return results
