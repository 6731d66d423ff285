"""Attribution: source lines, agency credits and mentions, the outlet a text signs as, wire copy.

- A *source line* credits who produced the text: ``المصدر : الجزيرة + وكالات``,
  ``(الجزيرة + وكالات)``, ``المصدر: الميادين + وكالات``, ``(أ ف ب)``. Its names are looked up in the
  outlet profiles (``names``) and in ``agencies.yaml``.
- *Signatures* are profile strings found where outlets sign (a text's first and last lines and the
  lines removed as furniture): ``عربي21`` in a read-also line, a comment counter, ...
- *Agency mentions* in the cleaned text (``لوكالة فرانس برس``, ``وكالة تاس``) fill ``wire_agencies``.

A text is wire copy (``is_wire``) when a credit names agencies and no outlet, or when no outlet signs
it while it quotes an agency. Cross-outlet near-duplicates are flagged in ``dedup``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from framing.corpus.profiles import Rules, line_key
from framing.corpus.words import WordHasher

AGENCIES_GENERIC = {"وكالات", "الوكالات", "وكالات الأنباء", "وكالات انباء", "وكالات أنباء", "agencies"}
_SPLIT_NAMES = re.compile(r"\s*(?:\+|،|,|/|&|\s-\s|\s+و(?=(?:ال)?وكالات))\s*")
MIN_SCORE = 2  # a signature score below this infers nothing
SOURCE_LINE_WEIGHT = 3

AR_WORD = re.compile(r"[\u0621-\u063A\u0640-\u065F\u0670-\u06D3]+")  # letters, marks and tatweel
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
    any_literal, patterns_only = _signature_filter(rules)
    for line in lines:
        # most lines contain no signature literal: only the pattern signatures are tried on them
        for sig in rules.signatures if any_literal is None or any_literal.search(line) else patterns_only:
            if sig.hit(line):
                scores[sig.outlet] += sig.weight
    return scores


@lru_cache(maxsize=8)
def _signature_filter(rules: Rules) -> tuple[re.Pattern | None, list]:
    """(a regex finding any of the ``contains`` signatures' literals, the pattern signatures)."""
    literals = sorted({s.contains for s in rules.signatures if s.contains is not None}, key=len, reverse=True)
    if not literals or "" in literals:
        return None, rules.signatures
    return re.compile("|".join(map(re.escape, literals))), [s for s in rules.signatures if s.contains is None]


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
# A regex alternation over every agency name would scan each text once per branch; instead the
# text's word set says which agencies can occur, and each of their names is located with str.find
# (C speed) and checked in place: clitics (و ف ب ل ك) before it, a word boundary after it, and for
# context names "وكالة (أنباء)" before it or parentheses around it.

CLITIC_LETTERS = "وفبلك"
_CONTEXT_BEFORE = re.compile(r"(?:وكالة|وكاله)\s+(?:(?:أنباء|الأنباء|انباء)\s+)?[\"«“(]?\s*$")
_PAREN_BEFORE = re.compile(r"[(（]\s*$")
_PAREN_AFTER = re.compile(r"\s*[)）]")


@dataclass
class _Name:
    code: str
    anchor: str  # the literal searched with str.find
    rx: re.Pattern  # the whole name, matched at the anchor
    context: bool  # needs "وكالة" before it or parentheses around it
    lil: bool = False  # the anchor is a name without its article, after "لل"


@dataclass
class _AgencyMatcher:
    keys: dict[int, set[int]]  # hash of a word (with clitics) -> indices of the names it may start
    key_array: np.ndarray  # the keys, sorted (uint64)
    names: list[_Name]


@lru_cache(maxsize=8)
def _matcher(rules: Rules) -> _AgencyMatcher:
    keys: dict[str, set[int]] = {}
    names: list[_Name] = []
    hasher = WordHasher()
    clitics = ["", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "لل", "ولل", "فلل"]

    def add(entry: _Name, name: str) -> None:
        names.append(entry)
        _add_keys(keys, name, len(names) - 1, clitics)

    for ag in rules.agencies:
        for name, context in [(n, False) for n in ag.names] + [(n, True) for n in ag.context_names]:
            parts = [p for p in re.split(r"[\s.]+", name.strip(" .")) if p]
            if not parts:
                continue
            rx = re.compile(r"[\s.]*".join(re.escape(p) for p in parts) + r"\.?")
            if max(map(len, parts)) <= 2:  # an abbreviation (أ ف ب): only as a credit in parentheses
                add(_Name(ag.code, "(", re.compile(r"\(\s*" + rx.pattern + r"\s*\)"), False), name)
                continue
            add(_Name(ag.code, parts[0], rx, context), name)
            if parts[0].startswith("ال") and len(parts[0]) > 3:
                rest = [parts[0][2:]] + parts[1:]
                add(_Name(ag.code, rest[0], re.compile(r"[\s.]*".join(re.escape(p) for p in rest)), context, lil=True), name)
    hashed: dict[int, set[int]] = {}
    for word, idx in keys.items():
        hashed.setdefault(hasher.word_hash(word), set()).update(idx)
    return _AgencyMatcher(hashed, np.array(sorted(hashed), dtype=np.uint64), names)


def _add_keys(keys: dict[str, set[int]], name: str, index: int, clitics: list[str]) -> None:
    words = AR_WORD.findall(name) or LATIN_WORD.findall(name)
    if not words:
        return
    first = words[0]
    for c in clitics if AR_WORD.fullmatch(first) else [""]:
        keys.setdefault(c + first, set()).add(index)
        if first.startswith("ال") and c.endswith("ل"):
            keys.setdefault(c + first[1:], set()).add(index)  # ل + الأناضول -> للأناضول


def _found(text: str, name: _Name) -> int:
    """Offset of the first mention of ``name`` in ``text``, or -1."""
    anchor, n = name.anchor, len(text)
    i = text.find(anchor)
    while i >= 0:
        m = name.rx.match(text, i)
        if m and (m.end() >= n or not text[m.end()].isalnum()):
            s = i
            if name.lil:
                ok = text.startswith("لل", i - 2)
                s = i - 2
            else:
                ok = True
            while ok and s > 0 and text[s - 1] in CLITIC_LETTERS and i - s < 3:
                s -= 1
            if ok and (s == 0 or not text[s - 1].isalnum()):
                if not name.context:
                    return s
                before = text[max(0, s - 30):s]
                if _CONTEXT_BEFORE.search(before) or (_PAREN_BEFORE.search(before) and _PAREN_AFTER.match(text, m.end())):
                    return s
        i = text.find(anchor, i + 1)
    return -1


def agency_mentions(text: str, rules: Rules, word_hashes: np.ndarray | None = None) -> list[str]:
    """Agencies named in ``text`` (codes, in order of first mention). ``word_hashes`` (the text's
    unique word hashes, ``words.WordHasher``) skips texts that contain no word of an agency name."""
    m = _matcher(rules)
    if word_hashes is None:
        word_hashes = _hasher().analyse(text).hashes
    hits = np.intersect1d(word_hashes, m.key_array, assume_unique=True)
    if len(hits) == 0:
        return []
    candidates: set[int] = set()
    for h in hits.tolist():
        candidates |= m.keys[h]
    first: dict[str, int] = {}
    for i in sorted(candidates):
        name = m.names[i]
        pos = _found(text, name)
        if pos >= 0 and pos < first.get(name.code, len(text) + 1):
            first[name.code] = pos
    return sorted(first, key=lambda c: (first[c], c))


@lru_cache(maxsize=1)
def _hasher() -> WordHasher:
    return WordHasher()
