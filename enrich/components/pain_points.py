"""``pain_points.v1``: what went wrong, from negative units.

Only units the sentiment head labels negative are parsed (the parser is as costly as the encoder). From each
parse, candidates come in three tiers:

1. **events**: a verb from :data:`EVENT_VERBS` ("crashed", "declined", "expired", "lost"), a negated
   arrival or function ("never arrived", "doesn't work", "won't apply") or "charged twice", named with the
   thing it happened to: "app crash", "declined card", "missing parcel", "double charge";
   and **problem predicates**: a subject described by a problem adjective ("delivery was late" -> "late
   delivery") or judged by a negative word ("the return process is a nightmare" -> "return process");
2. **problem noun phrases**: a noun chunk carrying a problem adjective ("poor packaging", "dead pixels"), or the
   subject / object of the unit's main clause;
3. any other noun chunk, used only when tiers 1-2 found nothing.

Chunks praised in the same unit ("great app" in "great app but checkout keeps failing"), pronouns, generic nouns
("thing", "time", "order") and stop words never become pain points. Names are lemmatised, lower-cased, 1-4 words,
at most :data:`MAX_PER_UNIT` per unit, then mapped to canonical names by :class:`enrich.pain_point_names.PainPointNames`
(alias table, then merging by MiniLM embedding similarity with the shared encoder, phrase vectors cached).

Example:
    >>> normalise_chunk(["the", "checkout", "page"], ["DET", "NOUN", "NOUN"])
    'checkout page'
"""

from __future__ import annotations

from typing import Any

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.nlp import load_spacy
from enrich.pain_point_names import MERGE_THRESHOLD, PainPointNames

_DROP_POS = {"DET", "PRON", "NUM", "PUNCT", "SYM", "CCONJ", "ADP", "PART", "SPACE", "X", "AUX", "INTJ", "ADV"}
_GENERIC = {
    "thing", "time", "day", "lot", "way", "people", "one", "bit", "kind", "sort", "part", "week", "month",
    "year", "hour", "minute", "today", "yesterday", "everything", "anything", "something", "nothing", "experience",
    "issue", "problem", "star", "review", "guy", "person", "stuff", "reason", "fact", "end", "point", "order",
    "company", "nobody", "anyone", "someone", "everyone", "half", "side", "use", "idea", "question", "place",
    "attempt", "tonight", "tomorrow", "morning", "night", "weekend", "home", "house", "work", "life", "money",
    "joke", "nightmare", "disaster", "mess", "shame", "amount", "number", "information", "letter", "call",
}
_STOP = {"i", "me", "my", "we", "our", "you", "your", "it", "its", "they", "them", "their", "this", "that", "these",
         "those", "which", "who", "what", "all", "any", "some", "no", "other", "such", "own", "same", "so", "very",
         "just", "only", "also", "more", "most", "much", "many", "few", "new", "old", "first", "last", "next",
         "single", "whole", "entire", "every", "several", "different", "another", "u", "ur", "xxxx", "xx"}
