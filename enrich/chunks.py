"""Enriched chunks ready for the store, from this process or from Ray Data actors (``[backend] kind``).

Both backends run the same components (``Pipeline.run_batch``) over the same chunks and hand the runner the same
rows, so where a chunk ran never changes what is stored. The runner writes every chunk itself, in the order they
arrive; the store never sees a worker.

Ray: each actor builds the pipeline once (one model load per actor) and enriches whole chunks. Actors do not read
the store, so they encode every unit of their chunks; the vectors come back with the rows and the runner caches
them, so theme fitting and later runs reuse them. Theme fitting itself stays on the driver (it fits a sample of at
most ``themes.max_fit_units`` units and assigns the rest in streaming chunks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from enrich.config import PipelineConfig
from enrich.pipeline import Pipeline
from enrich.rollup import feedback_rows, unit_rows
from enrich.schema import Feedback

__all__ = ["EnrichedChunk", "enriched_chunks"]


@dataclass
class EnrichedChunk:
    """One chunk's store rows.

    Attributes:
        feedback: The chunk's feedback records.
        units: Rows for the store's ``units`` table.
        enrichments: Rows for ``feedback_enrichments``.
        encoded: Unit texts the encoder actually ran on.
        embeddings: Vectors to cache by text hash (empty when the encode step cached them itself).
    """

    feedback: list[Feedback]
    units: list[dict[str, Any]]
    enrichments: list[dict[str, Any]]
    encoded: int
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)


def enriched_chunks(pipeline: Pipeline, feedback: Sequence[Feedback],
                    repeat_contact: Mapping[str, bool]) -> Iterator[EnrichedChunk]:
    """Enrich ``feedback`` chunk by chunk on the backend the pipeline's config names."""
    if pipeline.config.backend.kind == "ray":
        yield from _ray_chunks(pipeline.config, feedback, repeat_contact)
        return
    encode_steps = [step for name, step in pipeline.components if name == "encode.v1"]
    for batch in pipeline.run_chunks(feedback):
        yield EnrichedChunk(batch.feedback, unit_rows(batch), feedback_rows(batch, repeat_contact=repeat_contact),
                            sum(step.last_encoded for step in encode_steps))


class _CollectingCache:
    """An actor's embedding cache: remembers nothing between chunks, hands each chunk's new vectors back."""

    def __init__(self) -> None:
        self.new: dict[str, np.ndarray] = {}

    def cached_embeddings(self, text_hashes: list[str], model_hash: str) -> dict[str, np.ndarray]:
        return {}

    def cache_embeddings(self, items: dict[str, np.ndarray], model_hash: str) -> None:
        self.new.update(items)


class _ChunkEnricher:
    """A Ray Data actor: the pipeline built once, then whole chunks enriched one per call."""

    def __init__(self, config: dict[str, Any], repeat_contact: dict[str, bool]):
        self.cache = _CollectingCache()
        self.pipeline = Pipeline(PipelineConfig.model_validate(config), cache=self.cache)
        self.repeat_contact = repeat_contact

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = []
        for payload in batch["feedback"]:
            self.cache.new = {}
            records = [Feedback.model_validate(record) for record in json.loads(payload)]
            chunk = next(iter(enriched_chunks(self.pipeline, records, self.repeat_contact)))
            chunk.embeddings = self.cache.new
            out.append(chunk)
        column = np.empty(len(out), dtype=object)
        column[:] = out
        return {"chunk": column}


def _ray_chunks(config: PipelineConfig, feedback: Sequence[Feedback],
                repeat_contact: Mapping[str, bool]) -> Iterator[EnrichedChunk]:
    from enrich._compat import require

    ray = require("ray")
    settings = config.backend
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=settings.address, include_dashboard=False, log_to_driver=False,
                 num_cpus=None if settings.address else max(1, int(np.ceil(settings.actors * settings.cpus_per_actor))))
    try:
        # Each actor's encoder gets the CPUs the actor was given: more threads than cores is 3-4x slower.
        threads = config.encoder.threads or max(1, int(settings.cpus_per_actor))
        local = config.model_copy(update={"backend": settings.model_copy(update={"kind": "local"}),
                                          "encoder": config.encoder.model_copy(update={"threads": threads})})
        size = config.chunk_size
        items = [{"feedback": json.dumps([record.model_dump(mode="json") for record in feedback[start : start + size]])}
                 for start in range(0, len(feedback), size)]  # JSON in: Arrow stores it as text
        if not items:
            return
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            _ChunkEnricher, batch_size=1, compute=ray.data.ActorPoolStrategy(size=settings.actors),
            num_cpus=settings.cpus_per_actor,
            fn_constructor_kwargs={"config": local.model_dump(mode="json"), "repeat_contact": dict(repeat_contact)},
        )
        for row in dataset.iter_rows():
            yield row["chunk"]
    finally:
        if started_here:
            ray.shutdown()
