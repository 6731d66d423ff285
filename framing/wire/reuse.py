"""The half of the shared-copy stage that reads no lexicon: which documents reuse which text, and
how every derivative's words align with its reference's.

:func:`find` takes the analysed documents: candidate pairs from the shingle index
(``stories.py``), each aligned word by word and confirmed or not, confirmed pairs grouped into
stories, and every derivative aligned with its story's reference. It returns the ``stories``
table and a :class:`Reuse`: the stories with every derivative's alignment (folded blocks,
``align.fold``), which the other half (``edits.py``) classifies against the run's lexicon hits.
None of it depends on the lexicons, so the pipeline keeps it across lexicon edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.records import Document
from framing.wire import align, stories
from framing.wire.options import WireOptions

STORY_COLUMNS = ["story_id", "doc_id", "outlet", "role", "reused_words", "share_reused", "agencies", "words", "date"]
TAGS = ("equal", "replace", "insert", "delete")  # the tags of align.fold, coded by position
_CODE = {t: k for k, t in enumerate(TAGS)}


@dataclass
class Reuse:
    """Stories with every derivative's alignment, by index into the analysed documents.

    ``references[s]`` is the index of story ``s``'s reference (stories in order of their
    reference; story ``s`` is ``story_id`` ``S{s+1:05d}``), ``derivatives[s]`` those of its
    derivatives and ``blocks[s][j]`` the alignment of derivative ``j`` against the reference: an
    int32 array with a row (tag code in ``TAGS``, i1, i2, j1, j2) per block of ``align.fold``.
    ``doc_ids`` names every index used, so that a reader can check it has the same documents.
    The words of every member (in :meth:`members` order) are kept as their character offsets, so
    that the edits are classified without tokenising again: ``counts`` words each, every word as
    its ``gaps`` (characters since the end of the word before, or the start of the text) and its
    ``lengths``, in the smallest integer type that holds them.
    """

    references: list[int] = field(default_factory=list)
    derivatives: list[list[int]] = field(default_factory=list)
    blocks: list[list[np.ndarray]] = field(default_factory=list)
    doc_ids: dict[int, str] = field(default_factory=dict)
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    gaps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))

    def __len__(self) -> int:
        return len(self.references)

    def members(self) -> list[int]:
        """Every document index of a story (references and derivatives), sorted."""
        return sorted({k for s in range(len(self)) for k in (self.references[s], *self.derivatives[s])})

    def aligned(self, s: int, only: set[int] | None = None) -> list[tuple[int, list[tuple[str, int, int, int, int]]]]:
        """(derivative index, its blocks as ``align.fold`` gives them) of story ``s`` (of the
        derivatives in ``only``, when given)."""
        return [(k, [(TAGS[t], i1, i2, j1, j2) for t, i1, i2, j1, j2 in b.tolist()])
                for k, b in zip(self.derivatives[s], self.blocks[s]) if only is None or k in only]

    def keep_words(self, words: dict[int, align.Words]) -> None:
        """Keep the offsets of the members' words (``words`` by document index)."""
        members = [words[k] for k in self.members()]
        self.counts = np.array([len(w) for w in members], dtype=np.int64)
        starts = [w.starts.astype(np.int64) for w in members]
        ends = [w.ends.astype(np.int64) for w in members]
        before = [np.concatenate([[0], e[:-1]]) if len(e) else e for e in ends]
        gaps = np.concatenate([s - b for s, b in zip(starts, before)] or [np.zeros(0, np.int64)])
        lengths = np.concatenate([e - s for s, e in zip(starts, ends)] or [np.zeros(0, np.int64)])
        self.gaps = gaps.astype(np.min_scalar_type(int(gaps.max(initial=0))))
        self.lengths = lengths.astype(np.min_scalar_type(int(lengths.max(initial=0))))

    def words(self, docs: list[Document], only: set[int] | None = None) -> dict[int, align.Words]:
        """The members' words with the offsets :meth:`keep_words` kept, by document index, without
        word ids (:meth:`framing.wire.align.Words.placed`: their alignments are here already);
        only of the members in ``only``, when given."""
        out = {}
        at = np.concatenate([[0], np.cumsum(self.counts)]).tolist()
        for i, k in enumerate(self.members()):
            if only is not None and k not in only:
                continue
            lengths = self.lengths[at[i]:at[i + 1]].astype(np.int64)
            ends = np.cumsum(self.gaps[at[i]:at[i + 1]].astype(np.int64) + lengths)
            d = docs[k]
            out[k] = align.Words.placed(d.doc_id, d.outlet, d.text, (ends - lengths).astype(np.int32),
                                        ends.astype(np.int32))
        return out

    def check(self, docs: list[Document]) -> None:
        """Raise ValueError unless every index names the same document in ``docs``."""
        for k, doc_id in self.doc_ids.items():
            if k >= len(docs) or docs[k].doc_id != doc_id:
                raise ValueError(f"the shared-copy stories were found in other documents (no {doc_id} at {k})")


