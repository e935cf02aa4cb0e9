"""``actionability.v1``: per feedback, one of ``response_needed`` (a customer waiting for an answer or at risk),
``suggestion``, ``praise`` or ``not_meaningful``, from the softmax head in ``models/actionability/`` (see its card).

Input of the head: the mean of the feedback's scored unit embeddings (the shared encoder pass; nothing is
re-encoded), :func:`actionability_features` of the feedback text and its last unit, and a summary of the units'
sentiment probabilities (:func:`sentiment_summary`; read from ``sentiment.v1``'s annotations when it ran, else
computed from the same embeddings). Feedback with no scorable unit (blank, non-English, no customer turn) gets no
label.
"""

from __future__ import annotations

import re

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.components.sentiment import SentimentModel, stored_probabilities
from enrich.heads.linear import LinearHead
from enrich.paths import models_dir

_CUES: dict[str, str] = {
    "question": r"\?",
    "request": r"\b(please|pls|plz|can you|could you|can i|can u|how do i|how can i|what (should|will|now|are my)|"
               r"when will|where is|why (can'?t|did|is|are|do|was)|i (want|need)|help|dm|speak to|call me)\b",
    "suggestion": r"\b(should|wish|would be (nice|great|better|awesome|good)|could be (better|faster|improved)|"
                  r"would b|please (add|stop|bring)|add(ed)? an? |option to|it would help|would help|suggest|"
                  r"consider|if only|bring back|would be a 10|needs? to|would love|how about|why not|too (many|much|"
                  r"expensive|slow|long)|overpriced|could do with|it'?d be)\b",
    "praise": r"\b(love|loved|great|excellent|amazing|brilliant|perfect|fantastic|awesome|best|happy|pleased|"
              r"recommend|impressed|appreciate|keep it up|10/10|five stars|can'?t fault|lovely|wonderful|superb|"
              r"friendly|helpful|painless|spot on|no complaints)\b",
    "thanks": r"\b(thank(s| you)?|thx|ty|cheers)\b",
    "churn": r"\b(never again|won'?t be (ordering|flying|using|back)|going elsewhere|cancel(l?ing|led)? my|dispute|"
             r"manager|last time|done with|switch(ing)? to|avoid|zero stars|never fly|losing patience|"
             r"bought it somewhere else|will not book)\b",
    "problem": r"\b(never (arrived|came)|not (arrived|delivered|received|here)|missing|broke(n)?|charged|refund|"
               r"still|can'?t|won'?t|doesn'?t|didn'?t|crash(es|ed|ing)?|fail(ed|s|ing)?|lost|delay(ed)?|"
               r"cancelled|stuck|waiting|locked|damaged|wrong|no one|nobody|faulty|declined|on hold)\b",
    "repeat": r"\b(again|already|(second|third|fourth) time|as i (said|told)|like i said|times now|"
              r"explain(ed)? (this|everything))\b",
    "contrast": r"\b(but|although|though|however|still,|sadly|annoyingly|only (downside|issue|gripe)|"
                r"on the (plus|other) (side|hand)|otherwise|that said)\b",
    "lukewarm": r"\b(ok(ay)?|fine|average|meh|alright|decent|nothing special|does the job|it works)\b",
    "negation": r"\b(not|no|never|nothing)\b|n't\b",
    "exclaim": r"!",
    "mention": r"@\s?\w+|https?://|\w+\.(com|tv|org)\b",
}
_LAST_UNIT_CUES = ("question", "request", "thanks", "lukewarm", "churn")
#: Sentiment summaries appended when the head was trained with them (see :func:`sentiment_summary`).
SENTIMENT_FEATURES: list[str] = ["sent_mean_negative", "sent_mean_neutral", "sent_mean_positive",
                                 "sent_max_negative", "sent_max_positive", "sent_last_negative",
                                 "sent_last_positive"]
FEATURE_NAMES: list[str] = [*_CUES, *(f"last_{name}" for name in _LAST_UNIT_CUES), "log_words", "log_units",
                            "short"]
_PATTERNS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _CUES.items()}


