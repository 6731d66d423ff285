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
- a frame term or name present on both sides (in an edit, or in identical words) whose voice (``voice.py``: own,
  quoted, attributed, scare) differs: ``voice_change``, e.g. a quotation's marks or its reporting
  verb dropped so that the outlet says in its own voice what the agency quoted (op ``equal`` when
  the words themselves are identical).
An edit that touches none of these is kept with an empty kind: it is still part of the diff.
Each row carries the voice of its term (``from → to`` when it changed).
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
    voice: str = ""  # own, quoted, attributed or scare (matches.csv), "" when unknown
    start: int = 0  # character offsets in the cleaned text
    end: int = 0


@dataclass
class Words:
    """A cleaned text as word ids, with character offsets and its lexicon hits.

    ``ids`` is a sequence with one symbol per word, equal symbols for equal normalised words: a
    string of code points (compact, and what rapidfuzz aligns fastest) while the run's distinct
    words fit in Unicode, else a list of integers.
    """

    doc_id: str
    outlet: str
    text: str
    ids: str | list[int] | range
    starts: np.ndarray
    ends: np.ndarray
    hits: list[Hit] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def placed(cls, doc_id: str, outlet: str, text: str, starts: np.ndarray, ends: np.ndarray) -> Words:
        """Words known by their offsets only, for an alignment made already (:func:`compare` with
        ``blocks``): ``ids`` numbers the words in order, so equal words do not have equal ids and
        the words cannot be aligned again."""
        return cls(doc_id, outlet, text, range(len(starts)), starts, ends)

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


_SURROGATES = 0xD800  # code points from here to 0xDFFF cannot stand in a str of valid UTF-32: skipped
_CODE_POINTS = 0x110000 - 0x800  # distinct words a string of code points can tell apart
WORDS_BATCH = 2000  # documents tokenised at a time (the tokens of all of them at once cost memory)


def _symbols(ids: np.ndarray, as_text: bool) -> str | list[int]:
    """One document's word ids as a string of code points (surrogates skipped) or a list."""
    if not as_text:
        return ids.tolist()
    points = ids.astype("<u4")
    points[points >= _SURROGATES] += 0x800
    return points.tobytes().decode("utf-32-le")


def words_many(items: list[tuple[str, str, str]], normaliser) -> list[Words]:
    """Words of many (doc_id, outlet, text) at once: the batch tokeniser of the analysis
    (``analyse/tokens.py``, the same tokens and offsets as ``arabic.token_arrays``), one id per
    normalised word (the same id for the same word across all of ``items``), tokenised
    ``WORDS_BATCH`` documents at a time."""
    from framing.analyse.tokens import Vocabulary, tokenize_batch

    vocab = Vocabulary(normaliser)
    id_of: dict[str, int] = {}  # normalised word -> its id, in order of first sight
    norm_id = np.zeros(0, dtype=np.int32)
    batches = []
    for lo in range(0, len(items), WORDS_BATCH):
        part = items[lo:lo + WORDS_BATCH]
        batch = tokenize_batch([text for _, _, text in part], vocab)
        if len(vocab.norms) > len(norm_id):  # ids for the surface words new in this batch
            more = [id_of.setdefault(n, len(id_of)) for n in vocab.norms[len(norm_id):]]
            norm_id = np.concatenate([norm_id, np.asarray(more, dtype=np.int32)])
        ids = norm_id[batch.ids] if len(batch.ids) else np.zeros(0, dtype=np.int32)
        batches.append((part, ids, batch.starts.astype(np.int32), batch.ends.astype(np.int32), batch.bounds))
    as_text = len(id_of) <= _CODE_POINTS
    out = []
    for part, ids, starts, ends, b in batches:
        out += [Words(doc_id, outlet, text, _symbols(ids[b[k]:b[k + 1]], as_text), starts[b[k]:b[k + 1]],
                      ends[b[k]:b[k + 1]]) for k, (doc_id, outlet, text) in enumerate(part)]
    return out


def attach_hits(w: Words, rows) -> None:
    """rows: (lexicon, kind, category, entry, start, end, voice) of the document's matches."""
    if not len(w.ids) or not rows:
        return
    starts = np.fromiter((r[4] for r in rows), dtype=np.int64, count=len(rows))
    ends = np.fromiter((r[5] for r in rows), dtype=np.int64, count=len(rows))
    first = np.searchsorted(w.ends, starts, side="right")
    last = np.minimum(np.maximum(first, np.searchsorted(w.starts, ends, side="left") - 1), len(w.ids) - 1)
    for (lexicon, kind, category, entry, start, end, voice), f, la in zip(rows, first.tolist(), last.tolist()):
        if f < len(w.ids):
            w.hits.append(Hit(lexicon, kind, category, entry, f, la, voice, start, end))


