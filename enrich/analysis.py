"""Per-row enrichment of any table (``enrich analyze``) and of plain texts (``enrich.analyze``).

Example:
    >>> import enrich                                                              # doctest: +SKIP
    >>> [r.sentiment_label for r in enrich.analyze(["Love it", "Checkout failed twice"])]  # doctest: +SKIP
    ['positive', 'negative']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from enrich.pipeline import Pipeline, load
from enrich.readers.rows import detect_format, iter_rows
from enrich.schema import Reject, SentimentLabel

DEFAULT_ANALYZE_CONFIG = {"pipeline": {"name": "analyze"}, "themes": {"min_cluster_size": 5}}
OUTPUT_COLUMNS = ["sentiment_label", "sentiment_score", "effort_score", "pain_points", "theme_id", "theme_label",
                  "language", "n_units"]


@dataclass(frozen=True)
class TextResult:
    """Enrichment of one text.

    Attributes:
        text: the input text.
        sentiment_label: negative / neutral / positive; None for blank or non-English text.
        sentiment_score: float in [-1, 1] (P(positive) - P(negative)); None when unscored.
        effort_score: float in [-5, 5]; None when the text says nothing about effort.
        pain_points: canonical pain points found in its negative sentences.
        theme_id: theme among the texts analysed together; -1 = unthemed.
        theme_label: readable name of that theme.
        language: ISO 639-1 code ("en" when unsure); None for blank text.
    """

    text: str
    sentiment_label: SentimentLabel | None
    sentiment_score: float | None
    effort_score: float | None
    pain_points: list[str]
    theme_id: int
    theme_label: str | None
    language: str | None


def _none(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def analyze(texts: list[str], pipeline: Pipeline | None = None) -> list[TextResult]:
    """Enrich a list of texts; one typed result per text, in order (a list in always gives a list out)."""
    pipeline = pipeline or load(DEFAULT_ANALYZE_CONFIG)
    frame = pipeline.enrich(pd.DataFrame({"text": list(texts)}))
    return [
        TextResult(
            text=row.text, sentiment_label=_none(row.sentiment_label), sentiment_score=_none(row.sentiment_score),
            effort_score=_none(row.effort_score), pain_points=list(row.pain_points), theme_id=int(row.theme_id),
            theme_label=_none(row.theme_label), language=_none(row.language),
        )
        for row in frame.itertuples(index=False)
    ]


def read_table(path: str | Path, text_column: str) -> tuple[pd.DataFrame, list[Reject]]:
    """Rows of a CSV/JSONL/Parquet file as a DataFrame (a ``_line`` column keeps each row's line), plus the rows
    that could not be read (bad bytes, broken JSON) as rejects."""
    path = Path(path)
    rows, rejects = [], []
    for line, row, problem in iter_rows(path, required=[text_column]):
        if problem:
            reason, _, detail = problem.partition(": ")
            rejects.append(Reject("analyze", path.name, line, reason, detail))  # type: ignore[arg-type]
            continue
        rows.append({"_line": line, **row})
    return pd.DataFrame(rows), rejects


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write CSV/JSONL/Parquet by suffix; list columns become JSON in CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = detect_format(path)
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        import json

        flat = frame.copy()
        for column in flat.columns:
            if flat[column].map(lambda v: isinstance(v, (list, dict))).any():
                flat[column] = flat[column].map(lambda v: json.dumps(v) if isinstance(v, (list, dict)) else v)
        flat.to_csv(path, index=False)
    return path


def analyze_file(
    input_path: str | Path, text_column: str, output_path: str | Path, pipeline: Pipeline | None = None,
    progress: bool = False,
) -> tuple[int, list[Reject]]:
    """Enrich every row of a file and write it with the enrichment columns added.

    Returns:
        (rows written, rejected rows). Rejects are also written beside the output as ``<out>.rejects.csv``.

    Raises:
        InputError: missing file, unknown format, or ``text_column`` absent.
    """
    frame, rejects = read_table(input_path, text_column)
    pipeline = pipeline or load(DEFAULT_ANALYZE_CONFIG)
    enriched = pipeline.enrich(frame, text_column=text_column, progress=progress) \
        if len(frame) else frame.assign(**{c: [] for c in OUTPUT_COLUMNS})
    write_table(enriched.drop(columns=["_line"], errors="ignore"), output_path)
    if rejects:
        from enrich.readers import rejects_to_frame

        rejects_to_frame(rejects).to_csv(f"{output_path}.rejects.csv", index=False)
    return len(enriched), rejects
