"""``language.v1``: flag units that are not English, so English-only heads leave them unscored.

Basic by design: a function-word vote over English, Spanish, German, French, Portuguese, Italian and Dutch.
A unit is English unless it has at least 3 words and another language's function words outnumber English's.
Short or ambiguous units stay "en". Measured only on the sample corpora's hand-written non-English comments.
"""

from __future__ import annotations

import re

from enrich.components.batch import Batch
from enrich.components.registry import register

_FUNCTION_WORDS = {
    "en": "the a an and or but is are was were it this that to of in on for with my i you not have has be very".split(),
    "es": "el la los las y o pero es son fue un una que de en para con mi no muy por lo del al se".split(),
    "de": "der die das und oder aber ist sind war ein eine nicht mit für ich sie es zu von auf sehr mein".split(),
    "fr": "le la les et ou mais est sont était un une que de en pour avec mon ne pas très je il elle du".split(),
    "pt": "o a os as e ou mas é são foi um uma que de em para com meu não muito por do da".split(),
    "it": "il lo la gli le e o ma è sono era un una che di in per con mio non molto da del".split(),
    "nl": "de het een en of maar is zijn was niet met voor ik je van op heel mijn dat".split(),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the most likely language among the supported ones; "en" when unsure."""
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < 3:
        return "en"
    votes = {lang: sum(word in vocabulary for word in words) for lang, vocabulary in _VOCABULARY.items()}
    best = max(votes, key=lambda lang: (votes[lang], lang == "en"))
    return best if votes[best] > votes["en"] else "en"


_VOCABULARY = {lang: frozenset(words) for lang, words in _FUNCTION_WORDS.items()}


@register("language.v1", assigns=("language",), requires=("units",))
class LanguageFlagger:
    def predict(self, batch: Batch) -> list[str]:
        return [detect_language(unit.text) for unit in batch.units]

    def set_annotations(self, batch: Batch, languages: list[str]) -> None:
        batch.annotations["language"] = languages
