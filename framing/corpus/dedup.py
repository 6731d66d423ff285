"""Exact and near-duplicate documents: content hashes, and MinHash over 5-word shingles with
datasketch (the only module that imports it, lazily).

Documents are compared in input order; a duplicate points to the first document of its group
(``duplicate_of``). Within one outlet a duplicate is dropped or kept by ``corpus.duplicates``;
across outlets it is shared wire copy: flagged ``is_wire`` on both sides and dropped or kept by
``corpus.shared_wire``. MinHash LSH (tuned for recall) proposes candidates; the exact Jaccard
similarity of the shingle sets (``words.py``) decides, so the same corpus gives the same decisions
on every run.
"""

from __future__ import annotations

import hashlib

import numpy as np

from framing.corpus.words import WordHasher
from framing.records import Document

SEED = 1


def exact_key(text: str) -> bytes:
    """Identity of a cleaned text (cleaning already normalised its spaces and line breaks)."""
    return hashlib.blake2b(text.strip().encode("utf-8"), digest_size=16).digest()


def _identity(x):
    return x


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique arrays."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def mark_duplicates(docs: list[Document], *, duplicates: str = "drop", shared_wire: str = "keep",
                    threshold: float = 0.8, num_perm: int = 64,
                    shingles: dict[int, np.ndarray] | None = None) -> dict[str, str]:
    """Mark duplicates among the analysed documents (in place). Returns {doc_id: kind} with kind
    "exact", "near" or "shared wire copy" for every document found to duplicate an earlier one.
    ``shingles`` ({id(doc): shingle hashes}) saves recomputing what the cleaning step computed."""
    from datasketch import MinHash, MinHashLSH

    kinds: dict[str, str] = {}
    first_by_key: dict[bytes, Document] = {}
    by_id: dict[str, Document] = {}
    # LSH only proposes candidates, tuned for recall (a lower threshold, false negatives weighed
    # more); every candidate is then checked with the exact Jaccard similarity of the shingle sets.
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.1), num_perm=num_perm, weights=(0.3, 0.7))
    template = MinHash(num_perm=num_perm, seed=SEED, hashfunc=_identity)
    scheme = {"scheme": template.scheme} if hasattr(template, "scheme") else {}  # datasketch >= 2 names it
    hasher = WordHasher()
    shingles = shingles or {}
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
            sh = shingles.get(id(doc))
            if sh is None:
                sh = hasher.analyse(doc.text).shingles
            if len(sh) == 0:  # under five Arabic words: only exact copies are found
                order[doc.doc_id] = len(order)
                by_id[doc.doc_id] = doc
                continue
            mh = MinHash(num_perm=num_perm, seed=SEED, hashfunc=_identity, permutations=template.permutations, **scheme)
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
