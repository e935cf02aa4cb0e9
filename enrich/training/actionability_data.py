"""Loader for the actionability labelled seed set (``corpora/labelled/actionability/actionability_seed.csv``).

Each row is one whole piece of feedback with a label in :data:`LABELS`. Like the effort seed set it stores
references, never text written by others: ``airline_tweets`` (``ref`` = data row, the whole tweet) and ``cfpb``
(``ref`` = ``train:<row>`` or ``test:<row>``, the whole narrative) and ``twitter_entity`` (``ref`` =
``<tweet_id>:<row>`` of ``sentiment_model/datasets/twitter_training.csv``, the whole text) resolve from the installed packages; the
project's own sample corpora resolve from ``corpora/sample/``: ``sample_reviews`` (``ref`` = review_id, the
review text), ``sample_surveys`` (response_id, the comment) and ``sample_chats`` (conversation_id, the customer
turns joined by newlines, as the chat reader builds ``Feedback.text``). Every text is checked against its SHA-1.
See ``corpora/labelled/actionability/RUBRIC.md``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from enrich.training.effort_data import (
    SOURCES,
    EffortSeedError,
    _airline_texts,
    _cfpb_texts,
    _twitter_rows,
    sample_chats,
    sample_texts,
    split_sentences,
    text_sha1,
)

__all__ = ["LABELS", "SEED_PATH", "feedback_units", "load_actionability_seed", "resolve_feedback"]

LABELS: tuple[str, ...] = ("response_needed", "suggestion", "praise", "not_meaningful")
SEED_PATH: Path = (
    Path(__file__).resolve().parents[2] / "corpora" / "labelled" / "actionability" / "actionability_seed.csv"
)


def resolve_feedback(source: str, ref: str) -> str:
    """The whole feedback text a seed reference points at.

    Raises:
        EffortSeedError: unknown source, missing package (with the install command) or a bad reference.
    """
    try:
        if source == "airline_tweets":
            return _airline_texts()[int(ref)]
        if source == "cfpb":
            which, row = ref.split(":")
            return _cfpb_texts(which)[int(row)]
        if source == "twitter_entity":
            tweet_id, row = ref.split(":")
            found_id, text = _twitter_rows()[int(row)]
            if found_id != tweet_id:
                raise EffortSeedError(f"twitter_entity ref {ref!r}: row {row} has tweet id {found_id}, not {tweet_id}")
            return text
        if source in ("sample_reviews", "sample_surveys"):
            return sample_texts(source.split("_")[1])[ref]
        if source == "sample_chats":
            turns = sample_chats()[ref]["turns"]
            return "\n".join(turn["text"] for turn in turns if turn.get("speaker") == "customer")
    except (IndexError, ValueError, KeyError) as exc:
        raise EffortSeedError(f"bad {source} ref {ref!r}: {exc}") from exc
    raise EffortSeedError(f"unknown actionability seed source {source!r}; expected one of {sorted(SOURCES)}")


def feedback_units(source: str, text: str) -> list[str]:
    """The units of a seed feedback: customer turns (one per line) for chats, sentences otherwise."""
    if source == "sample_chats":
        return [line for line in text.split("\n") if line.strip()] or [text]
    return split_sentences(text) or [text]


def load_actionability_seed(split: str | None = None) -> pd.DataFrame:
    """The seed set with text resolved and verified.

    Args:
        split: ``"train"``, ``"test"`` or ``None`` for every row.

    Returns:
        DataFrame with ``item_id``, ``source``, ``text``, ``label`` (one of :data:`LABELS`), ``split``.

    Raises:
        EffortSeedError: a package is missing, a reference is bad or a text does not match its SHA-1.
        ValueError: ``split`` is not one of the three options, or a label is unknown.
    """
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be None, 'train' or 'test', got {split!r}")
    seed = pd.read_csv(SEED_PATH, dtype=str, keep_default_na=False)
    if split is not None:
        seed = seed[seed["split"] == split].reset_index(drop=True)
    unknown = sorted(set(seed["label"]) - set(LABELS))
    if unknown:
        raise ValueError(f"actionability seed has unknown labels {unknown}; expected {list(LABELS)}")
    texts = []
    for item_id, source, ref, digest in zip(seed["item_id"], seed["source"], seed["ref"], seed["text_sha1"]):
        text = resolve_feedback(source, ref)
        if text_sha1(text) != digest:
            raise EffortSeedError(
                f"actionability seed item {item_id} ({source} {ref}): resolved text does not match its sha1 "
                f"{digest} ({SOURCES[source]})"
            )
        texts.append(text)
    return pd.DataFrame({"item_id": seed["item_id"], "source": seed["source"], "text": texts,
                         "label": seed["label"], "split": seed["split"]})
