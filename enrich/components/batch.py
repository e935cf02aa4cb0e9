"""The unit of work that flows through the components: feedback records, their units and annotations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from enrich.schema import Feedback, Unit


@dataclass
class Batch:
    """A chunk of feedback and everything components attach to its units.

    Attributes:
        feedback: the feedback records of the chunk.
        units: scored pieces of those records, set by ``segment.v1``.
        embeddings: float32 (len(units), 384), row i belongs to units[i]; set by ``encode.v1``.
        annotations: per-unit columns by name (``sentiment_label``, ``effort_score``, ...), each a list aligned with units.
        feedback_annotations: per-feedback values by name, each a dict from ``Feedback.key`` to the value
            (e.g. ``actionability``).
    """

    feedback: list[Feedback]
    units: list[Unit] = field(default_factory=list)
    embeddings: np.ndarray | None = None
    annotations: dict[str, list[Any]] = field(default_factory=dict)
    feedback_annotations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def column(self, name: str, default: Any = None) -> list[Any]:
        """An annotation column, or ``default`` for every unit when no component set it."""
        return self.annotations.get(name, [default] * len(self.units))

    def scorable(self) -> np.ndarray:
        """Boolean mask (len(units),): units that English-model heads may score (customer text in English)."""
        language = self.column("language", "en")
        return np.array(
            [unit.speaker == "customer" and lang == "en" and bool(unit.text.strip())
             for unit, lang in zip(self.units, language)],
            dtype=bool,
        )
