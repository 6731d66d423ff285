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

from framing.corpus.attribute import AR_WORD
from framing.records import Document

SHINGLE = 5
SEED = 1
# per-position multipliers of the shingle hash (odd 32-bit constants)
_MULT = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint64)
_MASK = np.uint64(0xFFFFFFFF)


def exact_key(text: str) -> bytes:
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8"), digest_size=16).digest()


def _identity(x):
    return x


class _Shingler:
    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    def hashes(self, text: str) -> list[int]:
        words = AR_WORD.findall(text) or text.split()
        vocab = self.vocab
        new = set(words).difference(vocab)
        for w in sorted(new):
            vocab[w] = len(vocab) + 1
        ids = np.fromiter(map(vocab.__getitem__, words), dtype=np.uint64, count=len(words))
        if len(ids) < SHINGLE:
            ids = np.concatenate([ids, np.zeros(SHINGLE - len(ids), dtype=np.uint64)])
        n = len(ids) - SHINGLE + 1
        h = np.zeros(n, dtype=np.uint64)
        for k in range(SHINGLE):
            h = (h + ids[k:k + n] * _MULT[k]) & _MASK
        h ^= h >> np.uint64(15)
        h = (h * np.uint64(0x2C1B3C6D)) & _MASK
        return np.unique(h).tolist()


def mark_duplicates(docs: list[Document], *, duplicates: str = "drop", shared_wire: str = "keep",
                    threshold: float = 0.8, num_perm: int = 64) -> dict[str, str]:
    """Mark duplicates among the analysed documents (in place). Returns {doc_id: kind} with kind
    "exact", "near" or "shared wire copy" for every document found to duplicate an earlier one."""
    from datasketch import MinHash, MinHashLSH

    kinds: dict[str, str] = {}
    first_by_key: dict[bytes, Document] = {}
    by_id: dict[str, Document] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    template = MinHash(num_perm=num_perm, seed=SEED, hashfunc=_identity)
    shingler = _Shingler()
    order: dict[str, int] = {}
    sigs: dict[str, MinHash] = {}
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
            mh.update_batch(shingler.hashes(doc.text))
            hits = [by_id[c] for c in lsh.query(mh) if mh.jaccard(sigs[c]) >= threshold]
            if hits:
                canon = min(hits, key=lambda d: order[d.doc_id])
        if canon is None:
            order[doc.doc_id] = len(order)
            by_id[doc.doc_id] = doc
            sigs[doc.doc_id] = mh
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
