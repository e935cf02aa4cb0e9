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
With the shipped models the candidates are scored by :class:`enrich.pain_point_scorer.CandidateScorer` and
combined with retrieved names by :class:`enrich.pain_point_retrieval.NameRetriever`.

Example:
    >>> normalise_chunk(["the", "checkout", "page"], ["DET", "NOUN", "NOUN"])
    'checkout page'
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from enrich.components.batch import Batch
from enrich.components.registry import register
from enrich.nlp import load_spacy
from enrich.pain_point_names import MERGE_THRESHOLD, PainPointNames
from enrich.pain_point_retrieval import NameRetriever
from enrich.pain_point_scorer import (FEATURES, MAX_PER_UNIT, RULES, SUBJECT_DEPS, Candidate, CandidateScorer,
                                      candidate_features, scorer_path, select)

#: The candidate scorer lives in :mod:`enrich.pain_point_scorer`; its names are re-exported here.
__all__ = ["FEATURES", "MAX_PER_UNIT", "RULES", "Candidate", "CandidateScorer", "PainPointExtractor",
           "candidate_features", "candidates", "extract", "normalise_chunk", "scorer_path", "select"]

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
_EVENT_GENERIC = {"order", "money", "call", "letter", "number", "point"}
_DURATION = {"day", "week", "hour", "month", "minute", "age", "forever", "year"}
# heads that name a part or variant of what follows "of": the pain point is the thing itself
_OF_HEADS = {"version", "kind", "type", "part", "piece"}
#: Aspect words a capitalised sentence-initial token may be (the tagger calls "App" in "App froze" a name).
ASPECT_WORDS = {"app", "website", "site", "checkout", "delivery", "refund", "search", "support", "points", "login",
                "payment", "battery", "sound", "screen", "flight", "luggage", "baggage", "seat", "service", "staff"}
MAX_WORDS = 4


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
    if noun.dep_ in SUBJECT_DEPS and any(
        child.dep_ in {"acomp", "attr"} and child.lemma_.lower() in POSITIVE for child in head.children
    ):
        return True
    return False


def _common_noun(token) -> bool:
    """A noun, or a capitalised sentence-initial word the tagger took for a name ("App froze ...")."""
    if token.pos_ == "NOUN":
        return True
    return token.pos_ == "PROPN" and token.is_sent_start and token.text.istitle() and token.lower_ in ASPECT_WORDS


def _aspect(noun, allow_generic: bool = False) -> str | None:
    """Normalised name of a noun with its modifiers, problem adjectives and brand names removed.

    Args:
        noun: the head token.
        allow_generic: keep generic heads ("order", "money"), as the subject of an event names what went wrong.
    """
    if noun is None or noun.pos_ == "PRON" or (noun.pos_ == "PROPN" and not _common_noun(noun)) or _praised(noun):
        return None
    if noun.lemma_.lower() in _OF_HEADS:  # "the new version of the app" names the app
        objects = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                   if g.dep_ == "pobj"]
        if objects:
            return _aspect(objects[0], allow_generic)
    tokens = [t for t in _subtree_chunk(noun)
              if t.lemma_.lower() not in PROBLEM_ADJ and (t.pos_ != "PROPN" or _common_noun(t))]
    name = normalise_chunk([t.lower_ if t.pos_ == "PROPN" else t.lemma_ for t in tokens],
                           ["NOUN" if t.pos_ == "PROPN" else t.pos_ for t in tokens])
    if name is None and allow_generic and noun.lemma_.lower() in _GENERIC and noun.lemma_.lower() in _EVENT_GENERIC:
        return noun.lemma_.lower()
    return name


def _subjects(verb) -> list:
    """Subjects of a verb, looking up through xcomp/conj/aux chains ("app keeps crashing", "it crashed and froze")."""
    node = verb
    for _ in range(4):
        found = [child for child in node.children if child.dep_ in SUBJECT_DEPS]
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
    if not names and antecedent is not None and (not subjects or any(s.pos_ == "PRON" for s in subjects)):
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



