"""The context rules of a compiled lexicon (``not_when``: words around a hit, names it is part
of) and the distancing markers' reach: what the matcher asks of the words around a hit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from framing.lexicon.compiled import Word
from framing.lexicon.model import ContextRule

GAP_BREAK = frozenset("\n.!?؟؛;،,:")  # nothing runs across these: a multiword term, a context, a marker's reach


@dataclass(frozen=True, slots=True)
class Context:
    """A compiled ``not_when`` rule: its left and right words (one Word each, all alternatives
    together), how far they are searched, and its names as exclusion phrases without "*"."""

    rule: ContextRule
    left: Word | None
    right: Word | None
    window: int
    names: tuple[tuple[str, tuple], ...]  # (name as written, compiled phrase)
    unless: "Context | None" = None


def compile_context(rule: ContextRule, word: Callable) -> Context:
    """A not_when rule compiled with ``word(spec, enclitics=, article=, clitics=)``, the matcher's
    compiler of one word: left and right words take no added article, names take proclitics on
    their first word only."""
    def side(words: tuple[str, ...]) -> Word | None:
        return word("|".join(words), article=False) if words else None

    names = []
    for name in rule.names:
        parts = name.split()  # proclitics on the first word only (لمنظمة التحرير), no article added
        words = tuple(word(w, enclitics=False, article=False, clitics=(k == 0)) for k, w in enumerate(parts))
        names.append((name, (-1, words)))
    return Context(rule, side(rule.left), side(rule.right), rule.window, tuple(names),
                   compile_context(rule.unless, word) if rule.unless is not None else None)


def phrase_covers(phrase: tuple[int, tuple], accepts: Callable, norms, i: int, j: int) -> bool:
    """Whether an exclusion phrase covers the hit on tokens i..j-1: with "*", the words before
    and after it surround the hit; without, the phrase overlaps the hit somewhere. ``accepts(word,
norm)``: whether a compiled word accepts a normalised word."""
    star, words = phrase
    n = len(norms)
    if star >= 0:
        start, after = i - star, len(words) - star - 1
        if start < 0 or j + after > n:
            return False
        for m in range(star):
            if not accepts(words[m], norms[start + m]):
                return False
        for m in range(after):
            if not accepts(words[star + 1 + m], norms[j + m]):
                return False
        return True
    length = len(words)
    for s in range(max(0, j - length), i + 1):
        if s + length > n:
            break
        for m in range(length):
            if not accepts(words[m], norms[s + m]):
                break
        else:
            return True
    return False


def context_matches(ctx: Context, accepts: Callable, covers: Callable, norms, i: int, j: int, starts, ends,
                    text) -> str:
    """What of a not_when rule stands around the hit on tokens i..j-1 ("left: جيش",
    "name: منظمة التحرير"), or "". Left and right words are searched up to ``window`` words
    away, never across a line break or clause punctuation; the rule's ``unless`` words lift it.
    ``accepts(word, norm)``: whether a compiled word accepts a normalised word; ``covers(phrase,
    norms, i, j)``: whether a compiled phrase covers the hit."""
    found = _context_found(ctx, accepts, covers, norms, i, j, starts, ends, text)
    if found and ctx.unless is not None and _context_found(ctx.unless, accepts, covers, norms, i, j, starts, ends,
                                                           text):
        return ""
    return found


def _context_found(ctx: Context, accepts, covers, norms, i: int, j: int, starts, ends, text) -> str:
    for name, phrase in ctx.names:
        if covers(phrase, norms, i, j):
            return f"name: {name}"
    if ctx.left is not None:
        for k in range(i - 1, max(-1, i - 1 - ctx.window), -1):
            if not GAP_BREAK.isdisjoint(text[ends[k]:starts[k + 1]]):
                break
            if accepts(ctx.left, norms[k]):
                return f"left: {text[starts[k]:ends[k]]}"
    if ctx.right is not None:
        for k in range(j, min(len(norms), j + ctx.window)):
            if not GAP_BREAK.isdisjoint(text[ends[k - 1]:starts[k]]):
                break
            if accepts(ctx.right, norms[k]):
                return f"right: {text[starts[k]:ends[k]]}"
    return ""


def distanced_hits(won, starts, ends, text) -> set[int]:
    """Indexes (into ``won``: (i, j, target, ...) hits on tokens i..j-1) of the frame and naming
    hits that a distancing marker reaches: the first one starting within ``reach[1]`` words after
    the marker (ما وصفته الإرهاب، ما يسمى بـ"جمهورية آرتساخ"), or inside it after its first word (a
    marker that ends on the word's preposition: ما يعرف بالدولة), and those that follow it word
    for word (ما وصفته بالاحتلال والعدوان); or the last one ending within ``reach[0]`` words
    before the marker (الإرهاب المزعوم) and those right before it. Nothing is reached across a
    line break or clause punctuation. In ما وصفته بعدوان أذربيجان في قره باغ only عدوان is
    distanced: the place is the reporter's."""
    markers = [c for c in won if c[2].reach != (0, 0)]
    if not markers:
        return set()
    labels = sorted((c[0], c[1], k) for k, c in enumerate(won) if c[2].labels)
    out: set[int] = set()
    for mi, mj, target, *_ in markers:
        before, after = target.reach
        if after:
            edge = None
            for i, j, k in labels:
                if edge is None and mi < i < mj + after and (
                        i < mj or GAP_BREAK.isdisjoint(text[ends[mj - 1]:starts[i]])):
                    out.add(k)
                    edge = j
                elif edge is not None and i == edge and GAP_BREAK.isdisjoint(text[ends[i - 1]:starts[i]]):
                    out.add(k)
                    edge = j
        if before:
            edge = None
            for i, j, k in reversed(labels):
                if edge is None and mi - before < j <= mi and GAP_BREAK.isdisjoint(text[ends[j - 1]:starts[mi]]):
                    out.add(k)
                    edge = i
                elif edge is not None and j == edge and GAP_BREAK.isdisjoint(text[ends[j - 1]:starts[j]]):
                    out.add(k)
                    edge = i
    return out
