"""Pain-point name retrieval: score known canonical names against a negative unit.

Gold pain points are short canonical names ("app crash", "flight delay") that the customer often paraphrases
("the app closes itself as soon as I tap on My Orders"), so span extraction alone cannot name them. Retrieval
proposes *names* instead: every name of a fixed vocabulary (the names of the labelled dev split plus the canonical
table) and every name the extraction rules found in the unit, each scored for the unit by a logistic regression
over :data:`NAME_FEATURES`:

- the MiniLM cosine of the unit embedding (the shared encoder pass) to the name (its aliases included);
- label transfer from labelled example units: cosine to the centroid of the examples carrying the name, the
  nearest such example, and the similarity-weighted vote of the unit's :data:`KNN` nearest examples;
- the name's frequency among the examples, whether it is a table name, and whether it is a vocabulary name at all;
- extraction: whether an extracted candidate names it (same name or cosine >= the match threshold), the
  candidate scorer's probability for it, the best cosine of any candidate to it, and the share of its words the
  unit contains;
- whether the text is a tweet (``@``) or a redacted narrative (``XX``).

Names scoring at or above the threshold are kept, best first, at most :data:`MAX_PER_UNIT`, and never two names
whose cosine is >= :data:`DISTINCT_BELOW` (one pain point named twice). Two optional ways let extraction add
names the vocabulary lacks (how they combine is chosen by cross-validation in :mod:`enrich.training.pain_points`):
an ``extraction_threshold`` adds, after the retrieved names and up to the same limit, the extracted names the
candidate scorer alone keeps ("the checkout page crashed and the promo code was rejected" names both
complaints); an ``oov_threshold`` scores out-of-vocabulary extracted names against their own threshold.

Example:
    >>> vocabulary = NameVocabulary(["app crash"], np.eye(2, dtype=np.float32)[:1], [0], [False],
    ...                             np.eye(2, dtype=np.float32)[:1], [[0]])
    >>> retriever = NameRetriever(np.zeros(len(NAME_FEATURES)), 0.0, 0.5, vocabulary)
    >>> [pairs] = retriever.propose(np.eye(2, dtype=np.float32)[:1], ["the app crashed"], [[]])
    >>> pairs.names, pairs.features.shape
    (['app crash'], (1, 14))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from enrich.paths import models_dir

#: Names of the retrieval scorer's features, in order (the saved model stores them and must agree).
NAME_FEATURES = (
    "unit_name_cosine", "unit_name_rank", "centroid_cosine", "nearest_example", "knn_vote", "name_frequency",
    "table_name", "in_vocabulary", "extracted", "extracted_score", "candidate_name_cosine", "word_overlap",
    "mention_text", "redacted_text",
)
#: Nearest labelled examples that vote for their names.
KNN = 10
MAX_PER_UNIT = 3
#: Two kept names must have a cosine below this (the matching rule's threshold: at or above, they are one).
DISTINCT_BELOW = 0.85
_WORD = re.compile(r"[a-z0-9']+")


def _stems(text: str) -> set[str]:
    """Crude stems (first five letters) of the words of a text: "delayed" and "delay" share "delay"."""
    return {word[:5] for word in _WORD.findall(text.lower()) if len(word) > 2}


@dataclass
class NameVocabulary:
    """The fixed names retrieval can propose, with the labelled example units behind them.

    Attributes:
        names: canonical names (n_names).
        surface_vectors: L2-normalised embeddings (n_surfaces, 384) of each name and its aliases.
        surface_owner: index into ``names`` of each surface (n_surfaces).
        table_name: per name, whether it comes from the canonical table.
        example_vectors: L2-normalised unit embeddings (n_examples, 384) of the labelled examples.
        example_names: per example, indices of the names its gold pain points match.
    """

    names: list[str]
    surface_vectors: np.ndarray
    surface_owner: list[int]
    table_name: list[bool]
    example_vectors: np.ndarray
    example_names: list[list[int]]

    def __post_init__(self) -> None:
        self.surface_vectors = np.asarray(self.surface_vectors, dtype=np.float32)
        self.example_vectors = np.asarray(self.example_vectors, dtype=np.float32).reshape(-1, self.dim)
        self.carries = np.zeros((len(self.example_vectors), len(self.names)), dtype=np.float32)
        for example, indices in enumerate(self.example_names):
            self.carries[example, indices] = 1.0
        owner = np.zeros((len(self.surface_owner), len(self.names)), dtype=bool)
        owner[np.arange(len(self.surface_owner)), self.surface_owner] = True
        self._owner = owner
        self.name_vectors = np.zeros((len(self.names), self.dim), dtype=np.float32)
        for surface in range(len(self.surface_owner) - 1, -1, -1):  # the first surface of a name is the name
            self.name_vectors[self.surface_owner[surface]] = self.surface_vectors[surface]
        self._stems = [_stems(name) for name in self.names]
        self.index_of = {name: i for i, name in enumerate(self.names)}

    @property
    def dim(self) -> int:
        return int(self.surface_vectors.shape[1]) if self.surface_vectors.ndim == 2 else 384

    def name_cosine(self, unit_vector: np.ndarray) -> np.ndarray:
        """Per name, the best cosine of the unit to the name or one of its aliases (n_names,)."""
        similarity = self.surface_vectors @ unit_vector
        return np.where(self._owner, similarity[:, None], -1.0).max(axis=0)

    def transfer(self, unit_vector: np.ndarray, exclude: int | None = None) -> tuple[np.ndarray, ...]:
        """Label-transfer features of one unit: centroid cosine, nearest example, kNN vote and frequency per name.

        Args:
            unit_vector: the unit's L2-normalised embedding (384,).
            exclude: an example to leave out (the unit itself while training).
        """
        keep = np.ones(len(self.example_vectors), dtype=bool)
        if exclude is not None:
            keep[exclude] = False
        vectors, carries = self.example_vectors[keep], self.carries[keep]
        counts = carries.sum(axis=0)
        if not len(vectors):
            zeros = np.zeros(len(self.names))
            return zeros, zeros, zeros, zeros, counts
        similarity = vectors @ unit_vector
        sums = carries.T @ vectors
        norms = np.linalg.norm(sums, axis=1)
        centroid = np.where(norms > 0, (sums @ unit_vector) / np.maximum(norms, 1e-9), 0.0)
        nearest = np.where(carries > 0, similarity[:, None], -1.0).max(axis=0)
        nearest = np.where(counts > 0, nearest, 0.0)
        top = np.argsort(-similarity)[:KNN]
        weights = np.maximum(similarity[top], 0.0)
        vote = (weights @ carries[top]) / max(float(weights.sum()), 1e-9)
        frequency = np.log1p(counts) / np.log1p(max(float(counts.max()), 1.0))
        return centroid, nearest, vote, frequency, counts


@dataclass
class UnitNames:
    """The names proposed for one unit with their feature rows.

    Attributes:
        names: proposed names (n,).
        vectors: their L2-normalised embeddings (n, 384).
        features: feature matrix (n, len(NAME_FEATURES)).
    """

    names: list[str]
    vectors: np.ndarray
    features: np.ndarray


def retrieval_path() -> Path:
    """Directory of the shipped retrieval model (``retrieval.safetensors`` + ``retrieval.json``)."""
    return models_dir() / "pain_points"


class NameRetriever:
    """Logistic regression over :data:`NAME_FEATURES`: probability in [0, 1] that a name is a pain point of a unit.

    Args:
        weights: one weight per feature.
        bias: the intercept.
        threshold: probability at or above which a name is kept.
        vocabulary: the names it can propose without extraction.
        match_threshold: cosine at or above which an extracted candidate names a vocabulary name.
        oov_threshold: probability an out-of-vocabulary extracted name needs (None: ``threshold``).
        extraction_threshold: candidate-scorer probability at or above which an extracted name is kept besides
            the retrieved ones (None: none is added).

    Example:
        >>> vocabulary = NameVocabulary(["late delivery"], np.ones((1, 4), np.float32) / 2, [0], [True],
        ...                             np.zeros((0, 4), np.float32), [])
        >>> retriever = NameRetriever(np.zeros(len(NAME_FEATURES)), 0.0, 0.4, vocabulary)
        >>> retriever.score(np.zeros((1, len(NAME_FEATURES)))).tolist()
        [0.5]
    """

    def __init__(self, weights: np.ndarray, bias: float, threshold: float, vocabulary: NameVocabulary,
                 match_threshold: float = DISTINCT_BELOW, oov_threshold: float | None = None,
                 extraction_threshold: float | None = None):
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = float(bias)
        self.threshold = float(threshold)
        self.vocabulary = vocabulary
        self.match_threshold = float(match_threshold)
        self.oov_threshold = None if oov_threshold is None else float(oov_threshold)
        self.extraction_threshold = None if extraction_threshold is None else float(extraction_threshold)

    def score(self, features: np.ndarray) -> np.ndarray:
        """Probabilities (n,) of the rows of ``features`` (n, len(NAME_FEATURES))."""
        return 1.0 / (1.0 + np.exp(-(np.asarray(features, dtype=np.float64) @ self.weights + self.bias)))

    def propose(self, unit_vectors: np.ndarray, texts: list[str],
                extracted: list[list[tuple[str, float, np.ndarray]]],
                exclude: list[int | None] | None = None) -> list[UnitNames]:
        """Candidate names with features for each unit: the vocabulary plus its extracted names.

        Args:
            unit_vectors: L2-normalised unit embeddings (n_units, 384).
            texts: the units' texts (n_units).
            extracted: per unit, its extracted candidates as (canonical name, candidate-scorer probability in
                [0, 1], L2-normalised name embedding).
            exclude: per unit, an example index to leave out of label transfer (training), or None.
        """
        vocabulary = self.vocabulary
        out = []
        for row, (unit_vector, text, found) in enumerate(zip(unit_vectors, texts, extracted)):
            unit_vector = np.asarray(unit_vector, dtype=np.float32)
            centroid, nearest, vote, frequency, counts = vocabulary.transfer(
                unit_vector, None if exclude is None else exclude[row])
            cosine = vocabulary.name_cosine(unit_vector)
            rank = np.empty(len(cosine))
            rank[np.argsort(-cosine)] = np.arange(len(cosine))
            in_vocabulary = (counts > 0) | np.asarray(vocabulary.table_name, dtype=bool)
            stems = _stems(text)
            found_vectors = (np.vstack([vector for _, _, vector in found]) if found
                             else np.zeros((0, vocabulary.dim), dtype=np.float32))
            found_scores = np.array([score for _, score, _ in found])
            found_names = [name for name, _, _ in found]
            to_vocabulary = found_vectors @ vocabulary.name_vectors.T if found else np.zeros((0, len(cosine)))
            index = np.flatnonzero(in_vocabulary)
            naming = np.zeros((len(found), len(index)), dtype=bool)
            if found:
                naming = to_vocabulary[:, index] >= self.match_threshold
                position_of = {int(name_index): position for position, name_index in enumerate(index)}
                for row_found, name in enumerate(found_names):
                    position = position_of.get(vocabulary.index_of.get(name, -1))
                    if position is not None:
                        naming[row_found, position] = True
            extracted_any = naming.any(axis=0)
            columns = {
                "unit_name_cosine": cosine[index], "unit_name_rank": 1.0 / (1.0 + rank[index]),
                "centroid_cosine": centroid[index], "nearest_example": nearest[index], "knn_vote": vote[index],
                "name_frequency": frequency[index],
                "table_name": np.asarray(vocabulary.table_name, dtype=np.float64)[index],
                "in_vocabulary": np.ones(len(index)), "extracted": extracted_any.astype(np.float64),
                "extracted_score": (np.where(naming, found_scores[:, None], -np.inf).max(axis=0, initial=-np.inf)
                                    if found else np.zeros(len(index))),
                "candidate_name_cosine": to_vocabulary[:, index].max(axis=0) if found else np.zeros(len(index)),
                "word_overlap": np.array([len(vocabulary._stems[i] & stems) / max(len(vocabulary._stems[i]), 1)
                                          for i in index]),
                "mention_text": np.full(len(index), float("@" in text)),
                "redacted_text": np.full(len(index), float("XX" in text)),
            }
            columns["extracted_score"] = np.where(extracted_any, columns["extracted_score"], 0.0)
            names = [vocabulary.names[i] for i in index]
            vectors = [vocabulary.name_vectors[index]]
            rows = [np.column_stack([np.asarray(columns[feature], dtype=np.float64) for feature in NAME_FEATURES])]
            known = set(names)
            for position, (name, score, vector) in enumerate(found):
                if name in known or (in_vocabulary.any()
                                     and to_vocabulary[position, in_vocabulary].max() >= self.match_threshold):
                    continue  # a vocabulary name already stands for it
                words = _stems(name)
                values = {"unit_name_cosine": float(vector @ unit_vector), "extracted": 1.0, "extracted_score": score,
                          "candidate_name_cosine": 1.0, "word_overlap": len(words & stems) / max(len(words), 1),
                          "mention_text": float("@" in text), "redacted_text": float("XX" in text)}
                names.append(name)
                known.add(name)
                vectors.append(vector[None, :])
                rows.append(np.array([[values.get(feature, 0.0) for feature in NAME_FEATURES]]))
            vectors = [np.vstack(vectors)] if names else []
            rows = np.vstack(rows) if names else []
            out.append(UnitNames(names, vectors[0] if vectors else np.zeros((0, vocabulary.dim), np.float32),
                                 np.asarray(rows, dtype=np.float64).reshape(-1, len(NAME_FEATURES))))
        return out

    def thresholds(self, unit: UnitNames) -> np.ndarray:
        """Per proposed name, the probability it needs: ``oov_threshold`` for out-of-vocabulary names."""
        if self.oov_threshold is None:
            return np.full(len(unit.names), self.threshold)
        in_vocabulary = unit.features[:, NAME_FEATURES.index("in_vocabulary")] > 0
        return np.where(in_vocabulary, self.threshold, self.oov_threshold)

    def predict(self, unit_vectors: np.ndarray, texts: list[str],
                extracted: list[list[tuple[str, float, np.ndarray]]]) -> list[list[str]]:
        """Kept names per unit, best first (see :func:`select_names` and :func:`add_extracted`)."""
        out = []
        for unit, found in zip(self.propose(unit_vectors, texts, extracted), extracted):
            kept = select_names(unit.names, self.score(unit.features), unit.vectors, self.thresholds(unit))
            if self.extraction_threshold is not None:
                position = {name: index for index, name in reversed(list(enumerate(unit.names)))}
                kept = add_extracted(kept, unit.vectors[[position[name] for name in kept]], found,
                                     self.extraction_threshold)
            out.append(kept)
        return out

    def save(self, directory: Path | None = None, meta: dict[str, Any] | None = None) -> Path:
        """Write ``retrieval.safetensors`` (vectors) and ``retrieval.json`` (names, weights); never pickle."""
        from enrich.heads.artifact import save_artifact

        vocabulary = self.vocabulary
        header = {
            "features": list(NAME_FEATURES), "weights": dict(zip(NAME_FEATURES, self.weights.round(6).tolist())),
            "bias": round(self.bias, 6), "threshold": round(self.threshold, 6),
            "oov_threshold": None if self.oov_threshold is None else round(self.oov_threshold, 6),
            "extraction_threshold": None if self.extraction_threshold is None else round(self.extraction_threshold, 6),
            "match_threshold": self.match_threshold, "names": vocabulary.names,
            "surface_owner": [int(owner) for owner in vocabulary.surface_owner],
            "table_name": [bool(flag) for flag in vocabulary.table_name],
            "example_names": [[int(i) for i in indices] for indices in vocabulary.example_names], **(meta or {}),
        }
        return save_artifact(directory or retrieval_path(), "retrieval", {
            "surface_vectors": vocabulary.surface_vectors, "example_vectors": vocabulary.example_vectors,
        }, header, indent=1)

    @classmethod
    def load(cls, directory: Path | None = None) -> NameRetriever | None:
        """The retriever saved in ``directory`` (default: the shipped one), or None when there is none.

        Raises:
            ValueError: the saved feature names differ from :data:`NAME_FEATURES`.
        """
        from enrich.heads.artifact import load_artifact

        directory = directory or retrieval_path()
        if not (directory / "retrieval.json").exists():
            return None
        tensors, header = load_artifact(directory, "retrieval", "pain-point name retriever")
        if header["features"] != list(NAME_FEATURES):
            raise ValueError(f"pain-point retriever in {directory} was trained on features {header['features']}, "
                             f"expected {list(NAME_FEATURES)}; retrain with `enrich train pain_points`")
        vocabulary = NameVocabulary(header["names"], tensors["surface_vectors"], header["surface_owner"],
                                    header["table_name"], tensors["example_vectors"], header["example_names"])
        return cls(np.array([header["weights"][name] for name in NAME_FEATURES]), header["bias"],
                   header["threshold"], vocabulary, header["match_threshold"], header.get("oov_threshold"),
                   header.get("extraction_threshold"))


def select_names(names: list[str], scores: np.ndarray, vectors: np.ndarray, threshold: float | np.ndarray,
                 limit: int = MAX_PER_UNIT, distinct_below: float = DISTINCT_BELOW) -> list[str]:
    """Names scored at or above ``threshold``, best first, at most ``limit``, no two naming one pain point.

    A name whose cosine to a kept one is >= ``distinct_below``, or that is a kept name's word span ("app" beside
    "app crash"), adds nothing.

    Args:
        names: candidate names (n).
        scores: their probabilities (n,).
        vectors: their L2-normalised embeddings (n, d).
        threshold: probability in [0, 1] a name needs, one for all or one per name (n,).
    """
    needed = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (len(names),))
    kept: list[int] = []
    for index in sorted(range(len(names)), key=lambda i: (-scores[i], i)):
        if len(kept) == limit:
            break
        if scores[index] < needed[index]:
            continue
        name = names[index]
        if any(name == names[k] or f" {name} " in f" {names[k]} " for k in kept):
            continue
        if kept and float(np.max(vectors[kept] @ vectors[index])) >= distinct_below:
            continue
        kept.append(index)
    return [names[index] for index in kept]


def add_extracted(kept: list[str], kept_vectors: np.ndarray, extracted: list[tuple[str, float, np.ndarray]],
                  threshold: float, limit: int = MAX_PER_UNIT, distinct_below: float = DISTINCT_BELOW) -> list[str]:
    """Retrieved names followed by the extracted names the candidate scorer keeps, at most ``limit`` in all.

    Extracted names scored at or above ``threshold`` come best first; one that names a kept pain point again
    (cosine >= ``distinct_below``, or a word span of a kept name) adds nothing.

    Args:
        kept: retrieved names, best first.
        kept_vectors: their L2-normalised embeddings (len(kept), d).
        extracted: the unit's extracted candidates as (canonical name, candidate-scorer probability in [0, 1],
            L2-normalised name embedding).
        threshold: candidate-scorer probability an extracted name needs.

    Example:
        >>> add_extracted(["invalid promo code"], np.eye(3)[:1], [("checkout page crash", 0.5, np.eye(3)[1]),
        ...                                                        ("promo code", 0.4, np.eye(3)[2])], 0.3)
        ['invalid promo code', 'checkout page crash']
    """
    names, vectors = list(kept), [np.asarray(vector) for vector in kept_vectors]
    for name, score, vector in sorted(extracted, key=lambda item: -item[1]):
        if len(names) >= limit or score < threshold:
            break
        if any(name == other or f" {name} " in f" {other} " for other in names):
            continue
        if vectors and float(np.max(np.vstack(vectors) @ vector)) >= distinct_below:
            continue
        names.append(name)
        vectors.append(np.asarray(vector))
    return names
