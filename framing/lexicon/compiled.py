"""What a compiled lexicon is made of (targets, words of multiword terms, their sequences) and the
small helpers the matcher orders and builds its hits with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from framing.lexicon.model import ContextRule, Lexicon
from framing.records import Match


@dataclass(frozen=True, slots=True)
class Target:
    lex: int  # index of the lexicon in the matcher
    lexicon: str
    category: str
    entry: str
    key: int  # index into Matcher._excludes
    order: int  # declaration order, for deterministic tie-breaks
    reach: tuple[int, int] = (0, 0)  # a distancing marker's reach (words before, words after)
    labels: bool = True  # a frames or naming entry, which a distancing marker can distance


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a multiword term or exclusion phrase: the full (clitic-expanded) normalised
    words it accepts, plus prefixes for wildcard words; ``any`` for "_". ``via_h``: spellings
    that are only a stem + the pronoun ه, which a surface ending in ة cannot be."""

    full: frozenset
    prefixes: tuple[str, ...] = ()
    any: bool = False
    via_h: frozenset = frozenset()


ANY_WORD = Word(frozenset(), (), True)


@dataclass(frozen=True, slots=True)
class Seq:
    target: Target
    words: tuple[Word, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Excluded:
    """A hit that an exclusion removed, with the phrase that removed it: an ``exclude`` phrase,
    or for a ``not_when`` rule the context that matched ("left: جيش", "name: منظمة التحرير") and
    the rule itself."""

    match: Match
    phrase: str
    level: str  # "entry", "category" or "lexicon"
    rule: ContextRule | None = None


def hit_order(hit) -> tuple:
    """Sort key of a word's candidate hits: fewest clitic letters first, a pronoun ه reading last,
    then declaration order."""
    target, rule, cost = hit
    return (cost, "~+ه" in rule, target.order, rule)


def seq_order(seq: Seq) -> tuple:
    """Sort key of multiword terms: declaration order, then their text."""
    return (seq.target.order, seq.text)


def make_match(starts, ends, text, i, j, target: Target, rule: str, distanced: bool = False) -> Match:
    """The Match of a target over tokens ``i`` to ``j - 1``, its surface cut from the text."""
    start, end = starts[i], ends[j - 1]
    return Match(target.lexicon, target.category, target.entry, text[start:end], start, end, rule,
                 distanced)


def ends_with_ta_marbuta(surface: str) -> bool:
    """Whether a surface form ends in ة (diacritics and tatweel after it ignored)."""
    end = len(surface)
    while end and ("\u064b" <= surface[end - 1] <= "\u065f" or surface[end - 1] in "\u0640\u0670"):
        end -= 1
    return end > 0 and surface[end - 1] == "ة"


def bare_lemma(lemma: str) -> str:
    """camel-tools lemmas carry a sense or pattern suffix ("رَمَى-ِ", "كِتاب_1"): drop it."""
    for sep in ("_", "-"):
        if sep in lemma:
            lemma = lemma.split(sep, 1)[0]
    return lemma


# The tables a Matcher compiles, kept per process under build_key, so that matchers of the same
# lexicons (one per worker process and run) share one compilation.
TABLES = ("_full", "_prefixes", "_lemmas", "_seq_first", "_seq_first_prefix", "_excludes",
          "_prefix_lengths", "_seen", "_index")
BUILT: dict[tuple, dict] = {}


def build_key(lexicons: Sequence[Lexicon], normaliser) -> tuple | None:
    """Lexicon contents and normalisation settings: the same key gives the same tables (None for
    lexicons without a content hash, which are always compiled)."""
    if any(not lx.sha256 for lx in lexicons):
        return None
    from framing.arabic import NORMALISER_REVISION

    return (tuple((lx.id, lx.sha256) for lx in lexicons), type(normaliser).__name__,
            getattr(normaliser, "ta_marbuta", None), getattr(normaliser, "alef_maqsura", None),
            NORMALISER_REVISION)
