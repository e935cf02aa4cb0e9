"""``[backend] kind = "ray"``: the same components in Ray Data actors (Ray's local mode here, 2 actors on 2 CPUs)
store exactly what the in-process run stores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_resume import _stored, config_path  # noqa: F401 - fixture

from enrich.config import load_config
from enrich.runner import run
from enrich.store import ProfileStore


def test_ray_backend_stores_what_the_local_backend_stores(config_path: Path, tmp_path: Path,  # noqa: F811
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import ray

    monkeypatch.chdir(tmp_path)
    local = load_config(config_path)
    on_ray = local.model_copy(update={"backend": local.backend.model_copy(update={"kind": "ray", "actors": 2})})
    assert on_ray.content_hash() == local.content_hash()  # where chunks run is not part of the pipeline's identity
    expected = run(local, db=str(tmp_path / "local.db"), progress=False)
    got = run(on_ray, db=str(tmp_path / "ray.db"), progress=False)
    assert not ray.is_initialized()  # the run started Ray in local mode and shut it down
    assert (got.enriched, got.units) == (expected.enriched, expected.units) and got.enriched == 60
    assert got.encoded >= expected.encoded  # actors read no cache: a text repeated across chunks is encoded again
    local_frames, ray_frames = _stored(tmp_path / "local.db"), _stored(tmp_path / "ray.db")
    for name in local_frames:
        pd.testing.assert_frame_equal(ray_frames[name], local_frames[name], obj=name, check_exact=False, atol=1e-4)
    counts = [ProfileStore(tmp_path / db).counts() for db in ("local.db", "ray.db")]
    assert counts[0]["embedding_cache"] == counts[1]["embedding_cache"] > 0  # the actors' vectors were cached
