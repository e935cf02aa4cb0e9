"""``encode.v1``: the one encoder pass. Every unit text is encoded once; vectors are cached by
(text hash, encoder weights hash) so a re-run does not re-encode."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.encoder import EMBEDDING_DIM, Encoder, text_hash


class EmbeddingCache(Protocol):
    """Where vectors are kept between runs (the profile store implements it)."""

    def cached_embeddings(self, text_hashes: list[str], model_hash: str) -> dict[str, np.ndarray]: ...

    def cache_embeddings(self, items: dict[str, np.ndarray], model_hash: str) -> None: ...


@register("encode.v1", assigns=("embeddings",), requires=("units",))
class EncodeStep:
    """Encode unit texts, reusing cached vectors; duplicate texts in a batch are encoded once.

    Attributes:
        last_encoded: how many texts the last ``predict`` actually sent through the encoder.
    """

    def __init__(self, encoder: Encoder, cache: EmbeddingCache | None = None, show_progress: bool = False):
        self.encoder = encoder
        self.cache = cache
        self.show_progress = show_progress
        self.last_encoded = 0

    def predict(self, batch: Batch) -> np.ndarray:
        texts = [unit.text for unit in batch.units]
        hashes = [text_hash(text) for text in texts]
        unique = dict(zip(hashes, texts))
        known = self.cache.cached_embeddings(list(unique), self.encoder.weights_hash) if self.cache else {}
        missing = [h for h in unique if h not in known]
        fresh = self.encoder.encode([unique[h] for h in missing], show_progress=self.show_progress)
        self.last_encoded = len(missing)
        new = dict(zip(missing, fresh))
        if self.cache and new:
            self.cache.cache_embeddings(new, self.encoder.weights_hash)
        vectors = known | new
        if not hashes:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([vectors[h] for h in hashes]).astype(np.float32)

    def set_annotations(self, batch: Batch, embeddings: np.ndarray) -> None:
        batch.embeddings = embeddings
