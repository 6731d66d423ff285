"""Exact and near-duplicate documents: content hashes, and MinHash over 5-word shingles with
datasketch (the only module that imports it, lazily).

Documents are compared in input order; a duplicate points to the first document of its group
(``duplicate_of``). Within one outlet a duplicate is dropped or kept by ``corpus.duplicates``;
across outlets it is shared wire copy: flagged ``is_wire`` on both sides and dropped or kept by
``corpus.shared_wire``. Shingles are hashed from word ids assigned in input order, so the same
corpus gives the same signatures and the same decisions on every run.
"""

from __future__ import annotations

import hashlib

import numpy as np

from framing.records import Document

SHINGLE = 5
SEED = 1
_MASK32 = np.uint64(0xFFFFFFFF)
_P = 0x100000001B3  # odd, so invertible modulo 2**64
# per-position multipliers of the shingle hash (odd 64-bit constants)
_MULT = [np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)]


def exact_key(text: str) -> bytes:
    """Identity of a cleaned text (cleaning already normalised its spaces and line breaks)."""
    return hashlib.blake2b(text.strip().encode("utf-8"), digest_size=16).digest()


def _identity(x):
    return x


def _inverse(p: int) -> int:
    inv = p
    for _ in range(7):  # Newton's iteration doubles the correct bits: 7 steps > 64 bits
        inv = (inv * (2 - p * inv)) % (1 << 64)
    return inv


class Shingler:
    """32-bit hashes of a text's 5-word shingles, computed with numpy from the UTF-16 code units.

    A word is a run of Arabic letters (and marks); its hash is a polynomial hash of its code units
    taken from prefix sums (wrapping modulo 2**64), so no Python loop runs per word. The same text
    always gives the same hashes, whatever the process or run.
    """

    def __init__(self) -> None:
        self.pow = np.ones(1, dtype=np.uint64)
        self.inv = np.ones(1, dtype=np.uint64)

    def _grow(self, n: int) -> None:
        size = max(n + 1, 2 * len(self.pow))
        self.pow = _powers(_P, size)
        self.inv = _powers(_inverse(_P), size)

    def hashes(self, text: str) -> list[int]:
        a = np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)
        n = len(a)
        if n + 1 > len(self.pow):
            self._grow(n)
        letters = ((a >= 0x0621) & (a <= 0x065F)) | ((a >= 0x0670) & (a <= 0x06D3))
        edges = np.diff(letters.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        if len(starts) == 0:
            return []
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(a.astype(np.uint64) * self.pow[:n], out=prefix[1:])
        words = (prefix[ends] - prefix[starts]) * self.inv[starts]
        if len(words) < SHINGLE:
            words = np.concatenate([words, np.zeros(SHINGLE - len(words), dtype=np.uint64)])
        m = len(words) - SHINGLE + 1
        sh = words[:m] * _MULT[0]
        for k in range(1, SHINGLE):
            sh += words[k:k + m] * _MULT[k]
        sh = (sh ^ (sh >> np.uint64(32))) & _MASK32
        return np.unique(sh).astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique arrays."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def _powers(base: int, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.uint64)
    out[0] = 1
    if size > 1:
        out[1:] = np.cumprod(np.full(size - 1, base, dtype=np.uint64))
    return out


def mark_duplicates(docs: list[Document], *, duplicates: str = "drop", shared_wire: str = "keep",
                    threshold: float = 0.8, num_perm: int = 64) -> dict[str, str]:
    """Mark duplicates among the analysed documents (in place). Returns {doc_id: kind} with kind
    "exact", "near" or "shared wire copy" for every document found to duplicate an earlier one."""
    from datasketch import MinHash, MinHashLSH

    kinds: dict[str, str] = {}
    first_by_key: dict[bytes, Document] = {}
    by_id: dict[str, Document] = {}
    # LSH only proposes candidates, tuned for recall (a lower threshold, false negatives weighed
    # more); every candidate is then checked with the exact Jaccard similarity of the shingle sets.
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.2), num_perm=num_perm, weights=(0.2, 0.8))
    template = MinHash(num_perm=num_perm, seed=SEED, hashfunc=_identity)
    shingler = Shingler()
    order: dict[str, int] = {}
    sigs: dict[str, np.ndarray] = {}  # doc_id -> sorted unique shingle hashes (uint32)
    for doc in docs:
        if not doc.analysed:
            continue
        key = exact_key(doc.text)
        canon = first_by_key.get(key)
        exact = canon is not None
        mh = None
        if canon is None:
            first_by_key[key] = doc
            mh = MinHash(num_perm=num_perm, seed=SEED, hashfunc=_identity, permutations=template.permutations,
                         scheme=template.scheme)
            sh = shingler.hashes(doc.text)
            mh.update_batch(sh.tolist())
            hits = [by_id[c] for c in lsh.query(mh) if jaccard(sh, sigs[c]) >= threshold]
            if hits:
                canon = min(hits, key=lambda d: order[d.doc_id])
        if canon is None:
            order[doc.doc_id] = len(order)
            by_id[doc.doc_id] = doc
            sigs[doc.doc_id] = sh
            lsh.insert(doc.doc_id, mh)
            continue
        cross = canon.outlet != doc.outlet
        kind = "shared wire copy" if cross else ("exact" if exact else "near")
        kinds[doc.doc_id] = kind
        doc.duplicate_of = canon.doc_id
        if cross:
            doc.is_wire = canon.is_wire = True
            if shared_wire == "drop":
                doc.skip(f"duplicate of {canon.doc_id} (shared wire copy, also published by {canon.outlet})")
        elif duplicates == "drop":
            doc.skip(f"duplicate of {canon.doc_id} ({'exact copy' if exact else 'near-duplicate'})")
    return kinds
