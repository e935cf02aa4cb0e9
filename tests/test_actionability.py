"""Actionability: hand-written feedback through the component, and (slow) the issue's held-out target."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from enrich.components.batch import Batch
from enrich.schema import Feedback, Unit


def _labels(encoder, texts: list[str]) -> list[str | None]:
    from enrich.components.actionability import ActionabilityClassifier
    from enrich.training.effort_data import split_sentences

    records = [Feedback(feedback_id=str(i), channel="review", customer_id=None,
                        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc), text=text) for i, text in enumerate(texts)]
    units = [Unit(r.key, j, s) for r in records for j, s in enumerate(split_sentences(r.text))]
    batch = Batch(feedback=records, units=units,
                  embeddings=encoder.encode([u.text for u in units]) if units else None)
    classifier = ActionabilityClassifier()
    classifier.set_annotations(batch, classifier.predict(batch))
    return [batch.feedback_annotations["actionability"][r.key] for r in records]


def test_actionability_complaint_praise_suggestion_noise(encoder):
    complaint, praise, suggestion, noise = _labels(encoder, [
        "I was charged twice for order BC-123 and still have no refund. When will I get my money back?",
        "Love it! Arrived early, great quality, would recommend to anyone.",
        "It would be great if you added a filter by size.",
        "Delivered by the usual courier.",
    ])
    assert complaint == "response_needed"
    assert praise == "praise"
    assert suggestion == "suggestion"
    assert noise == "not_meaningful"


def test_actionability_blank_feedback_gets_no_label(encoder):
    assert _labels(encoder, ["   "]) == [None]


@pytest.fixture(scope="module")
def actionability_results(encoder):
    from enrich.training.actionability import evaluate

    return evaluate(encoder, write=False)["actionability_seed_test"]


@pytest.mark.slow
def test_actionability_heldout_floor(actionability_results):
    assert actionability_results["n_test"] >= 0.25 * 1112
    assert actionability_results["head"]["macro_f1"] > actionability_results["majority"]["macro_f1"] + 0.3
    assert actionability_results["head"]["macro_f1"] > actionability_results["keyword_rule"]["macro_f1"] + 0.2
    # Regression floor just under today's 0.678 (335 test items); the 0.75 is tracked by the xfail below.
    assert actionability_results["head"]["macro_f1"] >= 0.66


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 3 target 0.75 not met (0.678 held out; CV on train plateaus "
                   "at ~0.70-0.72); see models/actionability/card.md")
def test_actionability_heldout_target(actionability_results):
    assert actionability_results["head"]["macro_f1"] >= 0.75


def test_actionability_card_and_rubric_dates_not_after_training():
    """Regression: the card once said items were labelled on dates after the day it was written."""
    import json
    import re
    from datetime import date
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    trained = date.fromisoformat(json.loads((root / "models/actionability/head.json").read_text())
                                 ["meta"]["trained_at"][:10])
    for path in (root / "models/actionability/card.md", root / "corpora/labelled/actionability/RUBRIC.md"):
        for found in re.findall(r"\b20\d\d-\d\d-\d\d\b", path.read_text()):
            assert date.fromisoformat(found) <= trained, f"{path.name} mentions {found}, after training ({trained})"
