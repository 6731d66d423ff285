"""Hashed word and character n-gram counts, computed through vocabularies so that they are cheap.

scikit-learn's ``HashingVectorizer`` analyses every document in Python: every character n-gram of
every word of every document. Character n-grams within word boundaries (``char_wb``) depend only
on the word, so the same counts come from three smaller pieces: a document × word-type count
matrix (whitespace-split words), a word-type × n-gram count matrix (each distinct word analysed
once), and the hashing of each distinct n-gram once. The product is exactly the matrix the hashing
vectorizer gives (same columns, same counts), and since the n-gram names are kept, the character
features a fitted model weighs most are named from the documents of each class without analysing
any text again. Word n-grams are hashed as they are (their analysis is cheap); their names are
read off the documents of a class when asked for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer

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


def _word_vectorizer(word_ngrams, n_word: int) -> HashingVectorizer:
    return HashingVectorizer(analyzer="word", token_pattern=WORD_TOKEN, ngram_range=tuple(word_ngrams),
                             n_features=n_word, alternate_sign=False, norm=None, lowercase=False, dtype=np.float32)


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
        analyse = _word_vectorizer(self.word_ngrams, self.n_word).build_analyzer()
        seen: Counter = Counter()
        for i in rows:
            seen.update(analyse(self.texts[i]))
        word_names = np.asarray(sorted(seen), dtype=object)
        word_counts = np.asarray([seen[g] for g in word_names], dtype=np.int64)
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
    words = _hashed_counts(_ngram_counts([token.findall(t) for t in texts], tuple(word_ngrams)), n_word)
    types, type_names = _ngram_counts([t.split() for t in texts], (1, 1))
    if len(type_names):
        grams, gram_names = _char_wb_counts(type_names, tuple(char_ngrams))
        gram_cols = _hash_columns(gram_names, n_char) + n_word
    else:
        types = sp.csr_matrix((len(texts), 0), dtype=np.int32)
        grams, gram_names = sp.csr_matrix((0, 0), dtype=np.int32), np.array([], dtype=object)
        gram_cols = np.zeros(0, np.int64)
    return HashedText(texts, words, tuple(word_ngrams), types, grams, gram_names, gram_cols, n_word, n_char)


# ---- counting through vocabularies ------------------------------------------------------------
# The same counts as scikit-learn's vectorizers, with each distinct token, n-gram and word analysed
# once: tokens are numbered with pandas' hash table, n-grams are numbered pairs of numbers, and only
# the distinct ones are spelled out.


def _ngram_counts(docs: list[list[str]], ngrams: tuple[int, int]) -> tuple[sp.csr_matrix, np.ndarray]:
    """(document × n-gram counts, int32; the n-grams, one per column) for token lists: n-grams of
    ``ngrams[0]``..``ngrams[1]`` tokens within a document, joined by a space (scikit-learn's word
    n-grams)."""
    lengths = np.fromiter((len(d) for d in docs), np.int64, len(docs))
    flat = [t for d in docs for t in d]
    if not flat:
        return sp.csr_matrix((len(docs), 0), dtype=np.int32), np.array([], dtype=object)
    codes, uniques = pd.factorize(np.asarray(flat, dtype=object))
    codes = codes.astype(np.int64)
    n_tokens, n_types = len(flat), len(uniques)
    doc_of = np.repeat(np.arange(len(docs)), lengths)
    ends = np.repeat(np.cumsum(lengths), lengths)  # one past the end of each token's document
    lo, hi = ngrams
    rows, cols, names = [], [], []
    ids, n_ids = codes, n_types  # the number of the n-gram starting at each token, -1 where none
    for n in range(1, hi + 1):
        if n > 1:  # the n-gram at i: the (n-1)-gram at i and the token at i + n - 1
            last = n_tokens - n + 1
            starts = np.flatnonzero(np.arange(max(last, 0)) + n <= ends[:max(last, 0)])
            if not len(starts):
                break
            pairs = np.stack([ids[starts], codes[starts + n - 1]], axis=1)
            if n_ids * n_types < 2**62:
                pairs = pairs[:, 0] * n_types + pairs[:, 1]
                _, inverse = np.unique(pairs, return_inverse=True)
            else:
                _, inverse = np.unique(pairs, axis=0, return_inverse=True)
            ids = np.full(n_tokens, -1, np.int64)
            ids[starts] = inverse.reshape(-1)
            n_ids = int(inverse.max()) + 1
        if n < lo:
            continue
        at = np.flatnonzero(ids >= 0)
        if n == 1:
            names.append(np.asarray(uniques, dtype=object))
        else:
            _, first = np.unique(ids[at], return_index=True)  # where each n-gram first occurs
            names.append(np.asarray([" ".join(flat[p: p + n]) for p in at[first]], dtype=object))
        rows.append(doc_of[at])
        cols.append(ids[at] + sum(len(x) for x in names[:-1]))
    if not names:
        return sp.csr_matrix((len(docs), 0), dtype=np.int32), np.array([], dtype=object)
    return _counts(np.concatenate(rows), np.concatenate(cols), np.concatenate(names), len(docs))


def _char_wb_counts(words, ngrams: tuple[int, int]) -> tuple[sp.csr_matrix, np.ndarray]:
    """(word × char n-gram counts, int32; the n-grams, one per column): scikit-learn's ``char_wb`` n-grams
    of each word padded with a space on either side (all of ``ngrams[0]``..``ngrams[1]``
    characters that fit; a padded word shorter than ``ngrams[0]`` is one n-gram), computed on code
    points for all words at once."""
    lo, hi = ngrams
    padded = [f" {w} " for w in words]
    text = "".join(padded)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    alphabet, letters = np.unique(points, return_inverse=True)
    base = len(alphabet) + 1
    if base ** hi >= 2**62:  # too many different characters to number an n-gram by one integer
        from sklearn.feature_extraction.text import CountVectorizer

        vec = CountVectorizer(analyzer="char_wb", ngram_range=(lo, hi), lowercase=False, dtype=np.int32)
        counts = vec.fit_transform(list(words)).tocsr()
        return counts, vec.get_feature_names_out()
    letters = letters.astype(np.int64).reshape(-1) + 1
    sizes = np.fromiter((len(w) for w in padded), np.int64, len(padded))
    offsets = np.cumsum(sizes) - sizes
    rows, cols, names = [], [], []
    short = np.flatnonzero(sizes < lo)  # counted once, whole
    if len(short):
        uniq, inverse = np.unique(np.asarray([padded[i] for i in short], dtype=object), return_inverse=True)
        names.append(uniq)
        rows.append(short)
        cols.append(inverse.reshape(-1))
    for n in range(lo, hi + 1):
        fits = np.flatnonzero(sizes >= n)
        if not len(fits):
            break
        per = sizes[fits] - n + 1
        word = np.repeat(fits, per)
        start = np.repeat(offsets[fits], per) + (np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per))
        key = letters[start]
        for k in range(1, n):
            key = key * base + letters[start + k]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        offset = sum(len(x) for x in names)
        names.append(np.asarray([text[p: p + n] for p in start[first]], dtype=object))
        rows.append(word)
        cols.append(inverse.reshape(-1) + offset)
    return _counts(np.concatenate(rows), np.concatenate(cols), np.concatenate(names), len(padded))


def _hashed_counts(counted: tuple[sp.csr_matrix, np.ndarray], n_features: int) -> sp.csr_matrix:
    """Document × hashed column counts (float32) from document × n-gram counts and the n-grams."""
    counts, names = counted
    if not len(names):
        return sp.csr_matrix((counts.shape[0], n_features), dtype=np.float32)
    return (counts.astype(np.float32) @ _hash_names(names, n_features)).tocsr()


def _counts(rows, cols, names, n_rows: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """Counts of (row, column) pairs as an int32 CSR matrix whose columns are ``names``."""
    counts = sp.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)), shape=(n_rows, len(names)))
    counts.sum_duplicates()
    return counts, names
