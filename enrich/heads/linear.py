"""Linear heads over the shared sentence embedding, stored as safetensors + JSON (never pickle).

A head is a weight matrix and a bias. ``kind="softmax"`` gives class probabilities, ``kind="logistic"`` one
probability per row (binary), ``kind="linear"`` a real value (regression). Training happens in
``enrich.training`` with scikit-learn; only the learned numbers are kept, so loading needs numpy alone.

Example:
    >>> import numpy as np
    >>> head = LinearHead(weights=np.eye(2, dtype=np.float32), bias=np.zeros(2, np.float32),
    ...                   kind="softmax", labels=["negative", "positive"])
    >>> head.predict_proba(np.array([[2.0, 0.0]], dtype=np.float32)).round(2).tolist()
    [[0.88, 0.12]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from enrich.errors import ModelError
from enrich.heads.artifact import load_artifact, save_artifact

HeadKind = Literal["softmax", "logistic", "linear"]


@dataclass
class LinearHead:
    """``weights`` has shape (n_outputs, n_features); ``bias`` shape (n_outputs,).

    ``mean``/``scale`` (shape (n_features,)) standardise the input first when set.
    """

    weights: np.ndarray
    bias: np.ndarray
    kind: HeadKind
    labels: list[str] = field(default_factory=list)
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def decision(self, features: np.ndarray) -> np.ndarray:
        x = np.asarray(features, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.weights.shape[1]:
            raise ModelError(f"head expects features of shape (n, {self.weights.shape[1]}), got {x.shape}")
        if self.mean is not None:
            x = (x - self.mean) / self.scale
        return x @ self.weights.T + self.bias

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probabilities: (n, n_labels) for softmax heads, (n,) for logistic heads."""
        z = self.decision(features)
        if self.kind == "softmax":
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)
        if self.kind == "logistic":
            return 1.0 / (1.0 + np.exp(-z[:, 0]))
        raise ModelError(f"predict_proba is not defined for a {self.kind!r} head")

    def predict_value(self, features: np.ndarray) -> np.ndarray:
        """Real-valued output (n,) of a linear (regression) head."""
        if self.kind != "linear":
            raise ModelError(f"predict_value is only defined for a 'linear' head, not {self.kind!r}")
        return self.decision(features)[:, 0]

    def save(self, directory: str | Path, name: str) -> Path:
        """Write ``<name>.safetensors`` and ``<name>.json`` under ``directory``."""
        tensors = {"weights": self.weights.astype(np.float32), "bias": self.bias.astype(np.float32)}
        if self.mean is not None:
            tensors["mean"] = self.mean.astype(np.float32)
            tensors["scale"] = self.scale.astype(np.float32)
        header = {"kind": self.kind, "labels": self.labels, "meta": self.meta}
        return save_artifact(directory, name, tensors, header, indent=2, sort_keys=True)

    @classmethod
    def load(cls, directory: str | Path, name: str) -> "LinearHead":
        tensors, header = load_artifact(directory, name, "head")
        return cls(
            weights=tensors["weights"],
            bias=tensors["bias"],
            kind=header["kind"],
            labels=header["labels"],
            mean=tensors.get("mean"),
            scale=tensors.get("scale"),
            meta=header.get("meta", {}),
        )
