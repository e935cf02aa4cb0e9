"""The Python API: ``enrich.load(...).enrich(df)``, ``enrich.analyze(texts)``, chunked batches, and the stated
feedback-level roll-up rules."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import enrich
from enrich.components.batch import Batch
from enrich.errors import ConfigError, InputError
from enrich.rollup import feedback_rollup, unit_rows
from enrich.schema import Feedback, Unit

REPO_ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
ENRICHMENT_COLUMNS = ["sentiment_label", "sentiment_score", "effort_score", "pain_points", "theme_id", "theme_label",
                      "language", "n_units"]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def review(text: str, feedback_id: str) -> Feedback:
    return Feedback(feedback_id=feedback_id, channel="review", customer_id="C1", created_at=T0, text=text)


# -- load ---------------------------------------------------------------------------------------------------


def test_pipeline_load_accepts_path_dict_and_config():
    from enrich.config import load_config

    path = REPO_ROOT / "pipelines" / "reviews.toml"
    by_path = enrich.load(path)
    by_str = enrich.load(str(path))
    by_config = enrich.load(load_config(path))
    by_dict = enrich.load({"pipeline": {"name": "reviews-dict"}})

    assert by_path.config == by_str.config == by_config.config
    assert by_dict.config.pipeline.name == "reviews-dict"
    assert isinstance(by_path, enrich.Pipeline)


def test_pipeline_load_rejects_bad_config_before_loading_models():
    with pytest.raises(ConfigError, match="unknown key"):
        enrich.load({"pipeline": {"name": "x"}, "step": ["segment.v1"]})


def test_pipeline_model_refs_name_every_model_with_a_hash(fast_pipeline):
    refs = fast_pipeline.model_refs

    assert set(refs) >= {"encoder", "sentiment", "effort", "spacy"}
    for name in ("encoder", "sentiment", "effort"):
        model_id, _, digest = refs[name].rpartition("@")
        assert model_id and len(digest) >= 6 and int(digest, 16) >= 0


# -- enrich(df) ---------------------------------------------------------------------------------------------


def test_pipeline_enrich_adds_columns_and_keeps_rows(fast_pipeline):
    frame = pd.DataFrame(
        {"ticket": ["t1", "t2", "t3"],
         "text": ["I love this app, it is wonderful.", "The checkout page crashed and the promo code was rejected.",
                  "I called five times and was on hold for two hours."]},
        index=[10, 20, 30],
    )
    original = frame.copy()

    out = fast_pipeline.enrich(frame)

    assert len(out) == len(frame)
    assert list(out.index) == [10, 20, 30]
    pd.testing.assert_frame_equal(out[["ticket", "text"]], original)
    pd.testing.assert_frame_equal(frame, original)  # the input is not modified
    for column in ENRICHMENT_COLUMNS:
        assert column in out.columns, column
    assert list(out["sentiment_label"]) == ["positive", "negative", "negative"]
    assert out["sentiment_score"].between(-1, 1).all()
    assert out.loc[30, "effort_score"] <= -2
    assert _missing(out.loc[10, "effort_score"])
    assert any("checkout" in point for point in out.loc[20, "pain_points"])
    assert list(out["n_units"]) == [1, 1, 1]
    assert list(out["language"]) == ["en", "en", "en"]


def test_pipeline_enrich_blank_and_missing_text_get_empty_enrichment(fast_pipeline):
    frame = pd.DataFrame({"text": ["Love it.", "", None, "   ", np.nan]})

    out = fast_pipeline.enrich(frame)

    assert len(out) == 5
    assert out.loc[0, "sentiment_label"] == "positive"
    for row in range(1, 5):
        assert _missing(out.loc[row, "sentiment_label"])
        assert _missing(out.loc[row, "sentiment_score"])
        assert _missing(out.loc[row, "effort_score"])
        assert list(out.loc[row, "pain_points"]) == []
        assert out.loc[row, "n_units"] == 0
        assert out.loc[row, "theme_id"] == -1


def test_pipeline_enrich_reads_the_named_text_column(fast_pipeline):
    frame = pd.DataFrame({"comment": ["Terrible, the parcel never arrived."], "text": ["Wonderful!"]})

    out = fast_pipeline.enrich(frame, text_column="comment")

    assert out.loc[0, "sentiment_label"] == "negative"


def test_pipeline_enrich_missing_text_column_names_the_columns(fast_pipeline):
    frame = pd.DataFrame({"body": ["Love it."], "stars": [5]})

    with pytest.raises(InputError) as caught:
        fast_pipeline.enrich(frame)

    message = str(caught.value)
    assert "'text'" in message
    assert "body" in message and "stars" in message


def test_pipeline_enrich_empty_frame_still_has_enrichment_columns(fast_pipeline):
    out = fast_pipeline.enrich(pd.DataFrame({"text": pd.Series([], dtype=object)}))

    assert len(out) == 0
    for column in ENRICHMENT_COLUMNS:
        assert column in out.columns, column


def test_pipeline_enrich_chunks_give_the_same_result(fast_pipeline):
    texts = ["Love it.", "Checkout crashed twice.", "", "Le produit est très mauvais et je ne suis pas content.",
             "Delivery was late again and nobody answered my emails."]
    small_chunks = enrich.load(fast_pipeline.config.model_copy(update={"chunk_size": 2}))
    small_chunks.encoder = fast_pipeline.encoder  # share the loaded model

    whole = fast_pipeline.enrich(pd.DataFrame({"text": texts}))
    chunked = small_chunks.enrich(pd.DataFrame({"text": texts}))

    columns = ["sentiment_label", "sentiment_score", "effort_score", "language", "n_units"]
    pd.testing.assert_frame_equal(whole[columns], chunked[columns])
    assert list(whole["pain_points"]) == list(chunked["pain_points"])


def test_pipeline_enrich_themes_group_similar_texts(fast_pipeline):
    late = [f"My delivery was late again, it arrived {n} days after the promised date." for n in range(2, 10)]
    crash = [f"The app crashes every time I open the basket on my phone, {n} times today." for n in range(2, 10)]
    out = fast_pipeline.enrich(pd.DataFrame({"text": late + crash}))

    themed = out[out["theme_id"] >= 0]
    assert len(themed) >= len(out) // 2
    assert themed["theme_label"].map(lambda label: isinstance(label, str) and label != "").all()
    assert out.loc[out["theme_id"] < 0, "theme_label"].map(_missing).all()
    # Texts about the same thing share a theme; the two topics do not.
    late_themes = set(out["theme_id"][: len(late)]) - {-1}
    crash_themes = set(out["theme_id"][len(late):]) - {-1}
    assert not late_themes & crash_themes


# -- analyze ------------------------------------------------------------------------------------------------


def test_pipeline_public_analyze_returns_one_result_per_text(fast_pipeline):
    results = enrich.analyze(["Love it.", "Checkout failed twice."], pipeline=fast_pipeline)

    assert [r.sentiment_label for r in results] == ["positive", "negative"]


def test_pipeline_analyze_returns_typed_results_in_order(fast_pipeline):
    from enrich.analysis import TextResult, analyze

    texts = ["Checkout failed twice and support never answered.", "", "Love the new app, it is so fast.",
             "El producto es muy malo y no funciona para nada."]
    results = analyze(texts, pipeline=fast_pipeline)

    assert [type(r) for r in results] == [TextResult] * len(texts)
    assert [r.text for r in results] == texts
    first, blank, loved, spanish = results
    assert first.sentiment_label == "negative"
    assert isinstance(first.sentiment_score, float) and -1 <= first.sentiment_score < 0
    assert first.effort_score is None or isinstance(first.effort_score, float)
    assert isinstance(first.pain_points, list) and all(isinstance(p, str) for p in first.pain_points)
    assert isinstance(first.theme_id, int)
    assert first.language == "en"
    assert (blank.sentiment_label, blank.sentiment_score, blank.effort_score, blank.language) == (
        None, None, None, None)
    assert blank.pain_points == [] and blank.theme_id == -1
    assert loved.sentiment_label == "positive" and loved.sentiment_score > 0
    assert spanish.language == "es" and spanish.sentiment_label is None and spanish.sentiment_score is None


def test_pipeline_analyze_empty_list_gives_empty_list(fast_pipeline):
    from enrich.analysis import analyze

    assert analyze([], pipeline=fast_pipeline) == []


# -- contrast and run_batch ---------------------------------------------------------------------------------


def test_pipeline_contrast_keeps_opposite_units(fast_pipeline):
    batch = fast_pipeline.run_batch([review("Great app. But checkout keeps failing.", "r1")])

    assert [unit.text for unit in batch.units] == ["Great app.", "But checkout keeps failing."]
    assert batch.annotations["sentiment_label"] == ["positive", "negative"]
    scores = batch.annotations["sentiment_score"]
    assert scores[0] > 0 > scores[1]
    assert batch.embeddings.shape == (2, 384)

    rolled = feedback_rollup(batch.feedback, [batch], [-1, -1], {})
    # The roll-up is middling, between its two opposite units, not either extreme.
    assert scores[1] < rolled.loc[0, "sentiment_score"] < scores[0]
    assert abs(rolled.loc[0, "sentiment_score"]) < 0.5
    assert rolled.loc[0, "pain_points"] and all("great" not in p for p in rolled.loc[0, "pain_points"])


def test_pipeline_run_chunks_covers_every_record(fast_pipeline):
    records = [review(text, f"r{i}") for i, text in enumerate(["Fine.", "Bad. Very bad.", "", "Good."])]
    small = enrich.load(fast_pipeline.config.model_copy(update={"chunk_size": 3}))
    small.encoder = fast_pipeline.encoder

    batches = list(small.run_chunks(records))

    assert [len(batch.feedback) for batch in batches] == [3, 1]
    assert [unit.feedback_key for batch in batches for unit in batch.units] == [
        "review:r0", "review:r1", "review:r1", "review:r3"]


# -- roll-up rules ------------------------------------------------------------------------------------------


def _probs(negative: float, neutral: float, positive: float) -> dict[str, float]:
    return {"negative": negative, "neutral": neutral, "positive": positive}


def _hand_batch() -> tuple[list[Feedback], Batch]:
    records = [review("a. b. c.", "a"), review("", "empty"), review("d. e.", "d")]
    units = [Unit("review:a", 0, "a."), Unit("review:a", 1, "b."), Unit("review:a", 2, "c."),
             Unit("review:d", 0, "d."), Unit("review:d", 1, "e.")]
    batch = Batch(feedback=records, units=units, annotations={
        # Two neutral-labelled units and one strongly positive one: a label vote says neutral,
        # the probability mean says positive.
        "sentiment_label": ["neutral", "neutral", "positive", None, "negative"],
        "sentiment_score": [0.45, 0.45, 1.0, None, -0.8],
        "sentiment_probs": [_probs(0.0, 0.55, 0.45), _probs(0.0, 0.55, 0.45), _probs(0.0, 0.0, 1.0), None,
                            _probs(0.9, 0.0, 0.1)],
        "effort_score": [None, -3.0, -1.0, None, None],
        "pain_points": [["checkout", "promo code"], [], ["promo code", "delivery"], [], ["refund"]],
        "language": ["en", "en", "en", "es", "en"],
    })
    return records, batch


def test_pipeline_rollup_rules_on_a_hand_built_batch():
    records, batch = _hand_batch()
    theme_ids = [5, 2, -1, 7, 7]

    rows = feedback_rollup(records, [batch], theme_ids, {2: "delivery / late", 5: "checkout", 7: "refunds"})

    assert len(rows) == 3
    a, empty, d = (rows.iloc[i] for i in range(3))
    assert a["sentiment_label"] == "positive"
    assert a["sentiment_score"] == pytest.approx((0.45 + 0.45 + 1.0) / 3, abs=1e-4)
    assert a["effort_score"] == pytest.approx(-2.0)  # None ignored, not counted as 0
    assert list(a["pain_points"]) == ["checkout", "promo code", "delivery"]
    assert a["theme_id"] == 2  # 5 and 2 tie at one unit each: the smallest id wins
    assert a["theme_label"] == "delivery / late"
    assert list(a["theme_ids"]) == [2, 5]
    assert a["n_units"] == 3
    assert a["language"] == "en"

    assert _missing(empty["sentiment_label"]) and math.isnan(empty["sentiment_score"])
    assert math.isnan(empty["effort_score"])
    assert list(empty["pain_points"]) == [] and empty["theme_id"] == -1 and _missing(empty["theme_label"])
    assert empty["n_units"] == 0

    # The Spanish unit carries no probabilities: only the scored unit counts.
    assert d["sentiment_label"] == "negative"
    assert d["sentiment_score"] == pytest.approx(-0.8, abs=1e-4)
    assert d["theme_id"] == 7 and d["theme_label"] == "refunds"


def test_pipeline_rollup_follows_record_order_not_batch_order():
    records, batch = _hand_batch()

    rows = feedback_rollup(list(reversed(records)), [batch], [-1] * len(batch.units), {})

    assert list(rows["n_units"]) == [2, 0, 3]


def test_pipeline_rollup_most_frequent_theme_beats_smaller_id():
    records, batch = _hand_batch()

    rows = feedback_rollup(records, [batch], [9, 9, 1, -1, -1], {1: "one", 9: "nine"})

    assert rows.iloc[0]["theme_id"] == 9
    assert rows.iloc[2]["theme_id"] == -1


def test_pipeline_unit_rows_shape_for_the_store():
    _, batch = _hand_batch()

    rows = unit_rows(batch, theme_ids=[5, -1, 2, -1, 7])

    assert [row["unit_id"] for row in rows] == ["review:a#0", "review:a#1", "review:a#2", "review:d#0", "review:d#1"]
    assert [row["theme_id"] for row in rows] == [5, None, 2, None, 7]
    assert rows[1]["pain_points"] == []
    assert rows[3]["language"] == "es" and rows[3]["sentiment_label"] is None
