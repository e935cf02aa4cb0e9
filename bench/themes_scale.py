"""Theme fitting at scale: 100k units, peak memory and wall time (issue 4, item 9).

The vectors are synthetic but realistic: each of the 100k units is one of the 4,000 CFPB sample narratives'
all-MiniLM-L6-v2 embeddings plus gaussian noise (cosine ~0.9 to its source, renormalised), with that narrative's
text, so the corpus has the topic structure of real complaints at 25x the size. The Themer clusters a content-keyed
sample of ``max_fit_units`` (default 20,000: UMAP + HDBSCAN), then assigns every unit by nearest centroid in
8,192-row chunks (streaming: memory does not grow with the corpus beyond the input matrix). ``--max-fit 0`` clusters
all 100k units (UMAP on 100k: minutes on 2 cores).

Run:  python bench/themes_scale.py [--units 100000] [--max-fit 20000]
Prints: input size, fit time, streaming-assignment throughput, peak RSS of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import glob
import resource
import time
from pathlib import Path

import numpy as np


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def cfpb_vectors() -> tuple[np.ndarray, list[str]]:
    from enrich.themes.evaluation import cfpb_sample

    sample = cfpb_sample()
    cached = sorted(glob.glob(str(Path(__file__).resolve().parents[1] / ".cache/embeddings/cfpb-themes-*.npy")))
    if cached:  # the vectors bench/themes_vs_bertopic.py cached; avoids importing torch into this process
        return np.load(cached[-1]), sample["text"].tolist()
    from enrich.themes.evaluation import cfpb_embeddings

    return cfpb_embeddings(sample), sample["text"].tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--max-fit", type=int, default=20_000, help="0 = cluster every unit")
    args = parser.parse_args()
    from enrich.themes import Themer

    anchors, anchor_texts = cfpb_vectors()
    rng = np.random.default_rng(0)
    source = rng.integers(0, len(anchors), size=args.units)
    X = anchors[source] + rng.normal(scale=0.018, size=(args.units, anchors.shape[1])).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    texts = [anchor_texts[i] for i in source]
    cosine = float(np.mean(np.sum(X[:1000] * anchors[source[:1000]], axis=1)))
    Themer(min_cluster_size=10).fit(np.ascontiguousarray(X[:300]), texts[:300])  # numba warm-up, untimed
    before = peak_rss_mb()
    start = time.perf_counter()
    themer = Themer(min_cluster_size=None, max_fit_units=args.max_fit or None).fit(X, texts)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    streamed = np.concatenate([themer.transform(X[i : i + 8192]) for i in range(0, len(X), 8192)])
    assign_seconds = time.perf_counter() - start
    print(f"units: {args.units:,} x {X.shape[1]} float32 ({X.nbytes / 2**20:.0f} MiB), cosine to source {cosine:.2f}")
    print(f"clustered: {themer.provenance_['n_fit_units']:,} units; {len(themer.themes_)} fine / "
          f"{len(themer.top_themes_)} top themes; unthemed {np.mean(themer.labels_ < 0):.1%}")
    print(f"fit (reduce + cluster + assign all + label): {fit_seconds:.1f} s")
    print(f"streaming assignment: {len(X) / assign_seconds:,.0f} units/s; agrees with labels_: "
          f"{np.mean(streamed == themer.labels_):.1%}")
    print(f"peak RSS: {peak_rss_mb():,.0f} MiB (before fit: {before:,.0f} MiB; budget 2,048 MiB)")


if __name__ == "__main__":
    main()
