"""Profile store: idempotent writes, trait values and history, unit replacement, embedding cache, exports."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from enrich.errors import StoreError
from enrich.schema import Customer, Feedback, Provenance, Reject, Turn
from enrich.store import ProfileStore, compute_traits
from enrich.store.traits import TRAITS
from pg_server import postgres_server, postgres_url  # noqa: F401 - fixtures

COMPUTED = [name for name, spec in TRAITS.items() if spec.compute is not None]

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
MODELS = {"encoder": "all-MiniLM-L6-v2@ab12cd", "sentiment": "sentiment.v1@ef34"}


def _prov(run_id: str = "run-1", day: int = 0) -> Provenance:
    return Provenance(run_id, "pipe-hash", MODELS, T0 + timedelta(days=30 + day))


def _customers() -> list[Customer]:
    return [
        Customer(customer_id="C1", name="Ada", value_tier="high", country="GB", signup_date=date(2024, 3, 1),
                 account_id="A1"),
        Customer(customer_id="C2", name="Bo"),
        Customer(customer_id="C3", name="Cy"),  # no feedback: a profile without cx.* values
    ]


def _feedback() -> list[Feedback]:
    return [
        Feedback(feedback_id="r1", channel="review", customer_id="C1", created_at=T0, text="Login fails. Slow app.",
                 rating=2.0, product="app", source_file="reviews.csv"),
        Feedback(feedback_id="s1", channel="survey", customer_id="C1", created_at=T0 + timedelta(days=1),
                 text="Billing is confusing.", nps=3),
        Feedback(feedback_id="s2", channel="survey", customer_id="C1", created_at=T0 + timedelta(days=5),
                 text="Better now.", nps=8),
        # The latest survey has no NPS: nps_last must skip it, not become null.
        Feedback(feedback_id="s3", channel="survey", customer_id="C1", created_at=T0 + timedelta(days=6),
                 text="Fine."),
        Feedback(feedback_id="c1", channel="chat", customer_id="C1",
                 created_at=datetime(2026, 1, 20, 12, 0, tzinfo=timezone(timedelta(hours=2))),
                 text="I was charged twice.",
                 turns=(Turn(speaker="customer", text="I was charged twice."),
                        Turn(speaker="agent", text="Sorry, refunding now."))),
        Feedback(feedback_id="r2", channel="review", customer_id="C2", created_at=T0, text="Love it."),
        Feedback(feedback_id="r3", channel="review", customer_id=None, created_at=T0, text="Anonymous."),
    ]


def _unit(key: str, idx: int, score: float | None, pains: list[str] = (), effort: float | None = None,
          theme: int | None = None, speaker: str = "customer") -> dict:
    label = None if score is None else ("negative" if score < 0 else "positive")
    return {"feedback_key": key, "idx": idx, "text": f"{key} unit {idx}", "speaker": speaker,
            "sentiment_label": label, "sentiment_score": score,
            "sentiment_probs": None if score is None else {"negative": 0.1, "neutral": 0.2, "positive": 0.7},
            "effort_score": effort, "pain_points": list(pains), "theme_id": theme}


def _units() -> list[dict]:
    return [
        _unit("review:r1", 0, -0.8, ["login", "crash"], effort=3.0, theme=1),
        _unit("review:r1", 1, -0.4, ["speed"], theme=2),
        _unit("survey:s1", 0, -0.6, ["billing", "login"], effort=4.0, theme=1),
        _unit("survey:s2", 0, 0.5, theme=-1),  # -1 = outlier: not a themed unit
        _unit("survey:s3", 0, 0.1),
        _unit("chat:c1", 0, -0.9, ["billing"], theme=3),
        _unit("chat:c1", 1, 0.9, ["refund"], effort=-5.0, theme=3, speaker="agent"),  # agent turns never count
        _unit("review:r2", 0, 0.9, theme=2),
        _unit("review:r3", 0, 0.2, ["login"]),
    ]


def _themes() -> list[dict]:
    return [{"theme_id": i, "label": f"theme {i}", "size": 2, "key_phrases": [f"kp{i}"], "quotes": [f"q{i}"],
             "centroid": np.full(4, i, dtype=np.float32), "avg_sentiment": -0.5, "avg_effort": None}
            for i in (1, 2, 3)]


def _load(store: ProfileStore, run_id: str) -> int:
    store.start_run(run_id, "default", "pipe-hash", MODELS)
    store.upsert_customers(_customers())
    store.upsert_feedback(_feedback(), run_id)
    store.upsert_units(_units())
    store.write_rejects([Reject("reviews", "reviews.csv", 7, "empty_text", "text is blank", "r9")], run_id)
    store.replace_themes(_themes(), run_id)
    store.cache_embeddings({"h1": np.ones(4, dtype=np.float32)}, "enc@1")
    changed = store.refresh_traits(_prov(run_id))
    store.finish_run(run_id, {"feedback": len(_feedback())})
    return changed


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ProfileStore:
    """A fresh store: a SQLite file, and a fresh database on the PostgreSQL server the tests start."""
    if request.param == "sqlite":
        opened = ProfileStore(tmp_path / "nested" / "enrich.db")
    else:
        opened = ProfileStore(request.getfixturevalue("postgres_url"))
    yield opened
    opened.dispose()


def test_store_rerun_is_idempotent(store: ProfileStore) -> None:
    assert _load(store, "run-1") == 2 * len(COMPUTED)  # two customers with feedback, every trait new
    counts = store.counts()
    frames = [store.feedback_frame(), store.units_frame(), store.themes_frame(), store.rejects_frame(),
              store.traits_frame(), store.trait_history_frame()]

    assert _load(store, "run-1") == 0  # the same run resumed
    assert store.counts() == counts
    assert _load(store, "run-2") == 0  # a new run over the same input adds only its runs row
    assert store.counts() == counts | {"runs": 2}
    again = [store.feedback_frame(), store.units_frame(), store.themes_frame(), store.rejects_frame(),
             store.traits_frame(), store.trait_history_frame()]
    for before, after in zip(frames, again, strict=True):
        pd.testing.assert_frame_equal(before, after)
    assert counts["feedback"] == 7 and counts["units"] == 9 and counts["trait_history"] == 2 * len(COMPUTED)
    assert set(store.feedback_frame()["last_run_id"]) == {"run-1"}  # nothing changed, so run-2 touched nothing


def test_store_changed_sentiment_appends_one_history_row_per_changed_trait(store: ProfileStore) -> None:
    _load(store, "run-1")
    before = store.traits_frame().set_index(["customer_id", "name"])["value"]
    history_rows = store.counts()["trait_history"]

    units = _units()
    units[7]["sentiment_score"] = -0.3  # C2's only unit
    store.upsert_units(units)
    # the all-time and 90-day means move, and -0.3 <= -0.3 adds the negative_sentiment at-risk reason
    assert store.refresh_traits(_prov("run-2", day=1)) == 3

    history = store.trait_history_frame()
    assert len(history) == history_rows + 3
    changed = history.iloc[-3:]
    assert set(changed["customer_id"]) == {"C2"} and set(changed["change"]) == {"changed"}
    assert set(changed["name"]) == {"cx.sentiment_avg", "cx.sentiment_avg_90d", "cx.at_risk_reasons"}
    row = changed.set_index("name").loc["cx.sentiment_avg"]
    assert (row["customer_id"], row["change"]) == ("C2", "changed")
    assert row["previous"] == before[("C2", "cx.sentiment_avg")] == 0.9
    assert row["value"] == -0.3 and row["run_id"] == "run-2"
    after = store.traits_frame().set_index(["customer_id", "name"])
    assert after.loc[("C2", "cx.sentiment_avg"), "value"] == -0.3
    assert after.loc[("C2", "cx.sentiment_avg"), "run_id"] == "run-2"
    assert after.loc[("C1", "cx.sentiment_avg"), "run_id"] == "run-1"  # unchanged traits keep their provenance


def test_store_undeclared_trait_raises(store: ProfileStore) -> None:
    with pytest.raises(StoreError, match=r"'cx\.bogus'.*cx\.feedback_count"):
        store.write_traits({"C1": {"cx.bogus": (1, 1)}}, _prov())
    with pytest.raises(StoreError, match="declared traits"):
        compute_traits(pd.DataFrame(columns=["feedback_key", "customer_id", "channel", "created_at", "nps"]),
                       pd.DataFrame(), names=["cx.sentiment_average"])
    assert store.counts()["traits"] == 0 and store.counts()["trait_history"] == 0


def test_store_units_shrink_when_resegmented(store: ProfileStore) -> None:
    _load(store, "run-1")
    resegmented = [u for u in _units() if u["feedback_key"] == "review:r1"][:1]
    resegmented[0]["text"] = "Login fails and the app is slow."
    store.upsert_units(resegmented)
    units = store.units_frame()
    assert units.loc[units["feedback_key"] == "review:r1", "unit_id"].tolist() == ["review:r1#0"]
    assert units.loc[units["unit_id"] == "review:r1#0", "text"].item() == "Login fails and the app is slow."
    assert len(units) == 8  # other feedback keep their units

    store.upsert_units([], feedback_keys=["survey:s3"])
    assert "survey:s3" not in set(store.units_frame()["feedback_key"])


def test_store_embedding_cache_round_trip_is_exact(store: ProfileStore) -> None:
    rng = np.random.default_rng(0)
    vectors = {f"hash{i:04d}": rng.standard_normal(384).astype(np.float32) for i in range(1200)}
    store.cache_embeddings(vectors, "enc@1")
    store.cache_embeddings({"hash0000": np.zeros(384, dtype=np.float32)}, "enc@1")  # cached entries are kept

    got = store.cached_embeddings([*vectors, "missing"], "enc@1")
    assert set(got) == set(vectors)
    for key, vector in vectors.items():
        assert got[key].dtype == np.float32 and np.array_equal(got[key], vector)
    assert store.cached_embeddings(list(vectors), "enc@2") == {}
    with pytest.raises(StoreError, match="1-D"):
        store.cache_embeddings({"bad": np.ones((2, 2))}, "enc@1")


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_store_profiles_export_round_trips_customer_ids(store: ProfileStore, tmp_path: Path, suffix: str) -> None:
    _load(store, "run-1")
    path = store.export_profiles(tmp_path / "out" / f"profiles{suffix}")
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix == ".csv":
        frame = pd.read_csv(path, dtype={"customer_id": str})
    else:
        frame = pd.read_json(path, lines=True, dtype={"customer_id": str})
    assert frame["customer_id"].tolist() == ["C1", "C2", "C3"]
    assert {"cx.feedback_count", "cx.top_pain_points", "cx._provenance"} <= set(frame.columns)
    c1 = frame.set_index("customer_id").loc["C1"]
    assert int(c1["cx.feedback_count"]) == 5
    pains = c1["cx.top_pain_points"]
    assert (json.loads(pains) if isinstance(pains, str) else pains)[0] == ["billing", 2]
    provenance = c1["cx._provenance"]
    provenance = json.loads(provenance) if isinstance(provenance, str) else provenance
    assert provenance["run_id"] == "run-1" and provenance["models"] == MODELS


def test_store_export_rejects_unknown_suffix(store: ProfileStore, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"\.parquet, \.csv, \.jsonl"):
        store.export_profiles(tmp_path / "profiles.xlsx")


def test_store_traits_match_hand_computed_values(store: ProfileStore) -> None:
    _load(store, "run-1")
    traits = store.traits_frame()
    c1 = dict(zip(traits.loc[traits["customer_id"] == "C1", "name"], traits.loc[traits["customer_id"] == "C1",
                                                                                  "value"], strict=True))
    assert c1["cx.feedback_count"] == 5
    # customer units only: -0.8, -0.4, -0.6, 0.5, 0.1, -0.9 (the agent's +0.9 is ignored)
    assert c1["cx.sentiment_avg"] == round((-0.8 - 0.4 - 0.6 + 0.5 + 0.1 - 0.9) / 6, 4) == -0.35
    assert c1["cx.effort_avg"] == 3.5
    # billing 2, login 2 (tie broken by name), then crash and speed at 1; the agent's "refund" never counts
    assert c1["cx.top_pain_points"] == [["billing", 2], ["login", 2], ["crash", 1], ["speed", 1]]
    assert c1["cx.themes"] == [[1, 0.5], [2, 0.25], [3, 0.25]]
    assert c1["cx.last_feedback_at"] == "2026-01-20T10:00:00+00:00"
    assert c1["cx.channels"] == ["chat", "review", "survey"]
    assert c1["cx.nps_last"] == 8
    c2 = traits.loc[traits["customer_id"] == "C2"].set_index("name")["value"]
    assert c2["cx.effort_avg"] is None and c2["cx.nps_last"] is None and c2["cx.top_pain_points"] == []
    assert set(traits["customer_id"]) == {"C1", "C2"}  # anonymous feedback belongs to no profile
    n_units = traits.set_index(["customer_id", "name"])["n_units"]
    assert n_units[("C1", "cx.sentiment_avg")] == 6 and n_units[("C1", "cx.effort_avg")] == 2


def test_store_changed_feedback_keeps_first_run(store: ProfileStore) -> None:
    _load(store, "run-1")
    edited = [fb.model_copy(update={"text": "Login fails. Slow app. Edited."}) if fb.feedback_id == "r1" else fb
              for fb in _feedback()]
    store.upsert_feedback(edited, "run-2")
    frame = store.feedback_frame().set_index("feedback_key")
    assert frame.loc["review:r1", ["first_run_id", "last_run_id"]].tolist() == ["run-1", "run-2"]
    assert frame.loc["review:r2", "last_run_id"] == "run-1"
    assert frame.loc["chat:c1", "created_at"] == pd.Timestamp("2026-01-20T10:00:00Z")


def test_store_missing_themes_are_retired(store: ProfileStore) -> None:
    _load(store, "run-1")
    store.replace_themes(_themes()[:2], "run-2")
    frame = store.themes_frame().set_index("theme_id")
    assert frame["status"].to_dict() == {1: "active", 2: "active", 3: "retired"}
    assert frame.loc[1, "last_run_id"] == "run-1" and frame.loc[3, "first_run_id"] == "run-1"
    assert np.array_equal(np.frombuffer(frame.loc[2, "centroid"], dtype=np.float32), np.full(4, 2.0))


def test_store_start_run_refuses_another_pipeline_under_the_same_id(store: ProfileStore) -> None:
    store.start_run("run-1", "default", "pipe-hash", MODELS)
    with pytest.raises(StoreError, match="already exists"):
        store.start_run("run-1", "default", "other-hash", MODELS)
    with pytest.raises(StoreError, match="never started"):
        store.finish_run("run-9", {})


def test_store_rejects_unsupported_url() -> None:
    with pytest.raises(StoreError, match="supported: sqlite, postgresql"):
        ProfileStore("mysql://user@localhost/db")


def test_store_float_trait_values_survive_storage_unchanged(store: ProfileStore) -> None:
    # Regression: a SQLite column declared JSON has NUMERIC affinity and stored the JSON text 0.0 as the
    # integer 0, so every re-run saw a "change" for customers whose sentiment averaged exactly zero.
    store.upsert_feedback(_feedback()[5:6], "run-1")
    store.upsert_units([_unit("review:r2", 0, 0.5), _unit("review:r2", 1, -0.5)])
    assert store.refresh_traits(_prov()) == len(COMPUTED)
    assert store.refresh_traits(_prov("run-2")) == 0
    value = store.traits_frame().set_index("name").loc["cx.sentiment_avg", "value"]
    assert value == 0.0 and isinstance(value, float)


def test_store_forget_customer_erases_text_enrichments_and_traits(store: ProfileStore) -> None:
    _load(store, "run-1")
    store.checkpoint_chunk("run-2", ["review:r1", "review:r2"])  # an incomplete run's checkpoint names C1's r1
    removed = store.forget_customer("C1")
    # themes 1, 2 and 3 each lose C1's customer units from their size; the cache entry "h1" is no unit's text
    assert removed == {"units": 7, "feedback": 5, "traits": len(COMPUTED), "trait_history": len(COMPUTED),
                       "customers": 1, "feedback_enrichments": 0, "embedding_cache": 0, "alerts": 0, "rejects": 0,
                       "themes": 3, "run_checkpoints": 1}
    assert store.themes_frame().set_index("theme_id")["size"].to_dict() == {1: 0, 2: 1, 3: 1}
    assert "C1" not in set(store.feedback_frame()["customer_id"].dropna())
    assert "C1" not in set(store.profiles_frame()["customer_id"])
    assert store.refresh_traits(_prov("run-2")) == 0  # nothing left to recompute for C1
    assert set(store.units_frame()["feedback_key"]) == {"review:r2", "review:r3"}


def _open_store_at_barrier(path: str, barrier: Any, errors: Any) -> None:
    try:
        barrier.wait(timeout=30)
        ProfileStore(path).dispose()
    except Exception as exc:  # reported to the parent, which asserts there were none
        errors.put(f"{type(exc).__name__}: {exc}")


def test_store_two_processes_opening_a_new_sqlite_file_at_once_both_succeed(tmp_path: Path) -> None:
    # Regression (a CI failure): the loser of the race to switch a brand-new file to WAL got "database is
    # locked" at once, busy timeout or not; without the retry about half of these pairs failed.
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    for round_ in range(12):
        barrier = context.Barrier(2)
        path = str(tmp_path / f"new{round_}.db")
        workers = [context.Process(target=_open_store_at_barrier, args=(path, barrier, errors)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [worker.exitcode for worker in workers] == [0, 0]
    assert errors.empty(), errors.get()
