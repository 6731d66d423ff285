"""Words of a text in one vectorised pass (numpy): the number of Arabic words, the set of word
hashes (to see which agency names can occur) and the 5-word shingle hashes (near-duplicates).

A word is a run of Arabic letters, marks and tatweel, or of ASCII letters. Its hash is a polynomial
hash of its UTF-16 code units taken from prefix sums (wrapping modulo 2**64), so no Python code runs
per word, and the same text gives the same hashes in every process and run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHINGLE = 5
_P = 0x100000001B3  # odd, so invertible modulo 2**64
_MASK32 = np.uint64(0xFFFFFFFF)
# per-position multipliers of the shingle hash (odd 64-bit constants)
_MULT = [np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)]
_EMPTY64 = np.zeros(0, dtype=np.uint64)


@dataclass
class Words:
    n_arabic: int  # Arabic words
    hashes: np.ndarray  # unique word hashes (48 bits in a uint64, sorted)
    shingles: np.ndarray  # unique 5-word shingle hashes of Arabic words (uint32, sorted); none under 5 words


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2's hash-based unique is slower on these arrays)."""
    if len(x) == 0:
        return x
    x = np.sort(x)
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def _inverse(p: int) -> int:
    inv = p
    for _ in range(7):  # Newton's iteration doubles the correct bits: 7 steps > 64 bits
        inv = (inv * (2 - p * inv)) % (1 << 64)
    return inv


def _powers(base: int, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.uint64)
    out[0] = 1
    if size > 1:
        out[1:] = np.cumprod(np.full(size - 1, base, dtype=np.uint64))
    return out


BATCH_CHARS = 1_000_000  # texts are analysed in batches of about this many characters


class WordHasher:
    """Analyses texts in batches: one set of numpy operations covers many documents."""

    def __init__(self) -> None:
        self.pow = np.ones(1, dtype=np.uint64)
        self.inv = np.ones(1, dtype=np.uint64)

    def _grow(self, n: int) -> None:
        size = max(n + 1, 2 * len(self.pow))
        self.pow = _powers(_P, size)
        self.inv = _powers(_inverse(_P), size)

    def _words(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(hash of every word in order, whether it is Arabic, its start) for UTF-16 code units."""
        n = len(a)
        if n + 1 > len(self.pow):
            self._grow(n)
        arabic = ((a >= 0x0621) & (a <= 0x063A)) | ((a >= 0x0640) & (a <= 0x065F)) | ((a >= 0x0670) & (a <= 0x06D3))
        low = a | 0x20
        letters = arabic | ((low >= 0x61) & (low <= 0x7A))
        edges = np.diff(letters.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(a.astype(np.uint64) * self.pow[:n], out=prefix[1:])
        return (prefix[ends] - prefix[starts]) * self.inv[starts], arabic[starts], starts

    def word_hash(self, word: str) -> int:
        """The (48-bit) hash ``analyse`` gives to the single word ``word``."""
        w = self.analyse(word)
        if len(w.hashes) != 1:
            raise ValueError(f"not one word: {word!r}")
        return int(w.hashes[0])

    def analyse(self, text: str) -> Words:
        """The Arabic word count and shingle hashes of one text."""
        return self._batch([text])[0]

    def analyse_many(self, texts: list[str]) -> list[Words]:
        """The Words of many texts, hashed in batches of about ``BATCH_CHARS`` characters."""
        out: list[Words] = []
        batch: list[str] = []
        size = 0
        for t in texts:
            batch.append(t)
            size += len(t)
            if size >= BATCH_CHARS:
                out.extend(self._batch(batch))
                batch, size = [], 0
        if batch:
            out.extend(self._batch(batch))
        return out

    def _batch(self, texts: list[str]) -> list[Words]:
        parts = [t.encode("utf-16-le", "surrogatepass") for t in texts]
        offsets = np.cumsum([0] + [len(p) // 2 + 1 for p in parts])[:-1]  # each text then a "\n"
        a = np.frombuffer(b"\n\x00".join(parts) + b"\n\x00", dtype=np.uint16)
        words, is_arabic, starts = self._words(a)
        k = len(texts)
        doc = (np.searchsorted(offsets, starts, side="right") - 1).astype(np.uint64)
        n_arabic = np.bincount(doc[is_arabic].astype(np.int64), minlength=k)
        # unique word hashes per text: the text's index in the top 16 bits, 48 bits of hash below
        wkey = _sorted_unique((doc << np.uint64(48)) | (words >> np.uint64(16)))
        wbounds = np.searchsorted(wkey >> np.uint64(48), np.arange(k + 1, dtype=np.uint64))
        wkey &= np.uint64((1 << 48) - 1)
        # 5-word shingles of Arabic words that do not cross texts
        aw, ad = words[is_arabic], doc[is_arabic]
        m = len(aw) - SHINGLE + 1
        if m > 0:
            sh = aw[:m] * _MULT[0]
            for j in range(1, SHINGLE):
                sh += aw[j:j + m] * _MULT[j]
            sh = (sh ^ (sh >> np.uint64(32))) & _MASK32
            keep = ad[:m] == ad[SHINGLE - 1:]
            skey = _sorted_unique((ad[:m][keep] << np.uint64(32)) | sh[keep])
        else:
            skey = _EMPTY64
        sbounds = np.searchsorted(skey >> np.uint64(32), np.arange(k + 1, dtype=np.uint64))
        s32 = (skey & _MASK32).astype(np.uint32)
        return [Words(int(n_arabic[i]), wkey[wbounds[i]:wbounds[i + 1]], s32[sbounds[i]:sbounds[i + 1]]) for i in range(k)]
