"""Tokenise many documents at once: word boundaries and word identities computed with numpy, so
that no Python code runs per token.

A batch of texts is joined by line breaks and turned into an array of code points. A table lookup
marks the characters that belong to words (exactly the characters of
:data:`framing.arabic.WORD_RE`), boundaries come from where that mark changes, and every token gets
a 64-bit polynomial hash of its code points from prefix sums (wrapping modulo 2**64, as numpy's
unsigned integers do). Tokens are then grouped by hash with :func:`pandas.factorize`, and only the
distinct words of the batch go through Python: each is looked up once in a :class:`Vocabulary`,
which keeps every distinct surface word of the process with its normalised form.

The tokens are the same as :func:`framing.arabic.token_arrays` gives, document by document: same
surfaces, same offsets, and tokens that normalise to nothing (a run of tatweel or marks) dropped.
Two different words share a hash with a probability of about n**2 / 2**65 for n distinct words
(about 1e-8 for a million); words of different lengths never get the same identity, as the length
is checked when a word is first seen in a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import pandas as pd

from framing.arabic import WORD_RE, Normaliser

BATCH_CHARS = 2_000_000  # characters tokenised together (memory: about 40 bytes per character)
_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_BASE_INV = pow(_BASE, -1, 1 << 64)
_TABLE: np.ndarray | None = None
_POWERS: tuple[np.ndarray, np.ndarray] | None = None


def word_table() -> np.ndarray:
    """Boolean table over all code points: True where the character is part of a word."""
    global _TABLE
    if _TABLE is None:
        table = np.zeros(0x110000, dtype=bool)
        every = "".join(map(chr, range(0x110000)))
        for m in WORD_RE.finditer(every):
            table[m.start():m.end()] = True
        _TABLE = table
    return _TABLE


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (grown on demand, kept per process)."""
    global _POWERS
    if _POWERS is None or len(_POWERS[0]) < n:
        size = max(n, BATCH_CHARS + 1)
        out = []
        for base in (_BASE, _BASE_INV):
            p = np.full(size, base, dtype=np.uint64)
            p[0] = 1
            out.append(np.cumprod(p))  # wraps modulo 2**64
        _POWERS = (out[0], out[1])
    return _POWERS


@dataclass
class TokenBatch:
    """The tokens of several documents, in parallel arrays.

    ``ids``: vocabulary ids; ``starts``/``ends``: character offsets in each document's own text;
    ``bounds``: the tokens of document k are ``bounds[k]:bounds[k + 1]``.
    """

    ids: np.ndarray  # int32
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32
    bounds: np.ndarray  # int64, one more than the documents


