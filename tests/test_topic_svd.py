"""The topic embedding's truncated SVD (``framing.topics.embed.Reduction``): the components and
transform of scikit-learn's randomized TruncatedSVD, bit for bit, without the rest of its fit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from framing.topics.embed import Reduction


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


@pytest.mark.parametrize("shape,k,dtype", [((300, 900), 20, np.float32),  # fewer rows than columns
                                           ((900, 300), 20, np.float64),  # more rows than columns
                                           ((120, 400), 60, np.float64)])
def test_the_components_are_truncated_svds_bit_for_bit(shape, k, dtype):
    X = _tfidf_like(*shape, dtype)
    ours = Reduction(X, k, seed=11)
    theirs = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=3, random_state=11).fit(X)
    assert ours.components_.dtype == theirs.components_.dtype
    assert np.array_equal(ours.components_, theirs.components_)
    assert np.array_equal(ours.transform(X[:50]), theirs.transform(X[:50]))
    assert not np.array_equal(Reduction(X, k, seed=12).components_, ours.components_)  # the seed is used
