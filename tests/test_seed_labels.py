"""The labelled seed sets keep both labelling passes; the final label follows the stated merge rule, and the
agreement figures the rubrics and model cards quote are the ones the CSVs give. Reads only the CSVs (no package
data, no models), so it runs in the fast suite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

LABELLED = Path(__file__).resolve().parents[1] / "corpora" / "labelled"
MODELS = Path(__file__).resolve().parents[1] / "models"


def _seed(task: str) -> pd.DataFrame:
    return pd.read_csv(LABELLED / task / f"{task}_seed.csv", dtype=str, keep_default_na=False)


def _effort_bucket(value: str) -> str:
    if value == "":
        return "null"
    number = float(value)
    return "effortful" if number <= -2 else "easy" if number >= 1 else "mild"


def test_actionability_final_label_is_the_agreed_or_an_adjudicated_one():
    seed = _seed("actionability")
    agree = seed["label_pass1"] == seed["label_pass2"]
    assert (seed.loc[agree, "label"] == seed.loc[agree, "label_pass1"]).all()
    assert set(seed["label_pass2"]) <= {"response_needed", "suggestion", "praise", "not_meaningful"}


def test_actionability_agreement_quoted_in_rubric_and_card():
    seed = _seed("actionability")
    agreement = (seed["label_pass1"] == seed["label_pass2"]).mean()
    kappa = cohen_kappa_score(seed["label_pass1"], seed["label_pass2"])
    for document in (LABELLED / "actionability" / "RUBRIC.md", MODELS / "actionability" / "card.md"):
        text = document.read_text()
        assert f"{agreement:.3f}" in text and f"{kappa:.3f}" in text, document


def test_effort_final_label_follows_the_merge_rule():
    seed = _seed("effort")
    for item, final, first, second in zip(seed["item_id"], seed["effort"], seed["effort_pass1"], seed["effort_pass2"]):
        for value in (first, second):
            assert value == "" or float(value).is_integer() and -5 <= float(value) <= 5, item
        if _effort_bucket(first) != _effort_bucket(second):
            continue  # adjudicated: any rubric value
        if first == second:
            assert final == first, item
        else:
            assert np.isclose(float(final), (float(first) + float(second)) / 2), item


def test_effort_agreement_quoted_in_rubric_and_card():
    seed = _seed("effort")
    first, second = seed["effort_pass1"].map(_effort_bucket), seed["effort_pass2"].map(_effort_bucket)
    agreement = (first == second).mean()
    kappa = cohen_kappa_score(first, second)
    for document in (LABELLED / "effort" / "RUBRIC.md", MODELS / "effort" / "card.md"):
        text = document.read_text()
        assert f"{agreement:.3f}" in text and f"{kappa:.3f}" in text, document


def test_chat_effort_seed_merge_rule_and_quoted_agreement():
    seed = pd.read_csv(LABELLED / "effort" / "chat_effort_seed.csv", dtype=str, keep_default_na=False)
    first, second = seed["effort_pass1"].map(_effort_bucket), seed["effort_pass2"].map(_effort_bucket)
    for final, one, two, same in zip(seed["effort"], seed["effort_pass1"], seed["effort_pass2"], first == second):
        if same and one == two:
            assert final == one
        elif same:
            assert np.isclose(float(final), (float(one) + float(two)) / 2)
    agreement, kappa = (first == second).mean(), cohen_kappa_score(first, second)
    for document in (LABELLED / "effort" / "RUBRIC.md", MODELS / "effort" / "card.md"):
        text = document.read_text()
        assert f"{agreement:.3f}" in text and f"{kappa:.3f}" in text, document


def test_pain_point_second_pass_covers_exactly_the_test_split():
    seed = pd.read_csv(LABELLED / "pain_points" / "pain_points_seed.csv", dtype=str, keep_default_na=False)
    test = seed["split"] == "test"
    assert (seed.loc[test, "pain_points_pass2"] != "").all()
    assert (seed.loc[~test, "pain_points_pass2"] == "").all()  # dev units were labelled once
