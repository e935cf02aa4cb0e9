"""pain_points.v1: extraction, normalisation, merging and (slow) held-out precision / recall."""

from __future__ import annotations

import pytest

from enrich.components.batch import Batch
import numpy as np

from enrich.components.pain_points import (FEATURES, CandidateScorer, PainPointExtractor, candidates,
                                           normalise_chunk, select)
from enrich.pain_point_names import PainPointNames
from enrich.pain_point_retrieval import NAME_FEATURES, NameRetriever, NameVocabulary, add_extracted, select_names
from enrich.schema import Unit


@pytest.fixture(scope="module")
def extractor(encoder):
    return PainPointExtractor(encoder=encoder)


def test_pain_points_normalise_lemmatises_and_drops_function_words():
    assert normalise_chunk(["the", "checkout", "page"], ["DET", "NOUN", "NOUN"]) == "checkout page"
    assert normalise_chunk(["my", "promo", "code"], ["PRON", "NOUN", "NOUN"]) == "promo code"
    assert normalise_chunk(["it"], ["PRON"]) is None
    assert normalise_chunk(["the", "thing"], ["DET", "NOUN"]) is None
    assert normalise_chunk(["@united", "flight"], ["NOUN", "NOUN"]) == "flight"


def test_pain_points_event_verbs_become_named_events(extractor):
    crash, double, missing, declined = extractor.extract_texts([
        "The app keeps crashing on my phone.",
        "I was charged twice for the same order.",
        "The parcel was marked as delivered but it never arrived.",
        "My card was declined at checkout.",
    ])
    assert "app crash" in crash
    assert double == ["double charge"]
    assert "missing parcel" in missing
    assert "declined card" in declined


def test_pain_points_contrast_keeps_the_problem_not_the_praise(extractor):
    [names] = extractor.extract_texts(["Great app but checkout keeps failing."])
    assert any("checkout" in name for name in names), names
    assert "great app" not in names and "app" not in names


def test_pain_points_merges_synonyms_by_embedding(encoder):
    # a table name with no aliases: the paraphrase joins it by MiniLM similarity alone
    names = PainPointNames(encoder, table={"promo code": []})
    first, second = names.canonical(["promo code", "promotional code"])
    assert first == second == "promo code"
    assert names.canonical(["late delivery"]) == ["late delivery"]  # unrelated names stay apart


def test_pain_points_only_negative_units_get_pain_points(extractor):
    texts = ["The checkout page keeps crashing.", "The checkout page is fast and easy.", ""]
    batch = Batch(feedback=[], units=[Unit("f1", i, text) for i, text in enumerate(texts)])
    batch.annotations["sentiment_label"] = ["negative", "positive", None]
    extractor.set_annotations(batch, extractor.predict(batch))
    negative, positive, blank = batch.annotations["pain_points"]
    assert negative and all(isinstance(name, str) for name in negative)
    assert positive == [] and blank == []


def test_pain_points_blank_text_gives_no_pain_points(extractor):
    assert extractor.extract_texts(["", "   "]) == [[], []]


def test_pain_points_scorer_keeps_best_candidates_above_threshold():
    names = ["app", "app crash", "checkout failure", "slow app", "late delivery"]
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.6])
    # best first, at most 3; 0.2 is under the threshold
    assert select(names, scores, 0.5) == ["app", "app crash", "checkout failure"]
    assert select(["app crash", "app"], np.array([0.9, 0.8]), 0.5) == ["app crash"]
    assert select(names, scores, 0.95) == []
    assert len(select(names, np.ones(5), 0.5)) == 3


def test_pain_points_scorer_round_trips_as_json(tmp_path):
    scorer = CandidateScorer(np.linspace(-1, 1, len(FEATURES)), 0.25, 0.4)
    scorer.save(tmp_path / "scorer.json")
    loaded = CandidateScorer.load(tmp_path / "scorer.json")
    features = np.random.default_rng(0).random((4, len(FEATURES)))
    assert np.allclose(loaded.score(features), scorer.score(features)) and loaded.threshold == 0.4
    assert "pickle" not in (tmp_path / "scorer.json").read_text()


def test_pain_points_incremental_run_names_like_a_full_run(encoder):
    texts = ["The app keeps crashing on my phone.", "My points expired without any warning.",
             "I was charged twice for the same order.", "Customer service took nine days to reply to my email."]
    full = PainPointExtractor(encoder=encoder).extract_texts(texts)
    one_by_one = PainPointExtractor(encoder=encoder)
    assert [one_by_one.extract_texts([text])[0] for text in reversed(texts)] == full[::-1]


def test_pain_points_broad_candidates_compose_events_with_nearby_aspects():
    from enrich.nlp import load_spacy

    nlp = load_spacy("noun_chunks")
    delayed = {c.name: c.rule for c in candidates(nlp("@united my flight was delayed 4 hours and there was no wifi."))}
    assert delayed.get("flight delay") in {"event", "event_composed"}
    assert delayed.get("no wifi") == "no_chunk"
    on_hold = {c.name for c in candidates(nlp("I have been on hold for 95 minutes."))}
    assert "long hold" in on_hold


