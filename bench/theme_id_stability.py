"""Theme-id matching threshold check: refit the default Themer on two 75% subsets of the CFPB sample and print how
similar each theme's best counterpart is (the figures quoted in enrich/themes/registry.py). Prints; asserts nothing.

Run: .venv/bin/python bench/theme_id_stability.py
"""

from __future__ import annotations

import os

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from enrich.themes import Themer  # noqa: E402
from enrich.themes.evaluation import cfpb_embeddings, cfpb_sample  # noqa: E402


def main() -> None:
    sample = cfpb_sample()
    vectors, texts = cfpb_embeddings(sample), sample["text"].tolist()
    centroids = []
    for seed in (1, 2):
        subset = np.sort(np.random.default_rng(seed).permutation(len(vectors))[: int(0.75 * len(vectors))])
        centroids.append(Themer().fit(vectors[subset], [texts[i] for i in subset]).centroids_)
    first, second = centroids
    best = (first @ second.T).max(axis=1)
    within = first @ first.T
    np.fill_diagonal(within, np.nan)
    print(f"themes {len(first)} and {len(second)}")
    print(f"best counterpart cosine: median {np.median(best):.3f}, p10 {np.percentile(best, 10):.3f}, "
          f"min {best.min():.3f}; share >= 0.85: {(best >= 0.85).mean():.2f}")
    print(f"distinct themes of one fit: p90 {np.nanpercentile(within, 90):.3f}, max {np.nanmax(within):.3f}")


if __name__ == "__main__":
    main()
