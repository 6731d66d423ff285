"""Strings that name who wrote a text: outlet ids, names and aliases, source lines, wire-agency credits.

Leakage guard. An outlet classifier that reads "سبق - الرياض:" or "المصدر : الجزيرة + وكالات"
learns the outlet's name, not its framing; keyness that counts them shows names, not framing. One
list serves both: each outlet's id, name and aliases, every source line found at ingestion, the
names of the wire agencies credited, and the strings in ``classify.mask``. On normalised text a mask
matches the string as a whole word sequence, also with the Arabic proclitics و ف ب ل ك in front
(and ال → لل after ل), so "وللجزيرة" is masked with "الجزيرة" (``Masker``). Keyness counts single
words, so it leaves out the words of these strings (``keyness_masks``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from framing.arabic import Normaliser

# Our own list of common spellings of the wire agencies the corpus stage credits (codes as in
# Document.wire_agencies). Arabic forms as used by Arabic-language outlets.
AGENCY_NAMES: dict[str, list[str]] = {
    "AFP": ["AFP", "فرانس برس", "فرانس بريس", "وكالة الصحافة الفرنسية", "أ ف ب", "أ.ف.ب"],
    "Reuters": ["Reuters", "رويترز", "وكالة رويترز"],
    "AP": ["Associated Press", "أسوشيتد برس", "أسوشيتيد برس", "اسوشيتد برس", "أ ب"],
    "Anadolu": ["Anadolu", "الأناضول", "وكالة الأناضول"],
    "DPA": ["DPA", "الألمانية", "وكالة الأنباء الألمانية", "د ب أ"],
    "Xinhua": ["Xinhua", "شينخوا", "شينخوا"],
    "SPA": ["SPA", "واس", "وكالة الأنباء السعودية"],
    "WAM": ["WAM", "وام", "وكالة أنباء الإمارات"],
    "QNA": ["QNA", "قنا", "وكالة الأنباء القطرية"],
    "MENA": ["MENA", "وكالة أنباء الشرق الأوسط", "أ ش أ"],
    "SANA": ["SANA", "سانا"],
    "IRNA": ["IRNA", "إرنا", "ارنا"],
    "Sputnik": ["Sputnik", "سبوتنيك"],
    "TASS": ["TASS", "تاس"],
    "UPI": ["UPI", "يونايتد برس"],
}

_SPACE_RE = re.compile(r"\s+")


def normalise_text(text: str, normaliser: Normaliser) -> str:
    """The text a classifier reads: camel-tools normalisation, whitespace collapsed (every run of
    white space one space, none at either end: ``str.split`` and the regular expression ``\\s``
    take the same characters for white space, and splitting costs less than the regular expression)."""
    return " ".join(normaliser.text(text).split())


@dataclass
class MaskEntry:
    string: str  # as configured / found
    kind: str  # outlet_id, outlet_name, alias, config, source_line, agency
    outlet: str = ""  # the outlet it names, when known


@dataclass
class Masker:
    """Masks a fixed list of strings in normalised text (see the module docstring)."""

    entries: list[MaskEntry]
    normaliser: Normaliser
    placeholder: str = " "
    _lookup: dict = field(default_factory=dict, init=False, repr=False)
    _regex: re.Pattern | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        variants: dict[str, int] = {}
        for i, e in enumerate(self.entries):
            norm = normalise_text(e.string, self.normaliser)
            if len(norm) < 2:
                continue
            forms = {norm}
            if norm.startswith("ال") and len(norm) > 3:
                forms.add("لل" + norm[2:])
            for f in forms:
                variants.setdefault(f, i)
        self._lookup = {f: i for f, i in variants.items()}
        if variants:
            self._regex = re.compile(rf"(?<!\w)[وف]?[بلك]?(?P<core>{_alternation(variants)})(?!\w)")

    def mask(self, norm_text: str) -> str:
        """A normalised text with every masked string (with its clitics) replaced by the placeholder."""
        if self._regex is None:
            return norm_text
        return self._regex.sub(self.placeholder, norm_text)

    def hits(self, norm_text: str) -> list[int]:
        """Indices (into entries) of every mask hit in a normalised text."""
        if self._regex is None:
            return []
        return [self._lookup[_SPACE_RE.sub(" ", m.group("core"))] for m in self._regex.finditer(norm_text)]


def _alternation(forms) -> str:
    """A regular expression matching any of ``forms`` (a space in a form: any run of white space),
    the longest first where one is the start of another: the forms as a tree of their letters, so
    that the regex engine, at each place in a text, reads on only as far as some form agrees with it
    (one alternative per form, longest first, has it try every form at every place: the same
    matches)."""
    tree: dict = {}
    for form in forms:
        node = tree
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}  # a form ends here

    def emit(node: dict) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch]) for ch in sorted(node) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: a longer form before one ending here

    return emit(tree)


def build_masker(docs, outlets, mask, normaliser: Normaliser) -> Masker:
    """Masks for a study: the ``outlets``' ids, names and aliases (records.Outlet), source lines,
    credited agencies, and the extra strings of ``mask`` (classify.mask)."""
    entries: list[MaskEntry] = []
    seen: set[str] = set()

    def add(string: str, kind: str, outlet: str = "") -> None:
        string = (string or "").strip()
        key = normalise_text(string, normaliser)
        if len(key) >= 2 and key not in seen:
            seen.add(key)
            entries.append(MaskEntry(string, kind, outlet))

    for s in mask:
        add(s, "config")
    for o in outlets:
        add(o.name or "", "outlet_name", o.id)
        for a in o.aliases:
            add(a, "alias", o.id)
        add(o.id, "outlet_id", o.id)
    for d in docs:
        if d.source_line:
            add(d.source_line, "source_line", d.outlet)
    agencies = sorted({a for d in docs for a in d.wire_agencies})
    for a in agencies:
        add(a, "agency")
        for name in AGENCY_NAMES.get(a, []):
            add(name, "agency")
    for d in docs:  # outlet ids seen in the corpus but not declared (sources with an outlet field)
        add(d.outlet, "outlet_id", d.outlet)
    return Masker(entries, normaliser)


def text_hits(masker: Masker, texts: Iterable[str]) -> list[list[int]]:
    """:meth:`Masker.hits` of each text, normalised first (:func:`normalise_text`)."""
    return [masker.hits(normalise_text(t, masker.normaliser)) for t in texts]


def mask_table(masker: Masker, hits_per_text: Iterable[list[int]]) -> pd.DataFrame:
    """outlet_mask: string, kind, outlet (named), hits, documents hit, over the corpus, from each
    text's hits (:func:`text_hits`)."""
    hits = [0] * len(masker.entries)
    docs_hit = [0] * len(masker.entries)
    for found in hits_per_text:
        for i in found:
            hits[i] += 1
        for i in set(found):
            docs_hit[i] += 1
    return pd.DataFrame(
        {
            "string": [e.string for e in masker.entries],
            "kind": [e.kind for e in masker.entries],
            "outlet": [e.outlet for e in masker.entries],
            "hits": hits,
            "documents": docs_hit,
        }
    )