def actionability_features(texts: list[str], n_units: list[int], last_units: list[str] | None = None) -> np.ndarray:
    """Cheap cues per feedback: log1p counts of each cue family in the whole text and, for a few families, in the
    last unit (how a chat or a long review ends), log1p word and unit counts, and a short-text flag (<= 4 words).

    Args:
        texts: whole feedback texts.
        n_units: how many units each feedback has.
        last_units: the last unit of each feedback (defaults to the whole text).

    Returns:
        float32 (len(texts), len(FEATURE_NAMES)).
    """
    last_units = last_units if last_units is not None else list(texts)
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for row, (text, units, last) in enumerate(zip(texts, n_units, last_units)):
        text, last = text or "", last or ""
        for column, pattern in enumerate(_PATTERNS.values()):
            out[row, column] = np.log1p(len(pattern.findall(text)))
        for offset, name in enumerate(_LAST_UNIT_CUES):
            out[row, len(_CUES) + offset] = np.log1p(len(_PATTERNS[name].findall(last)))
        words = len(text.split())
        out[row, -3] = np.log1p(words)
        out[row, -2] = np.log1p(units)
        out[row, -1] = float(words <= 4)
    return out


def sentiment_summary(unit_probabilities: list[np.ndarray], labels: list[str]) -> np.ndarray:
    """Per feedback, :data:`SENTIMENT_FEATURES` from its units' sentiment probabilities.

    Args:
        unit_probabilities: one (n_units, 3) array per feedback, columns in ``labels`` order.
        labels: the sentiment model's labels (must hold negative, neutral, positive).

    Returns:
        float32 (len(unit_probabilities), len(SENTIMENT_FEATURES)).
    """
    negative, neutral, positive = (labels.index(name) for name in ("negative", "neutral", "positive"))
    out = np.zeros((len(unit_probabilities), len(SENTIMENT_FEATURES)), dtype=np.float32)
    for row, probabilities in enumerate(unit_probabilities):
        mean = probabilities.mean(axis=0)
        out[row] = [mean[negative], mean[neutral], mean[positive], probabilities[:, negative].max(),
                    probabilities[:, positive].max(), probabilities[-1, negative], probabilities[-1, positive]]
    return out


def actionability_inputs(mean_embeddings: np.ndarray, texts: list[str], n_units: list[int],
                         last_units: list[str] | None = None, sentiment: np.ndarray | None = None) -> np.ndarray:
    """The head's input: mean unit embedding (384), :data:`FEATURE_NAMES` cues and, when given, the
    :data:`SENTIMENT_FEATURES` summary; float32 (n, 384 + len(FEATURE_NAMES) [+ len(SENTIMENT_FEATURES)])."""
    blocks = [np.asarray(mean_embeddings, np.float32), actionability_features(texts, n_units, last_units)]
    if sentiment is not None:
        blocks.append(np.asarray(sentiment, np.float32))
    return np.hstack(blocks)


@register("actionability.v1", assigns=("actionability",), requires=("units", "embeddings"))
class ActionabilityClassifier:
    """Labels each feedback of a batch; writes ``batch.feedback_annotations["actionability"]``.

    Example:
        >>> classifier = ActionabilityClassifier()            # doctest: +SKIP
        >>> classifier.set_annotations(batch, classifier.predict(batch))
        >>> batch.feedback_annotations["actionability"]       # doctest: +SKIP
        {'review:R1': 'praise', 'chat:CH9': 'response_needed'}
    """

    def __init__(self, head: LinearHead | None = None, sentiment: SentimentModel | None = None):
        self.head = head or LinearHead.load(models_dir() / "actionability", "head")
        self.sentiment = None
        if self.head.meta.get("sentiment_features"):
            self.sentiment = sentiment or SentimentModel.load()

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
            groups = [rows_by_key[key] for key in keys]
            means = np.stack([batch.embeddings[rows].mean(axis=0) for rows in groups])
            sentiment = None
            if self.sentiment is not None:
                sentiment = sentiment_summary([self._probabilities(batch, rows) for rows in groups],
                                              self.sentiment.labels)
            inputs = actionability_inputs(means, [texts[key] for key in keys], [len(rows) for rows in groups],
                                          [batch.units[rows[-1]].text for rows in groups], sentiment)
            chosen = self.head.predict_proba(inputs).argmax(axis=1)
            labels.update({key: self.head.labels[index] for key, index in zip(keys, chosen)})
        return labels

    def _probabilities(self, batch: Batch, rows: list[int]) -> np.ndarray:
        stored = stored_probabilities(batch, rows, self.sentiment.labels)
        if stored is not None:
            return stored
        return self.sentiment.predict_proba(batch.embeddings[rows], [batch.units[r].text for r in rows])

    def set_annotations(self, batch: Batch, labels: dict[str, str | None]) -> None:
        batch.feedback_annotations["actionability"] = labels
