"""The topic embedding's truncated SVD (framing/topics/svd.py): scikit-learn's randomized
TruncatedSVD, bit for bit, with its sparse products on one thread or several."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from framing.topics.svd import randomized_svd


def _tfidf_like(n_rows: int, n_cols: int, dtype, seed: int = 0) -> sp.csr_matrix:
    """A sparse matrix with Zipf-like columns, as a TF-IDF matrix of text has (and rows of very
    different lengths, some empty)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 60, n_rows)
    lengths[::17] = 0
    rows = np.repeat(np.arange(n_rows), lengths)
    cols = np.minimum(rng.zipf(1.3, len(rows)) - 1, n_cols - 1)
    X = sp.csr_matrix((rng.random(len(rows)).astype(dtype), (rows, cols)), shape=(n_rows, n_cols))
    X.sum_duplicates()
    return X


@pytest.mark.parametrize("shape,k,n_iter,dtype", [((300, 900), 20, 3, np.float32),  # fewer rows than columns
                                                  ((900, 300), 20, 3, np.float64),  # more rows than columns
                                                  ((300, 900), 12, 2, np.float64)])  # no LU normaliser
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_components_are_truncated_svds_bit_for_bit(shape, k, n_iter, dtype, threads):
    X = _tfidf_like(*shape, dtype)
    ours = randomized_svd(X, k, n_iter=n_iter, seed=11, threads=threads)
    theirs = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=n_iter, random_state=11).fit(X)
    assert ours.components_.dtype == theirs.components_.dtype
    assert np.array_equal(ours.components_, theirs.components_)
    assert np.array_equal(ours.transform(X[:50]), theirs.transform(X[:50]))


def test_a_by_columns_matrix_gives_the_same_components():
    X = _tfidf_like(300, 900, np.float64, seed=4)
    by_rows = randomized_svd(X, 10, n_iter=3, seed=2, threads=2).components_
    assert np.array_equal(randomized_svd(X.tocsc(), 10, n_iter=3, seed=2, threads=2).components_, by_rows)
