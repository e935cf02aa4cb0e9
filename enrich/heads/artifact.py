"""The one on-disk format for trained numbers: ``<name>.safetensors`` (arrays) + ``<name>.json`` (everything else).

Never pickle: both files are plain data a user can inspect and load without running code from them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from enrich.errors import ModelError


def save_artifact(
    directory: str | Path, name: str, tensors: dict[str, np.ndarray], header: dict[str, Any], **json_options: Any
) -> Path:
    """Write ``directory/<name>.safetensors`` and ``directory/<name>.json``; returns the safetensors path."""
    from safetensors.numpy import save_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(directory / f"{name}.safetensors"))
    (directory / f"{name}.json").write_text(json.dumps(header, **json_options) + "\n")
    return directory / f"{name}.safetensors"


def load_artifact(directory: str | Path, name: str, what: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read both files back as (tensors, header).

    Raises:
        ModelError: either file is missing, naming ``what`` it was and the command that trains it.
    """
    from safetensors.numpy import load_file

    directory = Path(directory)
    weights_path, header_path = directory / f"{name}.safetensors", directory / f"{name}.json"
    if not weights_path.exists() or not header_path.exists():
        raise ModelError(
            f"{what} {name!r} not found in {directory} (expected {weights_path.name} and {header_path.name}); "
            f"train it with: enrich train {directory.name}"
        )
    return load_file(str(weights_path)), json.loads(header_path.read_text())
