"""Shared helpers for training: cached embeddings of labelled sets, metrics, the models directory."""

from __future__ import annotations

import hashlib

import numpy as np

from enrich.encoder import Encoder
from enrich.paths import REPO_ROOT, models_dir

MODELS_DIR = models_dir()
CACHE_DIR = REPO_ROOT / ".cache" / "embeddings"
SEED = 42


def embed_texts(encoder: Encoder, texts: list[str], name: str) -> np.ndarray:
    """Embeddings of ``texts``, cached on disk by (content of the texts, encoder weights hash).

    Returns:
        float32 array (len(texts), 384).
    """
    digest = hashlib.sha1("\x1f".join(texts).encode("utf-8")).hexdigest()[:16]
    path = CACHE_DIR / f"{name}-{digest}-{encoder.weights_hash[:12]}.npy"
    if path.exists():
        return np.load(path)
    vectors = encoder.encode(texts, show_progress=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def expected_calibration_error(probabilities: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    """Top-label expected calibration error.

    Args:
        probabilities: (n, k) class probabilities.
        truth: (n,) integer class indices.
    """
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            error += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(error)
