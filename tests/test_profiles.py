"""Profiles on the sample corpora: incremental runs equal a full run, alerts fire once, forget leaves no text.

The sample is split by date into two halves written back in the readers' own formats; the first half is run,
then the second, into one store; a single run over both halves goes into another store (its embedding cache
seeded from the first, so nothing is encoded twice). Themes are off: a theme refit on half the corpus is a
different clustering by design, while every other trait must agree exactly.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from enrich.config import parse_config
from enrich.readers import read_source
from enrich.runner import RunSummary, run
from enrich.store import ProfileStore
from enrich.store.tables import metadata

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "corpora" / "sample"
KINDS = {"reviews": "reviews.csv", "chats": "chats.jsonl", "surveys": "surveys.csv"}
# effort runs from -5 (extreme effort) to +5 (effortless): high effort is a low score
ALERT = 'value_tier == "high" and sentiment_score <= -0.4 and effort_score <= -1'


def _write_part(records: list, kind: str, path: Path) -> None:
    if kind == "reviews":
        pd.DataFrame([{"review_id": r.feedback_id, "customer_id": r.customer_id, "product": r.product,
                       "stars": r.rating, "created_at": r.created_at.isoformat(), "text": r.text}
                      for r in records]).to_csv(path, index=False)
    elif kind == "surveys":
        pd.DataFrame([{"response_id": r.feedback_id, "customer_id": r.customer_id,
                       "submitted_at": r.created_at.isoformat(), "nps": r.nps, "comment": r.text}
                      for r in records]).astype({"nps": "Int64"}).to_csv(path, index=False)
    else:
        with path.open("w", encoding="utf-8") as handle:
            for r in records:
                handle.write(json.dumps({"conversation_id": r.feedback_id, "customer_id": r.customer_id,
                                         "started_at": r.created_at.isoformat(),
                                         "turns": [t.model_dump(mode="json") for t in r.turns]}) + "\n")


def _config(name: str, parts: list[str], db: Path, out: Path) -> dict:
    return {
        "pipeline": {"name": name},
        "sources": [{"kind": kind, "path": str(out / f"{part}_{file}")} for part in parts
                    for kind, file in KINDS.items()],
        "customers": {"path": str(SAMPLE / "customers.csv")},
        "themes": {"enabled": False},
        "profiles": {"segments": [{"name": "high_value", "rule": 'value_tier == "high"'}],
                     "alerts": [{"name": "high_value_struggling", "description": "close the loop", "when": ALERT}]},
        "output": {"db": str(db), "profiles": None, "report": None, "rejects": None,
                   "alerts": str(out / f"{name}_alerts.jsonl"), "accounts": str(out / f"{name}_accounts.parquet")},
    }


@dataclass
class SplitRuns:
    split_store: Path
    full_store: Path
    first: RunSummary
    second: RunSummary
    rerun: RunSummary
    full: RunSummary
    second_half_customers: set[str]
    out: Path


@pytest.fixture(scope="module")
def split_runs(tmp_path_factory: pytest.TempPathFactory) -> SplitRuns:
    out = tmp_path_factory.mktemp("split")
    records = {kind: read_source(kind, SAMPLE / file).records for kind, file in KINDS.items()}
    instants = sorted(r.created_at for recs in records.values() for r in recs)
    cutoff = instants[len(instants) // 2]
    later: set[str] = set()
    for kind, file in KINDS.items():
        _write_part([r for r in records[kind] if r.created_at < cutoff], kind, out / f"a_{file}")
        _write_part([r for r in records[kind] if r.created_at >= cutoff], kind, out / f"b_{file}")
        later |= {r.customer_id for r in records[kind] if r.created_at >= cutoff and r.customer_id}
    split_db, full_db = out / "split.db", out / "full.db"
    first = run(parse_config(_config("split", ["a"], split_db, out)), progress=False)
    second = run(parse_config(_config("split", ["b"], split_db, out)), progress=False)
    rerun = run(parse_config(_config("split", ["b"], split_db, out)), progress=False)
    shutil.copy(split_db, full_db)  # keep only the embedding cache: the full run then encodes nothing
    engine = create_engine(f"sqlite:///{full_db}")
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name != "embedding_cache":
                conn.execute(text(f'DELETE FROM "{table.name}"'))
    engine.dispose()
    full = run(parse_config(_config("split", ["a", "b"], full_db, out)), progress=False)
    return SplitRuns(split_db, full_db, first, second, rerun, full, later, out)


def store_text(store: ProfileStore) -> str:
    """Every text and JSON value of every table in the store, one per line (vectors are bytes, skipped)."""
    from sqlalchemy import select

    parts = []
    with store._engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for value in row:
                    if isinstance(value, str):
                        parts.append(value)
                    elif isinstance(value, list | dict):
                        parts.append(json.dumps(value, ensure_ascii=False))
    return "\n".join(parts)


def _traits(db: Path, table: str = "traits", key: str = "customer_id") -> dict:
    store = ProfileStore(db)
    frame = store.traits_frame() if table == "traits" else store.account_traits_frame()
    store.dispose()
    return {(row[key], row["name"]): (json.dumps(row["value"], sort_keys=True), row["n_units"])
            for row in frame.to_dict("records")}


def test_profiles_incremental_runs_equal_one_full_run(split_runs: SplitRuns) -> None:
    incremental, full = _traits(split_runs.split_store), _traits(split_runs.full_store)
    assert len(full) > 1000 and incremental.keys() == full.keys()
    # Every unit enrichment (pain point names included) is a pure function of the unit, so every trait agrees.
    split_units, full_units = (ProfileStore(db).units_frame().set_index("unit_id")["pain_points"].map(json.dumps)
                               for db in (split_runs.split_store, split_runs.full_store))
    assert split_units.sort_index().equals(full_units.sort_index())
    assert incremental == full
    # and a full recompute over the incrementally built store changes nothing
    store = ProfileStore(split_runs.split_store)
    from enrich.schema import Provenance

    assert store.refresh_traits(Provenance("full", "h", {}, pd.Timestamp("2026-06-01", tz="UTC"))) == 0
    store.dispose()
    accounts = _traits(split_runs.split_store, "account_traits", "account_id")
    full_accounts = _traits(split_runs.full_store, "account_traits", "account_id")
    assert accounts == full_accounts
    assert split_runs.second.as_of == split_runs.full.as_of  # both end windows at the latest feedback
    # the second run recomputed only the customers it touched (its own feedback, or windows the move of
    # as_of shifted), not everyone
    customers = {key[0] for key in full}
    assert 0 < split_runs.second.customers_refreshed < len(customers)
    assert split_runs.second.customers_refreshed >= len(split_runs.second_half_customers & customers)
    assert split_runs.full.customers_refreshed == -1 and split_runs.first.customers_refreshed == -1


def test_profiles_rerun_changes_nothing_and_fires_no_alert_twice(split_runs: SplitRuns) -> None:
    assert split_runs.rerun.traits_changed == 0 and split_runs.rerun.account_traits_changed == 0
    assert split_runs.rerun.alerts_fired == 0
    store = ProfileStore(split_runs.split_store)
    alerts = store.alerts_frame()
    store.dispose()
    assert len(alerts) == split_runs.first.alerts_fired + split_runs.second.alerts_fired > 0
    assert alerts["alert_id"].is_unique and alerts["feedback_key"].is_unique
    lines = (split_runs.out / "split_alerts.jsonl").read_text().splitlines()
    assert len(lines) == len(alerts)
    alert = json.loads(lines[0])
    assert alert["rule"] == "high_value_struggling" and alert["evidence"] and alert["customer_id"]
    assert alert["fields"]["value_tier"] == "high" and alert["fields"]["sentiment_score"] <= -0.4


def test_profiles_sample_traits_follow_the_declared_rules(split_runs: SplitRuns) -> None:
    store = ProfileStore(split_runs.full_store)
    profiles = store.profiles_frame(nested_as_json=False).set_index("customer_id")
    store.dispose()
    with_nps = profiles.dropna(subset=["cx.nps_last"])
    assert len(with_nps) > 20
    for nps, category in zip(with_nps["cx.nps_last"], with_nps["cx.nps_category"], strict=True):
        assert category == ("promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor")
    for at_risk, reasons in zip(profiles["cx.at_risk"].dropna(), profiles.loc[profiles["cx.at_risk"].notna(),
                                "cx.at_risk_reasons"], strict=True):
        assert bool(at_risk) == (len(reasons) >= 2)
    assert profiles["cx.at_risk_reasons"].dropna().map(len).sum() > 0  # the signals do occur in the sample
    high = profiles["value_tier"] == "high"
    assert all(s == ["high_value"] for s in profiles.loc[high & profiles["cx.segments"].notna(), "cx.segments"])
    accounts = pd.read_parquet(split_runs.out / "split_accounts.parquet")
    assert {"account_id", "cx.detractor_share", "cx.worst_pain_points"} <= set(accounts.columns)


def test_profiles_forget_leaves_no_text_of_the_customer_anywhere(split_runs: SplitRuns, tmp_path: Path) -> None:
    db = tmp_path / "forget.db"
    shutil.copy(split_runs.split_store, db)
    store = ProfileStore(db)
    feedback, units = store.feedback_frame(), store.units_frame()
    customer = feedback["customer_id"].value_counts().index[0]  # the most prolific customer
    keys = set(feedback.loc[feedback["customer_id"] == customer, "feedback_key"])
    texts = [t for t in feedback.loc[feedback["feedback_key"].isin(keys), "text"] if len(t) > 12]
    texts += [t for t in units.loc[units["feedback_key"].isin(keys) & (units["speaker"] == "customer"), "text"]
              if len(t) > 25]
    others = "\n".join(feedback.loc[~feedback["feedback_key"].isin(keys), "text"])
    texts = [t for t in texts if t not in others]  # a sentence someone else also wrote is theirs too
    assert len(texts) > 3
    removed = store.forget_customer(customer)
    assert removed["feedback"] == len(keys) and removed["customers"] == 1 and removed["embedding_cache"] > 0
    dump = store_text(store)
    store.dispose()
    assert customer not in dump
    assert not [t for t in texts if t in dump]
