"""Candidate scorer of ``pain_points.v1``: which extracted candidates are true pain points.

The extraction rules of :mod:`enrich.components.pain_points` propose :class:`Candidate` names (one per rule of
:data:`RULES`, recall over precision). :class:`CandidateScorer` is a logistic regression over
:data:`FEATURES` (rule, syntax, negation, distance to a problem word, table similarity, position, tweet /
redacted text) that gives each candidate a probability; :func:`select` keeps the best ones. Weights live in
``models/pain_points/scorer.json`` (JSON, never pickle).

Example:
    >>> scorer = CandidateScorer(np.zeros(len(FEATURES)), 0.0, 0.5)
    >>> select(["app crash", "app"], scorer.score(np.zeros((2, len(FEATURES)))), scorer.threshold)
    ['app crash']
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from enrich.paths import models_dir

#: Most pain points kept for one unit.
MAX_PER_UNIT = 3
#: Dependency labels of a clause's subject.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


@dataclass(frozen=True)
class Candidate:
    """One candidate pain point of a unit, before scoring and canonical naming.

    Attributes:
        name: the raw lemmatised name ("app crash").
        rule: the rule that proposed it, one of :data:`RULES`.
        token: index of the token it came from (the event verb, the predicate or the chunk root).
    """

    name: str
    rule: str
    token: int


#: Rules that propose candidates, most specific first; the scorer has one feature per rule.
RULES = ("event", "event_bare", "predicate_adj", "predicate_judged", "too_many", "chunk_problem_adj",
         "chunk_subject", "chunk_other", "event_composed", "no_chunk", "long_wait", "predicate_other",
         "chunk_modifier", "chunk_head")

#: Names of the scorer's features, in order (the scorer file stores them and must agree).
FEATURES = (
    [f"rule={rule}" for rule in RULES]
    + ["words=1", "words=2", "words=3+", "dep=subject", "dep=object", "dep=pobj", "dep=root", "dep=other",
       "pos=noun", "pos=propn", "pos=verb", "pos=other", "negated_sentence", "problem_word_distance",
       "has_problem_adjective", "table_alias", "table_similarity", "relative_position", "rank", "n_candidates",
       "mention_text", "redacted_text"]
)


def candidate_features(doc, found: list[Candidate], alias: list[bool], similarity: list[float],
                       problem_words: Collection[str], problem_adjectives: Collection[str]) -> np.ndarray:
    """Feature matrix (len(found), len(FEATURES)) of one unit's candidates; values in [0, 1].

    Args:
        doc: the unit's parse.
        found: its candidates, as :func:`candidates` returns them.
        alias: per candidate, whether its raw name is a name or alias of the canonical table.
        similarity: per candidate, the cosine similarity of its name to the nearest canonical table name.
        problem_words: lemmas that signal a problem (event verbs, problem adjectives, negative judgements).
        problem_adjectives: adjectives that name the problem itself ("late", "broken").
    """
    problem_at = [t.i for t in doc if t.lemma_.lower() in problem_words or t.dep_ == "neg"]
    rows = np.zeros((len(found), len(FEATURES)), dtype=np.float32)
    for row, candidate in enumerate(found):
        token = doc[candidate.token]
        words = len(candidate.name.split())
        dep = ("subject" if token.dep_ in SUBJECT_DEPS else "object" if token.dep_ in {"dobj", "attr"} else
               "pobj" if token.dep_ == "pobj" else "root" if token.dep_ == "ROOT" else "other")
        pos = {"NOUN": "noun", "PROPN": "propn", "VERB": "verb"}.get(token.pos_, "other")
        distance = min((abs(token.i - i) for i in problem_at), default=10)
        values = {
            f"rule={candidate.rule}": 1.0, f"words={min(words, 3)}{'+' if words >= 3 else ''}": 1.0,
            f"dep={dep}": 1.0, f"pos={pos}": 1.0,
            "negated_sentence": float(any(t.dep_ == "neg" or t.lower_ in {"never", "no"} for t in token.sent)),
            "problem_word_distance": min(distance, 10) / 10,
            "has_problem_adjective": float(any(word in problem_adjectives for word in candidate.name.split())),
            "table_alias": float(alias[row]), "table_similarity": float(similarity[row]),
            "relative_position": token.i / max(len(doc), 1), "rank": min(row, 5) / 5,
            "n_candidates": min(len(found), 10) / 10, "mention_text": float("@" in doc.text),
            "redacted_text": float("XX" in doc.text),
        }
        for name, value in values.items():
            rows[row, FEATURES.index(name)] = value
    return rows


def scorer_path() -> Path:
    """Where the shipped candidate scorer (logistic-regression weights, JSON) lives."""
    return models_dir() / "pain_points" / "scorer.json"


class CandidateScorer:
    """Logistic regression over :data:`FEATURES`: probability in [0, 1] that a candidate is a true pain point.

    Args:
        weights: one weight per feature.
        bias: the intercept.
        threshold: probability at or above which a candidate is kept.

    Example:
        >>> scorer = CandidateScorer(np.zeros(len(FEATURES)), 0.0, 0.5)
        >>> scorer.score(np.zeros((2, len(FEATURES)))).tolist()
        [0.5, 0.5]
    """

    def __init__(self, weights: np.ndarray, bias: float, threshold: float):
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = float(bias)
        self.threshold = float(threshold)

    def score(self, features: np.ndarray) -> np.ndarray:
        """Probabilities (n,) of the rows of ``features`` (n, len(FEATURES))."""
        return 1.0 / (1.0 + np.exp(-(np.asarray(features, dtype=np.float64) @ self.weights + self.bias)))

    @classmethod
    def load(cls, path: Path | None = None) -> CandidateScorer | None:
        """The scorer saved at ``path`` (default: the shipped one), or None when there is none.

        Raises:
            ValueError: the file's feature names differ from :data:`FEATURES`.
        """
        path = path or scorer_path()
        if not path.exists():
            return None
        saved = json.loads(path.read_text())
        if saved["features"] != list(FEATURES):
            raise ValueError(f"pain-point scorer {path} was trained on features {saved['features']}, "
                             f"expected {list(FEATURES)}; retrain with `enrich train pain_points`")
        return cls(np.array([saved["weights"][name] for name in FEATURES]), saved["bias"], saved["threshold"])

    def save(self, path: Path, meta: dict[str, Any] | None = None) -> None:
        """Write weights, bias and threshold as JSON (never pickle)."""
        path.write_text(json.dumps({
            "features": list(FEATURES), "weights": dict(zip(FEATURES, self.weights.round(6).tolist())),
            "bias": round(self.bias, 6), "threshold": round(self.threshold, 6), **(meta or {}),
        }, indent=1) + "\n")


def select(names: list[str], scores: np.ndarray, threshold: float) -> list[str]:
    """Canonical names of the candidates scored at or above ``threshold``, best first, at most MAX_PER_UNIT.

    A name already chosen, or contained in one chosen ("app" beside "app crash"), adds nothing.
    """
    chosen: list[str] = []
    for index in sorted(range(len(names)), key=lambda i: (-scores[i], i)):
        if scores[index] < threshold or len(chosen) == MAX_PER_UNIT:
            break
        name = names[index]
        if not any(f" {name} " in f" {other} " for other in chosen):
            chosen.append(name)
    return chosen
