"""Word-level alignment of a derivative against its reference, and what each edit does to the
framing.

Both cleaned texts are split into words (``arabic.token_arrays``); each normalised word becomes an
integer id and rapidfuzz's Levenshtein opcodes align the two id lists (bit-parallel, not a
quadratic Python diff). Runs of fewer than ``MIN_EQUAL`` identical words between two edits are
folded into one edit: in text an outlet wrote itself, a shared «في» or «من» is chance, not reuse.

An edit (``replace``, ``insert``, ``delete``) is classified by the lexicon hits it touches on each
side (a hit touches an edit when one of its words lies inside it):

- naming lexicons: in a short replacement (at most ``SWAP_MAX`` words a side) a hit of an axis
  paired, in order, with a hit of the same axis under another entry is a ``naming_swap``
  (from → to); an unpaired hit is ``name_added`` / ``name_removed``;
- frames lexicons: ``frame_added`` / ``frame_removed`` (per category, hits present on both sides cancel);
- markers lexicons: ``distancing_added`` / ``distancing_removed`` for distancing and hedging
  categories, ``attribution_added`` / ``attribution_removed`` for the others;
- a complete quotation («…», “…” or "…" of three words or more) only on one side: ``quote_added`` /
  ``quote_removed``.
Each edit has a scope: ``copy`` (at most ``COPY_MAX`` words a side: a change inside the reused
text) or ``passage`` (a passage the outlet added, cut or rewrote).
An edit that touches none of these is kept with an empty kind: it is still part of the diff.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

MIN_EQUAL = 3  # shorter runs of identical words between two edits are folded into the edit
MIN_PASSAGE = 5  # a shared passage: at least this many identical words in a row
SWAP_MAX = 6  # a naming swap happens in a replacement of at most this many words a side
COPY_MAX = 12  # an edit of at most this many words a side is an edit of the copy; longer, a passage
QUOTE_WORDS = 3  # a quotation holds at least this many words (shorter quoted strings are names or titles)
QUOTE_RE = re.compile(r"«[^«»]+»|“[^“”]+”|\"[^\"\n]+\"")


@dataclass
class Hit:
    lexicon: str
    kind: str  # frames | naming | markers
    category: str
    entry: str
    first: int  # first and last word (token index) of the hit
    last: int


@dataclass
class Words:
    """A cleaned text as integer word ids, with character offsets and its lexicon hits."""

    doc_id: str
    outlet: str
    text: str
    ids: list[int]
    starts: np.ndarray
    ends: np.ndarray
    hits: list[Hit] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def span(self, i: int, j: int) -> tuple[int, str]:
        """(character offset, text) of words i..j-1; an empty range sits before word i."""
        if i >= j:
            pos = int(self.starts[i]) if i < len(self.ids) else len(self.text)
            return pos, ""
        a, b = int(self.starts[i]), int(self.ends[j - 1])
        return a, self.text[a:b]

    def around(self, i: int, j: int) -> str:
        """Words i..j-1 with the punctuation between them and their equal neighbours (quote marks)."""
        a = int(self.ends[i - 1]) if i > 0 else 0
        b = int(self.starts[j]) if j < len(self.ids) else len(self.text)
        return self.text[a:b]


def words_of(doc_id: str, outlet: str, text: str, normaliser, vocab: dict[str, int]) -> Words:
    from framing.arabic import token_arrays

    _, norms, starts, ends = token_arrays(text, normaliser)
    ids = [vocab.setdefault(n, len(vocab)) for n in norms]
    return Words(doc_id, outlet, text, ids, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64))


def attach_hits(w: Words, rows) -> None:
    """rows: (lexicon, kind, category, entry, start, end) of the document's matches."""
    if not len(w.ids):
        return
    for lexicon, kind, category, entry, start, end in rows:
        first = int(np.searchsorted(w.ends, start, side="right"))
        last = max(first, int(np.searchsorted(w.starts, end, side="left")) - 1)
        if first < len(w.ids):
            w.hits.append(Hit(lexicon, kind, category, entry, first, min(last, len(w.ids) - 1)))


def opcodes(ref: list[int], new: list[int]) -> list[tuple[str, int, int, int, int]]:
    """Aligned blocks (tag, i1, i2, j1, j2), tag equal/replace/insert/delete, short equal runs
    between edits folded into them."""
    from rapidfuzz.distance import Levenshtein

    raw = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Levenshtein.opcodes(ref, new)]
    out: list[list] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(raw):
        inner = 0 < k < len(raw) - 1
        if tag == "equal" and not (inner and i2 - i1 < MIN_EQUAL):
            out.append(["equal", i1, i2, j1, j2])
        elif out and out[-1][0] != "equal":
            out[-1][2], out[-1][4] = i2, j2
        else:
            out.append(["edit", i1, i2, j1, j2])
    for b in out:
        if b[0] == "edit":
            b[0] = "replace" if b[2] > b[1] and b[4] > b[3] else ("insert" if b[4] > b[3] else "delete")
    return [tuple(b) for b in out]