def raw_opcodes(ref, new) -> list[tuple[str, int, int, int, int]]:
    """rapidfuzz's Levenshtein opcodes of two word-id sequences (:attr:`Words.ids`), as tuples
    (tag, i1, i2, j1, j2)."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.opcodes(ref, new).as_list()


def fold(raw) -> list[tuple[str, int, int, int, int]]:
    """Blocks (tag, i1, i2, j1, j2), tag equal/replace/insert/delete: runs of fewer than
    ``MIN_EQUAL`` identical words between two edits folded into one edit with them."""
    out: list[list] = []
    last = len(raw) - 1
    for k, (tag, i1, i2, j1, j2) in enumerate(raw):
        if tag == "equal" and (i2 - i1 >= MIN_EQUAL or k == 0 or k == last):
            out.append(["equal", i1, i2, j1, j2])
        elif out and out[-1][0] != "equal":
            out[-1][2], out[-1][4] = i2, j2
        else:
            out.append(["edit", i1, i2, j1, j2])
    for b in out:
        if b[0] == "edit":
            b[0] = "replace" if b[2] > b[1] and b[4] > b[3] else ("insert" if b[4] > b[3] else "delete")
    return [tuple(b) for b in out]


def opcodes(ref: list[int], new: list[int]) -> list[tuple[str, int, int, int, int]]:
    """Aligned blocks of two word-id lists (``fold`` of ``raw_opcodes``)."""
    return fold(raw_opcodes(ref, new))


def passage_words(blocks) -> int:
    """Words in shared passages (identical runs of at least MIN_PASSAGE words); the same for raw
    opcodes and folded blocks (folding only takes shorter runs)."""
    return sum(i2 - i1 for tag, i1, i2, _, _ in blocks if tag == "equal" and i2 - i1 >= MIN_PASSAGE)


def reused_words(blocks) -> int:
    """Words of the derivative taken over unchanged (the equal blocks of an alignment)."""
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
    """Quoted passages of at least QUOTE_WORDS words in a text."""
    return sum(1 for m in QUOTE_RE.finditer(text) if len(m.group().split()) >= QUOTE_WORDS)


@dataclass
class Pair:
    """A derivative aligned against its reference: blocks, edit rows and what its copy carried."""

    reused: int
    passages: int
    edits: list[dict]
    carried: Counter  # (lexicon, axis, entry) -> reference mentions inside copied text (kept or edited in place)
    blocks: list


def flipped(blocks) -> list[tuple[str, int, int, int, int]]:
    """The blocks of new against ref from those of ref against new."""
    swap = {"insert": "delete", "delete": "insert"}
    return [(swap.get(tag, tag), j1, j2, i1, i2) for tag, i1, i2, j1, j2 in blocks]


def compare(ref: Words, new: Words, raw=None, blocks=None) -> Pair:
    """Align ``new`` with ``ref`` (or take their ``raw_opcodes``, or the ``blocks`` :func:`fold`
    made of them) and classify every edit."""
    if blocks is None:
        blocks = fold(raw_opcodes(ref.ids, new.ids) if raw is None else raw)
    edits: list[dict] = []
    carried: Counter = Counter()
    new_at = {}
    for g in new.hits:
        new_at.setdefault((g.first, g.lexicon, g.category, g.entry), g)
    for tag, i1, i2, j1, j2 in blocks:
        short = tag == "replace" and i2 - i1 <= SWAP_MAX and j2 - j1 <= SWAP_MAX
        ref_hits = _touching(ref.hits, i1, i2)
        if tag == "equal" or short:
            for h in ref_hits:
                if h.kind == "naming" and h.first >= i1:
                    carried[(h.lexicon, h.category, h.entry)] += 1
        if tag == "equal":  # the same words; a hit's voice changes when quote marks or a reporting verb around it did
            for h in ref_hits:
                if i1 <= h.first and h.last < i2:
                    g = new_at.get((h.first - i1 + j1, h.lexicon, h.category, h.entry))
                    if g is not None and _voice_changed(h, g):
                        edits.append(_voice_row("equal", "copy", ref, new, h, g))
            continue
        new_hits = _touching(new.hits, j1, j2)
        ref_start, ref_text = ref.span(i1, i2)
        new_start, new_text = new.span(j1, j2)
        scope = "copy" if i2 - i1 <= COPY_MAX and j2 - j1 <= COPY_MAX else "passage"
        base = {"op": tag, "ref_text": ref_text, "new_text": new_text, "ref_start": ref_start, "new_start": new_start,
                "ref_end": ref_start + len(ref_text), "new_end": new_start + len(new_text), "scope": scope}
        rows = []
        for kind, h, to in classify(ref_hits, new_hits, short):
            entry = f"{h.entry} → {to.entry}" if to is not None else h.entry
            voice = h.voice if to is None or to.voice == h.voice else f"{h.voice} → {to.voice}"
            rows.append({**base, "lexicon": h.lexicon, "category": h.category, "entry": entry, "kind": kind, "voice": voice})
        same: dict[tuple, list] = {}
        for h in new_hits:
            same.setdefault((h.lexicon, h.category, h.entry), []).append(h)
        for h in ref_hits:  # a term kept through the edit, in another voice
            left = same.get((h.lexicon, h.category, h.entry))
            if left:
                g = left.pop(0)
                if _voice_changed(h, g):
                    rows.append(_voice_row(tag, scope, ref, new, h, g))
        q_ref, q_new = quotes(ref.around(i1, i2)), quotes(new.around(j1, j2))
        if q_new != q_ref:
            rows += [{**base, "lexicon": "", "category": "", "entry": "", "voice": "",
                      "kind": "quote_added" if q_new > q_ref else "quote_removed"}] * abs(q_new - q_ref)
        edits += rows or [{**base, "lexicon": "", "category": "", "entry": "", "kind": "", "voice": ""}]
    return Pair(reused_words(blocks), passage_words(blocks), edits, carried, blocks)


def _voice_changed(h: Hit, g: Hit) -> bool:
    """A frame term or a name in another voice (a marker, e.g. a reporting verb, has no voice of its own)."""
    return h.kind != "markers" and bool(h.voice) and bool(g.voice) and g.voice != h.voice


def _voice_row(op: str, scope: str, ref: Words, new: Words, h: Hit, g: Hit) -> dict:
    return {"op": op, "ref_text": ref.text[h.start:h.end], "new_text": new.text[g.start:g.end],
            "ref_start": h.start, "new_start": g.start, "ref_end": h.end, "new_end": g.end, "scope": scope, "lexicon": h.lexicon,
            "category": h.category, "entry": h.entry, "kind": "voice_change", "voice": f"{h.voice} → {g.voice}"}
