"""``effort.v1``: customer effort per unit on -5 (extreme effort) .. +5 (effortless), None when the unit says
nothing about effort, from the heads in ``models/effort/`` (see its card)."""

from __future__ import annotations

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.heads.effort import predict_effort
from enrich.heads.linear import LinearHead
from enrich.paths import models_dir


@register("effort.v1", assigns=("effort",), requires=("units", "embeddings"))
class EffortScorer:
    def __init__(self, presence: LinearHead | None = None, score: LinearHead | None = None):
        self.presence = presence or LinearHead.load(models_dir() / "effort", "presence")
        self.score = score or LinearHead.load(models_dir() / "effort", "score")

    def predict(self, batch: Batch) -> list[float | None]:
        efforts: list[float | None] = [None] * len(batch.units)
        mask = batch.scorable()
        if mask.any():
            values = predict_effort(self.presence, self.score, batch.embeddings[mask])
            for row, value in zip(np.flatnonzero(mask), values):
                efforts[row] = None if np.isnan(value) else float(value)
        return efforts

    def set_annotations(self, batch: Batch, efforts: list[float | None]) -> None:
        batch.annotations["effort_score"] = efforts
