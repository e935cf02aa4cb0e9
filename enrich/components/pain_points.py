"""``pain_points.v1``: what went wrong, from negative units.

Candidates are spaCy noun chunks of units the sentiment head labels negative. Each is normalised to a canonical
pain point: lemmatised, lower-cased, determiners, pronouns, possessives, numbers and stop words dropped, 1-4
words kept, generic nouns ("thing", "time", "day") removed. Basic by design for the first release: no
event verbs ("crashed", "charged twice") and no merging of synonyms by embedding similarity yet; precision
and recall are not measured yet.

Example:
    >>> normalise_chunk(["the", "checkout", "page"], ["DET", "NOUN", "NOUN"])
    'checkout page'
"""

from __future__ import annotations

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.nlp import load_spacy

_DROP_POS = {"DET", "PRON", "NUM", "PUNCT", "SYM", "CCONJ", "ADP", "PART", "SPACE", "X"}
_GENERIC = {
    "thing", "time", "day", "lot", "way", "people", "one", "bit", "kind", "sort", "part", "week", "month",
    "year", "hour", "minute", "today", "yesterday", "everything", "anything", "something", "nothing", "experience",
    "issue", "problem", "star", "review", "guy", "person", "stuff", "reason", "fact", "end", "point",
}
_STOP = {"i", "me", "my", "we", "our", "you", "your", "it", "its", "they", "them", "their", "this", "that", "these",
         "those", "which", "who", "what", "all", "any", "some", "no", "other", "such", "own", "same", "so", "very",
         "just", "only", "also", "more", "most", "much", "many", "few", "new", "old", "first", "last", "next"}
MAX_WORDS = 4


def normalise_chunk(lemmas: list[str], pos: list[str]) -> str | None:
    """Canonical pain point for a noun chunk, or None when nothing specific is left.

    Args:
        lemmas: the chunk's token lemmas.
        pos: their coarse part-of-speech tags (same length).
    """
    words = [
        lemma.lower().strip("'\"-")
        for lemma, tag in zip(lemmas, pos)
        if tag not in _DROP_POS and lemma.lower() not in _STOP and any(ch.isalpha() for ch in lemma)
    ]
    words = [word for word in words if len(word) > 1 and word != "xxxx"]
    while words and words[0] in _GENERIC:
        words = words[1:]
    if not words or words[-1] in _GENERIC or len(words) > MAX_WORDS:
        return None
    return " ".join(words)


@register("pain_points.v1", assigns=("pain_points",), requires=("units", "sentiment"))
class PainPointExtractor:
    """Noun-phrase aspects of negative units, normalised. Only negative units are parsed (the parser is costly)."""

    def __init__(self, batch_size: int = 128):
        self.batch_size = batch_size

    def predict(self, batch: Batch) -> list[list[str]]:
        labels = batch.column("sentiment_label")
        negative = [row for row, label in enumerate(labels) if label == "negative"]
        pain_points: list[list[str]] = [[] for _ in batch.units]
        if not negative:
            return pain_points
        docs = load_spacy("noun_chunks").pipe((batch.units[row].text for row in negative), batch_size=self.batch_size)
        for row, doc in zip(negative, docs):
            found: list[str] = []
            for chunk in doc.noun_chunks:
                name = normalise_chunk([t.lemma_ for t in chunk], [t.pos_ for t in chunk])
                if name and name not in found:
                    found.append(name)
            pain_points[row] = found
        return pain_points

    def set_annotations(self, batch: Batch, pain_points: list[list[str]]) -> None:
        batch.annotations["pain_points"] = pain_points
