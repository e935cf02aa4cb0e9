"""Themes vs BERTopic, side by side, on the same CFPB sample and the same embeddings (issue 4).

4,000 CFPB complaint narratives, stratified over the 8 products (random_state=42), first 1,000 characters each,
encoded once with all-MiniLM-L6-v2 (cached under .cache/embeddings). Both methods get the same embeddings and are run
on 5 shuffled input orders; numba is warmed up for both before anything is timed. Prints themes, unthemed share,
ARI/NMI against the product (top level and fine level), stability (smallest ARI between the 5 orders' labels) and the
mean fit wall time.

Run:  python bench/themes_vs_bertopic.py [--orders 5] [--reducers]   (needs ``pip install -e '.[bench]'``)
``--reducers`` instead compares reducers for the Themer (the measurement behind the default).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

from enrich.themes import PCAReducer, Themer, UMAPReducer  # noqa: E402
from enrich.themes.evaluation import cfpb_embeddings, cfpb_sample, order_stability, product_scores  # noqa: E402


def run_ours(X, texts, truth, orders, make=lambda: Themer(min_cluster_size=None)):
    times, fits = [], []

    def fit(order):
        start = time.perf_counter()
        themer = make().fit(X[order], [texts[i] for i in order])
        times.append(time.perf_counter() - start)
        fits.append(themer)
        return np.stack([themer.labels_, themer.top_labels_], axis=1)

    both = []
    stability, runs = order_stability(lambda o: (both.append(fit(o)), both[-1][:, 1])[1], len(texts), orders)
    first = fits[0]
    top_ari, top_nmi = product_scores(first.top_labels_, truth)
    fine_ari, fine_nmi = product_scores(first.labels_, truth)
    agree = float(np.mean(first.transform(X) == first.labels_))
    return dict(themes=f"{len(first.top_themes_)} top / {len(first.themes_)} fine",
                unthemed=float(np.mean(first.labels_ < 0)), ari=top_ari, nmi=top_nmi, fine_nmi=fine_nmi,
                stability=stability, seconds=float(np.mean(times)), transform=agree, model=first)


def run_bertopic(X, texts, truth, orders):
    from bertopic import BERTopic
    from umap import UMAP

    times, models = [], []

    def fit(order):
        model = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                                         random_state=42))
        start = time.perf_counter()
        topics, _ = model.fit_transform([texts[i] for i in order], X[order])
        times.append(time.perf_counter() - start)
        models.append(model)
        return np.asarray(topics)

    stability, runs = order_stability(fit, len(texts), orders)
    labels = runs[0]
    ari, nmi = product_scores(labels, truth)
    info = models[0].get_topic_info()
    names = [str(n) for n in info[info["Topic"] >= 0]["Name"].head(8)]
    return dict(themes=f"{len(set(labels) - {-1})}", unthemed=float(np.mean(labels < 0)), ari=ari, nmi=nmi,
                fine_nmi=nmi, stability=stability, seconds=float(np.mean(times)), transform=None, names=names)


def compare_reducers(X, texts, truth):
    print(f"{'reducer':<28}{'themes':>14}{'unthemed':>10}{'top ARI':>9}{'top NMI':>9}{'fine NMI':>9}{'fit s':>7}")
    configs = {
        "PCA(10)": lambda: Themer(reducer=PCAReducer(10), min_cluster_size=None),
        "PCA(50)": lambda: Themer(reducer=PCAReducer(50), min_cluster_size=None),
        "UMAP(5, nn=15)": lambda: Themer(reducer=UMAPReducer(5, 15), min_cluster_size=None),
        "UMAP(5, nn=30)": lambda: Themer(reducer=UMAPReducer(5, 30), min_cluster_size=None),
        "UMAP(10, nn=15)": lambda: Themer(reducer=UMAPReducer(10, 15), min_cluster_size=None),
        "UMAP(5, nn=15), mcs=40": lambda: Themer(reducer=UMAPReducer(5, 15), min_cluster_size=40),
    }
    for name, make in configs.items():
        r = run_ours(X, texts, truth, 1, make)
        print(f"{name:<28}{r['themes']:>14}{r['unthemed']:>10.1%}{r['ari']:>9.3f}{r['nmi']:>9.3f}"
              f"{r['fine_nmi']:>9.3f}{r['seconds']:>7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5)
    parser.add_argument("--reducers", action="store_true")
    args = parser.parse_args()
    sample = cfpb_sample()
    X = cfpb_embeddings(sample)
    texts, truth = sample["text"].tolist(), sample["product"].to_numpy()
    warm = np.ascontiguousarray(X[:300])
    Themer(min_cluster_size=10).fit(warm, texts[:300])  # numba compilation of UMAP and fast_hdbscan, untimed
    if args.reducers:
        compare_reducers(X, texts, truth)
        return
    ours = run_ours(X, texts, truth, args.orders)
    try:
        import bertopic  # noqa: F401
    except ImportError:
        theirs = None
        print("BERTopic is not installed (pip install -e '.[bench]'); only our side is shown")
    else:
        from bertopic import BERTopic

        BERTopic().fit([texts[i] for i in range(300)], X[:300])  # hdbscan/numba warm-up, untimed
        theirs = run_bertopic(X, texts, truth, args.orders)
    print(f"\nCFPB sample: {len(texts)} narratives, 8 products, {args.orders} shuffled input orders each\n")
    header = f"{'method':<34}{'themes':>16}{'unthemed':>10}{'ARI':>7}{'NMI':>7}{'fine NMI':>9}{'stability':>10}"
    print(header + f"{'wall s':>8}")
    rows = [("ours: Themer defaults (UMAP 5-d)", ours)] + ([("BERTopic 0.17 defaults", theirs)] if theirs else [])
    for name, r in rows:
        print(f"{name:<34}{r['themes']:>16}{r['unthemed']:>10.1%}{r['ari']:>7.3f}{r['nmi']:>7.3f}"
              f"{r['fine_nmi']:>9.3f}{r['stability']:>10.3f}{r['seconds']:>8.1f}")
    print("ARI/NMI: our top level (BERTopic: its topics) vs product, unthemed as one class; stability: min ARI "
          f"between orders. Our transform on the fitted units agrees with labels_ on {ours['transform']:.1%}.")
    model = ours["model"]
    print("\nOur top level -> fine themes (size):")
    for top in model.top_themes_:
        print(f"  [{top.size:4d}] {top.label}")
        for child in top.children[:4]:
            fine = model.themes_[child]
            print(f"         - [{fine.size:4d}] {fine.label}  ({', '.join(fine.key_phrases[2:4])})")
    if theirs:
        print("\nBERTopic's largest topics: " + "; ".join(theirs["names"]))


if __name__ == "__main__":
    main()
