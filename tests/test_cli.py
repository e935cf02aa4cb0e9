"""The ``enrich`` command line: exit codes, messages on stderr, analyze outputs, and the store commands on a tiny run.

Commands run in-process through ``enrich.cli.main`` with the session encoder shared (one model load); one test calls
the installed console script in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from enrich.cli import main
from enrich.components import registry

REVIEWS_CSV = """review_id,customer_id,product,stars,created_at,text
R1,C1,Fan,1,2026-01-02,"The checkout page crashed and the promo code was rejected. I called five times."
R2,C1,Fan,5,2026-01-05,"Love the fan, it is quiet and strong."
R3,C2,Jacket,2,2026-01-03,"The jacket arrived late and the zip was broken."
R4,C2,Jacket,4,2026-01-06,"Great jacket. Delivery was quick."
R5,C3,Shoes,1,2026-01-04,"My refund still has not arrived after three weeks."
R6,C3,Shoes,3,2026-01-07,"The shoes are fine but the app keeps crashing at checkout."
R7,C1,Fan,,2026-01-08,
"""
CUSTOMERS_CSV = """customer_id,name,value_tier,country,signup_date,account_id
C1,Ada,high,GB,2024-03-01,A1
C2,Bo,medium,DE,2025-01-10,
C3,Cy,low,FR,2025-06-01,
"""
PIPELINE_TOML = """
[pipeline]
name = "tiny"

[[sources]]
kind = "reviews"
path = "reviews.csv"

[customers]
path = "customers.csv"

[themes]
reducer = "pca"
min_cluster_size = 2

