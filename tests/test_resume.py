"""``enrich run --resume``: a run that failed part-way is continued under its run id, its checkpointed chunks are not
enriched again, and the store ends exactly as one uninterrupted run leaves it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_postgres import _toml
from test_profiles import KINDS, SAMPLE, _write_part

from enrich.cli import build_parser, main
from enrich.config import load_config
from enrich.readers import read_source
from enrich.runner import run
from enrich.store import ProfileStore

MODELS = {"encoder": "all-MiniLM-L6-v2@ab12cd"}


@pytest.fixture()
def config_path(tmp_path: Path) -> Path:
    for kind, file in KINDS.items():  # 20 feedback per channel, 60 in all: three chunks of 20
        _write_part(read_source(kind, SAMPLE / file).records[:20], kind, tmp_path / f"p_{file}")
    path = tmp_path / "resume.toml"
    path.write_text("chunk_size = 20\n\n" + _toml(tmp_path, str(tmp_path / "unused.db")))
    return path


def _stored(db: Path) -> dict[str, pd.DataFrame]:
    store = ProfileStore(db)
    frames = {"feedback": store.feedback_frame(), "units": store.units_frame(),
              "feedback_enrichments": store.feedback_enrichments_frame(), "traits": store.traits_frame()}
    store.dispose()
    volatile = ("first_run_id", "last_run_id", "run_id", "computed_at", "updated_at", "valid_from")
    return {name: frame.drop(columns=[c for c in frame.columns if c in volatile]).reset_index(drop=True)
            for name, frame in frames.items()}


def test_resume_continues_a_failed_run_and_ends_as_one_uninterrupted_run(
        config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)  # the outputs the config leaves at their defaults (out/...) land in the test's folder
    config = load_config(config_path)
    whole = run(config, db=str(tmp_path / "whole.db"), progress=False)

    calls = []
    original = ProfileStore.upsert_feedback_enrichments

    def fail_on_the_second_chunk(self: ProfileStore, rows: list) -> None:
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full (simulated)")
        original(self, rows)

    crashed_db = tmp_path / "crashed.db"
    with monkeypatch.context() as patch:
        patch.setattr(ProfileStore, "upsert_feedback_enrichments", fail_on_the_second_chunk)
        with pytest.raises(RuntimeError, match="simulated"):
            main(["run", str(config_path), "--db", str(crashed_db), "--no-progress"])
    assert f"enrich run {config_path} --resume --db {crashed_db}" in capsys.readouterr().err
    missing = tmp_path / "missing.toml"  # fails while reading its input: no run recorded, so no resume hint
    missing.write_text(config_path.read_text().replace("p_reviews.csv", "absent.csv"))
    assert main(["run", str(missing), "--db", str(tmp_path / "other.db"), "--no-progress"]) == 3
    assert "--resume" not in capsys.readouterr().err
    store = ProfileStore(crashed_db)
    failed = store.runs_frame().iloc[0]
    assert failed["summary"]["status"] == "failed" and "disk full" in failed["summary"]["error"]
    assert len(store.checkpointed_feedback(failed["run_id"])) == 20  # the first chunk only
    store.dispose()
    assert main(["runs", "--db", str(crashed_db)]) == 0
    listed = capsys.readouterr().out.splitlines()[-1]
    assert listed.startswith(failed["run_id"]) and "failed" in listed and "disk full (simulated)" in listed

    resumed = run(config, db=str(crashed_db), progress=False, resume=True)
    assert resumed.resumed and resumed.run_id == failed["run_id"] and resumed.status == "completed"
    assert resumed.resumed_feedback == 20 and resumed.enriched == whole.enriched == 60
    assert resumed.units == whole.units and resumed.encoded < whole.encoded  # chunk 1 came from the checkpoint
    store = ProfileStore(crashed_db)
    counts = store.counts()
    assert counts["runs"] == 1 and counts["run_checkpoints"] == 0  # a completed run keeps no checkpoints
    store.dispose()
    expected, got = _stored(tmp_path / "whole.db"), _stored(crashed_db)
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)

    again = run(config, db=str(crashed_db), progress=False, resume=True)  # the latest run completed: a new one
    assert not again.resumed and again.run_id != resumed.run_id and again.resumed_feedback == 0


def test_resume_finds_only_the_latest_incomplete_run_with_the_same_models(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "runs.db")
    assert store.resumable_run("hash-a", MODELS) is None
    store.start_run("run-1", "p", "hash-a", MODELS)  # its process died: never finished
    assert store.resumable_run("hash-a", MODELS) == "run-1"
    assert store.resumable_run("hash-b", MODELS) is None  # another pipeline
    assert store.resumable_run("hash-a", {"encoder": "retrained@ff00"}) is None  # other models: start afresh
    store.checkpoint_chunk("run-1", ["review:r1"])
    store.finish_run("run-1", {"status": "failed", "error": "boom"})
    assert store.resumable_run("hash-a", MODELS) == "run-1" and store.counts()["run_checkpoints"] == 1
    store.finish_run("run-1", {"status": "completed"})
    assert store.resumable_run("hash-a", MODELS) is None and store.counts()["run_checkpoints"] == 0
    store.dispose()


def test_resume_is_a_run_flag() -> None:
    parser = build_parser()
    assert parser.parse_args(["run", "pipelines/default.toml", "--resume"]).resume
    assert not parser.parse_args(["run", "pipelines/default.toml"]).resume