def passage_words(blocks) -> int:
    """Words in shared passages (identical runs of at least MIN_PASSAGE words)."""
    return sum(i2 - i1 for tag, i1, i2, _, _ in blocks if tag == "equal" and i2 - i1 >= MIN_PASSAGE)


def reused_words(blocks) -> int:
    return sum(i2 - i1 for tag, i1, i2, _, _ in blocks if tag == "equal")


def _touching(hits: list[Hit], lo: int, hi: int) -> list[Hit]:
    return [h for h in hits if h.first < hi and h.last >= lo] if hi > lo else []


def _marker_kind(category: str) -> str:
    return "distancing" if ("distanc" in category or "hedg" in category) else "attribution"


def classify(ref_hits: list[Hit], new_hits: list[Hit], short: bool) -> list[tuple[str, Hit, Hit | None]]:
    """The framing edits of one aligned edit: (kind, hit, swapped-to hit or None)."""
    out: list[tuple[str, Hit, Hit | None]] = []
    by_ref: dict[tuple, list[Hit]] = defaultdict(list)
    by_new: dict[tuple, list[Hit]] = defaultdict(list)
    for h in ref_hits:
        by_ref[(h.lexicon, h.kind, h.category)].append(h)
    for h in new_hits:
        by_new[(h.lexicon, h.kind, h.category)].append(h)
    for key in sorted(set(by_ref) | set(by_new)):
        lexicon, kind, category = key
        old, new = sorted(by_ref.get(key, []), key=lambda h: h.first), sorted(by_new.get(key, []), key=lambda h: h.first)
        if kind == "naming":
            # the same entry on both sides is no change; then, in a short replacement, pair in order
            common = Counter(h.entry for h in old) & Counter(h.entry for h in new)
            old, new = _minus(old, common), _minus(new, common)
            if short:
                while old and new:
                    out.append(("naming_swap", old.pop(0), new.pop(0)))
            out += [("name_removed", h, None) for h in old] + [("name_added", h, None) for h in new]
            continue
        label = "frame" if kind == "frames" else _marker_kind(category)
        n = min(len(old), len(new))  # hits of the category on both sides cancel, same entries first
        common = Counter(h.entry for h in old) & Counter(h.entry for h in new)
        old_left, new_left = _minus(old, common), _minus(new, common)
        n -= sum(common.values())
        old_left, new_left = old_left[n:], new_left[n:]
        out += [(f"{label}_removed", h, None) for h in old_left] + [(f"{label}_added", h, None) for h in new_left]
    return out


def _minus(hits: list[Hit], common: Counter) -> list[Hit]:
    left = Counter(common)
    out = []
    for h in hits:
        if left[h.entry] > 0:
            left[h.entry] -= 1
        else:
            out.append(h)
    return out


def quotes(text: str) -> int:
    return sum(1 for m in QUOTE_RE.finditer(text) if len(m.group().split()) >= QUOTE_WORDS)


@dataclass
class Pair:
    """A derivative aligned against its reference: blocks, edit rows and what its copy carried."""

    reused: int
    passages: int
    edits: list[dict]
    carried: Counter  # (lexicon, axis, entry) -> reference mentions inside copied text (kept or edited in place)
    blocks: list


def compare(ref: Words, new: Words) -> Pair:
    blocks = opcodes(ref.ids, new.ids)
    edits: list[dict] = []
    carried: Counter = Counter()
    for tag, i1, i2, j1, j2 in blocks:
        short = tag == "replace" and i2 - i1 <= SWAP_MAX and j2 - j1 <= SWAP_MAX
        if tag == "equal" or short:
            for h in _touching(ref.hits, i1, i2):
                if h.kind == "naming" and h.first >= i1:
                    carried[(h.lexicon, h.category, h.entry)] += 1
        if tag == "equal":
            continue
        ref_start, ref_text = ref.span(i1, i2)
        new_start, new_text = new.span(j1, j2)
        scope = "copy" if i2 - i1 <= COPY_MAX and j2 - j1 <= COPY_MAX else "passage"
        base = {"op": tag, "ref_text": ref_text, "new_text": new_text, "ref_start": ref_start, "new_start": new_start,
                "scope": scope}
        rows = []
        for kind, h, to in classify(_touching(ref.hits, i1, i2), _touching(new.hits, j1, j2), short):
            entry = f"{h.entry} → {to.entry}" if to is not None else h.entry
            rows.append({**base, "lexicon": h.lexicon, "category": h.category, "entry": entry, "kind": kind})
        q_ref, q_new = quotes(ref.around(i1, i2)), quotes(new.around(j1, j2))
        if q_new != q_ref:
            rows += [{**base, "lexicon": "", "category": "", "entry": "",
                      "kind": "quote_added" if q_new > q_ref else "quote_removed"}] * abs(q_new - q_ref)
        edits += rows or [{**base, "lexicon": "", "category": "", "entry": "", "kind": ""}]
    return Pair(reused_words(blocks), passage_words(blocks), edits, carried, blocks)