def candidates(doc) -> list[Candidate]:
    """Every candidate pain point of one parsed negative unit, most specific rule first (duplicates removed)."""
    found: list[Candidate] = []
    antecedent = None

    def event(names: list[str], fallback: str | None, token) -> None:
        found.extend(Candidate(name, "event", token.i) for name in names)
        if not names and fallback:
            found.append(Candidate(fallback, "event_bare", token.i))

    for token in doc:
        lemma = token.lemma_.lower()
        if token.dep_ in SUBJECT_DEPS and token.pos_ in {"NOUN", "PROPN"} and _aspect(token):
            antecedent = token
        if token.pos_ in {"VERB", "AUX"} or (token.pos_ == "ADJ" and lemma in EVENT_VERBS):
            if lemma == "charge" and any(c.lemma_.lower() in {"twice", "double"} for c in token.children):
                event(["double charge"], None, token)
                continue
            if lemma in _ARRIVAL and any(c.lemma_.lower() in {"late", "later"} for c in token.subtree):
                event([f"late {name}" for name in _nouns_for(token, antecedent)], "late delivery", token)
                continue
            if lemma == "miss" and token.tag_ == "VBG" and any(c.lemma_ == "be" for c in token.children):
                event([f"missing {name}" for name in _nouns_for(token, antecedent)], None, token)
                continue
            if lemma == "take" and any(c.dep_ in {"dobj", "npadvmod"} and c.lemma_.lower() in _DURATION
                                       for c in token.children):  # "support took nine days to reply"
                event([f"slow {name}" for name in _nouns_for(token, antecedent)], None, token)
                continue
            if lemma in EVENT_VERBS and not _negated(token):
                template, fallback = EVENT_VERBS[lemma]
                event([template.format(x=name) for name in _nouns_for(token, antecedent)], fallback, token)
                continue
            if lemma in FUNCTION_VERBS and _negated(token):
                names = _nouns_for(token, antecedent)
                if lemma in _ARRIVAL:
                    event([f"missing {name}" for name in names], "missing delivery", token)
                else:
                    event([f"{name} failure" for name in names], None, token)
                continue
        if token.dep_ in {"acomp", "attr"} and token.head.pos_ in {"AUX", "VERB"}:
            for subject in (c for c in token.head.children if c.dep_ in SUBJECT_DEPS):
                noun = antecedent if subject.pos_ == "PRON" else subject
                name = _aspect(noun) if noun is not None else None
                if name and lemma in PROBLEM_ADJ:
                    found.append(Candidate(f"{lemma} {name}", "predicate_adj", token.i))
                elif name and lemma in NEGATIVE_JUDGEMENT:
                    found.append(Candidate(name, "predicate_judged", token.i))
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ == "PRON" or _praised(root):
            continue
        adjectives = [t.lemma_.lower() for t in chunk if t.dep_ == "amod" and t.lemma_.lower() in PROBLEM_ADJ]
        name = _aspect(root)
        if not name:
            continue
        if any(t.lower_ == "many" for t in chunk) and any(t.lower_ == "too" for t in chunk):
            found.append(Candidate(f"too many {name}", "too_many", root.i))
        elif adjectives:
            found.append(Candidate(" ".join(adjectives[:1] + [name]), "chunk_problem_adj", root.i))
        elif root.dep_ in SUBJECT_DEPS and root.head.dep_ == "ROOT" or root.dep_ == "ROOT":
            found.append(Candidate(name, "chunk_subject", root.i))
        else:
            found.append(Candidate(name, "chunk_other", root.i))
    found.extend(broad_candidates(doc))
    found.sort(key=lambda candidate: RULES.index(candidate.rule))  # stable: text order within a rule
    seen: set[str] = set()
    out = []
    for candidate in found:
        if len(candidate.name.split()) <= MAX_WORDS and candidate.name not in seen:
            seen.add(candidate.name)
            out.append(candidate)
    return out


_WAIT_WORDS = {"hold": "long hold", "wait": "long wait", "queue": "long queue", "line": "long queue"}


