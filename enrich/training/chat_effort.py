"""Conversation-level effort for chats: how unit effort and the chat's structure combine, measured.

``corpora/labelled/effort/chat_effort_seed.csv`` labels the sample corpus's support chats with the customer's effort
over the whole conversation (two blind passes, see the effort rubric's "Conversation level" section). This module
runs the real pipeline (segment -> language -> encode -> sentiment -> effort) over those chats and compares, on the
held-out chats, three ways to get a conversation's effort:

* ``text_only``: the mean of the customer units' effort scores (what a review or survey gets);
* ``rollup``: what :mod:`enrich.rollup` ships (text effort minus the chat's structural penalty);
* ``structure_only``: minus the penalty alone (no text), to show what each part carries.

Example:
    >>> from enrich.training.chat_effort import evaluate_chat_effort      # doctest: +SKIP
    >>> evaluate_chat_effort()["rollup"]["spearman_labelled"]             # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from enrich.rollup import chat_structures, conversation_effort, repeat_contacts

__all__ = ["CHAT_SEED_PATH", "load_chat_effort_seed", "chat_effort_inputs", "evaluate_chat_effort"]

ROOT = Path(__file__).resolve().parents[2]
CHAT_SEED_PATH = ROOT / "corpora" / "labelled" / "effort" / "chat_effort_seed.csv"
CHATS_PATH = ROOT / "corpora" / "sample" / "chats.jsonl"
STEPS = ["segment.v1", "language.v1", "encode.v1", "sentiment.v1", "effort.v1"]


def load_chat_effort_seed(split: str | None = None) -> pd.DataFrame:
    """``conversation_id``, ``effort`` (float, NaN = null), ``split`` of the labelled chats (``split`` filters)."""
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be None, 'train' or 'test', got {split!r}")
    seed = pd.read_csv(CHAT_SEED_PATH, dtype={"conversation_id": str, "split": str}, keep_default_na=False)
    if split is not None:
        seed = seed[seed["split"] == split].reset_index(drop=True)
    effort = pd.to_numeric(seed["effort"].replace("", np.nan)).astype(float)
    return pd.DataFrame({"conversation_id": seed["conversation_id"], "effort": effort, "split": seed["split"]})


def chat_effort_inputs(encoder: Any | None = None) -> pd.DataFrame:
    """Per sample chat: its text effort (mean of customer unit efforts, NaN when none) and structural signals.

    Runs the pipeline's own components over ``corpora/sample/chats.jsonl``; repeat contact is computed over all
    the sample's chats, as a batch run does.
    """
    from enrich.pipeline import load
    from enrich.readers.chats import read_chats

    records = read_chats(CHATS_PATH).records
    pipeline = load({"steps": STEPS, "pipeline": {"name": "chat-effort-eval"}}, encoder=encoder)
    batch = pipeline.run_batch(records)
    structures = chat_structures(batch, repeat_contacts(records))
    scored: dict[str, list[float]] = {}
    for unit, effort in zip(batch.units, batch.annotations["effort_score"]):
        if unit.speaker == "customer" and effort is not None:
            scored.setdefault(unit.feedback_key, []).append(effort)
    rows = []
    for record in records:
        efforts = scored.get(record.key)
        rows.append({"conversation_id": record.feedback_id,
                     "text_effort": float(np.mean(efforts)) if efforts else np.nan, **structures[record.key]})
    return pd.DataFrame(rows)


def _figures(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    from scipy.stats import spearmanr

    labelled = ~np.isnan(truth)
    scored = labelled & ~np.isnan(predicted)
    # A prediction of null on a labelled chat counts as 0 effort for the rank and error figures, so every
    # method is scored on the same chats.
    filled = np.where(np.isnan(predicted), 0.0, predicted)
    return {
        "spearman_labelled": round(float(spearmanr(filled[labelled], truth[labelled]).statistic), 4),
        "mae_labelled": round(float(np.abs(filled[labelled] - truth[labelled]).mean()), 4),
        "coverage": round(float(scored.sum() / max(1, labelled.sum())), 4),
    }


def evaluate_chat_effort(encoder: Any | None = None, split: str = "test") -> dict[str, Any]:
    """Spearman / MAE / coverage of each combination on the labelled chats of ``split`` (default the held-out one)."""
    seed = load_chat_effort_seed(split)
    inputs = chat_effort_inputs(encoder).set_index("conversation_id")
    # A labelled chat the reader rejects (the sample holds deliberately malformed rows) cannot be scored.
    seed = seed[seed["conversation_id"].isin(inputs.index)].reset_index(drop=True)
    inputs = inputs.loc[seed["conversation_id"]]
    truth = seed["effort"].to_numpy(dtype=float)
    text = inputs["text_effort"].to_numpy(dtype=float)
    structures = inputs.to_dict("records")
    rollup = np.array([conversation_effort(t, s) for t, s in zip(text, structures)], dtype=float)
    structure_only = np.array([conversation_effort(np.nan, s) for s in structures], dtype=float)
    return {
        "n_test": int((~np.isnan(truth)).sum()),
        "text_only": _figures(text, truth),
        "rollup": _figures(rollup, truth),
        "structure_only": _figures(structure_only, truth),
    }
