"""Effort: unit heads on hand-written cases, the chat structural rollup, and (slow) the issue's held-out targets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from enrich.components.batch import Batch
from enrich.schema import Feedback, Turn, Unit


def _score(encoder, texts: list[str]) -> list[float | None]:
    from enrich.components.effort import EffortScorer

    batch = Batch(feedback=[], units=[Unit(f"review:{i}", 0, text) for i, text in enumerate(texts)],
                  embeddings=encoder.encode(texts))
    return EffortScorer().predict(batch)


def test_effort_effortful_easy_and_null_units(encoder):
    effortful, easy, null = _score(encoder, [
        "I've called four times and waited on hold for two hours each time, and still no refund.",
        "Returned it in two clicks and the refund arrived the next day, so easy.",
        "The colour is a lovely deep blue.",
    ])
    assert effortful is not None and effortful <= -2
    assert easy is not None and easy >= 1
    assert null is None


def test_effort_blank_and_agent_units_are_unscored(encoder):
    from enrich.components.effort import EffortScorer

    units = [Unit("chat:1", 0, "   "), Unit("chat:1", 1, "I had to call three times.", speaker="agent")]
    batch = Batch(feedback=[], units=units, embeddings=encoder.encode(["   ", "I had to call three times."]))
    assert EffortScorer().predict(batch) == [None, None]


def _chat(key: str, turns: list[tuple[str, str, int]], start: datetime) -> Feedback:
    built = tuple(Turn(speaker=speaker, text=text, at=start + timedelta(minutes=minute))
                  for speaker, text, minute in turns)
    text = "\n".join(t.text for t in built if t.speaker == "customer")
    return Feedback(feedback_id=key, channel="chat", customer_id="C1", created_at=start, text=text, turns=built)


def _rolled_effort(encoder, record: Feedback, repeat_contact: dict[str, bool] | None = None) -> float | None:
    from enrich.components.effort import EffortScorer
    from enrich.rollup import feedback_rows

    units = [Unit(record.key, i, t.text, speaker=t.speaker) for i, t in enumerate(record.turns)]
    batch = Batch(feedback=[record], units=units, embeddings=encoder.encode([u.text for u in units]))
    scorer = EffortScorer()
    scorer.set_annotations(batch, scorer.predict(batch))
    return feedback_rows(batch, repeat_contact)[0]["effort_score"]


def test_effort_chat_with_transfers_and_repeats_rolls_up_to_more_effort(encoder):
    start = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    easy = _chat("easy", [("customer", "Hi, can I change the delivery address on my order?", 0),
                          ("agent", "Done, I've updated it for you.", 1),
                          ("customer", "Great, thanks!", 2)], start)
    hard = _chat("hard", [("customer", "My refund for order BC-1 still hasn't arrived.", 0),
                          ("agent", "Let me check.", 3),
                          ("system", "Chat transferred to the payments team.", 5),
                          ("customer", "As I said, my refund for order BC-1 still hasn't arrived.", 9),
                          ("system", "Chat transferred to the returns team.", 20),
                          ("customer", "Like I said, my refund for order BC-1 has not arrived.", 95),
                          ("agent", "I'll escalate this.", 100),
                          ("customer", "Fine.", 101)], start)
    easy_effort, hard_effort = _rolled_effort(encoder, easy), _rolled_effort(encoder, hard)
    assert hard_effort is not None and hard_effort <= -3
    assert easy_effort is None or easy_effort > hard_effort + 2
    with_repeat = _rolled_effort(encoder, hard, {"chat:hard": True})
    assert with_repeat == max(-5.0, hard_effort - 1) or with_repeat == -5.0


def test_effort_chat_signals_count_structure():
    from enrich.rollup import chat_signals, repeat_contacts

    start = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    record = _chat("x", [("customer", "a", 0), ("system", "Transferring you to billing", 1), ("customer", "b", 130)],
                   start)
    signals = chat_signals(record, np.array([[1.0, 0.0], [0.9, 0.1]]))
    assert signals["transfers"] == 1 and signals["long_gap"] and signals["repeated_self"]
    earlier = _chat("y", [("customer", "a", 0)], start - timedelta(days=3))
    much_earlier = _chat("z", [("customer", "a", 0)], start - timedelta(days=30))
    assert repeat_contacts([record, earlier, much_earlier]) == {"chat:x": True}


@pytest.fixture(scope="module")
def all_effort_results(encoder):
    from enrich.training.effort import evaluate

    return evaluate(encoder, write=False)


@pytest.fixture(scope="module")
def effort_results(all_effort_results):
    return all_effort_results["effort_seed_test"]


@pytest.mark.slow
def test_chat_structure_improves_conversation_effort_ranking(all_effort_results):
    # Held-out labelled conversations: text effort minus the structural penalty must rank them better than the
    # units' text effort alone (0.844 vs 0.687 today), and stay a useful ranking.
    chats = all_effort_results["chat_conversations_test"]
    assert chats["n_test"] >= 30
    assert chats["rollup"]["spearman_labelled"] >= chats["text_only"]["spearman_labelled"] + 0.05
    assert chats["rollup"]["spearman_labelled"] >= 0.75


@pytest.mark.slow
def test_effort_heldout_spearman_target_and_bucket_floor(effort_results):
    import pandas as pd
    from enrich.training.effort_data import SEED_PATH

    assert effort_results["n_test"] >= 0.25 * len(pd.read_csv(SEED_PATH))
    assert effort_results["head"]["spearman_labelled"] >= 0.65
    # Regression floor just under today's 0.826 (656 test units); the 0.85 is tracked by the xfail below.
    assert effort_results["head"]["null_effortful_easy_accuracy"] >= 0.82


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 3 target 0.85 not met yet (0.826); see models/effort/card.md")
def test_effort_heldout_bucket_accuracy_target(effort_results):
    assert effort_results["head"]["null_effortful_easy_accuracy"] >= 0.85


@pytest.mark.slow
def test_effort_card_matches_evaluation(all_effort_results):
    from enrich.paths import models_dir

    stored = json.loads((models_dir() / "effort" / "metrics.json").read_text())
    assert all_effort_results == stored


def test_effort_scorer_warns_when_sentiment_model_changed_since_training(monkeypatch):
    import enrich.components.effort as effort_component

    monkeypatch.setattr(effort_component, "sentiment_fingerprint", lambda directory: "0" * 64)
    with pytest.warns(UserWarning, match="retrain: enrich train effort"):
        effort_component.EffortScorer()


def test_effort_bucket_head_round_trips_and_rejects_old_format(tmp_path):
    from enrich.errors import ModelError
    from enrich.features import NgramTfidf
    from enrich.heads.effort import BUCKETS, EffortBuckets
    from enrich.heads.linear import LinearHead

    rng = np.random.default_rng(0)
    linear = LinearHead(weights=rng.normal(size=(4, 3)).astype(np.float32), bias=np.zeros(4, np.float32),
                        kind="softmax", labels=list(BUCKETS), mean=np.zeros(3, np.float32),
                        scale=np.ones(3, np.float32), meta={"task": "effort"})
    ngrams = NgramTfidf(["on hold", "hold"], np.ones(2, np.float32), rng.normal(size=(4, 2)).astype(np.float32), 2)
    buckets = EffortBuckets(linear, ngrams, rng.normal(size=(5, 3)), np.zeros(5), rng.normal(size=(4, 5)),
                            np.zeros(4), 1 / 3)
    inputs, texts = rng.normal(size=(2, 3)).astype(np.float32), ["on hold again", ""]
    buckets.save(tmp_path, "presence")
    loaded = EffortBuckets.load(tmp_path, "presence")
    assert np.allclose(loaded.predict_proba(inputs, texts), buckets.predict_proba(inputs, texts))
    assert np.allclose(loaded.predict_proba(inputs, texts).sum(axis=1), 1.0)
    linear.save(tmp_path, "old")
    with pytest.raises(ModelError, match="retrain: enrich train effort"):
        EffortBuckets.load(tmp_path, "old")
