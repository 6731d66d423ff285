"""Quotation marks read as opening or closing from what stands beside them, paragraph by paragraph
(rule 1 of the voice rules, in the package docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from framing.arabic import WORD_RE
from framing.voice._tables import (
    _QUOTES,
    _QUOTE_RE,
    _is_verb,
)


@dataclass
class _Quote:
    start: int  # index of the opening mark (or the paragraph start)
    end: int  # index just after the closing mark (or the paragraph end)
    inner: tuple[int, int]  # the quoted text


def _paragraphs(plain: str) -> list[tuple[int, int]]:
    out, a = [], 0
    for m in re.finditer("\n", plain):
        out.append((a, m.start()))
        a = m.end()
    out.append((a, len(plain)))
    return out


def _quotations(plain: str, paragraphs: list[tuple[int, int]]) -> list[_Quote]:
    """The outermost quotations of every paragraph (rule 1)."""
    out: list[_Quote] = []
    carried = False  # the previous paragraph ended inside a quotation
    for pa, pz in paragraphs:
        stack: list[tuple[str, int]] = []
        found: list[_Quote] = []
        for m in _QUOTE_RE.finditer(plain, pa, pz):
            i, ch = m.start(), m.group()
            kind, lean = _QUOTES[ch]
            before = plain[i - 1] if i > pa else " "
            after = plain[i + 1] if i + 1 < pz else " "
            if kind == "q" and ch == "'" and not (_arabic(before) or _arabic(after)):
                continue  # an apostrophe in Latin text
            word_before, word_after = _wordish(before), _wordish(after)
            if word_after and not word_before:
                side = "open"
            elif word_before and not word_after:
                side = "close"
            elif any(k == kind for k, _ in stack):
                side = "close"
            else:
                side = lean or "open"
            if side == "close" and lean == "open" and not stack and word_after:
                side = "open"
            if side == "open":
                stack.append((kind, i))
                continue
            if stack:
                k = max((n for n, (knd, _) in enumerate(stack) if knd == kind), default=len(stack) - 1)
                opened = stack[k][1]
                del stack[k:]
                if not stack:
                    found.append(_Quote(opened, i + 1, (opened + 1, i)))
            elif not WORD_RE.search(plain, i + 1, pz):  # a closing mark that ends the paragraph
                found = [_Quote(pa, i + 1, (pa, i))]  # without an opening one: quoted from its start
        if stack:
            opened = stack[0][1]
            found.append(_Quote(opened, pz, (opened + 1, pz)))
        found = _outermost(found + _bracket_quotes(plain, pa, pz))
        if carried and found and found[0].start == _first_char(plain, pa, pz):
            found[0].start = -1 - found[0].start  # marks a continued quotation (see _speaker_of_quote)
        carried = bool(stack)
        out.extend(found)
    return out


_BRACKETS = {"﴿": "﴾", "{": "}", "(": ")"}
_BRACKET_RE = re.compile("[﴿{(]")


def _bracket_quotes(plain: str, pa: int, pz: int) -> list[_Quote]:
    """Quranic brackets ﴿...﴾ always quote; {...} and (...) quote when a colon or a reporting verb
    stands right before them (قال تعالى: {...}، وقال (...))."""
    out = []
    for m in _BRACKET_RE.finditer(plain, pa, pz):
        i, ch = m.start(), m.group()
        close = plain.find(_BRACKETS[ch], i + 1, pz)
        if close < 0:
            continue
        if ch != "﴿":
            before = plain[pa:i].rstrip()
            last = WORD_RE.findall(before[-20:])
            if not (before.endswith(":") or (last and _is_verb(last[-1]))):
                continue
        out.append(_Quote(i, close + 1, (i + 1, close)))
    return out


def _outermost(quotes: list[_Quote]) -> list[_Quote]:
    out: list[_Quote] = []
    for q in sorted(quotes, key=lambda q: (q.start, -q.end)):
        if not out or q.start >= out[-1].end:
            out.append(q)
    return out


def _arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def _wordish(ch: str) -> bool:
    return ch.isalnum()  # letters and digits (not tatweel: بـ«...»; not ، or ؟)


def _first_char(plain: str, a: int, z: int) -> int:
    while a < z and plain[a].isspace():
        a += 1
    return a


def _quote_at(quotes: list[_Quote], a: int) -> _Quote | None:
    for q in quotes:
        start = -1 - q.start if q.start < 0 else q.start
        if start <= a < q.end:
            return q
    return None