def test_pain_points_rules_only_path_ignores_broad_candidates(extractor):
    rules_only = PainPointExtractor(encoder=None, scorer=None)
    [names] = rules_only.extract_texts(["The app keeps crashing on my phone."])
    assert names == ["app crash"]


def _toy_vocabulary() -> NameVocabulary:
    """Three names on three axes of a 4-d space; two labelled examples carry "app crash", one "late delivery"."""
    axes = np.eye(4, dtype=np.float32)
    return NameVocabulary(["app crash", "late delivery", "double charge"], axes[[0, 1, 2, 0]], [0, 1, 2, 0],
                          [True, True, False], axes[[0, 0, 1]], [[0], [0], [1]])


def test_pain_points_retrieval_proposes_vocabulary_and_out_of_vocabulary_extracted_names():
    retriever = NameRetriever(np.zeros(len(NAME_FEATURES)), 0.0, 0.5, _toy_vocabulary())
    unit = np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    other = np.array([0.0, 0.0, 0.0, 1.0], dtype=np.float32)
    [proposed] = retriever.propose(unit, ["the app closes itself"], [[("app crash", 0.9, np.eye(4)[0]),
                                                                      ("wifi", 0.4, other)]])
    features = dict(zip(proposed.names, proposed.features))
    # "double charge" has no labelled example and is not a table name: not in the vocabulary
    assert proposed.names == ["app crash", "late delivery", "wifi"]
    crash, late, wifi = features["app crash"], features["late delivery"], features["wifi"]
    column = {name: i for i, name in enumerate(NAME_FEATURES)}
    assert crash[column["unit_name_cosine"]] == pytest.approx(1.0) and late[column["unit_name_cosine"]] == 0.0
    assert crash[column["knn_vote"]] > late[column["knn_vote"]]
    assert crash[column["extracted"]] == 1.0 and crash[column["extracted_score"]] == pytest.approx(0.9)
    assert crash[column["word_overlap"]] == 0.5  # "app" is in the text, "crash" is not
    assert wifi[column["in_vocabulary"]] == 0.0 and wifi[column["extracted_score"]] == pytest.approx(0.4)


def test_pain_points_retrieval_leaves_the_unit_out_of_label_transfer():
    vocabulary = _toy_vocabulary()
    unit = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    *_, counts = vocabulary.transfer(unit)
    *_, counts_without_first = vocabulary.transfer(unit, exclude=0)
    assert counts.tolist() == [2.0, 1.0, 0.0] and counts_without_first.tolist() == [1.0, 1.0, 0.0]


def test_pain_points_retrieval_keeps_best_distinct_names_above_threshold():
    names = ["flight delay", "delayed flight", "lost luggage", "app", "app crash", "rude staff"]
    vectors = np.array([[1, 0, 0], [0.99, 0.141, 0], [0, 1, 0], [0, 0, 1], [0, 0.6, 0.8], [0, 0.8, 0.6]])
    scores = np.array([0.9, 0.85, 0.7, 0.65, 0.6, 0.1])
    # "delayed flight" repeats "flight delay" (cosine 0.99); at most three names
    assert select_names(names, scores, vectors, 0.5) == ["flight delay", "lost luggage", "app"]
    assert select_names(["app crash", "app"], np.array([0.9, 0.8]), np.eye(2), 0.5) == ["app crash"]
    assert select_names(names, scores, vectors, 0.95) == []


def test_pain_points_retriever_round_trips_as_json_and_safetensors(tmp_path):
    retriever = NameRetriever(np.linspace(-1, 1, len(NAME_FEATURES)), 0.3, 0.45, _toy_vocabulary(),
                              oov_threshold=0.2)
    retriever.save(tmp_path)
    loaded = NameRetriever.load(tmp_path)
    units = np.eye(4, dtype=np.float32)[:2]
    extracted = [[("app crash", 0.8, np.eye(4)[0])], []]
    assert loaded.predict(units, ["app died", "late again"], extracted) == retriever.predict(
        units, ["app died", "late again"], extracted)
    assert loaded.threshold == 0.45 and loaded.oov_threshold == 0.2 and loaded.extraction_threshold is None
    assert loaded.vocabulary.names == retriever.vocabulary.names
    assert sorted(path.name for path in tmp_path.iterdir()) == ["retrieval.json", "retrieval.safetensors"]
    assert NameRetriever.load(tmp_path / "missing") is None


