"""The batch job on the sample corpora: counts, rejects, outputs, idempotent re-run, profiles and themes.

The full sample run costs ~20-30 s, so it runs twice per module (first run, then an unchanged re-run) in one
module-scoped fixture, and every test reads what those two runs left behind.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from enrich.config import PipelineConfig, load_config
from enrich.runner import RunSummary, read_inputs, run
from enrich.store import ProfileStore

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO_ROOT / "corpora" / "sample"
STORE_TABLES = ("customers", "feedback", "units", "traits", "trait_history", "themes", "embedding_cache", "rejects")


def bad_rows() -> list[tuple[str, int, str]]:
    """(file, row/line, reason) of every deliberately bad row listed in BAD_ROWS.md."""
    rows = []
    for line in (SAMPLE_DIR / "BAD_ROWS.md").read_text().splitlines():
        match = re.match(r"\|\s*(\S+\.(?:csv|jsonl))\s*\|\s*(\d+)\s*\|.*\|\s*`(\w+)`\s*\|\s*$", line)
        if match:
            rows.append((match.group(1), int(match.group(2)), match.group(3)))
    return rows


BAD_ROWS = bad_rows()


@dataclass
class SampleRuns:
    workdir: Path
    config: PipelineConfig
    first: RunSummary
    second: RunSummary
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    units_after_first: pd.DataFrame
    themes_after_first: pd.DataFrame
    store: ProfileStore

    def path(self, relative: str | Path) -> Path:
        return self.workdir / relative


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory: pytest.TempPathFactory):
    """The default pipeline run twice over a copy of the sample corpora, as a user would from a checkout."""
    workdir = tmp_path_factory.mktemp("sample-run")
    shutil.copytree(SAMPLE_DIR, workdir / "corpora" / "sample")
    shutil.copytree(REPO_ROOT / "pipelines", workdir / "pipelines")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        config = load_config("pipelines/default.toml")
        first = run(config, progress=False)
        store = ProfileStore(workdir / config.output.db)
        counts_after_first = store.counts()
        units_after_first = store.units_frame()
        themes_after_first = store.themes_frame()
        store.dispose()
        second = run(config, progress=False)
    store = ProfileStore(workdir / config.output.db)
    yield SampleRuns(workdir, config, first, second, counts_after_first, store.counts(), units_after_first,
                     themes_after_first, store)
    store.dispose()


def test_runner_bad_rows_list_is_parsed():
    # Guards the parser above: BAD_ROWS.md lists 16 bad rows.
    assert len(BAD_ROWS) == 16
    assert {file for file, _, _ in BAD_ROWS} == {"reviews.csv", "surveys.csv", "chats.jsonl"}


def test_runner_read_inputs_rejects_the_bad_rows(sample_workdir: Path):
    feedback, customers, rejects, rows_read = read_inputs(load_config("pipelines/default.toml"))

    assert rows_read == 794
    assert len(feedback) == 778
    assert len(customers) == 172
    assert sorted((r.file, r.line, r.reason) for r in rejects) == sorted(BAD_ROWS)
    assert len({fb.key for fb in feedback}) == len(feedback)


def test_runner_first_run_counts(sample_runs: SampleRuns):
    first = sample_runs.first

    assert (first.read, first.enriched, first.rejected) == (794, 778, 16)
    assert first.read == first.enriched + first.rejected
    assert first.rejects_by_reason == dict(Counter(reason for _, _, reason in BAD_ROWS))
    assert first.customers == 172
    assert first.units >= first.enriched * 2  # sentences and turns, not whole feedback
    assert 0 < first.encoded <= first.units
    assert first.traits_changed > 0


def test_runner_writes_every_output(sample_runs: SampleRuns):
    for relative in ("out/enrich.db", "out/profiles.parquet", "out/themes.html", "out/rejects.csv"):
        path = sample_runs.path(relative)
        assert path.is_file() and path.stat().st_size > 0, relative
    assert set(sample_runs.first.outputs) >= {"db", "profiles", "report", "rejects"}


def test_runner_rejects_file_names_file_line_and_reason(sample_runs: SampleRuns):
    rejects = pd.read_csv(sample_runs.path("out/rejects.csv"))

    assert {"file", "line", "reason", "detail"} <= set(rejects.columns)
    listed = sorted(zip(rejects["file"], rejects["line"].astype(int), rejects["reason"]))
    assert listed == sorted(BAD_ROWS)
    assert rejects["detail"].map(lambda detail: isinstance(detail, str) and detail.strip() != "").all()
    # The same rejects are in the store, once each, even after the re-run.
    stored = sample_runs.store.rejects_frame()
    assert sorted(zip(stored["file"], stored["line"].astype(int), stored["reason"])) == sorted(BAD_ROWS)


def test_runner_rerun_changes_nothing(sample_runs: SampleRuns):
    second = sample_runs.second

    assert second.encoded == 0
    assert second.traits_changed == 0
    assert (second.read, second.enriched, second.rejected, second.units) == (
        794, 778, 16, sample_runs.first.units)
    before, after = sample_runs.counts_after_first, sample_runs.counts_after_second
    for table in STORE_TABLES:
        assert after[table] == before[table], table
    assert after["runs"] == before["runs"] + 1


def test_runner_rerun_keeps_unit_enrichments_and_theme_ids(sample_runs: SampleRuns):
    columns = ["unit_id", "text", "sentiment_label", "sentiment_score", "effort_score", "theme_id", "language"]
    before = sample_runs.units_after_first[columns].reset_index(drop=True)
    after = sample_runs.store.units_frame()[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)

    themes_before = sample_runs.themes_after_first[["theme_id", "label"]].reset_index(drop=True)
    themes_after = sample_runs.store.themes_frame()[["theme_id", "label"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(themes_before, themes_after)


def test_runner_profiles_one_row_per_customer_with_provenance(sample_runs: SampleRuns):
    profiles = pd.read_parquet(sample_runs.path("out/profiles.parquet"))

    assert len(profiles) == 172
    assert profiles["customer_id"].is_unique
    for column in ("cx.feedback_count", "cx.sentiment_avg", "cx.effort_avg", "cx.top_pain_points", "cx.themes",
                   "cx.last_feedback_at", "cx.channels", "cx.nps_last", "cx._provenance"):
        assert column in profiles.columns, column
    assert int(profiles["cx.feedback_count"].fillna(0).sum()) == 778
    sentiment = profiles["cx.sentiment_avg"].dropna()
    assert len(sentiment) > 100 and sentiment.between(-1, 1).all()

    run_ids = {sample_runs.first.run_id, sample_runs.second.run_id}
    refs = sample_runs.first
    with_traits = profiles[profiles["cx.feedback_count"].fillna(0) > 0]
    assert len(with_traits) > 0
    for raw in with_traits["cx._provenance"]:
        provenance = json.loads(raw)
        assert provenance["run_id"] in run_ids
        assert provenance["pipeline_hash"] == sample_runs.config.content_hash()
        assert set(provenance["models"]) >= {"encoder", "sentiment", "effort"}
        for ref in provenance["models"].values():
            assert "@" in ref or "==" in ref
    assert refs.run_id in {json.loads(raw)["run_id"] for raw in with_traits["cx._provenance"]}


def test_runner_report_shows_stored_theme_labels(sample_runs: SampleRuns):
    report = sample_runs.path("out/themes.html").read_text()
    labels = sample_runs.store.themes_frame()["label"].tolist()

    assert labels
    assert any(label in report or html.escape(label) in report for label in labels)


def test_runner_themes_cover_most_units(sample_runs: SampleRuns):
    units = sample_runs.store.units_frame()
    scorable = units[(units["speaker"] == "customer") & (units["language"] == "en")]

    assert sample_runs.first.themes > 1
    assert sample_runs.store.counts()["themes"] >= sample_runs.first.themes
    unthemed_share = scorable["theme_id"].isna().mean()
    assert unthemed_share < 0.5
    # The store holds the second run's assignment; the summary counts every customer unit without a theme.
    customer_units = units[units["speaker"] == "customer"]
    assert sample_runs.second.unthemed_units == int(customer_units["theme_id"].isna().sum())


def test_runner_units_carry_sentiment_unless_non_english(sample_runs: SampleRuns):
    units = sample_runs.store.units_frame()
    english = units["language"] == "en"

    assert units.loc[english, "sentiment_label"].notna().all()
    assert units.loc[english, "sentiment_label"].isin(["negative", "neutral", "positive"]).all()
    assert units.loc[~english, "sentiment_label"].isna().all()
    assert units.loc[~english, "effort_score"].isna().all()
    # The sample holds Spanish, German and French comments on purpose.
    assert {"es", "de", "fr"} <= set(units["language"])
    # Every enriched feedback with text is in the store and its units point at it.
    feedback = sample_runs.store.feedback_frame()
    assert len(feedback) == 778
    assert set(units["feedback_key"]) <= set(feedback["feedback_key"])


def test_runner_top_level_themes_are_an_overview_not_one_catch_all(sample_runs: SampleRuns):
    # Average linkage once chained 92% of the sample units into one top-level group; a top level is only useful to
    # an analyst if it splits the corpus (see enrich/themes/hierarchy.py).
    groups = sample_runs.store.theme_groups_frame()
    assert 5 <= len(groups) <= 15
    assert groups["size"].max() / groups["size"].sum() <= 0.6, groups[["label", "size"]]
