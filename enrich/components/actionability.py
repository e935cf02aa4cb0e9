"""``actionability.v1``: per feedback, one of ``response_needed`` (a customer waiting for an answer or at risk),
``suggestion``, ``praise`` or ``not_meaningful``, from the softmax head in ``models/actionability/`` (see its card).

Input of the head: the mean of the feedback's scored unit embeddings (the shared encoder pass; nothing is
re-encoded) followed by :func:`actionability_features` of the feedback text. Feedback with no scorable unit
(blank, non-English, no customer turn) gets no label.
"""

from __future__ import annotations

import re

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.heads.linear import LinearHead
from enrich.paths import models_dir

_CUES: dict[str, str] = {
    "question": r"\?",
    "request": r"\b(please|can you|could you|can i|how do i|how can i|what (should|will|now)|when will|where is|"
               r"why (can'?t|did|is|are|do)|i (want|need)|help)\b",
    "suggestion": r"\b(should|wish|would be (nice|great|better)|could be (better|faster)|would b|please add|"
                  r"suggest|consider|why (does|do) (a|you|it)|if only|bring back|would be a 10|needs? to)\b",
    "praise": r"\b(love|great|excellent|amazing|brilliant|perfect|fantastic|awesome|best|happy|recommend|"
              r"impressed|thank(s| you)|appreciate|keep it up|10/10|five stars|can'?t fault)\b",
    "churn": r"\b(never again|won'?t be (ordering|flying|using)|going elsewhere|cancel(l?ing|led)?|dispute|"
             r"manager|last time|done with|switch(ing)? to|avoid|zero stars)\b",
    "problem": r"\b(never (arrived|came)|not (arrived|delivered|received)|missing|broke(n)?|charged|refund|"
               r"still|can'?t|won'?t|doesn'?t|didn'?t|crash(es|ing)?|fail(ed|s|ing)?|lost|delay(ed)?|cancelled|"
               r"stuck|waiting|locked|damaged|wrong|no one|nobody)\b",
    "negation": r"\b(not|no|never|nothing)\b|n't\b",
    "exclaim": r"!",
    "mention": r"@\w+|https?://",
}
FEATURE_NAMES: list[str] = [*_CUES, "log_words", "log_units"]
_PATTERNS = [re.compile(pattern, re.IGNORECASE) for pattern in _CUES.values()]


def actionability_features(texts: list[str], n_units: list[int]) -> np.ndarray:
    """Cheap cues per feedback: log1p counts of each cue family, log1p word count, log1p unit count.

    Args:
        texts: whole feedback texts.
        n_units: how many units each feedback has.

    Returns:
        float32 (len(texts), len(FEATURE_NAMES)).
    """
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for row, (text, units) in enumerate(zip(texts, n_units)):
        for column, pattern in enumerate(_PATTERNS):
            out[row, column] = np.log1p(len(pattern.findall(text or "")))
        out[row, -2] = np.log1p(len((text or "").split()))
        out[row, -1] = np.log1p(units)
    return out


def actionability_inputs(mean_embeddings: np.ndarray, texts: list[str], n_units: list[int]) -> np.ndarray:
    """The head's input: (n, 384 + len(FEATURE_NAMES)) float32."""
    return np.hstack([np.asarray(mean_embeddings, np.float32), actionability_features(texts, n_units)])


@register("actionability.v1", assigns=("actionability",), requires=("units", "embeddings"))
class ActionabilityClassifier:
    """Labels each feedback of a batch; writes ``batch.feedback_annotations["actionability"]``.

    Example:
        >>> classifier = ActionabilityClassifier()            # doctest: +SKIP
        >>> classifier.set_annotations(batch, classifier.predict(batch))
        >>> batch.feedback_annotations["actionability"]       # doctest: +SKIP
        {'review:R1': 'praise', 'chat:CH9': 'response_needed'}
    """

    def __init__(self, head: LinearHead | None = None):
        self.head = head or LinearHead.load(models_dir() / "actionability", "head")

    def predict(self, batch: Batch) -> dict[str, str | None]:
        mask = batch.scorable()
        rows_by_key: dict[str, list[int]] = {}
        for row, unit in enumerate(batch.units):
            if mask[row]:
                rows_by_key.setdefault(unit.feedback_key, []).append(row)
        keys = [record.key for record in batch.feedback if record.key in rows_by_key]
        labels: dict[str, str | None] = {record.key: None for record in batch.feedback}
        if keys:
            texts = {record.key: record.text for record in batch.feedback}
            means = np.stack([batch.embeddings[rows_by_key[key]].mean(axis=0) for key in keys])
            inputs = actionability_inputs(means, [texts[key] for key in keys], [len(rows_by_key[k]) for k in keys])
            chosen = self.head.predict_proba(inputs).argmax(axis=1)
            labels.update({key: self.head.labels[index] for key, index in zip(keys, chosen)})
        return labels

    def set_annotations(self, batch: Batch, labels: dict[str, str | None]) -> None:
        batch.feedback_annotations["actionability"] = labels
