"""enrich: turn customer feedback into experiential data on customer profiles.

Example:
    >>> import enrich                                                    # doctest: +SKIP
    >>> pipe = enrich.load("pipelines/reviews.toml")                     # doctest: +SKIP
    >>> out = pipe.enrich(df)                                            # doctest: +SKIP
    >>> results = enrich.analyze(["Checkout failed twice, support never answered."])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["load", "analyze", "Pipeline", "TextResult", "__version__"]

if TYPE_CHECKING:
    from enrich.analysis import TextResult, analyze
    from enrich.pipeline import Pipeline, load


def __getattr__(name: str) -> Any:
    # Lazy: `import enrich` stays cheap; torch and spaCy load only when a pipeline runs.
    if name in ("load", "Pipeline"):
        from enrich import pipeline

        return getattr(pipeline, name)
    if name in ("analyze", "TextResult"):
        from enrich import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module 'enrich' has no attribute {name!r}")
