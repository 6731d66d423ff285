"""Attribution: source lines, agency credits and mentions, the outlet a text signs as, wire copy.

- A *source line* credits who produced the text: ``المصدر : الجزيرة + وكالات``,
  ``(الجزيرة + وكالات)``, ``المصدر: الميادين + وكالات``, ``(أ ف ب)``. Its names are looked up in the
  outlet profiles (``names``) and in ``agencies.yaml``.
- *Signatures* are profile strings found where outlets sign (a text's first and last lines and the
  lines removed as furniture): ``عربي21`` in a read-also line, a comment counter, ...
- *Agency mentions* in the cleaned text (``لوكالة فرانس برس``, ``وكالة تاس``) fill ``wire_agencies``.

A text is wire copy (``is_wire``) when a credit names agencies and no outlet, or when no outlet signs
it while it quotes an agency (issue 3). Cross-outlet near-duplicates are flagged in ``dedup``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from framing.corpus.profiles import Rules, line_key

AGENCIES_GENERIC = {"وكالات", "الوكالات", "وكالات الأنباء", "وكالات انباء", "وكالات أنباء", "agencies"}
_SPLIT_NAMES = re.compile(r"\s*(?:\+|،|,|/|&|\s-\s|\s+و(?=(?:ال)?وكالات))\s*")
MIN_SCORE = 2  # a signature score below this infers nothing
SOURCE_LINE_WEIGHT = 3

_CLITICS = "(?:[وف]?[بلك]?|لل|ول|فل)"
AR_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3][\u0621-\u063A\u0640-\u065F\u0670-\u06D3]*")
LATIN_WORD = re.compile(r"[A-Za-z]+")


@dataclass
class Credit:
    """What a source line or credit line says."""

    line: str
    outlets: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    generic_agencies: bool = False  # "+ وكالات"


def parse_credit(line: str, rules: Rules) -> Credit | None:
    """The source line ``line`` as a Credit, or None when it is not one (names nothing known)."""
    if len(line) > 120 or not (":" in line or "(" in line or "：" in line or "（" in line):
        return None
    for rx in rules.source_lines:
        m = rx.fullmatch(line)
        if not m:
            continue
        credit = Credit(line)
        for part in _SPLIT_NAMES.split(m.group("names")):
            part = part.strip(" \"'«»“”")
            if not part:
                continue
            key = line_key(part)
            if key in _GENERIC_KEYS:
                credit.generic_agencies = True
            elif (outlet := rules.outlet_for_name(part)) is not None:
                credit.outlets.append(outlet)
            elif (code := _agency_index(rules).get(key)) is not None:
                credit.agencies.append(code)
            else:
                return None  # names something unknown: a parenthesis in the text, not a credit
        if credit.outlets or credit.agencies or credit.generic_agencies:
            return credit
    return None


_GENERIC_KEYS = {line_key(x) for x in AGENCIES_GENERIC}


@lru_cache(maxsize=8)
def _agency_index(rules: Rules) -> dict[str, str]:
    index = {}
    for ag in rules.agencies:
        for name in [ag.code, *ag.names, *ag.context_names]:
            index.setdefault(line_key(name), ag.code)
        for name in ag.names + ag.context_names:  # "وكالة فرانس برس", "وكالة تاس"
            index.setdefault(line_key(f"وكالة {name}"), ag.code)
    return index


def signature_scores(lines: list[str], rules: Rules) -> Counter:
    """Signature weights per outlet found in ``lines`` (the lines where outlets sign)."""
    scores: Counter = Counter()
    for line in lines:
        for sig in rules.signatures:
            if sig.hit(line):
                scores[sig.outlet] += sig.weight
    return scores


def decide(scores: Counter) -> tuple[str, str]:
    """(inferred outlet or "", note): the best-scoring outlet when clearly ahead."""
    if not scores:
        return "", ""
    ranked = scores.most_common()
    best, score = ranked[0]
    if score < MIN_SCORE:
        return "", ""
    if len(ranked) > 1 and ranked[1][1] == score:
        tied = ", ".join(sorted(o for o, s in ranked if s == score))
        return "", f"outlet signature is ambiguous: {tied} sign it equally"
    return best, ""


# ---- agency mentions in the text ---------------------------------------------------------

@dataclass
class _AgencyMatcher:
    keys: dict[str, set[str]]  # a first word (with clitics) -> agency codes that may start there
    patterns: dict[str, str]  # code -> regex source


@lru_cache(maxsize=8)
def _matcher(rules: Rules) -> _AgencyMatcher:
    keys: dict[str, set[str]] = {}
    patterns = {}
    clitics = ["", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "لل", "ولل"]
    for ag in rules.agencies:
        alts = []
        for name in ag.names:
            alts.append(_CLITICS + _name_rx(name))
            if name.startswith("ال"):
                alts.append("(?:[وف]?لل)" + _name_rx(name[2:]))
            _add_keys(keys, name, ag.code, clitics)
        for name in ag.context_names:
            n = _name_rx(name)
            alts.append(rf"{_CLITICS}وكالة\s+(?:(?:أنباء|الأنباء)\s+)?[\"«“(]?\s*{n}")
            alts.append(rf"\(\s*{n}\s*\)")
            _add_keys(keys, name, ag.code, clitics)
        patterns[ag.code] = "|".join(alts)
    return _AgencyMatcher(keys, patterns)


def _name_rx(name: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s.]+", name.strip(" .")) if p]
    return r"[\s.]*".join(parts) + r"\.?"


def _add_keys(keys: dict[str, set[str]], name: str, code: str, clitics: list[str]) -> None:
    words = AR_WORD.findall(name) or LATIN_WORD.findall(name)
    if not words:
        return
    first = words[0]
    for c in clitics if AR_WORD.fullmatch(first) else [""]:
        keys.setdefault(c + first, set()).add(code)
        if first.startswith("ال") and c.endswith("ل"):
            keys.setdefault(c + first[1:], set()).add(code)  # ل + الأناضول -> للأناضول


@lru_cache(maxsize=512)
def _codes_rx(codes: frozenset[str], rules: Rules) -> re.Pattern:
    m = _matcher(rules)
    return re.compile("|".join(f"(?P<g{i}>{m.patterns[c]})" for i, c in enumerate(sorted(codes))))


def agency_mentions(text: str, words: set[str], rules: Rules) -> list[str]:
    """Agencies named in ``text`` (codes, in order of first mention). ``words`` is the set of the
    text's words, used to skip the regex search for texts that name no agency."""
    m = _matcher(rules)
    candidates = set()
    for w in words & m.keys.keys():
        candidates |= m.keys[w]
    if not candidates:
        return []
    order = sorted(candidates)
    rx = _codes_rx(frozenset(candidates), rules)
    first: dict[str, int] = {}
    for hit in rx.finditer(text):
        start, end = hit.span()
        if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue
        code = order[int(hit.lastgroup[1:])]
        first.setdefault(code, start)
    return sorted(first, key=first.get)