def test_pain_points_retrieval_keeps_out_of_vocabulary_names_at_their_own_threshold():
    unit = np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    extracted = [[("wifi", 0.9, np.array([0.0, 0.0, 0.0, 1.0]))]]
    weights = np.zeros(len(NAME_FEATURES))
    weights[NAME_FEATURES.index("unit_name_cosine")] = 4.0  # "app crash" ~0.98, "wifi" 0.5, "late delivery" 0.5
    one_threshold = NameRetriever(weights, 0.0, 0.6, _toy_vocabulary())
    own_threshold = NameRetriever(weights, 0.0, 0.6, _toy_vocabulary(), oov_threshold=0.4)
    assert one_threshold.predict(unit, ["app died, no wifi"], extracted) == [["app crash"]]
    # the out-of-vocabulary "wifi" passes its own threshold; "late delivery" (in the vocabulary) still does not
    assert own_threshold.predict(unit, ["app died, no wifi"], extracted) == [["app crash", "wifi"]]


def test_pain_points_retrieval_adds_extracted_names_after_retrieved_ones():
    vectors = np.eye(4)
    extracted = [("checkout crash", 0.6, vectors[1]), ("app crash again", 0.7, vectors[0]),
                 ("promo code", 0.5, vectors[2]), ("wifi", 0.1, vectors[3])]
    # "app crash again" repeats the kept name (cosine 1); "wifi" is under the threshold
    assert add_extracted(["app crash"], vectors[:1], extracted, 0.3) == ["app crash", "checkout crash", "promo code"]
    assert add_extracted(["app crash"], vectors[:1], extracted, 0.3, limit=2) == ["app crash", "checkout crash"]
    assert add_extracted([], np.zeros((0, 4)), [("crash", 0.5, vectors[0])], 0.3) == ["crash"]


def test_pain_points_two_complaints_in_one_sentence_are_both_named(extractor):
    # regression: the known "invalid promo code" was kept and the out-of-vocabulary checkout crash was dropped
    [names] = extractor.extract_texts(["The checkout page crashed and the promo code was rejected."])
    assert any("checkout" in name for name in names), names
    assert any("promo code" in name for name in names), names


def test_pain_points_paraphrased_problem_is_named_by_retrieval(extractor):
    [names] = extractor.extract_texts(["The app closes itself as soon as I tap on My Orders."])
    assert "app crash" in names


class _LetterEncoder:
    """Deterministic fake encoder: names sharing their first letter are identical, others orthogonal."""

    def encode(self, texts):
        rows = np.zeros((len(texts), 26))
        for row, text in enumerate(texts):
            rows[row, ord(text[0]) - ord("a")] = 1.0
        return rows


def test_pain_points_match_calibration_picks_the_threshold_that_agrees_with_judges(tmp_path):
    from enrich.training.pain_points import calibrate_match_threshold

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name_a,name_b,same\napp crash,app freeze,0\nlate delivery,delivery delay,0\n"
                     "bag fee,bag fees,1\n")
    calibration = calibrate_match_threshold(_LetterEncoder(), pairs)
    # similarities 1, 0, 1 against judgements 0, 0, 1: two of three agree whatever the threshold
    assert calibration["n_pairs"] == 3 and calibration["n_same"] == 1
    assert all(abs(row["agreement"] - 2 / 3) < 1e-9 for row in calibration["by_threshold"].values())
    pairs.write_text("name_a,name_b,same\napp crash,late delivery,0\nbag fee,bag fees,1\n")
    calibration = calibrate_match_threshold(_LetterEncoder(), pairs)
    assert calibration["by_threshold"][calibration["best"]]["agreement"] == 1.0


@pytest.mark.slow
def test_pain_points_beats_noun_chunk_baseline_on_test_split(encoder):
    from enrich.training.pain_points import evaluate

    [scores] = evaluate("test", encoder).values()
    ours, baseline = scores["pain_points.v1"], scores["noun chunks (baseline)"]
    assert ours["precision"] > baseline["precision"] + 0.1
    assert ours["f1"] > baseline["f1"]
    # regression floor just under the figures in models/pain_points/card.md (0.438 / 0.291, calibrated match >= 0.85)
    assert ours["precision"] >= 0.42
    assert ours["recall"] >= 0.28
    # retrieval must keep its gain in recall and F1 over extraction alone (0.128 / 0.202; its precision is 0.481)
    round_one = scores["extraction + candidate scorer (round 1)"]
    assert ours["recall"] > round_one["recall"] + 0.05 and ours["f1"] > round_one["f1"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 3 targets not met yet; see models/pain_points/card.md")
def test_pain_points_meets_issue_targets_on_test_split(encoder):
    from enrich.training.pain_points import evaluate

    [scores] = evaluate("test", encoder).values()
    assert scores["pain_points.v1"]["precision"] >= 0.8
    assert scores["pain_points.v1"]["recall"] >= 0.6


def test_pain_points_scorer_names_are_re_exported_from_the_component():
    import enrich.components.pain_points as component
    import enrich.pain_point_scorer as scorer_module

    for name in ("FEATURES", "RULES", "Candidate", "CandidateScorer", "candidate_features", "select", "scorer_path"):
        assert getattr(component, name) is getattr(scorer_module, name), name
