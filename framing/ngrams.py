"""Word and character n-gram counts through vocabularies: the counts scikit-learn's vectorizers give,
with each distinct token, word and n-gram analysed once.

scikit-learn's vectorizers analyse every document in Python, n-gram by n-gram. Here tokens are
numbered with pandas' hash table, n-grams are numbered tuples of numbers (numpy), and only the
distinct ones are spelled out. Character n-grams within word boundaries (``char_wb``) depend only on
the word, so a text's counts are the sum of its words' counts: the outlet classifier hashes them
(``framing.classify.hashing``) and the topic stage's TF-IDF embedding multiplies a unit × word count
matrix by the word × n-gram one (``framing.topics.embed``).

- :func:`ngram_counts`: word n-grams of token lists (``CountVectorizer(analyzer="word")``'s n-grams).
- :func:`char_wb_counts`: the ``char_wb`` n-grams of each word, columns in an order of this module's.
- :func:`char_wb_fit`: exactly ``CountVectorizer(analyzer="char_wb", lowercase=False).fit_transform``
  of words: its sorted vocabulary and, in each row, its entries in the order it leaves them (which
  the float sums of later products depend on).
- :func:`char_wb_transform`: exactly the same vectorizer's ``transform`` with a fixed vocabulary.

numpy, scipy and pandas (scikit-learn's vectorizer only for words of more different characters than
an n-gram number holds), so that any stage may use it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


def ngram_counts(docs: list[list[str]], ngrams: tuple[int, int]) -> tuple[sp.csr_matrix, np.ndarray]:
    """(document × n-gram counts, int32; the n-grams, one per column) for token lists: n-grams of
    ``ngrams[0]``..``ngrams[1]`` tokens within a document, joined by a space (scikit-learn's word
    n-grams)."""
    lengths = np.fromiter((len(d) for d in docs), np.int64, len(docs))
    flat = [t for d in docs for t in d]
    if not flat:
        return sp.csr_matrix((len(docs), 0), dtype=np.int32), np.array([], dtype=object)
    codes, uniques = pd.factorize(np.asarray(flat, dtype=object))
    codes = codes.astype(np.int64)
    words = np.asarray(uniques, dtype=object)
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
            names.append(words)
        else:
            _, first = np.unique(ids[at], return_index=True)  # where each n-gram first occurs
            starts = at[first]
            spelled = words[codes[starts]]
            for k in range(1, n):  # joined by spaces, one word of every n-gram at a time
                spelled = spelled + " " + words[codes[starts + k]]
            names.append(spelled)
        rows.append(doc_of[at])
        cols.append(ids[at] + sum(len(x) for x in names[:-1]))
    if not names:
        return sp.csr_matrix((len(docs), 0), dtype=np.int32), np.array([], dtype=object)
    return _counts(np.concatenate(rows), np.concatenate(cols), np.concatenate(names), len(docs))


class _Grams:
    """Every ``char_wb`` n-gram occurrence of some words, in numbers: ``word`` (the word it is in),
    ``gram`` (its column in ``names``), ``seq`` (its place in the order scikit-learn's analyser
    yields them: word by word, then by length, then left to right) and ``key`` (one integer per
    name that sorts as the names do in code-point order), or ``None`` where the words use too many
    different characters to number an n-gram by one integer."""

    def __init__(self, words, ngrams: tuple[int, int]):
        lo, hi = ngrams
        padded = [f" {w} " for w in words]
        self.n_words = len(padded)
        text = "".join(padded)
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        alphabet, letters = np.unique(points, return_inverse=True)
        base = len(alphabet) + 1
        self.ok = base ** hi < 2**62
        if not self.ok:
            return
        letters = letters.astype(np.int64).reshape(-1) + 1  # 0 pads a shorter name's key
        sizes = np.fromiter((len(w) for w in padded), np.int64, len(padded))
        offsets = np.cumsum(sizes) - sizes
        # where each word's occurrences begin in the analyser's order: a padded word shorter than
        # ``lo`` is one n-gram; else every n-gram of ``lo``..``hi`` characters that fits
        per_word = np.where(sizes < lo, 1, 0)
        for n in range(lo, hi + 1):
            per_word += np.maximum(sizes - n + 1, 0)
        before = np.cumsum(per_word) - per_word  # occurrences of the words before
        words_, grams, seqs, names, keys = [], [], [], [], []
        short = np.flatnonzero(sizes < lo)  # counted once, whole
        if len(short):
            uniq, inverse = np.unique(np.asarray([padded[i] for i in short], dtype=object), return_inverse=True)
            names.append(uniq)
            keys.append(np.asarray([self._key(letters[offsets[short[i]]: offsets[short[i]] + sizes[short[i]]], base, hi)
                                    for i in np.unique(inverse.reshape(-1), return_index=True)[1]], dtype=np.int64))
            words_.append(short)
            grams.append(inverse.reshape(-1))
            seqs.append(before[short])
        done = np.zeros(len(padded), np.int64)  # occurrences of shorter n-grams in each word
        for n in range(lo, hi + 1):
            fits = np.flatnonzero(sizes >= n)
            if not len(fits):
                break
            per = sizes[fits] - n + 1
            word = np.repeat(fits, per)
            within = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
            start = np.repeat(offsets[fits], per) + within
            key = letters[start]
            for k in range(1, n):
                key = key * base + letters[start + k]
            uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            offset = sum(len(x) for x in names)
            names.append(np.asarray([text[p: p + n] for p in start[first]], dtype=object))
            keys.append(uniq * base ** (hi - n))
            words_.append(word)
            grams.append(inverse.reshape(-1) + offset)
            seqs.append(before[word] + np.repeat(done[fits], per) + within)
            done[fits] += per
        empty = np.zeros(0, np.int64)
        self.word = np.concatenate(words_) if words_ else empty
        self.gram = np.concatenate(grams) if grams else empty
        self.seq = np.concatenate(seqs) if seqs else empty
        self.names = np.concatenate(names) if names else np.array([], dtype=object)
        self.key = np.concatenate(keys) if keys else empty

    @staticmethod
    def _key(letters: np.ndarray, base: int, hi: int) -> int:
        key = 0
        for x in letters.tolist():
            key = key * base + x
        return key * base ** (hi - len(letters))


def char_wb_counts(words, ngrams: tuple[int, int]) -> tuple[sp.csr_matrix, np.ndarray]:
    """(word × char n-gram counts, int32; the n-grams, one per column): scikit-learn's ``char_wb`` n-grams
    of each word padded with a space on either side (all of ``ngrams[0]``..``ngrams[1]``
    characters that fit; a padded word shorter than ``ngrams[0]`` is one n-gram), computed on code
    points for all words at once. Each word is one word: it holds no white space."""
    g = _Grams(words, tuple(ngrams))
    if not g.ok:  # too many different characters to number an n-gram by one integer
        vec = _vectorizer(ngrams, np.int32)
        return vec.fit_transform(list(words)).tocsr(), vec.get_feature_names_out()
    return _counts(g.word, g.gram, g.names, g.n_words)


def char_wb_fit(words, ngrams: tuple[int, int], dtype=np.float32) -> tuple[sp.csr_matrix, np.ndarray]:
    """``CountVectorizer(analyzer="char_wb", ngram_range=ngrams, lowercase=False, dtype=dtype)``'s
    ``fit_transform(words)`` and ``get_feature_names_out()``, entry for entry: the n-grams sorted, and
    each row's entries in the order of the n-grams' first occurrence in ``words`` (the vectorizer
    numbers n-grams as it meets them, sorts each row by that number, then renumbers the columns
    alphabetically without sorting the rows again). Each word holds no white space."""
    g = _Grams(words, tuple(ngrams))
    if not g.ok:
        vec = _vectorizer(ngrams, dtype)
        return vec.fit_transform(list(words)), vec.get_feature_names_out()
    if not len(g.names):
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    n_grams = len(g.names)
    in_order = np.empty(len(g.seq), np.int64)
    in_order[g.seq] = g.gram  # the n-grams in the order the analyser yields them
    _, first = np.unique(in_order, return_index=True)
    met = np.empty(n_grams, np.int64)  # the number the vectorizer gives each n-gram: order of first occurrence
    met[np.argsort(first, kind="stable")] = np.arange(n_grams)
    alpha = np.empty(n_grams, np.int64)
    alpha[np.argsort(g.key, kind="stable")] = np.arange(n_grams)
    by_met = np.empty(n_grams, np.int64)
    by_met[met] = np.arange(n_grams)
    pairs, counts = np.unique(g.word * n_grams + met[g.gram], return_counts=True)
    rows, cols = pairs // n_grams, by_met[pairs % n_grams]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=g.n_words))])
    index = np.int32 if len(pairs) <= np.iinfo(np.int32).max else np.int64
    X = sp.csr_matrix((counts.astype(dtype), alpha[cols].astype(index), indptr.astype(index)),
                      shape=(g.n_words, n_grams))
    names = np.empty(n_grams, dtype=object)
    names[alpha] = g.names
    return X, names


def char_wb_transform(words, vocabulary, ngrams: tuple[int, int], dtype=np.float32) -> sp.csr_matrix:
    """``CountVectorizer(analyzer="char_wb", ngram_range=ngrams, lowercase=False, dtype=dtype,
    vocabulary=vocabulary)``'s ``transform(words)``, entry for entry (n-grams not in ``vocabulary``
    are left out; each row's entries sorted by column). Each word holds no white space."""
    vocabulary = list(vocabulary)
    counts, names = char_wb_counts(words, ngrams)
    if not len(names):
        return sp.csr_matrix((len(counts.indptr) - 1, len(vocabulary)), dtype=dtype)
    column = pd.Index(vocabulary).get_indexer(pd.Index(names, dtype=object))
    counts = counts.tocoo()
    known = column[counts.col] >= 0
    X = sp.csr_matrix((counts.data[known].astype(dtype), (counts.row[known], column[counts.col[known]])),
                      shape=(counts.shape[0], len(vocabulary)))
    X.sum_duplicates()  # each (word, n-gram) is one entry already: this sorts the rows
    X.sort_indices()
    index = np.int32 if X.nnz <= np.iinfo(np.int32).max else np.int64
    X.indices, X.indptr = X.indices.astype(index), X.indptr.astype(index)
    return X


def _vectorizer(ngrams, dtype):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer="char_wb", ngram_range=tuple(ngrams), lowercase=False, dtype=dtype)


def _counts(rows, cols, names, n_rows: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """Counts of (row, column) pairs as an int32 CSR matrix whose columns are ``names``."""
    counts = sp.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)), shape=(n_rows, len(names)))
    counts.sum_duplicates()
    return counts, names
