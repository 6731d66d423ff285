"""Arabic clitics: which letters attach to a word, how a word splits into them, and the term a
word counts as once its article is split off. The matcher, the analysis engine (keyness terms),
the statistics and the topic stage all use these rules, and nothing else defines them.

Proclitics: an optional conjunction (و ف), then an optional preposition (ب ل ك) and an optional
article (ال), or ل and the article fused as لل. Enclitics: the pronoun suffixes.

One minimum stem length, :data:`MIN_STEM` = 3 letters, holds wherever a clitic is split off: two-
letter stems are mostly function words (ما، من، عن) whose clitic readings are wrong (كما "as" is
not ك+ما, منه is not من+ه to a lexicon of content words), and no content stem of news Arabic is
shorter than three letters once normalised. A word is always its own analysis, whatever its length.
"""

from __future__ import annotations

import re
from functools import lru_cache

PROCLITIC_PARTICLES = ("و", "ف")
PROCLITIC_PREPOSITIONS = ("ب", "ل", "ك")
ARTICLE = "ال"
FUSED_ARTICLE = "لل"  # ل + ال
ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "كن", "نا", "ها", "ه", "ي", "ك", "ني")
# The pronoun suffixes the lexicon matcher accepts: all but the second-person singular ك and the
# first-person object ني, which news reporting hardly uses and which mostly produce false
# readings (أشارك "I take part" is not أشار+ك, تاسك "Tusk" not تاس+ك).
MATCH_ENCLITICS = tuple(e for e in ENCLITICS if e not in ("ك", "ني"))
MIN_STEM = 3  # letters a stem keeps when a clitic is split off
MIN_TERM = 2  # letters of the shortest keyness term


def _prefix_chains() -> tuple[str, ...]:
    """Every proclitic chain, "" first: conjunction, preposition, article, and the fused لل."""
    out = [""]
    for conj in ("",) + PROCLITIC_PARTICLES:
        for prep in ("",) + PROCLITIC_PREPOSITIONS:
            for art in ("", ARTICLE):
                chain = conj + prep + art
                if chain and chain not in out:
                    out.append(chain)
        if conj + FUSED_ARTICLE not in out:
            out.append(conj + FUSED_ARTICLE)
    return tuple(out)


PREFIX_CHAINS = _prefix_chains()
# the chains a word can start with, by its first letter, in PREFIX_CHAINS order ("" first)
_CHAINS_BY_FIRST = {c: tuple(p for p in PREFIX_CHAINS if not p or p[0] == c) for p in PREFIX_CHAINS if p for c in p[0]}
# the enclitics a word can end with, by its last letter, in ENCLITICS order
_ENCLITICS_BY_LAST = {c: tuple(s for s in ENCLITICS if s[-1] == c) for c in {s[-1] for s in ENCLITICS}}


def has_article(prefix: str) -> bool:
    """Whether a proclitic chain ends in the article (ال, or the fused لل)."""
    return prefix.endswith(ARTICLE) or prefix.endswith(FUSED_ARTICLE)


@lru_cache(maxsize=200_000)
def split_clitics(word: str) -> tuple[tuple[str, str, str], ...]:
    """All (proclitics, stem, enclitic) analyses of a normalised word: the word itself first, then
    every split that leaves a stem of at least :data:`MIN_STEM` letters. The analyses over-generate
    on purpose: the lexicon decides which stems are words it knows."""
    out: list[tuple[str, str, str]] = [("", word, "")]
    for p in _CHAINS_BY_FIRST.get(word[:1], ("",)):
        if p and not word.startswith(p):
            continue
        rest = word[len(p):]
        n = len(rest)
        if n < MIN_STEM:
            continue
        if p:
            out.append((p, rest, ""))
        for suffix in _ENCLITICS_BY_LAST.get(rest[-1], ()):
            if n - len(suffix) >= MIN_STEM and rest.endswith(suffix):
                out.append((p, rest[: n - len(suffix)], suffix))
    return tuple(out)


# Keyness terms and topic words split off only article-bearing chains: without a lexicon, و or ب
# at the start of a word is as often part of the stem (وزير, بيان) as a clitic.
# (ل + ال is written لل, never لال)
ARTICLE_CHAINS = tuple(sorted((p for p in PREFIX_CHAINS if has_article(p) and not p.endswith("ل" + ARTICLE)),
                              key=len, reverse=True))
_ARTICLE_RE = re.compile("^(?:" + "|".join(ARTICLE_CHAINS) + f")(?=[^\n]{{{MIN_STEM}}})", re.MULTILINE)


def strip_article(norm: str) -> str:
    """A normalised word without its article and the conjunction or preposition before it
    (والمنطقه, للمنطقه → منطقه), when at least :data:`MIN_STEM` letters remain."""
    for prefix in ARTICLE_CHAINS:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= MIN_STEM:
            return norm[len(prefix):]
    return norm


def strip_articles(norms: list[str]) -> list[str]:
    """:func:`strip_article` of every word, in one regular-expression pass over the words joined
    by line breaks (which no word contains; the chains are tried longest first, as there)."""
    return _ARTICLE_RE.sub("", "\n".join(norms)).split("\n") if norms else []


def keyness_terms(norms: list[str]) -> list[str]:
    """The keyness term of each normalised word ("" for a word that is not one: shorter than
    :data:`MIN_TERM` letters once its article is split off, or not all letters). One regular
    expression over the words joined by line breaks, which no word contains; the chains are tried
    longest first, as in :func:`strip_article`."""
    stripped = _ARTICLE_RE.sub("", "\n".join(norms)).split("\n")
    return [t if len(t) >= MIN_TERM and n.isalpha() else "" for n, t in zip(norms, stripped)]
