"""Exact and near-duplicate documents: content hashes, and MinHash over 5-word shingles
(``minhash.py``: numpy signatures, banded LSH index).

Documents are compared in input order; a duplicate points to the first document of its group
(``duplicate_of``). Within one outlet a duplicate is dropped or kept by ``corpus.duplicates``;
across outlets it is shared wire copy: flagged ``is_wire`` on both sides and dropped or kept by
``corpus.shared_wire``. MinHash LSH (tuned for recall) proposes candidates; the exact Jaccard
similarity of the shingle sets (``words.py``) decides, so the same corpus gives the same decisions
on every run. Content hashes and signatures may come precomputed (from the worker processes that
cleaned the texts, ``load.py``); the decisions are taken here, in input order.
"""

from __future__ import annotations

import hashlib

import numpy as np

from framing.corpus.minhash import BandIndex, band_keys, lsh_params, shares_a_bucket
from framing.corpus.minhash import signatures as minhash_signatures
from framing.corpus.words import WordHasher
from framing.records import Document


def exact_key(text: str) -> bytes:
    """Identity of a cleaned text (cleaning already normalised its spaces and line breaks)."""
    return hashlib.blake2b(text.strip().encode("utf-8"), digest_size=16).digest()


def index_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) of the LSH index. It only proposes candidates and is tuned for recall: a lower
    threshold, false negatives weighed more than false positives."""
    return lsh_params(max(0.3, threshold - 0.1), num_perm, (0.3, 0.7))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique arrays."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def mark_duplicates(docs: list[Document], *, duplicates: str = "drop", shared_wire: str = "keep",
                    threshold: float = 0.8, num_perm: int = 64,
                    shingles: dict[int, np.ndarray] | None = None,
                    signatures: dict[int, np.ndarray] | None = None,
                    keys: dict[int, bytes] | None = None) -> dict[str, str]:
    """Mark duplicates among the analysed documents (in place). Returns {doc_id: kind} with kind
    "exact", "near" or "shared wire copy" for every document found to duplicate an earlier one.
    ``shingles``, ``signatures`` and ``keys`` ({id(doc): shingle hashes, MinHash signature, exact
    key}) save recomputing what the cleaning step computed; missing ones are computed here."""
    shingles, signatures, keys = shingles or {}, signatures or {}, keys or {}
    hasher = WordHasher()
    todo: list[tuple[Document, bytes, np.ndarray]] = []
    for doc in docs:
        if doc.analysed:
            key, sh = keys.get(id(doc)), shingles.get(id(doc))
            todo.append((doc, exact_key(doc.text) if key is None else key,
                         hasher.analyse(doc.text).shingles if sh is None else sh))
    # the LSH buckets of the documents with shingles; a document alone in all its buckets is no
    # one's candidate, and is left out of the index
    index = BandIndex(*index_params(threshold, num_perm))
    with_shingles = [(doc, sh) for doc, _, sh in todo if len(sh)]
    missing = [sh for doc, sh in with_shingles if id(doc) not in signatures]
    computed = iter(minhash_signatures(missing, num_perm))
    sigs = [signatures[id(doc)] if id(doc) in signatures else next(computed) for doc, _ in with_shingles]
    matrix = np.stack(sigs) if sigs else np.zeros((0, num_perm), dtype=np.uint32)
    shared = np.flatnonzero(shares_a_bucket(matrix, index.bands, index.rows))
    buckets = dict(zip((id(with_shingles[i][0]) for i in shared), band_keys(matrix[shared], index.bands, index.rows)))

    kinds: dict[str, str] = {}
    first_by_key: dict[bytes, Document] = {}
    kept: list[Document] = []  # documents in the index, by position (input order)
    kept_shingles: list[np.ndarray] = []
    for doc, key, sh in todo:
        canon = first_by_key.get(key)
        exact = canon is not None
        if canon is None:
            first_by_key[key] = doc
            mine = buckets.get(id(doc))
            if mine is None:  # under five Arabic words (only exact copies are found), or alone
                continue
            # LSH proposes candidates; the exact Jaccard similarity of the shingle sets decides
            hits = [i for i in index.query(mine) if jaccard(sh, kept_shingles[i]) >= threshold]
            if hits:
                canon = kept[min(hits)]  # the earliest matching document
            else:
                index.insert(len(kept), mine)
                kept.append(doc)
                kept_shingles.append(sh)
                continue
        cross = canon.outlet != doc.outlet
        kind = "shared wire copy" if cross else ("exact" if exact else "near")
        kinds[doc.doc_id] = kind
        doc.duplicate_of, doc.duplicate_kind = canon.doc_id, kind
        if cross:
            doc.is_wire = canon.is_wire = True
            if shared_wire == "drop":
                doc.skip(f"duplicate of {canon.doc_id} (shared wire copy, also published by {canon.outlet})")
        elif duplicates == "drop":
            doc.skip(f"duplicate of {canon.doc_id} ({'exact copy' if exact else 'near-duplicate'})")
    return kinds
