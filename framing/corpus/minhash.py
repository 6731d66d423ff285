"""MinHash signatures of shingle sets for many documents at once (numpy), and a banded LSH index
that proposes near-duplicate candidates.

The signatures are the ones datasketch's ``MinHash`` gives (its default "affine32" scheme, seed 1,
fed the uint32 shingle hashes of ``words.py`` through an identity hash function): each value is
premixed once with the MurmurHash3 32-bit finaliser, then permutation k maps it to
``a_k * h + b_k`` modulo 2**32 and the signature keeps the minimum per permutation. The band
index puts a document in one bucket per band (the band's values as bytes), as datasketch's
``MinHashLSH`` does, so it proposes the same candidates for the same (bands, rows). Neither
imports datasketch: the tests compare both with it.

Signatures are computed where the documents are cleaned (in the worker processes); the index
lives in the parent, which decides duplicates in input order (``dedup.py``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SEED = 1
VALUES_PER_STEP = 1 << 14  # values permuted together: 64 permutations x 16,384 x 4 bytes = 4 MB

# (threshold, num_perm, false positive weight, false negative weight) -> (bands, rows), as
# datasketch's MinHashLSH chooses them (its optimiser needs scipy, slow to import); other
# settings ask datasketch.
_KNOWN_PARAMS = {
    (0.8 - 0.1, 64, 0.3, 0.7): (10, 6),
    (0.7, 64, 0.3, 0.7): (10, 6),
}


@lru_cache(maxsize=8)
def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the ``num_perm`` affine permutations; every ``a`` is odd (a bijection)."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _premix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (arithmetic wraps modulo 2**32)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(sets: list[np.ndarray], num_perm: int) -> np.ndarray:
    """One signature row (uint32, ``num_perm`` values) per non-empty set of uint32 hashes."""
    sizes = np.array([len(x) for x in sets], dtype=np.int64)
    if len(sets) and sizes.min() == 0:
        raise ValueError("a MinHash signature needs at least one value")
    out = np.empty((len(sets), num_perm), dtype=np.uint32)
    if not len(sets):
        return out
    a, b = permutations(num_perm)
    h = _premix(np.concatenate(sets).astype(np.uint32, copy=False))
    ends = np.cumsum(sizes)
    starts = ends - sizes
    i = 0
    while i < len(sets):  # a few thousand values at a time, permutations along the rows
        j = max(i + 1, int(np.searchsorted(ends, starts[i] + VALUES_PER_STEP, side="right")))
        permuted = np.multiply(a[:, None], h[None, starts[i]:ends[j - 1]])
        permuted += b[:, None]
        out[i:j] = np.minimum.reduceat(permuted, starts[i:j] - starts[i], axis=1).T
        i = j
    return out


def lsh_params(threshold: float, num_perm: int, weights: tuple[float, float]) -> tuple[int, int]:
    """(bands, rows per band) minimising the weighted false positive and negative rates."""
    known = _KNOWN_PARAMS.get((threshold, num_perm, *weights))
    if known is not None:
        return known
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    return lsh.b, lsh.r


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> list[list[bytes]]:
    """The bucket keys of each signature: its first ``bands`` x ``rows`` values, band by band, as bytes."""
    if not len(signatures):
        return []
    used = np.ascontiguousarray(signatures[:, :bands * rows])
    return used.view(np.dtype((np.void, rows * used.itemsize))).tolist()


def shares_a_bucket(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """For each signature, whether another one has the same values in one of its bands (or, rarely,
    only the same 64-bit digest of them: a superset, checked exactly by the index)."""
    out = np.zeros(len(signatures), dtype=bool)
    for start in range(0, bands * rows, rows):
        digest = np.zeros(len(signatures), dtype=np.uint64)
        for j in range(start, start + rows):
            digest = (digest ^ signatures[:, j].astype(np.uint64)) * np.uint64(0x100000001B3)
        _, where, counts = np.unique(digest, return_inverse=True, return_counts=True)
        out |= counts[where] > 1
    return out


class BandIndex:
    """Items by the bucket keys of their signature (``band_keys``), one table per band."""

    def __init__(self, bands: int, rows: int) -> None:
        self.bands, self.rows = bands, rows
        self.tables: list[dict[bytes, list]] = [{} for _ in range(bands)]

    def query(self, keys: list[bytes]) -> set:
        """The items sharing at least one bucket with ``keys``."""
        found: set = set()
        for key, table in zip(keys, self.tables):
            hit = table.get(key)
            if hit is not None:
                found.update(hit)
        return found

    def insert(self, item, keys: list[bytes]) -> None:
        """Add an item under its band keys (one per band table)."""
        for key, table in zip(keys, self.tables):
            hit = table.get(key)
            if hit is None:
                table[key] = [item]
            else:
                hit.append(item)
