"""Themer: fast tests on synthetic embeddings (no encoder). Blobs are gaussian clouds around random unit directions
in 384-d; each blob has its own vocabulary so labels can be checked."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import adjusted_rand_score

from enrich.themes import KeyphraseLabeler, NullReducer, PCAReducer, Theme, Themer, UMAPReducer
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
    assert np.mean(fitted.transform(embeddings) == fitted.labels_) >= 0.99
    # any batch size, including one unit and none
    assert fitted.transform(embeddings[:1]).tolist() == fitted.labels_[:1].tolist()
    assert fitted.transform(np.zeros((0, DIMS), dtype=np.float32)).shape == (0,)


def test_themer_transform_leaves_dissimilar_units_unthemed(fitted: Themer) -> None:
    far = np.random.default_rng(99).normal(size=(20, DIMS)).astype(np.float32)  # random directions: cosine ~0
    assert (fitted.transform(far) == -1).all()
    assert (fitted.transform(np.zeros((2, DIMS), dtype=np.float32)) == -1).all()


def test_themer_unthemed_units_are_below_the_floor(blobs: Blobs) -> None:
    embeddings, texts, _ = blobs
    for floor in (0.45, 0.8):
        themer = Themer(reducer=PCAReducer(), min_cluster_size=10, reassign_floor=floor).fit(embeddings, texts)
        unthemed = embeddings[themer.labels_ == -1]
        if len(unthemed):
            assert (unthemed @ themer.centroids_.T).max() < floor


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
        assert theme.label.startswith(topic)
        assert " / " in theme.label


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
    params = dict(
        reducer=reducer,
        min_cluster_size=25,
        min_samples=3,
        reassign_floor=0.6,
        labeler=labeler,
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
        min_cluster_size=10,
        min_samples=None,
        reassign_floor=0.45,
        labeler=None,
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
