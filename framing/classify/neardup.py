"""Near-duplicate documents, kept once in the outlet classifier's sample.

Two documents that share much of their text (a wire story carried by two outlets, an article
republished after an edit, a story a site runs under several ids) are one story twice. If one is
trained on and the other held out, the classifier is scored on text it has already seen: held-out
accuracy then rises with every doubling of the sample for that reason alone, the learning curve
keeps growing, and the cross-validated accuracy says more about the repetition than about the
outlets' wording. So the outlet classifier's sample keeps one document per story, which puts every
copy of a story on the same side of any split: documents are screened in the seeded order the
sample is drawn in, and one whose 5-word shingles (``framing.corpus.words``) have an estimated
Jaccard similarity of at least ``threshold`` with a document kept before it is skipped.

The estimate is the share of equal values of two 128-value MinHash signatures
(``framing.corpus.minhash``). Candidates come from one bucket table for each of the first 32
values (a pair of Jaccard similarity 0.15 shares one of them with probability 0.995), so screening
a document costs about the same however many were kept before it; only the documents the sample
reaches are ever screened. A document of fewer than 5 Arabic words has no shingle and is kept.
"""

from __future__ import annotations

import time

import numpy as np

from framing.corpus.minhash import BandIndex, band_keys, signatures

NUM_PERM = 128  # signature values: the similarity estimate's standard error is at most 0.045
CANDIDATE_TABLES = 32  # signature values with a bucket table, to propose candidates


class NearDuplicateScreen:
    """Documents kept so far (their MinHash signatures and bucket tables), and those skipped as
    near-duplicates of a kept one. ``threshold`` None keeps every document."""

    def __init__(self, texts, threshold: float | None) -> None:
        self.texts = texts
        self.threshold = threshold
        self.index = BandIndex(CANDIDATE_TABLES, 1)  # rows of ``signatures`` by each of their first values
        self.signatures = np.zeros((0, NUM_PERM), dtype=np.uint32)  # of the kept documents with shingles
        self.n_signed = 0
        self.skipped: dict[int, int] = {}  # skipped document -> the kept document it repeats
        self.kept_docs: list[int] = []  # kept documents with shingles, by row of ``signatures``
        self.seconds = 0.0

    def screen(self, indices) -> list[int]:
        """The documents of ``indices`` that are kept, in their order. Each is compared with every
        document kept before it (by earlier calls or earlier in ``indices``)."""
        indices = [int(i) for i in indices]
        if self.threshold is None or not indices:
            return indices
        from framing.corpus.words import WordHasher

        t0 = time.perf_counter()
        sets = [w.shingles for w in WordHasher().analyse_many([self.texts[i] for i in indices])]
        signed = [k for k, s in enumerate(sets) if len(s)]
        sigs = signatures([sets[k] for k in signed], NUM_PERM)
        sig_of = dict(zip(signed, zip(sigs, band_keys(sigs, CANDIDATE_TABLES, 1))))
        kept: list[int] = []
        for k, i in enumerate(indices):
            if k in sig_of:
                sig, keys = sig_of[k]
                twin = self._twin(sig, keys)
                if twin is not None:
                    self.skipped[i] = twin
                    continue
                self._keep(i, sig, keys)
            kept.append(i)
        self.seconds += time.perf_counter() - t0
        return kept

    def _twin(self, sig: np.ndarray, keys: list[bytes]) -> int | None:
        """The first kept document whose estimated similarity with ``sig`` reaches the threshold."""
        rows = self.index.query(keys)
        if not rows:
            return None
        cand = np.fromiter(sorted(rows), dtype=np.int64, count=len(rows))
        similar = (self.signatures[cand] == sig).mean(axis=1) >= self.threshold
        return self.kept_docs[int(cand[np.argmax(similar)])] if similar.any() else None

    def _keep(self, i: int, sig: np.ndarray, keys: list[bytes]) -> None:
        row = self.n_signed
        if row == len(self.signatures):  # grow by doubling
            grown = np.zeros((max(64, 2 * row), NUM_PERM), dtype=np.uint32)
            grown[:row] = self.signatures[:row]
            self.signatures = grown
        self.signatures[row] = sig
        self.n_signed += 1
        self.kept_docs.append(i)
        self.index.insert(row, keys)