def _coded(blocks: list[tuple[str, int, int, int, int]]) -> np.ndarray:
    return np.array([(_CODE[t], i1, i2, j1, j2) for t, i1, i2, j1, j2 in blocks], dtype=np.int32).reshape(-1, 5)


def find(docs: list[Document], normaliser, opts: WireOptions, clock, info: dict) -> tuple[pd.DataFrame, Reuse]:
    """The stories table and the :class:`Reuse` of the analysed ``docs`` (laps ``candidates``,
    ``stories`` and ``align`` on ``clock``; pair counts into ``info``)."""
    from framing.corpus.words import WordHasher

    shingles = [w.shingles for w in WordHasher().analyse_many([d.text for d in docs])]
    outlet_ids = {o: k for k, o in enumerate(sorted({d.outlet for d in docs}))}
    outlet = np.array([outlet_ids[d.outlet] for d in docs], dtype=np.int64)
    cand = stories.candidate_pairs(shingles, outlet, max_df=opts.max_shingle_docs,
                                   min_shared=max(1, opts.min_words - align.MIN_PASSAGE + 1), min_share=opts.min_share)
    info["candidate_pairs"] = int(len(cand))
    del shingles
    clock.lap("candidates")

    members = np.unique(cand).tolist()
    words = dict(zip(members, align.words_many([(docs[k].doc_id, docs[k].outlet, docs[k].text) for k in members],
                                               normaliser)))
    shared: dict[tuple[int, int], int] = {}  # words in shared passages, by pair (lower index first)

    def raw(a: int, b: int) -> list:
        """The alignment of documents a and b, always computed lower index first (Levenshtein
        alignments are not symmetric), flipped when a is the higher one."""
        blocks = align.raw_opcodes(words[min(a, b)].ids, words[max(a, b)].ids)
        return blocks if a < b else align.flipped(blocks)

    def confirmed(a: int, b: int) -> bool:
        key = (min(a, b), max(a, b))
        if key not in shared:  # alignments are not kept: only the stories' are needed again
            shared[key] = align.passage_words(raw(*key))
        n = shared[key]
        return n >= opts.min_words and n >= opts.min_share * max(1, min(len(words[a]), len(words[b])))

    pairs = [(int(a), int(b)) for a, b in cand if confirmed(int(a), int(b))]
    info["confirmed_pairs"] = len(pairs)
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    found: list[stories.Story] = []
    todo = stories.group_pairs(pairs)
    while todo:
        group = todo.pop(0)
        inside = set(group)
        weight = {k: sum(shared[(min(k, m), max(k, m))] for m in neighbours[k] if m in inside) for k in group}
        ref = min(group, key=lambda k: (not docs[k].wire_agencies, docs[k].date or "9999", -weight[k], k))
        derived = [k for k in group if k != ref and docs[k].outlet != docs[ref].outlet and confirmed(ref, k)]
        if derived:
            found.append(stories.Story("", ref, derived))
        rest = inside - {ref} - set(derived)
        sub = [(a, m) for a in sorted(rest) for m in neighbours[a] if m in rest and a < m]
        todo = stories.group_pairs(sub) + todo
    found.sort(key=lambda s: s.reference)
    clock.lap("stories")

    reuse, rows = Reuse(), []
    for n, s in enumerate(found, 1):
        story_id, ref, rw = f"S{n:05d}", docs[s.reference], words[s.reference]
        used = np.zeros(len(rw), dtype=bool)
        coded = []
        for k in s.derivatives:
            d, dw = docs[k], words[k]
            blocks = align.fold(raw(s.reference, k))
            for tag, i1, i2, _, _ in blocks:
                if tag == "equal":
                    used[i1:i2] = True
            reused = align.reused_words(blocks)
            rows.append((story_id, d.doc_id, d.outlet, "derivative", reused, reused / max(1, len(dw)),
                         ";".join(d.wire_agencies), len(dw), d.date or ""))
            coded.append(_coded(blocks))
        rows.insert(len(rows) - len(s.derivatives), (
            story_id, ref.doc_id, ref.outlet, "reference", int(used.sum()), used.sum() / max(1, len(rw)),
            ";".join(ref.wire_agencies), len(rw), ref.date or ""))
        reuse.references.append(s.reference)
        reuse.derivatives.append(list(s.derivatives))
        reuse.blocks.append(coded)
    reuse.doc_ids = {k: docs[k].doc_id for k in reuse.members()}
    reuse.keep_words(words)
    words.clear()
    clock.lap("align")
    info.update({"stories": len(found), "derivatives": int(sum(len(s.derivatives) for s in found))})
    return pd.DataFrame(rows, columns=STORY_COLUMNS), reuse
