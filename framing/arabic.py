"""Arabic normalisation, tokenisation, sentence splitting and clitic analysis.

Normalisation goes through camel-tools' text utilities (the only module that imports
``camel_tools.utils``). Words are normalised one distinct word at a time and cached: news text is
Zipfian, so a corpus of millions of tokens has only a few hundred thousand distinct words.

Offsets always refer to the text passed in (the cleaned document text): tokens keep their surface
form and their start/end, and carry the normalised form beside it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from framing.records import Token

# Words: letters/digits (\w covers Arabic letters), Arabic diacritics, tatweel, and
# superscript alef, so that a diacritised word stays one token.
WORD_RE = re.compile(r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]+")
# A sentence ends at . ! ? ؟ ; ؛ or a line break, followed by space or the end.
SENTENCE_END_RE = re.compile(r"[.!?؟؛…]+[\"'»”)\]]*(?=\s|$)|\n+")

PROCLITIC_PARTICLES = ("و", "ف")
PROCLITIC_PREPOSITIONS = ("ب", "ل", "ك")
ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "كن", "نا", "ها", "ه", "ي", "ك", "ني")
MIN_STEM = 2

# Bump when normalisation output can change for the same input and options.
NORMALISER_REVISION = "1"


@lru_cache(maxsize=1)
def _camel():
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )

    return dediac_ar, normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar


class Normaliser:
    """Normalise Arabic words: diacritics, tatweel, alef/hamza variants; optional folding.

    ``ta_marbuta`` folds ة into ه and ``alef_maqsura`` folds ى into ي (both on by default, as
    scraped news spells them inconsistently). Latin letters are lower-cased.
    """

    def __init__(self, *, ta_marbuta: bool = True, alef_maqsura: bool = True) -> None:
        self.ta_marbuta = ta_marbuta
        self.alef_maqsura = alef_maqsura
        self._cache: dict[str, str] = {}

    @property
    def version(self) -> str:
        import camel_tools

        flags = f"tm{int(self.ta_marbuta)}am{int(self.alef_maqsura)}"
        return f"r{NORMALISER_REVISION}-{flags}-camel{camel_tools.__version__}"

    def word(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self.text(word)
        return cached

    def text(self, text: str) -> str:
        dediac, alef, maksura, teh = _camel()
        out = alef(dediac(text)).replace("\u0640", "")
        if self.alef_maqsura:
            out = maksura(out)
        if self.ta_marbuta:
            out = teh(out)
        return out.lower()

    def __getstate__(self):  # the cache is not worth shipping to worker processes
        return {"ta_marbuta": self.ta_marbuta, "alef_maqsura": self.alef_maqsura, "_cache": {}}


def tokenize(text: str, normaliser: Normaliser) -> list[Token]:
    """Word tokens with offsets; a run of tatweel or marks alone (empty once normalised) is dropped."""
    word = normaliser.word
    tokens = []
    for m in WORD_RE.finditer(text):
        norm = word(m.group())
        if norm:
            tokens.append(Token(m.group(), norm, m.start(), m.end()))
    return tokens


def count_words(text: str) -> int:
    return sum(1 for _ in WORD_RE.finditer(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences, whitespace trimmed, empty ones dropped."""
    spans = []
    start = 0
    for m in SENTENCE_END_RE.finditer(text):
        end = m.end() if m.group()[0] != "\n" else m.start()
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


@lru_cache(maxsize=200_000)
def split_clitics(word: str) -> tuple[tuple[str, str, str], ...]:
    """All (proclitics, stem, enclitic) analyses of a normalised word, the word itself first.

    Proclitics: an optional conjunction (و ف), then an optional preposition (ب ل ك) and an
    optional article (ال), or the fused ل+ال = لل. Enclitics: pronoun suffixes. Stems shorter
    than two letters are not proposed. The analyses over-generate on purpose: the lexicon decides
    which stems are words it knows.
    """
    prefixes = [""]
    for conj in ("",) + PROCLITIC_PARTICLES:
        for prep in ("",) + PROCLITIC_PREPOSITIONS:
            for art in ("", "ال"):
                p = conj + prep + art
                if p and p not in prefixes:
                    prefixes.append(p)
        lil = conj + "لل"
        if lil not in prefixes:
            prefixes.append(lil)
    out: list[tuple[str, str, str]] = []
    seen = set()
    for p in prefixes:
        if not word.startswith(p):
            continue
        rest = word[len(p):]
        for suffix in ("",) + ENCLITICS:
            if suffix and not rest.endswith(suffix):
                continue
            stem = rest[: len(rest) - len(suffix)] if suffix else rest
            if len(stem) < MIN_STEM:
                continue
            key = (p, stem, suffix)
            if key not in seen:
                seen.add(key)
                out.append(key)
    return tuple(out)
