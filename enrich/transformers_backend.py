"""Any local Hugging Face sequence-classification model as the sentiment model of a pipeline.

A user who has fine-tuned a sentiment classifier points ``[sentiment] model_path`` at its directory (the output of
``save_pretrained``: config, weights, tokenizer). Its labels are mapped onto enrich's three (``negative``,
``neutral``, ``positive``): names such as ``NEG``/``negative``/``1 star`` are recognised where unambiguous, any
other through ``[sentiment] labels``. A two-class model gives neutral probability 0. Nothing is downloaded:
loading is ``local_files_only``.

It costs a second transformer pass over the units (the shared MiniLM pass still feeds effort, actionability,
pain points and themes), and effort and actionability keep reading enrich's own sentiment head, whose
probabilities they were trained on.

Example:
    >>> model = TransformersSentiment("models/my-finetuned-sentiment")        # doctest: +SKIP
    >>> model.predict_proba(None, ["not bad at all"]).round(2)                 # doctest: +SKIP
    array([[0.02, 0.09, 0.89]])
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import numpy as np

from enrich._compat import require
from enrich.encoder import file_sha256
from enrich.errors import ModelError

__all__ = ["SENTIMENT_LABELS", "TransformersSentiment"]

SENTIMENT_LABELS = ["negative", "neutral", "positive"]
_KNOWN_NAMES = {
    "negative": "negative", "neg": "negative", "1 star": "negative", "2 stars": "negative",
    "neutral": "neutral", "neu": "neutral", "3 stars": "neutral",
    "positive": "positive", "pos": "positive", "4 stars": "positive", "5 stars": "positive",
}
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def model_ref(path: str | Path) -> str:
    """``"transformers:<directory name>@<sha256 prefix of the weights>"``, the id recorded in provenance."""
    path = Path(path)
    weights = next((path / name for name in _WEIGHT_FILES if (path / name).exists()), None)
    if weights is None:
        raise ModelError(f"no {' or '.join(_WEIGHT_FILES)} under {path}; expected a directory written by "
                         "save_pretrained (config.json, weights, tokenizer files)")
    return f"transformers:{path.name}@{file_sha256(weights)[:12]}"


class TransformersSentiment:
    """A sequence-classification model whose classes map onto negative / neutral / positive.

    Args:
        path: The model directory.
        labels: The model's label names (its ``id2label`` values) -> ``negative``/``neutral``/``positive``;
            only needed for names not recognised on their own (e.g. ``LABEL_0``).
        batch_size: Texts per forward pass.
        max_length: Tokens per text; longer texts are truncated.

    Raises:
        ModelError: The directory holds no model, transformers is missing, or a label cannot be mapped.
    """

    labels = SENTIMENT_LABELS

    def __init__(self, path: str | Path, labels: Mapping[str, str] | None = None, batch_size: int = 32,
                 max_length: int = 256):
        self.path = Path(path)
        self.model_ref = model_ref(self.path)
        self.batch_size = batch_size
        self.max_length = max_length
        self.columns = self._columns(dict(labels or {}))

    @cached_property
    def _loaded(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        transformers = require("transformers")
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
            model = transformers.AutoModelForSequenceClassification.from_pretrained(str(self.path),
                                                                                    local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load a sequence-classification model from {self.path}: {exc}") from exc
        return tokenizer, model.eval()

    def _columns(self, mapping: dict[str, str]) -> list[int]:
        """For each model class, the index of the enrich label it counts towards."""
        transformers = require("transformers")
        config = transformers.AutoConfig.from_pretrained(str(self.path), local_files_only=True)
        names = [str(config.id2label[i]) for i in range(config.num_labels)]
        bad = sorted(set(mapping.values()) - set(SENTIMENT_LABELS))
        if bad:
            raise ModelError(f"[sentiment] labels maps to {bad}; valid targets: {SENTIMENT_LABELS}")
        columns = []
        for name in names:
            target = mapping.get(name) or _KNOWN_NAMES.get(name.strip().lower())
            if target is None:
                raise ModelError(
                    f"{self.path}: cannot tell which sentiment the model's label {name!r} means (its labels: "
                    f"{names}); map each in the config, e.g. [sentiment] labels = {{ {names[0]} = \"negative\", ... }}")
            columns.append(SENTIMENT_LABELS.index(target))
        if not {0, 2} <= set(columns):
            raise ModelError(f"{self.path}: the model's labels {names} give no negative or no positive class")
        return columns

    def predict_proba(self, embeddings: np.ndarray | None, texts: list[str]) -> np.ndarray:
        """(n, 3) probabilities in ``labels`` order; ``embeddings`` is ignored (the model reads the texts)."""
        torch = require("torch")
        tokenizer, model = self._loaded
        out = np.zeros((len(texts), len(SENTIMENT_LABELS)), dtype=np.float64)
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                chunk = list(texts[start : start + self.batch_size])
                encoded = tokenizer(chunk, padding=True, truncation=True, max_length=self.max_length,
                                    return_tensors="pt")
                probabilities = torch.softmax(model(**encoded).logits.float(), dim=-1).numpy()
                for model_class, column in enumerate(self.columns):
                    out[start : start + len(chunk), column] += probabilities[:, model_class]
        return out
