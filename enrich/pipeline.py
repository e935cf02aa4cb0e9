"""A loaded pipeline: its components, built once, run over chunks of feedback; plus the DataFrame API.

Example:
    >>> import enrich                                                    # doctest: +SKIP
    >>> pipe = enrich.load("pipelines/reviews.toml")                     # doctest: +SKIP
    >>> out = pipe.enrich(pd.DataFrame({"text": ["Great app but checkout keeps failing."]}))  # doctest: +SKIP
    >>> out[["sentiment_label", "sentiment_score", "effort_score", "pain_points"]]           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from enrich.components import registry
from enrich.components.batch import Batch
from enrich.components.encode import EmbeddingCache
from enrich.config import PipelineConfig, load_config, parse_config
from enrich.encoder import Encoder
from enrich.errors import InputError
from enrich.paths import models_dir
from enrich.rollup import feedback_rollup
from enrich.schema import Feedback, Provenance
from enrich.themes import PCAReducer, Themer, UMAPReducer


ENRICHMENT_COLUMNS = [
    "sentiment_label", "sentiment_score", "effort_score", "pain_points", "theme_id", "theme_label", "theme_ids",
    "language", "n_units",
]
"""Columns :meth:`Pipeline.enrich` adds to a frame (present even for an empty frame)."""


class Pipeline:
    """Components resolved from a validated config, each built once and reused for every chunk.

    Args:
        config: a validated :class:`PipelineConfig`.
        cache: where embeddings are kept between runs (the profile store); None keeps nothing.
        encoder: an already-loaded encoder to share (e.g. between pipelines); default: built from the config.
    """

    def __init__(self, config: PipelineConfig, cache: EmbeddingCache | None = None, encoder: Encoder | None = None):
        self.config = config
        self.cache = cache
        self.encoder = encoder or Encoder(config.encoder.model_path, config.encoder.batch_size, config.encoder.threads,
                                          config.encoder.precision)

    @cached_property
    def components(self) -> list[tuple[str, Any]]:
        import inspect

        shared = {"encoder": self.encoder, "cache": self.cache, "config": self.config}
        built = []
        for name in self.config.steps:
            factory = registry.get(name).factory
            # A component receives the shared encoder, the embedding cache or the pipeline config by asking
            # for them in __init__.
            wanted = inspect.signature(factory).parameters
            built.append((name, factory(**{key: value for key, value in shared.items() if key in wanted})))
        return built

    @cached_property
    def model_refs(self) -> dict[str, str]:
        """Model name -> ``"<id>@<weights sha256 prefix>"`` for every model this pipeline runs."""
        from enrich.encoder import file_sha256

        refs = {"encoder": self.encoder.model_ref}
        for task, files in (("sentiment", ["head", "ngrams"]), ("effort", ["presence", "score"]), ("actionability", ["head"])):
            if any(name.startswith(f"{task}.") for name in self.config.steps):
                digest = "".join(file_sha256(models_dir() / task / f"{f}.safetensors")[:6] for f in files)
                refs[task] = f"enrich/{task}@{digest}"
        if self.config.sentiment.model_path and "sentiment.v1" in self.config.steps:
            from enrich.transformers_backend import model_ref

            refs["sentiment"] = model_ref(self.config.sentiment.model_path)
        if "segment.v1" in self.config.steps:
            from enrich.nlp import SPACY_MODEL_ID

            refs["spacy"] = SPACY_MODEL_ID
        return refs

    def provenance(self, run_id: str) -> Provenance:
        return Provenance(run_id, self.config.content_hash(), self.model_refs, datetime.now(timezone.utc))

    def run_batch(self, feedback: list[Feedback]) -> Batch:
        """Run every component over one chunk of feedback."""
        batch = Batch(feedback=list(feedback))
        for _, component in self.components:
            component.set_annotations(batch, component.predict(batch))
        return batch

    def run_chunks(self, feedback: Iterable[Feedback]) -> Iterator[Batch]:
        chunk: list[Feedback] = []
        for record in feedback:
            chunk.append(record)
            if len(chunk) >= self.config.chunk_size:
                yield self.run_batch(chunk)
                chunk = []
        if chunk:
            yield self.run_batch(chunk)

    def themer(self) -> Themer:
        settings = self.config.themes
        reducer = (
            UMAPReducer(random_state=settings.random_state)
            if settings.reducer == "umap"
            else PCAReducer(random_state=settings.random_state)
        )
        return Themer(
            reducer=reducer,
            min_cluster_size=settings.min_cluster_size,
            min_samples=settings.min_samples,
            reassign_floor=settings.reassign_floor,
            n_top_themes=settings.n_top_themes,
            max_fit_units=settings.max_fit_units,
            random_state=settings.random_state,
        )

    def enrich(
        self, frame: pd.DataFrame, text_column: str = "text", progress: bool = False
    ) -> pd.DataFrame:
        """Enrich each row of ``frame`` as one review-like feedback.

        Args:
            frame: any DataFrame with a text column.
            text_column: the column holding the feedback text.
            progress: draw a progress bar on stderr.

        Returns:
            A copy of ``frame`` with ``sentiment_label``, ``sentiment_score`` (in [-1, 1]), ``effort_score``
            (-5..+5 or NaN), ``pain_points`` (list), ``theme_id`` (-1 = unthemed), ``theme_label``, ``language``
            and ``n_units`` added. Blank or missing texts get no scores, never an error.

        Raises:
            InputError: ``text_column`` is not in ``frame``.
        """
        if text_column not in frame.columns:
            raise InputError(f"text column {text_column!r} not found; columns present: {', '.join(map(str, frame.columns))}")
        now = datetime.now(timezone.utc)
        texts = ["" if pd.isna(text) else str(text) for text in frame[text_column].tolist()]
        records = [
            Feedback(feedback_id=str(position), channel="review", customer_id=None, created_at=now, text=text)
            for position, text in enumerate(texts)
        ]
        from tqdm.auto import tqdm

        batches = []
        with tqdm(total=len(records), desc="enrich", unit="row", disable=not progress) as bar:
            for batch in self.run_chunks(records):
                batches.append(batch)
                bar.update(len(batch.feedback))
        units = [unit for batch in batches for unit in batch.units]
        embeddings = np.vstack([b.embeddings for b in batches if b.embeddings is not None and len(b.embeddings)]) \
            if units else np.zeros((0, 384), dtype=np.float32)
        theme_ids, theme_labels = self._themes_for(units, embeddings)
        rows = feedback_rollup(records, batches, theme_ids, theme_labels)
        out = frame.copy()
        for column in ENRICHMENT_COLUMNS:
            out[column] = rows[column].to_numpy() if column in rows.columns else pd.Series([], dtype=object)
        return out

    def _themes_for(self, units: list, embeddings: np.ndarray) -> tuple[list[int], dict[int, str]]:
        if not self.config.themes.enabled or not units:
            return [-1] * len(units), {}
        themer = self.themer().fit(embeddings, [unit.text for unit in units])
        return themer.labels_.tolist(), {theme.theme_id: theme.label for theme in themer.themes_}


def load(
    config: str | Path | dict | PipelineConfig, cache: EmbeddingCache | None = None, encoder: Encoder | None = None
) -> Pipeline:
    """Load a pipeline from a TOML path, a mapping or a config object.

    Raises:
        ConfigError: the config is invalid (unknown keys are named with the valid ones).
    """
    if not isinstance(config, PipelineConfig):
        config = parse_config(config) if isinstance(config, dict) else load_config(config)
    return Pipeline(config, cache, encoder)
