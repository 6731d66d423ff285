"""Stories: documents of different outlets that reuse the same source text, in whole or in part.

Candidates come from an inverted index of the 5-word shingles the near-duplicate step hashes
(``corpus/words.py``): every shingle found in two to ``max_shingle_docs`` documents links those
documents when they belong to different outlets (a shingle in more documents is boilerplate: a
prayer formula, a standing line). A pair sharing at least ``min_shared_shingles`` shingles, and
that many for a fair part of the shorter text, is aligned word by word (``align.py``); it is
confirmed when their shared passages (identical runs of 5+ words) hold ``min_words`` words and
``min_share`` of the shorter text. Containment, not Jaccard: an outlet that keeps three agency
paragraphs and adds its own is a derivative, though the two texts are far from near-duplicates.

Confirmed pairs are grouped (connected components). Each group's reference is the document most
likely to be the source: one that credits a news agency, then the earliest, then the one sharing
the most words with the others, then the first in input order. Members confirmed against the
reference are its derivatives (other outlets only); the rest form groups of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Story:
    story_id: str
    reference: int  # index into the documents
    derivatives: list[int] = field(default_factory=list)


def candidate_pairs(shingles: list[np.ndarray], outlet: np.ndarray, *, max_df: int, min_shared: int,
                    min_share: float) -> np.ndarray:
    """(a, b) index pairs (a < b, different outlets) worth aligning, sorted."""
    n = len(shingles)
    sizes = np.array([len(s) for s in shingles], dtype=np.int64)
    if n < 2 or not sizes.sum():
        return np.zeros((0, 2), dtype=np.int64)
    values = np.concatenate(shingles)
    doc = np.repeat(np.arange(n, dtype=np.uint32), sizes)
    # a shingle alone in its bucket of the low 24 bits occurs once: no pair, and no need to sort it
    seen = _not_alone(values)
    # one sort of (shingle << 32 | document) keys: shingles grouped, their documents in order
    keys = values[seen].astype(np.uint64)
    del values
    keys <<= np.uint64(32)
    keys |= doc[seen]
    del doc, seen
    keys.sort()
    values, doc = (keys >> np.uint64(32)).astype(np.uint32), keys.astype(np.uint32)  # low 32 bits: the document
    del keys
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    counts = np.diff(np.r_[starts, len(values)])
    keep = np.repeat((counts >= 2) & (counts <= max_df), counts)
    del starts, counts
    values, doc = values[keep], doc[keep]
    del keep
    group = np.cumsum(np.r_[True, values[1:] != values[:-1]], dtype=np.int64) if len(values) else values
    del values
    tally = _PairTally()
    for d in range(1, max_df):  # every pair within a shingle's documents: positions i and i + d
        if d >= len(doc):
            break
        same = group[d:] == group[:-d]
        if not same.any():
            break
        a, b = doc[:-d][same], doc[d:][same]
        cross = outlet[a] != outlet[b]
        a, b = a[cross].astype(np.int64), b[cross].astype(np.int64)
        tally.add(np.minimum(a, b) * n + np.maximum(a, b))
    pairs, shared = tally.result()
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64)
    a, b = pairs // n, pairs % n
    smaller = np.maximum(np.minimum(sizes[a], sizes[b]), 1)
    ok = (shared >= min_shared) & (shared >= 0.5 * min_share * smaller)
    return np.stack([a[ok], b[ok]], axis=1)


class _PairTally:
    """Distinct pair codes and how often each was added, folded into one sorted table every
    ``FOLD`` codes: the pairs of every shared shingle at once would cost eight bytes each, and a
    corpus with many copies of its stories has hundreds of millions of them."""

    FOLD = 1 << 24

    def __init__(self) -> None:
        self.pairs = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self.parts: list[np.ndarray] = []
        self.size = 0

    def add(self, codes: np.ndarray) -> None:
        """Count the pair codes ``codes``."""
        self.parts.append(codes)
        self.size += len(codes)
        if self.size >= self.FOLD:
            self._fold()

    def _fold(self) -> None:
        if not self.parts:
            return
        new, counts = np.unique(np.concatenate(self.parts), return_counts=True)
        self.parts, self.size = [], 0
        if len(self.pairs):
            both = np.concatenate([self.pairs, new])
            self.pairs, inverse = np.unique(both, return_inverse=True)
            self.counts = np.bincount(inverse, weights=np.concatenate([self.counts, counts]),
                                      minlength=len(self.pairs)).astype(np.int64)
        else:
            self.pairs, self.counts = new, counts.astype(np.int64)

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(distinct pair codes, sorted; how many times each was added)."""
        self._fold()
        return self.pairs, self.counts


def _not_alone(values: np.ndarray, chunk: int = 1 << 22) -> np.ndarray:
    """Whether each shingle shares its bucket of the low 24 bits with another one (counted a
    chunk at a time: the bucket index of every shingle at once costs eight bytes a shingle)."""
    counts = np.zeros(1 << 24, dtype=np.int64)
    for lo in range(0, len(values), chunk):
        counts += np.bincount((values[lo:lo + chunk] & np.uint32(0xFFFFFF)).astype(np.intp), minlength=1 << 24)
    out = np.empty(len(values), dtype=bool)
    for lo in range(0, len(values), chunk):
        out[lo:lo + chunk] = counts[(values[lo:lo + chunk] & np.uint32(0xFFFFFF)).astype(np.intp)] > 1
    return out


def group_pairs(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Connected components of the pairs' graph, each sorted, in order of their first member."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for x in sorted(parent):
        members.setdefault(find(x), []).append(x)
    return [members[r] for r in sorted(members)]