#: Words that praise what they describe: a chunk carrying one is not a pain point.
POSITIVE = {
    "great", "good", "excellent", "amazing", "awesome", "love", "lovely", "nice", "fine", "easy", "fast", "quick",
    "helpful", "friendly", "polite", "perfect", "accurate", "brilliant", "fantastic", "smooth", "reliable", "best",
    "happy", "pleased", "wonderful", "superb", "decent", "comfortable", "painless", "simple", "clear", "spot",
}
#: Adjectives that name the problem itself: kept in the name ("late delivery", "thin fabric").
PROBLEM_ADJ = {
    "late", "slow", "rude", "broken", "buggy", "expensive", "overpriced", "thin", "cheap", "scratchy", "narrow",
    "tinny", "stale", "missing", "wrong", "invalid", "unhelpful", "hot", "loud", "short", "small", "faulty",
    "damaged", "dead", "poor", "useless", "unusable", "bitter", "mouldy", "flimsy", "weak", "inaccurate",
    "incorrect", "false", "unauthorized", "unauthorised", "duplicate", "hidden", "delayed", "lost", "cancelled",
    "canceled", "expired", "crushed", "cracked", "soaked", "ruined", "wobbly", "noisy", "fake", "unreachable",
    "long", "high", "huge", "tight", "big", "stuck", "empty", "unresponsive", "confusing", "misleading",
}
#: Judgements with no descriptive content: the subject they judge is the pain point, named alone.
NEGATIVE_JUDGEMENT = {
    "nightmare", "disaster", "joke", "terrible", "awful", "horrible", "ridiculous", "bad", "worst", "useless",
    "unacceptable", "pathetic", "appalling", "shocking", "rubbish", "garbage", "maddening", "frustrating", "mess",
}
#: Event verbs -> (template, noun). ``{x}`` is the thing it happened to; without one the template's fallback is used.
EVENT_VERBS: dict[str, tuple[str, str]] = {
    "crash": ("{x} crash", "crash"), "freeze": ("{x} freeze", "freeze"), "hang": ("{x} freeze", "freeze"),
    "quit": ("{x} crash", "crash"), "die": ("{x} failure", "failure"), "fail": ("{x} failure", "failure"),
    "error": ("{x} error", "error"), "errore": ("{x} error", "error"), "timeout": ("{x} timeout", "timeout"),
    "time": ("{x} timeout", "timeout"), "break": ("broken {x}", "breakage"), "snap": ("broken {x}", "breakage"),
    "lose": ("lost {x}", "lost item"), "vanish": ("missing {x}", "missing item"),
    "disappear": ("missing {x}", "missing item"), "damage": ("damaged {x}", "damage"),
    "crush": ("crushed {x}", "damage"), "crack": ("cracked {x}", "damage"), "smash": ("broken {x}", "breakage"),
    "ruin": ("ruined {x}", "damage"), "expire": ("expired {x}", "expiry"), "cancel": ("cancelled {x}", "cancellation"),
    "decline": ("declined {x}", "declined payment"), "reject": ("rejected {x}", "rejection"),
    "deny": ("denied {x}", "denial"), "refuse": ("refused {x}", "refusal"), "delay": ("{x} delay", "delay"),
    "leak": ("{x} leak", "leak"), "disconnect": ("{x} disconnection", "disconnection"),
    "reset": ("{x} reset", "reset"), "shrink": ("{x} shrinkage", "shrinkage"), "rust": ("{x} rust", "rust"),
    "overcharge": ("{x} overcharge", "overcharge"), "strand": ("stranded {x}", "stranded"),
    "bounce": ("bounced {x}", "bounced payment"), "lock": ("{x} lockout", "account lockout"),
    "flicker": ("{x} flicker", "flicker"), "wobble": ("wobbly {x}", "wobble"), "pill": ("{x} pilling", "pilling"),
}
#: Verbs that only signal a problem when negated or stopped ("doesn't work", "stopped charging").
FUNCTION_VERBS = {"work", "apply", "accept", "open", "load", "scan", "sync", "charge", "connect", "pair", "respond",
                  "update", "help", "fit", "close", "delete", "arrive", "come", "show", "turn"}
