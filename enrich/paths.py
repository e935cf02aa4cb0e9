"""Where enrich finds its trained heads: ``$ENRICH_MODELS_DIR`` or the ``models/`` folder of the checkout."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def models_dir() -> Path:
    return Path(os.environ.get("ENRICH_MODELS_DIR", REPO_ROOT / "models"))
