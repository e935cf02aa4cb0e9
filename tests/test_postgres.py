"""The profile layer on both stores (SQLite file and a real PostgreSQL server the tests start on loopback):
history replay, accounts, identify export, segments/alert rules, erasure, and two runs writing one store at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pg_server import postgres_server, postgres_url  # noqa: F401 - fixtures
from test_profiles import KINDS, SAMPLE, _write_part, store_text
from test_store import _load, _prov

from enrich.errors import ConfigError
from enrich.profiles.rules import Rule
from enrich.readers import read_source
from enrich.schema import Customer
from enrich.store import ProfileStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "enrich.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture()
def store(store_url: str):
    opened = ProfileStore(store_url)
    yield opened
    opened.dispose()


def test_postgres_profile_as_of_rebuilds_the_profile_from_history(store: ProfileStore) -> None:
    _load(store, "run-1")  # computed_at = T0 + 30 days
    first_at = _prov("run-1").computed_at
    before = {row["name"]: row["value"] for row in store.traits_frame().to_dict("records") if row["customer_id"] == "C2"}
    store.upsert_units([{"feedback_key": "review:r2", "idx": 0, "text": "Hate it now.", "sentiment_score": -0.9}])
    assert store.refresh_traits(_prov("run-2", day=5)) > 0
    then = store.profile_at("C2", first_at + timedelta(days=1))
    assert then["traits"] == {name: before[name] for name in then["traits"]} and len(then["traits"]) == len(before)
    now = store.profile_at("C2", first_at + timedelta(days=10))
    assert now["traits"]["cx.sentiment_avg"] == -0.9 and then["traits"]["cx.sentiment_avg"] == 0.9
    assert now["provenance"]["cx.sentiment_avg"]["run_id"] == "run-2"
    assert store.profile_at("C2", first_at - timedelta(days=1))["traits"] == {}


def test_postgres_accounts_roll_up_and_identify_export(store: ProfileStore, tmp_path: Path) -> None:
    from enrich.profiles.accounts import ACCOUNT_TRAITS, compute_account_traits

    _load(store, "run-1")
    store.upsert_customers([Customer(customer_id="C2", name="Bo", account_id="A1")])
    prov = _prov("run-1")
    values = compute_account_traits(store.profiles_frame(nested_as_json=False))
    assert store.write_account_traits(values, prov, ACCOUNT_TRAITS, prov.computed_at) == len(ACCOUNT_TRAITS)
    assert store.write_account_traits(values, prov, ACCOUNT_TRAITS, prov.computed_at) == 0
    account = store.accounts_frame(nested_as_json=False).set_index("account_id").loc["A1"]
    assert account["cx.customer_count"] == 2 and account["cx.feedback_count"] == 6
    assert account["cx.worst_pain_points"][0] == ["billing", 2, 1]
    assert account["cx.detractor_share"] == 0.0  # C1's last NPS is 8 (passive); C2 has none
    path = store.export_profiles(tmp_path / "identify.jsonl", fmt="identify")
    calls = [json.loads(line) for line in path.read_text().splitlines()]
    assert [call["userId"] for call in calls] == ["C1", "C2"]  # C3 has no traits: nothing to identify
    assert calls[0]["traits"]["cx.feedback_count"] == 5 and calls[0]["traits"]["cx.nps_category"] == "passive"
    groups = [json.loads(line) for line in store.export_profiles(tmp_path / "g.jsonl", fmt="identify",
                                                                 accounts=True).read_text().splitlines()]
    assert groups[0]["groupId"] == "A1" and groups[0]["traits"]["cx.customer_count"] == 2


def test_postgres_rules_are_validated_and_never_match_missing_values() -> None:
    rule = Rule.parse('"vip" in segments and effort_score <= -2 or cx.at_risk == true', {"segments", "effort_score",
                                                                                          "cx.at_risk"})
    assert rule.matches({"segments": ["vip"], "effort_score": -3.0})
    assert not rule.matches({"segments": ["vip"], "effort_score": None, "cx.at_risk": None})
    assert rule.matches({"cx.at_risk": True})
    with pytest.raises(ConfigError, match=r"unknown field\(s\) \['tier'\]; valid fields: value_tier"):
        Rule.parse('tier == "high"', {"value_tier"})
    with pytest.raises(ConfigError, match="unsupported expression"):
        Rule.parse("__import__('os').system('true')", {"value_tier"})


def test_postgres_forget_erases_alerts_and_every_trace_of_text(store: ProfileStore) -> None:
    _load(store, "run-1")
    store.cache_embeddings({__import__("enrich.encoder", fromlist=["text_hash"]).text_hash("review:r1 unit 0"):
                            [1.0, 2.0]}, "enc@1")
    store.insert_alerts([{"alert_id": "a1", "rule": "r", "customer_id": "C1", "feedback_key": "review:r1",
                          "feedback_created_at": _prov().computed_at, "fired_at": _prov().computed_at,
                          "run_id": "run-1", "description": "", "fields": {}, "evidence": [{"text": "Login fails."}]}])
    store.replace_themes([{"theme_id": 1, "label": "login", "size": 3, "quotes": [
        {"text": "review:r1 unit 0", "feedback_key": "review:r1", "unit_id": "review:r1#0"},
        {"text": "review:r2 unit 0", "feedback_key": "review:r2", "unit_id": "review:r2#0"}]}], "run-1")
    removed = store.forget_customer("C1")
    assert removed["alerts"] == 1 and removed["embedding_cache"] == 1 and removed["themes"] == 3
    theme = store.themes_frame().set_index("theme_id").loc[1]
    assert theme["size"] == 1 and [q["unit_id"] for q in theme["quotes"]] == ["review:r2#0"]  # C1 had 2 units in 1
    dump = store_text(store)
    for needle in ("Login fails", "Billing is confusing", "charged twice", "review:r1 unit", "C1"):
        assert needle not in dump
    assert "review:r2 unit 0" in dump  # another customer's quote stays


def _toml(parts_dir: Path, db: str) -> str:
    sources = "".join(f'[[sources]]\nkind = "{kind}"\npath = "{parts_dir / ("p_" + file)}"\n\n'
                      for kind, file in KINDS.items())
    return (f'[pipeline]\nname = "concurrent"\n\n{sources}[customers]\npath = "{SAMPLE / "customers.csv"}"\n\n'
            '[themes]\nenabled = false\n\n[[profiles.alerts]]\nname = "unhappy"\nwhen = "sentiment_score <= -0.5"\n\n'
            f'[output]\ndb = "{db}"\nprofiles = "{parts_dir}/profiles.parquet"\nreport = ""\nrejects = ""\n'
            f'alerts = "{parts_dir}/alerts.jsonl"\n').replace('report = ""\nrejects = ""\n', "")


def test_postgres_two_concurrent_runs_neither_corrupt_nor_duplicate(store_url: str, tmp_path: Path) -> None:
    for kind, file in KINDS.items():  # ~60 feedback: enough overlap to race on every table
        _write_part(read_source(kind, SAMPLE / file).records[:20], kind, tmp_path / f"p_{file}")
    config = tmp_path / "concurrent.toml"
    config.write_text(_toml(tmp_path, store_url))
    command = [sys.executable, "-m", "enrich.cli", "run", str(config), "--db", store_url, "--no-progress"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    # cwd=tmp_path: the outputs the config leaves at their defaults (out/...) land in the test's folder
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
            for _ in range(2)]
    outputs = [proc.communicate(timeout=300) for proc in runs]
    assert [proc.returncode for proc in runs] == [0, 0], [err[-1500:] for _, err in outputs]  # the error's end
    store = ProfileStore(store_url)
    counts = store.counts()
    feedback, history, alerts = store.feedback_frame(), store.trait_history_frame(), store.alerts_frame()
    assert counts["feedback"] == 60 and feedback["feedback_key"].is_unique
    assert counts["runs"] == 2 and counts["units"] == len(store.units_frame()["unit_id"].unique())
    new = history[history["change"] == "new"]
    assert not new.duplicated(["customer_id", "name"]).any()  # no trait was "new" twice
    assert alerts["feedback_key"].is_unique and len(alerts) > 0
    # a third, sequential run over the same input finds nothing to change
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "trait values changed 0" in again.stdout and "alerts fired 0" in again.stdout
    assert store.counts() == counts | {"runs": 3}
    store.dispose()