_ARRIVAL = {"arrive", "come", "show", "turn"}
# generic nouns that still name what an event happened to ("the order got lost", "took the money twice")
_EVENT_GENERIC = {"order", "money", "call", "letter", "number"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
MAX_WORDS = 4
MAX_PER_UNIT = 3


def normalise_chunk(lemmas: list[str], pos: list[str]) -> str | None:
    """Canonical form of a phrase, or None when nothing specific is left.

    Args:
        lemmas: the phrase's token lemmas.
        pos: their coarse part-of-speech tags (same length).
    """
    words = [
        lemma.lower().strip("'\"-")
        for lemma, tag in zip(lemmas, pos)
        if tag not in _DROP_POS and lemma.lower() not in _STOP and lemma.lower() not in POSITIVE
        and any(ch.isalpha() for ch in lemma)
    ]
    words = [word for word in words if len(word) > 1 and "xx" not in word and word[0] not in "@#"]
    while words and words[0] in _GENERIC:
        words = words[1:]
    if not words or words[-1] in _GENERIC or len(words) > MAX_WORDS:
        return None
    return " ".join(words)


def _subtree_chunk(noun) -> list:
    """The noun with its compound / adjective modifiers (not its clauses or prepositions)."""
    left = [child for child in noun.lefts if child.dep_ in {"compound", "amod", "nmod", "poss", "det", "nummod"}]
    return left + [noun]


def _praised(noun) -> bool:
    if any(child.lemma_.lower() in POSITIVE for child in noun.children if child.dep_ in {"amod", "advmod"}):
        return True
    head = noun.head
    if noun.dep_ in _SUBJECT_DEPS and any(
        child.dep_ in {"acomp", "attr"} and child.lemma_.lower() in POSITIVE for child in head.children
    ):
        return True
    return False


def _aspect(noun, allow_generic: bool = False) -> str | None:
    """Normalised name of a noun with its modifiers, problem adjectives and brand names removed.

    Args:
        noun: the head token.
        allow_generic: keep generic heads ("order", "money"), as the subject of an event names what went wrong.
    """
    if noun is None or noun.pos_ in {"PRON", "PROPN"} or _praised(noun):
        return None
    tokens = [t for t in _subtree_chunk(noun) if t.lemma_.lower() not in PROBLEM_ADJ and t.pos_ != "PROPN"]
    name = normalise_chunk([t.lemma_ for t in tokens], [t.pos_ for t in tokens])
    if name is None and allow_generic and noun.lemma_.lower() in _GENERIC and noun.lemma_.lower() in _EVENT_GENERIC:
        return noun.lemma_.lower()
    return name


def _subjects(verb) -> list:
    """Subjects of a verb, looking up through xcomp/conj/aux chains ("app keeps crashing", "it crashed and froze")."""
    node = verb
    for _ in range(4):
        found = [child for child in node.children if child.dep_ in _SUBJECT_DEPS]
        if found:
            subjects = []
            for subject in found:
                subjects += [subject] + [c for c in subject.conjuncts if c.pos_ in {"NOUN", "PROPN"}]
            return subjects
        if node.dep_ in {"xcomp", "conj", "advcl", "ccomp", "acomp"} and node.head is not node:
            node = node.head
        else:
            break
    return []


def _nouns_for(verb, antecedent) -> list[str]:
    """Names of what a verb happened to: its subjects, else its object, else the unit's last specific subject."""
    names = []
    subjects = _subjects(verb)
    for subject in subjects:
        name = _aspect(antecedent if subject.pos_ == "PRON" and antecedent is not None else subject, True)
        if name:
            names.append(name)
    if not names and not any(not _praised(s) and s.pos_ != "PRON" for s in subjects):
        objects = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
        names = [name for name in (_aspect(o, True) for o in objects) if name]
    if not names and verb.dep_ == "amod":  # "Cancelled Flight", "damaged bag"
        name = _aspect(verb.head, True)
        names = [name] if name else []
    if not names and antecedent is not None and any(s.pos_ == "PRON" for s in subjects):
        name = _aspect(antecedent)
        names = [name] if name else []
    return names


def _negated(verb) -> bool:
    if any(child.dep_ == "neg" or child.lemma_.lower() in {"never", "not", "n't"} for child in verb.children):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_ in {"stop", "refuse", "fail"} or (
        verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in head.children)
    )


