"""``segment.v1``: split feedback into units.

Reviews and survey comments become sentences (spaCy senter); chats become one unit per customer turn
(agent and system turns stay on the Feedback as context for effort and are never scored). A sentence or turn
that joins two substantial clauses with a contrastive conjunction ("great app but checkout keeps failing") is
split there, so each clause gets its own sentiment.
"""

from __future__ import annotations

import re

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.nlp import load_spacy
from enrich.schema import Unit

MAX_UNIT_CHARS = 1_000
"""Sentences longer than this are cut into pieces of at most this many characters (run-on text, pasted logs)."""


MIN_CLAUSE_WORDS = 2
"""A contrast split happens only when both clauses keep at least this many words (conjunction not counted)."""

_CONTRAST = re.compile(
    r"(?:[,;:]\s*|\s+|\s*[-\u2013\u2014]+\s*)(?=(?:but|however|although|even though|though)\b)"
    r"|[,;]\s*(?=yet\b)",
    re.IGNORECASE,
)
# "but" that does not join two opposed clauses: "not only ... but also", "nothing but", "all but".
_NOT_CONTRAST_AFTER = re.compile(r"\b(nothing|anything|all|everything|even)\s*$", re.IGNORECASE)
_NOT_CONTRAST_BEFORE = re.compile(r"but\s+(also|then)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_CONJUNCTION = re.compile(r"^(but|however|although|even though|though|yet)\b", re.IGNORECASE)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def split_contrast(text: str) -> list[str]:
    """Split ``text`` before each contrastive conjunction that joins two substantial clauses.

    The conjunction stays with the clause it opens; a clause with fewer than ``MIN_CLAUSE_WORDS`` words
    (besides the conjunction) is never split off, so "good but pricey" and "However, it works." stay whole.

    Example:
        >>> split_contrast("Great app but checkout keeps failing.")
        ['Great app', 'but checkout keeps failing.']
        >>> split_contrast("Good but pricey.")
        ['Good but pricey.']
    """
    clauses = [text]
    for match in reversed(list(_CONTRAST.finditer(text))):
        head, tail = clauses[0][: match.start()], clauses[0][match.end() :]
        if _NOT_CONTRAST_AFTER.search(head) or _NOT_CONTRAST_BEFORE.match(tail):
            continue
        conjunction = _CONJUNCTION.match(tail)
        tail_words = _words(tail) - (_words(conjunction.group(0)) if conjunction else 0)
        if _words(head) >= MIN_CLAUSE_WORDS and tail_words >= MIN_CLAUSE_WORDS:
            clauses[0:1] = [head.rstrip(" ,;:-\u2013\u2014"), tail]
    return clauses


def _pieces(text: str) -> list[str]:
    text = " ".join(text.split())
    if not text:
        return []
    return [
        clause[start : start + MAX_UNIT_CHARS]
        for clause in split_contrast(text)
        for start in range(0, len(clause), MAX_UNIT_CHARS)
    ]


@register("segment.v1", assigns=("units",))
class Segmenter:
    """Sentences for reviews and surveys, customer turns for chats. Blank text gives no units on purpose."""

    def __init__(self, batch_size: int = 256):
        self.batch_size = batch_size

    def predict(self, batch: Batch) -> list[Unit]:
        units: list[Unit] = []
        prose = [fb for fb in batch.feedback if fb.channel != "chat" and fb.text.strip()]
        docs = load_spacy("sentences").pipe((fb.text for fb in prose), batch_size=self.batch_size) if prose else []
        sentences_by_key = {
            fb.key: [piece for sent in doc.sents for piece in _pieces(sent.text)] for fb, doc in zip(prose, docs)
        }
        for fb in batch.feedback:
            if fb.channel == "chat":
                texts = [piece for turn in fb.turns if turn.speaker == "customer" for piece in _pieces(turn.text)]
            else:
                texts = sentences_by_key.get(fb.key, [])
            units += [Unit(feedback_key=fb.key, index=i, text=text) for i, text in enumerate(texts)]
        return units

    def set_annotations(self, batch: Batch, units: list[Unit]) -> None:
        batch.units = units
        batch.embeddings = None
        batch.annotations = {}
        batch.feedback_annotations = {}
