"""Cheap lexical features of unit texts, shared by every head that wants them beside the sentence embedding.

The encoder pass is the cost floor (DESIGN.md); these features cost ~0.1 ms per unit in pure Python:
VADER lexicon scores (which already handle negation, intensifiers, "but" and emoji), negation counts,
punctuation, emoji polarity and shouting. Each feature is a float in a small range so a standardised head
can mix them with the 384-d embedding.

Example:
    >>> import numpy as np
    >>> x = lexical_features(["not bad at all!", ""])
    >>> x.shape == (2, len(FEATURE_NAMES))
    True
    >>> bool(x[1].any())
    False
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from enrich._compat import require
from enrich.errors import ModelError
from enrich.heads.artifact import load_artifact, save_artifact

FEATURE_NAMES: tuple[str, ...] = (
    "vader_compound",
    "vader_positive",
    "vader_negative",
    "vader_neutral",
    "negations",
    "exclamations",
    "questions",
    "emoji_positive",
    "emoji_negative",
    "all_caps_share",
    "contrast",
    "log_words",
)
"""Column order of :func:`lexical_features`; saved in a head's metadata so a reordering fails loudly."""

_WORD = re.compile(r"[A-Za-z']+")
_CONTRAST = re.compile(r"\b(but|however|although|though|yet)\b", re.IGNORECASE)
_EMOJI_THRESHOLD = 0.05


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    return require("vaderSentiment.vaderSentiment").SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _negations() -> frozenset[str]:
    module = require("vaderSentiment.vaderSentiment")
    return frozenset(word.lower() for word in module.NEGATE) | {"never", "no", "not", "nothing", "nobody"}


@lru_cache(maxsize=1)
def _emoji_polarity() -> dict[str, float]:
    """Emoji -> VADER compound of its description (e.g. 'pouting face' is negative); non-polar emoji dropped."""
    analyzer = _analyzer()
    polarity = {}
    for emoji, description in analyzer.emojis.items():
        compound = analyzer.polarity_scores(description)["compound"]
        if abs(compound) >= _EMOJI_THRESHOLD:
            polarity[emoji] = compound
    return polarity


def _row(text: str) -> list[float]:
    if not text.strip():
        return [0.0] * len(FEATURE_NAMES)
    vader = _analyzer().polarity_scores(text)
    words = _WORD.findall(text)
    lowered = [word.lower() for word in words]
    negations = _negations()
    emoji_polarity = _emoji_polarity()
    emoji_scores = [emoji_polarity[char] for char in text if char in emoji_polarity]
    caps = [word for word in words if len(word) >= 3 and word.isupper()]
    return [
        vader["compound"],
        vader["pos"],
        vader["neg"],
        vader["neu"],
        math.log1p(sum(word in negations or word.endswith("n't") for word in lowered)),
        math.log1p(text.count("!")),
        math.log1p(text.count("?")),
        math.log1p(sum(score > 0 for score in emoji_scores)),
        math.log1p(sum(score < 0 for score in emoji_scores)),
        len(caps) / len(words) if words else 0.0,
        float(bool(_CONTRAST.search(text))),
        math.log1p(len(words)),
    ]


def lexical_features(texts: list[str]) -> np.ndarray:
    """Lexical features of each text.

    Args:
        texts: unit texts; blank ones get a row of zeros.

    Returns:
        float32 array (len(texts), len(FEATURE_NAMES)), columns in :data:`FEATURE_NAMES` order.
    """
    if not texts:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    return np.array([_row(text) for text in texts], dtype=np.float32)


TOKEN_PATTERN = r"(?u)\b\w[\w']*\b|[!?]"
"""Word tokens (apostrophes kept: "don't") plus "!" and "?" as tokens of their own."""


class NgramTfidf:
    """A fixed word n-gram vocabulary with idf weights and a linear map onto ``k`` outputs, numpy only.

    It reproduces scikit-learn's ``TfidfVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN,
    ngram_range=(1, max_n), sublinear_tf=True, norm="l2")`` followed by a dense ``(k, V)`` weight matrix, without
    ever building the (n, V) matrix: each text touches only its own n-grams. Saved as safetensors (idf, weights)
    + JSON (vocabulary), never pickle.

    Args:
        vocabulary: the n-grams, column order of ``idf`` and ``weights``.
        idf: float32 (V,).
        weights: float32 (k, V).
        max_n: longest n-gram.

    Example:
        >>> import numpy as np
        >>> ngrams = NgramTfidf(["bad", "not bad"], np.ones(2, np.float32), np.array([[1.0, -2.0]], np.float32), 2)
        >>> [round(float(v), 3) for v in ngrams.decision(["not bad", "bad"])[:, 0]]
        [-0.707, 1.0]
    """

    def __init__(self, vocabulary: list[str], idf: np.ndarray, weights: np.ndarray, max_n: int = 2):
        self.vocabulary = list(vocabulary)
        self.index = {gram: i for i, gram in enumerate(self.vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.max_n = max_n
        self._token = re.compile(TOKEN_PATTERN)

    def _row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        tokens = self._token.findall(text.lower())
        counts: dict[int, int] = {}
        for n in range(1, self.max_n + 1):
            for start in range(len(tokens) - n + 1):
                column = self.index.get(" ".join(tokens[start : start + n]))
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[columns]
        norm = float(np.sqrt((values**2).sum()))
        return columns, (values / norm if norm else values).astype(np.float32)

    def decision(self, texts: list[str]) -> np.ndarray:
        """The linear term of each text: float32 (len(texts), k); texts without known n-grams give zeros."""
        out = np.zeros((len(texts), self.weights.shape[0]), dtype=np.float32)
        for row, text in enumerate(texts):
            columns, values = self._row(text)
            if len(columns):
                out[row] = self.weights[:, columns] @ values
        return out

    def save(self, directory: str | Path, name: str) -> Path:
        """Write ``<name>.safetensors`` (idf, weights) and ``<name>.json`` (vocabulary, max_n)."""
        header = {"max_n": self.max_n, "token_pattern": TOKEN_PATTERN, "vocabulary": self.vocabulary}
        return save_artifact(directory, name, {"idf": self.idf, "weights": self.weights}, header, ensure_ascii=False)

    @classmethod
    def load(cls, directory: str | Path, name: str) -> "NgramTfidf":
        tensors, header = load_artifact(directory, name, "n-gram table")
        if header.get("token_pattern") != TOKEN_PATTERN:
            raise ModelError(f"n-gram table {name!r} in {directory} was saved with another tokenizer; "
                             f"retrain: enrich train {Path(directory).name}")
        return cls(header["vocabulary"], tensors["idf"], tensors["weights"], header["max_n"])
