"""Cheap lexical cues of customer effort, computed from a unit's text with the standard library and numpy.

The frozen sentence embedding mixes *what* a unit is about with *how hard* it was; these counts point the effort
heads at the words that carry effort in the rubric (``corpora/labelled/effort/RUBRIC.md``): contacts and repeats,
waiting and its length, being blocked, chasing, and the phrases of ease. They are inputs to trained heads, never
rules that assign a score on their own.

Example:
    >>> effort_features(["I had to call three times and waited two hours."]).shape
    (1, 20)
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["FEATURE_NAMES", "effort_features"]

_CUES: dict[str, str] = {
    "contact": r"\b(call(ed|ing|s)?|phon(e|ed)|e-?mail(ed)?|chat(s|ted)?|contact(ed|ing)?|wr(o|i)te|letters?|dm(ed)?|"
               r"spoke|speak|talk(ed)?|ask(ed)?|told|agent|rep|support|customer service)\b",
    "repeat": r"\b(again|twice|three times|four times|five times|\d+ times|several|multiple|repeated(ly)?|"
              r"second time|third time|already|as i (said|told)|like i said|keep(s)? (asking|telling)|re-?explain)\b",
    "wait": r"\b(wait(ed|ing)?|hold|queue|delay(ed)?|still|yet|took|taking|forever|ages|late)\b",
    "duration_long": r"\b(\d+|an?|one|two|three|four|five|six|several|many|few)\s*(\+\s*)?(hours?|hrs?|days?|weeks?|months?)\b|"
                     r"\ball (day|night|morning|week)\b|\bovernight\b",
    "duration_short": r"\b(\d+|a|one|two|few|five|ten)\s*(minutes?|mins?|seconds?|secs?)\b|\bin no time\b",
    "transfer": r"\b(transferr?(ed|ing)?|bounced|passed (me )?(around|on)|another department|other department|"
                r"put through|redirect(ed)?)\b",
    "blocked": r"\b(can'?t|cannot|couldn'?t|won'?t|wouldn'?t|unable|impossible|not able|doesn'?t let|won'?t let|"
               r"keeps? (failing|crashing|erroring|declin)|fail(s|ed|ing)?|error(s|ed)?|locked|stuck|broken|loops?)\b",
    "nobody": r"\b(no one|nobody|no response|no reply|never (heard|got|came|replied|responded)|ignored|unanswered|"
              r"no answer|hung up|disconnected|dropped)\b",
    "chase": r"\b(chas(e|ed|ing)|follow(ed)? up|escalat(e|ed|ing)|complain(ed|t)?|dispute[sd]?|supervisor|manager)\b",
    "refund": r"\b(refund(ed|s)?|money back|charged|return(ed|s)?|replacement|compensation|voucher)\b",
    "self_fix": r"\b(had to|have to|having to|forced to|myself|ended up|gave up|given up|workaround)\b",
    "easy": r"\b(eas(y|ily|ier)|effortless(ly)?|painless|hassle[- ]free|no hassle|no fuss|without (any )?(fuss|hassle)|"
            r"seamless(ly)?|smooth(ly)?|simple|straightforward|straight away|right away|immediately|instantly|"
            r"in seconds|first time|two clicks|one click)\b",
    "quick": r"\b(quick(ly|er)?|fast(er)?|prompt(ly)?|speedy|swift(ly)?|early|on time|in minutes|same day|next day)\b",
    "resolved": r"\b(sorted|resolved|fixed|solved|took care|taken care|handled|refunded (me )?(straight|right|immediately)|"
                r"all good now|works now)\b",
    "helpful": r"\b(helpful|help(ed)? me|went above|above and beyond|patient|understanding|kind|friendly)\b",
    "thanks": r"\b(thanks?|thank you|thx|appreciate(d)?|cheers)\b",
    "negation": r"\b(not|no|never|n't|nothing|none)\b|n't\b",
    "question": r"\?",
    "exclaim": r"!",
}

FEATURE_NAMES: list[str] = [*_CUES, "log_length"]
_PATTERNS = [re.compile(pattern, re.IGNORECASE) for pattern in _CUES.values()]


def effort_features(texts: list[str]) -> np.ndarray:
    """Effort cue features per text.

    Args:
        texts: unit texts (any length; blank gives zeros).

    Returns:
        float32 array (len(texts), len(FEATURE_NAMES)): log1p of each cue family's match count, then
        log1p of the word count.
    """
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for row, text in enumerate(texts):
        text = text or ""
        for column, pattern in enumerate(_PATTERNS):
            out[row, column] = np.log1p(len(pattern.findall(text)))
        out[row, -1] = np.log1p(len(text.split()))
    return out
