"""``segment.v1``: split feedback into units.

Reviews and survey comments become sentences (spaCy senter); chats become one unit per customer turn
(agent and system turns stay on the Feedback as context for effort and are never scored).
"""

from __future__ import annotations

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.nlp import load_spacy
from enrich.schema import Unit

MAX_UNIT_CHARS = 1_000
"""Sentences longer than this are cut into pieces of at most this many characters (run-on text, pasted logs)."""


def _pieces(text: str) -> list[str]:
    text = " ".join(text.split())
    return [text[start : start + MAX_UNIT_CHARS] for start in range(0, len(text), MAX_UNIT_CHARS)] if text else []


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