[output]
db = "out/tiny.db"
profiles = "out/tiny-profiles.parquet"
report = "out/tiny-themes.html"
rejects = "out/tiny-rejects.csv"
"""


@pytest.fixture(autouse=True)
def _share_encoder(encoder, monkeypatch: pytest.MonkeyPatch):
    """Pipelines built by the CLI reuse the session encoder instead of loading the model again."""
    monkeypatch.setattr("enrich.pipeline.Encoder", lambda *args, **kwargs: encoder)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory, encoder):
    """A tiny project (reviews, customers, pipeline) run once with ``enrich run``; returns its directory."""
    workdir = tmp_path_factory.mktemp("tiny-run")
    (workdir / "reviews.csv").write_text(REVIEWS_CSV)
    (workdir / "customers.csv").write_text(CUSTOMERS_CSV)
    (workdir / "tiny.toml").write_text(PIPELINE_TOML)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("enrich.pipeline.Encoder", lambda *args, **kwargs: encoder)
        patch.chdir(workdir)
        code = main(["run", "tiny.toml", "--no-progress"])
    assert code == 0
    return workdir


# -- run ----------------------------------------------------------------------------------------------------


def test_cli_run_prints_a_summary_and_writes_outputs(tiny_run: Path):
    assert (tiny_run / "out" / "tiny.db").is_file()
    assert (tiny_run / "out" / "tiny-profiles.parquet").is_file()
    assert (tiny_run / "out" / "tiny-themes.html").is_file()
    rejects = pd.read_csv(tiny_run / "out" / "tiny-rejects.csv")
    assert list(zip(rejects["line"], rejects["reason"])) == [(7, "empty_text")]


def test_cli_run_summary_on_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    (tmp_path / "reviews.csv").write_text(REVIEWS_CSV)
    (tmp_path / "customers.csv").write_text(CUSTOMERS_CSV)
    (tmp_path / "tiny.toml").write_text(PIPELINE_TOML.replace('reducer = "pca"', "enabled = false"))
    monkeypatch.chdir(tmp_path)

    assert main(["run", "tiny.toml", "--no-progress", "--db", "other.db"]) == 0

    out = capsys.readouterr().out
    assert "read 7  enriched 6  rejected 1" in out
    assert "empty_text 1" in out
    assert (tmp_path / "other.db").is_file()


def test_cli_run_bad_config_exits_2_with_message(tmp_path: Path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text('[pipeline]\nname = "bad"\n[themes]\nmin_cluster_sise = 3\n')

    assert main(["run", str(config)]) == 2

    captured = capsys.readouterr()
    assert "min_cluster_sise" in captured.err
    assert "min_cluster_size" in captured.err  # the valid keys are named
    assert captured.out == ""


def test_cli_run_unknown_component_exits_2(tmp_path: Path, capsys):
    config = tmp_path / "typo.toml"
    config.write_text('steps = ["segment.v1", "sentimnt.v1"]\n[pipeline]\nname = "typo"\n')

    assert main(["run", str(config)]) == 2
    assert "sentiment.v1" in capsys.readouterr().err


def test_cli_run_missing_config_file_exits_2(tmp_path: Path, capsys):
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_run_missing_input_file_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    (tmp_path / "missing.toml").write_text(
        '[pipeline]\nname = "missing"\n[[sources]]\nkind = "reviews"\npath = "no-such-reviews.csv"\n')
    monkeypatch.chdir(tmp_path)

    assert main(["run", "missing.toml", "--no-progress"]) == 3
    assert "no-such-reviews.csv" in capsys.readouterr().err


def test_cli_console_script_bad_config_exits_2(tmp_path: Path):
    config = tmp_path / "bad.toml"
    config.write_text('[pipeline]\nname = "bad"\nstepz = []\n')
    script = Path(sys.executable).with_name("enrich")

    result = subprocess.run([str(script), "run", str(config)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 2
    assert "enrich: error:" in result.stderr and "stepz" in result.stderr
    assert "Traceback" not in result.stderr


# -- analyze ------------------------------------------------------------------------------------------------


def _analyze_input(tmp_path: Path) -> Path:
    path = tmp_path / "feedback.csv"
    path.write_bytes(
        b"id,comment\n"
        b"1,Love the new app. It is so fast.\n"
        b"2,\n"
        b"3,The checkout page crashed and the promo code was rejected.\n"
        b"4,Caf\xe9 \xff\xfe broken bytes\n"
        b"\n"
        b"5,El producto es muy malo y no funciona para nada.\n"
    )
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_cli_analyze_writes_good_rows_and_rejects(tmp_path: Path, suffix: str, capsys):
    source = _analyze_input(tmp_path)
    out = tmp_path / "results" / f"enriched{suffix}"

    code = main(["analyze", str(source), "--text-column", "comment", "--out", str(out), "--no-progress"])

    assert code == 0
    assert out.is_file()
    if suffix == ".csv":
        frame = pd.read_csv(out)
    elif suffix == ".jsonl":
        frame = pd.read_json(out, lines=True)
    else:
        frame = pd.read_parquet(out)
    assert [int(i) for i in frame["id"]] == [1, 2, 3, 5]
    for column in ("comment", "sentiment_label", "sentiment_score", "effort_score", "pain_points", "theme_id",
                   "theme_label", "language", "n_units"):
        assert column in frame.columns, column
    assert "_line" not in frame.columns
    labels = frame.set_index(frame["id"].astype(int))["sentiment_label"]
    assert labels[1] == "positive" and labels[3] == "negative"
    assert pd.isna(labels[2]) and pd.isna(labels[5])

    rejects = pd.read_csv(f"{out}.rejects.csv")
    assert len(rejects) == 1
    assert (rejects.loc[0, "line"], rejects.loc[0, "reason"]) == (4, "bad_encoding")
    assert rejects.loc[0, "file"] == "feedback.csv"
    captured = capsys.readouterr()
    assert "enriched 4 rows" in captured.out and "rejected 1" in captured.out
    assert "line 4" in captured.err


def test_cli_analyze_missing_text_column_exits_3(tmp_path: Path, capsys):
    source = _analyze_input(tmp_path)

    code = main(["analyze", str(source), "--text-column", "body", "--out", str(tmp_path / "o.csv"), "--no-progress"])

    assert code == 3
    err = capsys.readouterr().err
    assert "'body'" in err and "comment" in err


def test_cli_analyze_missing_input_exits_3(tmp_path: Path, capsys):
    code = main(["analyze", str(tmp_path / "none.csv"), "--text-column", "text", "--out", str(tmp_path / "o.csv")])

    assert code == 3
    assert "none.csv" in capsys.readouterr().err


# -- profiles and report ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_cli_profiles_export(tiny_run: Path, tmp_path: Path, suffix: str, capsys):
    out = tmp_path / f"profiles{suffix}"

    assert main(["profiles", "export", "--db", str(tiny_run / "out" / "tiny.db"), "--out", str(out)]) == 0

    frame = {".parquet": pd.read_parquet, ".csv": pd.read_csv,
             ".jsonl": lambda p: pd.read_json(p, lines=True)}[suffix](out)
    assert sorted(frame["customer_id"]) == ["C1", "C2", "C3"]
    counts = dict(zip(frame["customer_id"], frame["cx.feedback_count"]))
    assert counts == {"C1": 2, "C2": 2, "C3": 2}
    assert "exported 3 profiles" in capsys.readouterr().out


def test_cli_profiles_show_prints_json(tiny_run: Path, capsys):
    assert main(["profiles", "show", "C1", "--db", str(tiny_run / "out" / "tiny.db")]) == 0

    profile = json.loads(capsys.readouterr().out)
    assert profile["customer_id"] == "C1"
    assert profile["name"] == "Ada"
    assert profile["cx.feedback_count"] == 2
    assert -1 <= profile["cx.sentiment_avg"] <= 1
    assert isinstance(profile["cx._provenance"], dict)
    assert profile["cx._provenance"]["run_id"]
    assert "checkout page" in json.dumps(profile["cx.top_pain_points"])


def test_cli_profiles_show_unknown_customer_exits_3(tiny_run: Path, capsys):
    assert main(["profiles", "show", "C999", "--db", str(tiny_run / "out" / "tiny.db")]) == 3

    captured = capsys.readouterr()
    assert "C999" in captured.err
    assert captured.out == ""


def test_cli_store_commands_on_missing_store_exit_3(tmp_path: Path, capsys):
    assert main(["profiles", "show", "C1", "--db", str(tmp_path / "none.db")]) == 3
    assert "enrich run" in capsys.readouterr().err


def test_cli_report_writes_html(tiny_run: Path, tmp_path: Path, capsys):
    out = tmp_path / "report.html"

    code = main(["report", "--db", str(tiny_run / "out" / "tiny.db"), "--out", str(out), "--title", "Tiny shop"])

    assert code == 0
    page = out.read_text()
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "Tiny shop" in page
    assert str(out) in capsys.readouterr().out


# -- components ---------------------------------------------------------------------------------------------


def test_cli_components_lists_every_registered_step(capsys):
    assert main(["components"]) == 0

    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert listed == registry.available()
    assert "requires units, embeddings" in out
