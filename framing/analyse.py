"""Per-document analysis: tokenise, match the lexicons, count terms for keyness.

This is the hot loop of a run (millions of words), so it works on one document at a time and
keeps only what later stages need: the token count, the matches with their sentence, and a
Counter of normalised terms with the article and conjunction clitics split off.

Speed: tokens stay parallel lists (:func:`framing.arabic.token_arrays`) instead of one Token
object per word, the matcher works on those lists (``Matcher.match_arrays``), and the keyness term
of each distinct normalised word is computed once per process, so that the per-token work is a few
C-level list and dict operations.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import filterfalse

from framing.arabic import Normaliser, sentence_spans, token_arrays, tokenize
from framing.records import Match

# Prefixes split off for keyness terms: conjunction + preposition + article, or the fused لل.
# Only article-bearing prefixes are split: without a lexicon, "و" or "ب" at the start of a word is
# as often part of the stem (وزير, بيان) as a clitic.
_ARTICLE_PREFIXES = tuple(
    sorted(
        {c + p + "ال" for c in ("", "و", "ف") for p in ("", "ب", "ك")} | {c + "لل" for c in ("", "و", "ف")},
        key=len,
        reverse=True,
    )
)
MIN_TERM = 2
_NO_TERM = ""  # in the term cache: the word is not a keyness term


def keyness_term(norm: str) -> str:
    """The term a normalised token counts as in keyness: article-bearing proclitics split off."""
    for prefix in _ARTICLE_PREFIXES:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 3:
            return norm[len(prefix):]
    return norm


def _term_of(norm: str) -> str:
    if not norm.isalpha():  # numbers and mixed tokens are not keyness terms
        return _NO_TERM
    term = keyness_term(norm)
    return term if len(term) >= MIN_TERM else _NO_TERM


@dataclass
class DocAnalysis:
    doc_id: str
    n_tokens: int
    matches: list[Match] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)  # sentence of each match, same order
    terms: Counter = field(default_factory=Counter)


class DocumentAnalyser:
    """Callable over (doc_id, text): picklable, so it can run in worker processes. Its caches
    (normalised words, keyness terms, the matcher's per-word lookups) are per process and are not
    pickled."""

    def __init__(self, normaliser: Normaliser, matcher) -> None:
        self.normaliser = normaliser
        self.matcher = matcher
        self._term_cache: dict[str, str] = {}
        self._arrays = hasattr(matcher, "match_arrays")

    def __call__(self, doc_id: str, text: str) -> DocAnalysis:
        if self._arrays:
            surfaces, norms, starts, ends = token_arrays(text, self.normaliser)
            matches = self.matcher.match_arrays(surfaces, norms, starts, ends, text)
        else:  # a matcher without the list interface
            tokens = tokenize(text, self.normaliser)
            norms = [t.norm for t in tokens]
            matches = self.matcher.match(tokens, text)
        return DocAnalysis(doc_id, len(norms), matches, _sentences_of(text, matches), self.terms(norms))

    def terms(self, norms: list[str]) -> Counter:
        """Keyness terms of a document's normalised tokens."""
        cache = self._term_cache
        terms = Counter(map(cache.get, norms))  # counted by term: الحرب and والحرب both count حرب
        if None in terms:  # words this process has not seen yet: counted under None so far
            del terms[None]
            missing = list(filterfalse(cache.__contains__, norms))
            for n in dict.fromkeys(missing):
                cache[n] = _term_of(n)
            terms.update(map(cache.__getitem__, missing))
        if _NO_TERM in terms:
            del terms[_NO_TERM]
        return terms

    def __getstate__(self):
        return {"normaliser": self.normaliser, "matcher": self.matcher, "_term_cache": {},
                "_arrays": self._arrays}


def _sentences_of(text: str, matches: list[Match]) -> list[str]:
    """The sentence around each match, in the matches' order."""
    if not matches:
        return []
    spans = sentence_spans(text)
    out = []
    i = 0
    for m in sorted(range(len(matches)), key=lambda k: matches[k].start):
        while i + 1 < len(spans) and spans[i][1] <= matches[m].start:
            i += 1
        out.append((m, text[spans[i][0]:spans[i][1]] if spans else ""))
    out.sort()
    return [s for _, s in out]