class Vocabulary:
    """Distinct surface words seen by this process, by hash: id -> surface and normalised form.

    Ids are given in order of first sight, so they differ between processes; anything leaving the
    process carries words, not ids.
    """

    def __init__(self, normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.surfaces: list[str] = []
        self.norms: list[str] = []
        self._hashes = np.zeros(0, dtype=np.uint64)  # sorted hashes of the words
        self._order = np.zeros(0, dtype=np.int32)  # their ids
        self._lengths = np.zeros(0, dtype=np.int64)
        self.empty = np.zeros(0, dtype=bool)  # id -> the word normalises to nothing

    def __len__(self) -> int:
        return len(self.surfaces)

    @classmethod
    def of_words(cls, normaliser: Normaliser, surfaces: list[str], norms: list[str]) -> "Vocabulary":
        """A vocabulary of known words (as a token store keeps them); it cannot take new ones."""
        vocab = cls(normaliser)
        vocab.surfaces, vocab.norms = list(surfaces), list(norms)
        vocab.empty = np.fromiter((not n for n in norms), dtype=bool, count=len(norms))
        return vocab

    def ids_of(self, hashes: np.ndarray, lengths: np.ndarray, surface_at) -> np.ndarray:
        """Ids of distinct words given by hash (uint64) and length; ``surface_at(k)`` cuts word k
        from the text when it is new. Known hashes are found by binary search in a sorted array;
        new words are normalised together."""
        pos = np.searchsorted(self._hashes, hashes)
        found = pos < len(self._hashes)
        found[found] = self._hashes[pos[found]] == hashes[found]
        out = np.empty(len(hashes), dtype=np.int32)
        out[found] = self._order[pos[found]]
        if not found.all():
            new = np.flatnonzero(~found)
            words = [surface_at(k) for k in new.tolist()]
            norms = self.normaliser.words(words)
            base = len(self.surfaces)
            out[new] = np.arange(base, base + len(new), dtype=np.int32)
            self.surfaces += words
            self.norms += norms
            self._lengths = np.concatenate([self._lengths, lengths[new]])
            self.empty = np.concatenate([self.empty, np.fromiter((not x for x in norms), dtype=bool, count=len(norms))])
            all_hashes = np.concatenate([self._hashes, hashes[new]])
            all_ids = np.concatenate([self._order, out[new]])
            order = np.argsort(all_hashes, kind="stable")
            self._hashes, self._order = all_hashes[order], all_ids[order]
        if not np.array_equal(self._lengths[out], lengths):  # pragma: no cover - a hash collision
            raise RuntimeError("two different words share a 64-bit hash; please report this text")
        return out

    def __getstate__(self):  # a worker builds its own
        return {"normaliser": self.normaliser}

    def __setstate__(self, state):
        self.__init__(state["normaliser"])


def token_batches(texts: list[str], vocab: Vocabulary, *, batch_chars: int | None = None, keep_empty: bool = False):
    """Tokens of ``texts`` in batches of about ``batch_chars`` characters (None: ``BATCH_CHARS``; at
    least one batch), ids from ``vocab``: one TokenBatch per batch, its offsets and bounds within
    the batch's texts. ``keep_empty``: keep the tokens that normalise to nothing (every
    ``WORD_RE`` word)."""
    batch_chars = batch_chars or BATCH_CHARS
    start, size, any_part = 0, 0, False
    for k, text in enumerate(texts):
        size += len(text) + 1
        if size >= batch_chars:
            yield _tokenize(texts[start:k + 1], vocab, keep_empty)
            start, size, any_part = k + 1, 0, True
    if start < len(texts) or not any_part:
        yield _tokenize(texts[start:], vocab, keep_empty)


def tokenize_batch(texts: list[str], vocab: Vocabulary) -> TokenBatch:
    """Tokens of ``texts`` (in batches of about BATCH_CHARS characters), ids from ``vocab``."""
    parts = list(token_batches(texts, vocab))
    if len(parts) == 1:
        return parts[0]
    offset = np.cumsum([0] + [p.bounds[-1] for p in parts[:-1]])
    bounds = np.concatenate([parts[0].bounds] + [p.bounds[1:] + o for p, o in zip(parts[1:], offset[1:])])
    return TokenBatch(np.concatenate([p.ids for p in parts]), np.concatenate([p.starts for p in parts]),
                      np.concatenate([p.ends for p in parts]), bounds)


def _tokenize(texts: list[str], vocab: Vocabulary, keep_empty: bool = False) -> TokenBatch:
    joined = "\n".join(texts)  # a line break is never part of a word
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(cp)
    in_word = word_table()[cp].view(np.int8)
    change = np.diff(in_word, prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(change == 1)
    ends = np.flatnonzero(change == -1)
    pw, ipw = _powers(n + 1)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum((cp + np.uint32(1)).astype(np.uint64) * pw[:n], out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * ipw[starts]
    codes, distinct = pd.factorize(hashes)
    first = np.empty(len(distinct), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    lengths = (ends - starts)[first]
    fs, fe = starts[first], ends[first]
    ids = vocab.ids_of(np.asarray(distinct, dtype=np.uint64), lengths.astype(np.int64), lambda k: joined[fs[k]:fe[k]])[codes]
    # offsets back into each document's own text
    doc_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    doc = np.searchsorted(doc_starts, starts, side="right") - 1
    if not keep_empty:
        keep = ~vocab.empty[ids]
        if not keep.all():
            ids, starts, ends, doc = ids[keep], starts[keep], ends[keep], doc[keep]
    local = doc_starts[doc]
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1), side="left")
    return TokenBatch(ids, (starts - local).astype(np.int32), (ends - local).astype(np.int32), bounds.astype(np.int64))


@dataclass
class WordTokens:
    """Tokens of a batch with a word list of their own: ``batch.ids`` index ``surfaces`` and
    ``norms``. This is what a token store keeps, and what travels between processes."""

    batch: TokenBatch
    surfaces: list[str]
    norms: list[str]

    @classmethod
    def of(cls, batch: TokenBatch, vocab: Vocabulary) -> "WordTokens":
        """The tokens of ``batch`` with a word list of their own: the words of ``vocab`` the batch
        uses, in order of first occurrence."""
        local, used = pd.factorize(batch.ids)  # the batch's words, in order of first occurrence
        pick = used.tolist()
        return cls(TokenBatch(local.astype(np.int32), batch.starts, batch.ends, batch.bounds),
                   _pick(vocab.surfaces, pick), _pick(vocab.norms, pick))


def _pick(seq, ids: list[int]) -> list:
    """``[seq[i] for i in ids]`` at C speed."""
    if not ids:
        return []
    if len(ids) == 1:
        return [seq[ids[0]]]
    return list(itemgetter(*ids)(seq))
