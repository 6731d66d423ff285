"""Per-document analysis: tokenise, match the lexicons, count terms for keyness.

This is the hot loop of a run (millions of words), so it works on one document at a time and
keeps only what later stages need: the token count, the matches with their sentence, and a
Counter of normalised terms with the article and conjunction clitics split off.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from framing.arabic import Normaliser, sentence_spans, tokenize
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


def keyness_term(norm: str) -> str:
    """The term a normalised token counts as in keyness: article-bearing proclitics split off."""
    for prefix in _ARTICLE_PREFIXES:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 3:
            return norm[len(prefix):]
    return norm


@dataclass
class DocAnalysis:
    doc_id: str
    n_tokens: int
    matches: list[Match] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)  # sentence of each match, same order
    terms: Counter = field(default_factory=Counter)


class DocumentAnalyser:
    """Callable over (doc_id, text): picklable, so it can run in worker processes."""

    def __init__(self, normaliser: Normaliser, matcher) -> None:
        self.normaliser = normaliser
        self.matcher = matcher
        self._term_cache: dict[str, str] = {}

    def __call__(self, doc_id: str, text: str) -> DocAnalysis:
        tokens = tokenize(text, self.normaliser)
        matches = self.matcher.match(tokens, text)
        cache = self._term_cache
        terms: Counter = Counter()
        for tok in tokens:
            norm = tok.norm
            if not norm.isalpha():  # numbers and mixed tokens are not keyness terms
                continue
            term = cache.get(norm)
            if term is None:
                term = cache[norm] = keyness_term(norm)
            if len(term) >= MIN_TERM:
                terms[term] += 1
        return DocAnalysis(doc_id, len(tokens), matches, _sentences_of(text, matches), terms)

    def __getstate__(self):
        return {"normaliser": self.normaliser, "matcher": self.matcher, "_term_cache": {}}


def _sentences_of(text: str, matches: list[Match]) -> list[str]:
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
