"""Canonical pain-point names: lemmatised phrases merged by embedding similarity.

Extraction (``enrich.components.pain_points``) yields raw names such as ``"promotional code"`` or
``"app crashing"``. :class:`PainPointNames` maps each to one canonical name:

1. an exact alias in the canonical table (``models/pain_points/canonical.json``: canonical name -> aliases);
2. otherwise the nearest canonical name of the table when the cosine similarity of their all-MiniLM-L6-v2
   embeddings is >= ``merge_threshold``;
3. otherwise the raw name itself.

The mapping is a pure function of the phrase and the table: it never learns from the phrases it has seen, so
the same unit gets the same names whatever batch, run or order it comes in (an incremental run equals a full
one). Phrase embeddings are cached per instance, so each distinct phrase is encoded once.

Example:
    >>> names = PainPointNames(Encoder())                          # doctest: +SKIP
    >>> names.canonical(["promotional code", "app crashing"])       # doctest: +SKIP
    ['promo code', 'app crash']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from enrich.paths import models_dir

#: Cosine similarity of MiniLM phrase embeddings above which two names are one pain point (tuned on the dev split).
MERGE_THRESHOLD = 0.8


def canonical_table_path() -> Path:
    """Where the shipped canonical-name table lives."""
    return models_dir() / "pain_points" / "canonical.json"


def load_canonical_table(path: Path | None = None) -> dict[str, list[str]]:
    """The canonical table: canonical name -> list of aliases (all lower-case). Empty when the file is absent."""
    path = path or canonical_table_path()
    if not path.exists():
        return {}
    table = json.loads(path.read_text())
    return {str(name).lower(): [str(alias).lower() for alias in aliases] for name, aliases in table.items()}


class PainPointNames:
    """Maps raw pain-point phrases to canonical names (a pure function of the phrase and the table).

    Args:
        encoder: anything with ``encode(list[str]) -> np.ndarray`` of L2-normalised rows; None disables merging by
            similarity (aliases still apply).
        merge_threshold: cosine similarity in [0, 1] at or above which a phrase joins a known canonical name.
        table: canonical name -> aliases; defaults to the shipped table.
    """

    def __init__(self, encoder: Any | None = None, merge_threshold: float = MERGE_THRESHOLD,
                 table: dict[str, list[str]] | None = None):
        self.encoder = encoder
        self.merge_threshold = merge_threshold
        self.table = load_canonical_table() if table is None else table
        self._alias = {alias: name for name, aliases in self.table.items() for alias in aliases}
        self._alias.update({name: name for name in self.table})
        self._known: list[str] = list(self.table)
        self._vectors: dict[str, np.ndarray] = {}
        self._resolved: dict[str, str] = {}

    def vectors(self, phrases: list[str]) -> np.ndarray:
        """Embeddings (len(phrases), 384) of phrases, each distinct phrase encoded once per instance."""
        missing = sorted({phrase for phrase in phrases if phrase not in self._vectors})
        if missing:
            for phrase, vector in zip(missing, self.encoder.encode(missing)):
                self._vectors[phrase] = np.asarray(vector, dtype=np.float32)
        if not phrases:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack([self._vectors[phrase] for phrase in phrases])

    def canonical(self, phrases: list[str]) -> list[str]:
        """Canonical name of each phrase (same order, same length)."""
        todo = sorted({phrase for phrase in phrases if phrase not in self._resolved})
        if todo and self.encoder is not None:
            self.vectors(todo + self._known)
        for phrase in todo:  # sorted, so a batch resolves the same way whatever its unit order
            self._resolved[phrase] = self._resolve(phrase)
        return [self._resolved[phrase] for phrase in phrases]

    @property
    def aliases(self) -> set[str]:
        """Every name and alias of the table."""
        return set(self._alias)

    def table_similarity(self, phrases: list[str]) -> list[float]:
        """Per phrase, cosine similarity in [-1, 1] to its nearest table name (1.0 for an alias; 0.0 without encoder)."""
        if self.encoder is None or not self._known or not phrases:
            return [1.0 if phrase in self._alias else 0.0 for phrase in phrases]
        similarity = self.vectors(phrases) @ self.vectors(self._known).T
        return [1.0 if phrase in self._alias else float(row.max()) for phrase, row in zip(phrases, similarity)]

    def _resolve(self, phrase: str) -> str:
        if phrase in self._alias:
            return self._alias[phrase]
        if self.encoder is not None and self._known:
            known = self.vectors(self._known)
            similarity = known @ self.vectors([phrase])[0]
            best = int(np.argmax(similarity))
            if similarity[best] >= self.merge_threshold:
                return self._known[best]
        return phrase