def broad_candidates(doc) -> list[Candidate]:
    """Looser candidates than the tiers above, for the scorer to choose among (recall over precision).

    An event word composed with each of the three nearest aspects of the unit ("delayed" + "flight" ->
    "flight delay"), "no" + a chunk ("no wifi"), waiting on hold with a duration ("long hold"), a subject with
    any non-praising predicate adjective, a chunk with any non-praising modifier ("flaking finish") and the last
    one or two words of a longer name ("paste answer" -> "answer").
    """
    found: list[Candidate] = []
    aspects = [(chunk.root, _aspect(chunk.root, True)) for chunk in doc.noun_chunks
               if chunk.root.pos_ != "PRON" and not _praised(chunk.root)]
    aspects = [(root, name) for root, name in aspects if name]
    has_duration = any(t.lemma_.lower() in _DURATION or t.like_num for t in doc)
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma in EVENT_VERBS and not (token.pos_ in {"VERB", "AUX"} and _negated(token)):
            template = EVENT_VERBS[lemma][0]
            nearest = sorted((root for root, _ in aspects if root.i != token.i), key=lambda r: abs(r.i - token.i))
            names = dict((root.i, name) for root, name in aspects)
            for root in nearest[:3]:
                found.append(Candidate(template.format(x=names[root.i]), "event_composed", token.i))
        if lemma in _WAIT_WORDS and has_duration:
            found.append(Candidate(_WAIT_WORDS[lemma], "long_wait", token.i))
        if token.dep_ in {"acomp", "attr"} and token.pos_ == "ADJ" and token.head.pos_ in {"AUX", "VERB"} and (
                lemma not in POSITIVE and lemma not in PROBLEM_ADJ and lemma not in NEGATIVE_JUDGEMENT):
            for subject in (c for c in token.head.children if c.dep_ in SUBJECT_DEPS and c.pos_ != "PRON"):
                name = _aspect(subject)
                if name:
                    found.append(Candidate(f"{lemma} {name}", "predicate_other", token.i))
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ == "PRON" or _praised(root):
            continue
        name = _aspect(root, True)
        if not name:
            continue
        if any(t.lower_ == "no" for t in chunk):
            found.append(Candidate(f"no {name}", "no_chunk", root.i))
        for modifier in (t for t in chunk if t.dep_ == "amod" and t.pos_ in {"ADJ", "VERB"}):
            word = modifier.lower_ if modifier.pos_ == "VERB" else modifier.lemma_.lower()
            if word not in POSITIVE and word not in PROBLEM_ADJ and word not in _STOP and word.isalpha():
                found.append(Candidate(f"{word} {name}", "chunk_modifier", root.i))
        words = name.split()
        for size in (1, 2):
            if len(words) > size and words[-size] not in _GENERIC:
                found.append(Candidate(" ".join(words[-size:]), "chunk_head", root.i))
    return found


_PROBLEM_WORDS = frozenset(EVENT_VERBS) | PROBLEM_ADJ | NEGATIVE_JUDGEMENT


def extract(doc) -> list[str]:
    """Raw pain-point names of one parsed negative unit by the hand-written tiers alone (no scorer)."""
    found = candidates(doc)
    chosen: list[str] = []
    for candidate in found:
        if RULES.index(candidate.rule) >= RULES.index("chunk_other"):
            continue
        # an aspect already named inside an event ("app" beside "app crash") adds nothing
        if any(f" {candidate.name} " in f" {other} " for other in chosen):
            continue
        chosen.append(candidate.name)
    if chosen:
        return chosen[:MAX_PER_UNIT]
    return [candidate.name for candidate in found[:1]]


