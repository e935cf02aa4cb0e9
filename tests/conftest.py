"""Shared fixtures. Offline always; the real encoder and spaCy load once per session, and only for tests that ask."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO_ROOT / "corpora" / "sample"


@pytest.fixture(scope="session")
def encoder():
    """The real all-MiniLM-L6-v2 encoder, loaded once."""
    from enrich.encoder import Encoder

    return Encoder()


@pytest.fixture(scope="session")
def fast_pipeline(encoder):
    """A full pipeline (every step, themes on) sharing the session encoder."""
    from enrich.pipeline import load

    return load({"pipeline": {"name": "test"}, "themes": {"min_cluster_size": 5, "reducer": "pca"}}, encoder=encoder)


@pytest.fixture()
def sample_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a copy of the sample corpora and pipelines, as a user's checkout would."""
    shutil.copytree(SAMPLE_DIR, tmp_path / "corpora" / "sample")
    shutil.copytree(REPO_ROOT / "pipelines", tmp_path / "pipelines")
    monkeypatch.chdir(tmp_path)
    return tmp_path
