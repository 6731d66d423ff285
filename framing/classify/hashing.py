"""Hashed word and character n-gram counts, computed through vocabularies so that they are cheap.

scikit-learn's ``HashingVectorizer`` analyses every document in Python: every character n-gram of
every word of every document. Character n-grams within word boundaries (``char_wb``) depend only
on the word, so the same counts come from three smaller pieces: a document × word-type count
matrix (whitespace-split words), a word-type × n-gram count matrix (each distinct word analysed
once), and the hashing of each distinct n-gram once. The product is exactly the matrix the hashing
vectorizer gives (same columns, same counts), and since the n-gram names are kept, the character
features a fitted model weighs most are named from the documents of each class without analysing
any text again. Word n-grams are hashed as they are (their analysis is cheap); their names are
read off the documents of a class when asked for. The counting through vocabularies is
:mod:`framing.ngrams`'s (shared with the topic stage).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from framing.ngrams import char_wb_counts, ngram_counts

WORD_TOKEN = r"(?u)\b\w+\b"


def _hash_columns(names, n_features: int) -> np.ndarray:
    """The column ``HashingVectorizer`` (seed 0, no alternate sign) hashes each name to: signed 32-bit
    MurmurHash3 of its UTF-8 bytes, absolute value modulo ``n_features``."""
    from sklearn.utils import murmurhash3_32

    h = np.fromiter((murmurhash3_32(name, 0) for name in names), np.int64, len(names))
    cols = np.abs(h) % n_features
    cols[h == -(2**31)] = (2**31 - 1 - (n_features - 1)) % n_features  # as scikit-learn defines |-2**31|
    return cols


def _hash_names(names, n_features: int) -> sp.csr_matrix:
    """A one-hot name × column matrix: each name's column as ``HashingVectorizer`` hashes it."""
    cols = _hash_columns(names, n_features)
    return sp.csr_matrix((np.ones(len(cols), np.float32), cols, np.arange(len(cols) + 1)),
                         shape=(len(cols), n_features))


@dataclass
class HashedText:
    """Hashed n-gram counts of some documents, kept factored: ``matrix`` is
    [word n-grams @ word hash | word types @ char n-grams @ char hash] (CSR, float32 counts)."""

    texts: list[str]
    words: sp.csr_matrix  # document × hashed word n-gram counts
    word_ngrams: tuple[int, int]
    types: sp.csr_matrix  # document × whitespace word-type counts
    grams: sp.csr_matrix  # word type × char n-gram counts
    gram_names: np.ndarray
    gram_cols: np.ndarray  # hashed column of each char n-gram (after the word block)
    n_word: int
    n_char: int

    @property
    def matrix(self) -> sp.csr_matrix:
        """The hashed counts, one row per document: exactly what the two hashing vectorizers give."""
        c_hash = sp.csr_matrix((np.ones(len(self.gram_cols), np.float32), (np.arange(len(self.gram_cols)),
                                self.gram_cols - self.n_word)), shape=(len(self.gram_cols), self.n_char))
        chars = (self.types.astype(np.float32) @ (self.grams.astype(np.float32) @ c_hash)).tocsr()
        out = sp.hstack([self.words, chars], format="csr", dtype=np.float32)
        out.sum_duplicates()
        out.sort_indices()
        return out

    def name_counts(self, rows, columns) -> list[tuple[int, str, int]]:
        """(column, n-gram, count) for every n-gram hashing to one of ``columns`` that occurs in the
        documents ``rows`` of this block."""
        rows = np.asarray(rows, dtype=np.int64)
        wanted = np.asarray(sorted(set(int(c) for c in columns)), dtype=np.int64)
        if not len(rows) or not len(wanted):
            return []
        token = re.compile(WORD_TOKEN)  # the word n-grams hashed_text counted, counted again for these rows
        counts, word_names = ngram_counts([token.findall(self.texts[i]) for i in rows], self.word_ngrams)
        word_counts = np.asarray(counts.sum(axis=0), dtype=np.int64).ravel()
        word_cols = _hash_columns(word_names, self.n_word)
        type_counts = np.asarray(self.types[rows].sum(axis=0)).ravel()
        gram_counts = np.asarray(self.grams.T @ type_counts).ravel()
        out = []
        for counts, cols, names in ((word_counts, word_cols, word_names),
                                    (gram_counts, self.gram_cols, self.gram_names)):
            hit = np.flatnonzero(np.isin(cols, wanted) & (counts > 0))
            out.extend((int(cols[j]), str(names[j]), int(counts[j])) for j in hit)
        return out


def column_names(parts, columns) -> dict[int, str]:
    """For each hashed column in ``columns``, the n-gram hashing to it that occurs most often in the
    given documents, ``parts`` being (HashedText, rows) pairs; among equal counts the first name in
    sorted order. Columns none of the documents has are left out."""
    totals: Counter = Counter()
    for block, rows in parts:
        for col, name, count in block.name_counts(rows, columns):
            totals[(col, name)] += count
    best: dict[int, tuple[int, str]] = {}
    for (col, name), count in totals.items():
        if col not in best or (-count, name) < (-best[col][0], best[col][1]):
            best[col] = (count, name)
    return {col: name for col, (_, name) in best.items()}


def hashed_text(texts, *, word_ngrams=(1, 2), char_ngrams=(2, 5), n_word: int = 2**19,
                n_char: int = 2**20) -> HashedText:
    """Analyse ``texts`` once: word n-grams (``\\b\\w+\\b`` tokens) and char n-grams within
    whitespace-separated words, hashed into ``n_word`` and ``n_char`` columns."""
    texts = list(texts)
    token = re.compile(WORD_TOKEN)
    words = _hashed_counts(ngram_counts([token.findall(t) for t in texts], tuple(word_ngrams)), n_word)
    types, type_names = ngram_counts([t.split() for t in texts], (1, 1))
    if len(type_names):
        grams, gram_names = char_wb_counts(type_names, tuple(char_ngrams))
        gram_cols = _hash_columns(gram_names, n_char) + n_word
    else:
        types = sp.csr_matrix((len(texts), 0), dtype=np.int32)
        grams, gram_names = sp.csr_matrix((0, 0), dtype=np.int32), np.array([], dtype=object)
        gram_cols = np.zeros(0, np.int64)
    return HashedText(texts, words, tuple(word_ngrams), types, grams, gram_names, gram_cols, n_word, n_char)


def _hashed_counts(counted: tuple[sp.csr_matrix, np.ndarray], n_features: int) -> sp.csr_matrix:
    """Document × hashed column counts (float32) from document × n-gram counts and the n-grams."""
    counts, names = counted
    if not len(names):
        return sp.csr_matrix((counts.shape[0], n_features), dtype=np.float32)
    return (counts.astype(np.float32) @ _hash_names(names, n_features)).tocsr()