@register("pain_points.v1", assigns=("pain_points",), requires=("units", "sentiment"))
class PainPointExtractor:
    """Canonical pain points of negative units; other units get an empty list.

    With the shipped models, the candidate scorer scores the extracted candidates and the name retriever
    (:mod:`enrich.pain_point_retrieval`) scores them together with every vocabulary name for the unit; without a
    retriever the scorer's picks are kept; without either, the hand-written tiers.

    Args:
        encoder: the pipeline's shared sentence encoder, used to merge phrases by similarity (phrases only, cached)
            and to embed units when no embeddings are passed; None keeps alias merging and the rules only.
        batch_size: texts per spaCy ``pipe`` batch.
        merge_threshold: cosine similarity at or above which two phrases are one pain point.
        scorer: the candidate scorer; ``"default"`` loads the shipped one when there is an encoder.
        retriever: the name retriever; ``"default"`` loads the shipped one when there is an encoder and a scorer.

    Example:
        >>> extractor = PainPointExtractor(encoder=Encoder())                  # doctest: +SKIP
        >>> extractor.extract_texts(["Great app but checkout keeps failing."])   # doctest: +SKIP
        [['checkout failure']]
    """

    def __init__(self, encoder: Any | None = None, batch_size: int = 128, merge_threshold: float = MERGE_THRESHOLD,
                 scorer: CandidateScorer | None | Literal["default"] = "default",
                 retriever: NameRetriever | None | Literal["default"] = "default"):
        self.batch_size = batch_size
        self.names = PainPointNames(encoder, merge_threshold)
        self.scorer = CandidateScorer.load() if scorer == "default" and encoder is not None else (
            None if scorer == "default" else scorer)
        self.retriever = NameRetriever.load() if retriever == "default" and self.scorer is not None and (
            encoder is not None) else (None if retriever == "default" else retriever)

    def parse_candidates(self, texts: list[str]) -> list[tuple[Any, list[Candidate], list[str], np.ndarray]]:
        """Per text: its parse (None when blank), candidates, their canonical names and features."""
        rows = [row for row, text in enumerate(texts) if text and text.strip()]
        parsed: list[tuple[Any, list[Candidate]]] = [(None, []) for _ in texts]
        docs = load_spacy("noun_chunks").pipe((texts[row] for row in rows), batch_size=self.batch_size)
        for row, doc in zip(rows, docs):
            parsed[row] = (doc, candidates(doc))
        raw = [candidate.name for _, found in parsed for candidate in found]
        canonical = dict(zip(raw, self.names.canonical(raw)))
        similarity = dict(zip(raw, self.names.table_similarity(raw)))
        out = []
        for doc, found in parsed:
            names = [canonical[candidate.name] for candidate in found]
            alias = [candidate.name in self.names.aliases for candidate in found]
            features = candidate_features(doc, found, alias, [similarity[c.name] for c in found], _PROBLEM_WORDS,
                                          PROBLEM_ADJ) if found else (
                np.zeros((0, len(FEATURES)), dtype=np.float32))
            out.append((doc, found, names, features))
        return out

    def extracted(self, texts: list[str], scorer: CandidateScorer | None = None
                  ) -> list[list[tuple[str, float, np.ndarray]]]:
        """Per text, its extracted candidates as (canonical name, candidate-scorer probability, name embedding).

        Args:
            scorer: the candidate scorer to use (default: this extractor's).
        """
        scorer = scorer or self.scorer
        out = []
        for _, found, names, features in self.parse_candidates(texts):
            scores = scorer.score(features) if found else np.zeros(0)
            vectors = self.names.vectors(names)
            out.append([(name, float(score), vector) for name, score, vector in zip(names, scores, vectors)])
        return out

    def extract_texts(self, texts: list[str], embeddings: np.ndarray | None = None) -> list[list[str]]:
        """Canonical pain points of each text, treating every text as a negative unit. Blank texts get [].

        Args:
            texts: the units' texts.
            embeddings: their L2-normalised embeddings (len(texts), 384) from the shared encoder pass; encoded
                here when None and a retriever needs them.
        """
        if self.scorer is None:
            return self._extract_by_rules(texts)
        if self.retriever is None:
            return [
                select(names, self.scorer.score(features), self.scorer.threshold) if found else []
                for _, found, names, features in self.parse_candidates(texts)
            ]
        rows = [row for row, text in enumerate(texts) if text and text.strip()]
        out: list[list[str]] = [[] for _ in texts]
        if not rows:
            return out
        vectors = (np.asarray(embeddings, dtype=np.float32)[rows] if embeddings is not None
                   else self.names.encoder.encode([texts[row] for row in rows]))
        kept_texts = [texts[row] for row in rows]
        for row, names in zip(rows, self.retriever.predict(vectors, kept_texts, self.extracted(kept_texts))):
            out[row] = names
        return out

    def _extract_by_rules(self, texts: list[str]) -> list[list[str]]:
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
        embeddings = batch.embeddings[negative] if batch.embeddings is not None and negative else None
        for row, names in zip(negative, self.extract_texts([batch.units[row].text for row in negative], embeddings)):
            pain_points[row] = names
        return pain_points

    def set_annotations(self, batch: Batch, pain_points: list[list[str]]) -> None:
        batch.annotations["pain_points"] = pain_points