def extract(doc) -> list[str]:
    """Raw pain-point names of one parsed negative unit, most specific first (before canonical merging)."""
    events: list[str] = []
    problems: list[str] = []
    antecedent = None
    for token in doc:
        lemma = token.lemma_.lower()
        if token.dep_ in _SUBJECT_DEPS and token.pos_ in {"NOUN", "PROPN"} and _aspect(token):
            antecedent = token
        if token.pos_ in {"VERB", "AUX"} or (token.pos_ == "ADJ" and lemma in EVENT_VERBS):
            if lemma == "charge" and any(c.lemma_.lower() in {"twice", "double"} for c in token.children):
                events.append("double charge")
                continue
            if lemma in _ARRIVAL and any(c.lemma_.lower() in {"late", "later"} for c in token.subtree):
                names = _nouns_for(token, antecedent)
                events += [f"late {name}" for name in names] or ["late delivery"]
                continue
            if lemma == "miss" and token.tag_ == "VBG" and any(c.lemma_ == "be" for c in token.children):
                events += [f"missing {name}" for name in _nouns_for(token, antecedent)]
                continue
            if lemma in EVENT_VERBS and not _negated(token):
                template, fallback = EVENT_VERBS[lemma]
                names = _nouns_for(token, antecedent)
                events += [template.format(x=name) for name in names] or [fallback]
                continue
            if lemma in FUNCTION_VERBS and _negated(token):
                names = _nouns_for(token, antecedent)
                if lemma in _ARRIVAL:
                    events += [f"missing {name}" for name in names] or ["missing delivery"]
                else:
                    events += [f"{name} failure" for name in names]
                continue
        if token.dep_ in {"acomp", "attr"} and token.head.pos_ in {"AUX", "VERB"}:
            subjects = [c for c in token.head.children if c.dep_ in _SUBJECT_DEPS]
            for subject in subjects:
                noun = antecedent if subject.pos_ == "PRON" else subject
                name = _aspect(noun) if noun is not None else None
                if not name:
                    continue
                if lemma in PROBLEM_ADJ:
                    events.append(f"{lemma} {name}")
                elif lemma in NEGATIVE_JUDGEMENT:
                    events.append(name)
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ == "PRON" or _praised(root):
            continue
        adjectives = [t.lemma_.lower() for t in chunk if t.dep_ == "amod" and t.lemma_.lower() in PROBLEM_ADJ]
        name = _aspect(root)
        if not name:
            continue
        if any(t.lower_ == "many" for t in chunk) and any(t.lower_ == "too" for t in chunk):
            problems.insert(0, f"too many {name}")
        elif adjectives:
            problems.append(" ".join(adjectives[:1] + [name]))
        elif root.dep_ in _SUBJECT_DEPS and root.head.dep_ == "ROOT" or root.dep_ == "ROOT":
            problems.append(name)
    return _select(events, problems, doc)


def _fallback(doc) -> list[str]:
    for chunk in doc.noun_chunks:
        name = _aspect(chunk.root)
        if name:
            return [name]
    return []


def _select(events: list[str], problems: list[str], doc) -> list[str]:
    chosen: list[str] = []
    for name in events + problems:
        if len(name.split()) > MAX_WORDS or name in chosen:
            continue
        # an aspect already named inside an event ("app" beside "app crash") adds nothing
        if any(f" {name} " in f" {other} " for other in chosen):
            continue
        chosen.append(name)
    return chosen[:MAX_PER_UNIT] if chosen else _fallback(doc)


@register("pain_points.v1", assigns=("pain_points",), requires=("units", "sentiment"))
class PainPointExtractor:
    """Canonical pain points of negative units; other units get an empty list.

    Args:
        encoder: the pipeline's shared sentence encoder, used to merge phrases by similarity (phrases only, cached);
            None keeps alias merging only.
        batch_size: texts per spaCy ``pipe`` batch.
        merge_threshold: cosine similarity at or above which two phrases are one pain point.

    Example:
        >>> extractor = PainPointExtractor(encoder=Encoder())                  # doctest: +SKIP
        >>> extractor.extract_texts(["Great app but checkout keeps failing."])   # doctest: +SKIP
        [['checkout failure']]
    """

    def __init__(self, encoder: Any | None = None, batch_size: int = 128, merge_threshold: float = MERGE_THRESHOLD):
        self.batch_size = batch_size
        self.names = PainPointNames(encoder, merge_threshold)

    def extract_texts(self, texts: list[str]) -> list[list[str]]:
        """Canonical pain points of each text, treating every text as a negative unit. Blank texts get []."""
        rows = [row for row, text in enumerate(texts) if text and text.strip()]
        raw: list[list[str]] = [[] for _ in texts]
        docs = load_spacy("noun_chunks").pipe((texts[row] for row in rows), batch_size=self.batch_size)
        for row, doc in zip(rows, docs):
            raw[row] = extract(doc)
        flat = self.names.canonical([name for names in raw for name in names])
        out: list[list[str]] = []
        position = 0
        for names in raw:
            canonical = flat[position:position + len(names)]
            position += len(names)
            out.append(list(dict.fromkeys(canonical)))
        return out

    def predict(self, batch: Batch) -> list[list[str]]:
        labels = batch.column("sentiment_label")
        negative = [row for row, label in enumerate(labels) if label == "negative"]
        pain_points: list[list[str]] = [[] for _ in batch.units]
        for row, names in zip(negative, self.extract_texts([batch.units[row].text for row in negative])):
            pain_points[row] = names
        return pain_points

    def set_annotations(self, batch: Batch, pain_points: list[list[str]]) -> None:
        batch.annotations["pain_points"] = pain_points
