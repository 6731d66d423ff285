"""Arabic text rules, in one place: normalisation, tokenisation and sentence splitting (here),
clitics, stems and keyness terms (:mod:`framing.arabic.clitics`), stopwords
(:mod:`framing.arabic.stopwords`). The lexicon matcher, the analysis engine, the statistics and
the topic stage all take their rules from this package.

Normalisation goes through camel-tools' text utilities (the only module that imports
``camel_tools.utils``). Words are normalised one distinct word at a time and cached: news text is
Zipfian, so a corpus of millions of tokens has only a few hundred thousand distinct words.

Offsets always refer to the text passed in (the cleaned document text): tokens keep their surface
form and their start/end, and carry the normalised form beside it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

from framing.records import Token

# Words: letters/digits (\w covers Arabic letters), Arabic diacritics, tatweel, and
# superscript alef, so that a diacritised word stays one token.
WORD_RE = re.compile(r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]+")
WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")  # re.split keeps the words between separators
# A sentence ends at a run of . ! ? ؟ ؛ … (with closing quotes or brackets after it) followed by
# space or the end, or at a run of line breaks. Written to begin with one character class, which
# lets the regex engine skip to the places where an end can start: three times faster than the
# plain alternation [.!?؟؛…]+["'»”)\]]*(?=\s|$)|\n+ , with the same matches.
SENTENCE_END_RE = re.compile(r"[\n.!?؟؛…](?:(?<=\n)\n*|(?<!\n)[.!?؟؛…]*[\"'»”)\]]*(?=\s|$))")

# Bump when normalisation output can change for the same input and options.
NORMALISER_REVISION = "1"


# camel-tools' Arabic diacritics (camel_tools.utils.charsets.AR_DIAC_CHARSET), removed as its
# dediac_ar removes them (one character class, replaced by nothing). Not imported from there: that
# module scans every Unicode code point when it is imported, about half a second of every run; a
# test checks that the two agree on every code point.
AR_DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
_DIACRITIC_RE = re.compile(f"[{AR_DIACRITICS}]")


@lru_cache(maxsize=1)
def white_space() -> str:
    """Every character ``str.split()`` and ``str.strip()`` take for white space (``str.isspace``),
    in code-point order; found once per process by looking at every code point."""
    return "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def dediac(text: str) -> str:
    """``text`` without Arabic diacritics: camel-tools' ``dediac_ar``."""
    return _DIACRITIC_RE.sub("", text)


@lru_cache(maxsize=1)
def _camel():
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )

    return dediac, normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar


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
        """A string that changes whenever normalisation output can change: the revision of these
        rules, the folding options and the camel-tools version."""
        import camel_tools

        flags = f"tm{int(self.ta_marbuta)}am{int(self.alef_maqsura)}"
        return f"r{NORMALISER_REVISION}-{flags}-camel{camel_tools.__version__}"

    def word(self, word: str) -> str:
        """The normalised form of one word, cached per distinct word."""
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self.text(word)
        return cached

    def words(self, words: list[str]) -> list[str]:
        """``[self.word(w) for w in words]``, at C speed for cached words; the words not seen yet
        are normalised together in one pass (every step is a per-character rewrite, and words
        never contain a line break, so joining them with one changes nothing)."""
        cache = self._cache
        norms = list(map(cache.get, words))
        if None in norms:
            new = list(dict.fromkeys(w for w, n in zip(words, norms) if n is None))
            done = self.text("\n".join(new)).split("\n")
            if len(done) != len(new):  # pragma: no cover - a rewrite produced a line break
                done = [self.text(w) for w in new]
            cache.update(zip(new, done))
            norms = list(map(cache.__getitem__, words))
        return norms

    def text(self, text: str) -> str:
        """Normalise a text: diacritics and tatweel removed, alef variants unified, ى and ة folded
        as configured, Latin letters lower-cased."""
        dediac, alef, maksura, teh = _camel()
        out = alef(dediac(text)).replace("\u0640", "")
        if self.alef_maqsura:
            out = maksura(out)
        if self.ta_marbuta:
            out = teh(out)
        return out.lower()

    def __getstate__(self):  # the cache is not worth shipping to worker processes
        return {"ta_marbuta": self.ta_marbuta, "alef_maqsura": self.alef_maqsura, "_cache": {}}


def token_arrays(text: str, normaliser: Normaliser) -> tuple[list[str], list[str], list[int], list[int]]:
    """The tokens of :func:`tokenize` as parallel lists (surfaces, norms, starts, ends), without
    building a Token per word: the hot path of the analysis builds Tokens only where it needs them.
    """
    parts = WORD_SPLIT_RE.split(text)  # separator, word, separator, word, ..., separator
    surfaces = parts[1::2]
    bounds = list(accumulate(map(len, parts)))  # bounds[2k] = start of word k, bounds[2k+1] = its end
    starts = bounds[0:-1:2]
    ends = bounds[1::2]
    norms = normaliser.words(surfaces)
    if "" in norms:  # a run of tatweel or marks alone: not a token
        keep = [i for i, n in enumerate(norms) if n]
        surfaces = [surfaces[i] for i in keep]
        norms = [norms[i] for i in keep]
        starts = [starts[i] for i in keep]
        ends = [ends[i] for i in keep]
    return surfaces, norms, starts, ends


def tokenize(text: str, normaliser: Normaliser) -> list[Token]:
    """Word tokens with offsets; a run of tatweel or marks alone (empty once normalised) is dropped."""
    return list(map(Token, *token_arrays(text, normaliser)))


def count_words(text: str) -> int:
    """The number of words (``WORD_RE`` tokens) in a text."""
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