def keyness_masks(masker: Masker, term_of) -> dict[str, str]:
    """{keyness term: the mask string it comes from} for every one-word mask (an outlet's one-word
    name or alias, a one-word agency name such as واس, a one-word source line). Keyness counts
    single words, and the words of a longer name are mostly common words (الشرق الأوسط, عين اليوم):
    those stay in. ``term_of`` maps a normalised word to its keyness term ("" for none)."""
    out: dict[str, str] = {}
    for e in masker.entries:
        words = normalise_text(e.string, masker.normaliser).split(" ")
        if len(words) == 1:
            t = term_of(words[0])
            if t and len(t) >= 2:
                out.setdefault(t, e.string)
    return out


# letters the normaliser folds together: a mask in normalised spelling matches them all in raw text
_FOLDS = {"ا": "اأإآٱ", "ي": "يى", "ه": "هة"}
_MARKS = "[\u064B-\u065F\u0670\u0640]*"  # diacritics and tatweel, which the normaliser drops


def _raw_pattern(word: str) -> str:
    return _MARKS.join(f"[{re.escape(_FOLDS[c])}]" if c in _FOLDS else re.escape(c) for c in word)


def _lead(norm: str, letters: int = 3) -> str:
    """The raw pattern of the first ``letters`` letters of a normalised phrase (a space as any run of
    white space), as they begin its pattern in ``phrase_term_counts``."""
    return r"\s+".join(_raw_pattern(w) for w in norm[:letters].split(" ") if w)


def phrase_term_counts(masker: Masker, texts_by_outlet, term_of) -> dict[str, dict[str, int]]:
    """Keyness-term counts that multi-word masks account for, per outlet: for every occurrence of a
    multi-word mask string (an outlet's name, alias or source line, an agency's name) in a raw
    text, one count of each of its words' keyness terms. Keyness subtracts them, so that الشرق الأوسط
    written as a self-name does not count as الشرق and الأوسط, while الشرق elsewhere still counts.
    ``texts_by_outlet``: (outlet, raw text) pairs."""
    phrases: dict[str, list[str]] = {}
    for e in masker.entries:
        words = normalise_text(e.string, masker.normaliser).split(" ")
        if len(words) > 1:
            terms = [term_of(w) for w in words]
            phrases.setdefault(" ".join(words), [t for t in terms if t])
    if not phrases:
        return {}
    alts, leads = [], {}
    for norm in sorted(phrases, key=len, reverse=True):
        words = norm.split(" ")
        first = words[0]
        head = _raw_pattern(first)
        leads[_lead(norm)] = None
        if first.startswith("ال") and len(first) > 3:  # after ل the article's alef goes: لل
            head = f"(?:{head}|ل{_MARKS}ل{_MARKS}{_raw_pattern(first[2:])})"
            leads[f"ل{_MARKS}ل{_MARKS}{_lead(first[2:])}"] = None
        alts.append(r"\s+".join([head] + [_raw_pattern(w) for w in words[1:]]))
    order = sorted(phrases, key=len, reverse=True)
    # the lookahead (the first letters of some phrase) is implied by the match itself: it changes no
    # match, and lets the regex give up at most word starts after a few letters
    regex = re.compile(r"(?<!\w)(?=[وف]?[بلك]?(?:" + "|".join(leads) + r"))[وف]?[بلك]?(?:"
                       + "|".join(f"({a})" for a in alts) + r")(?!\w)")
    out: dict[str, dict[str, int]] = {}
    for outlet, text in texts_by_outlet:
        for m in regex.finditer(text):
            terms = phrases[order[m.lastindex - 1]]
            counts = out.setdefault(outlet, {})
            for t in terms:
                counts[t] = counts.get(t, 0) + 1
    return out
