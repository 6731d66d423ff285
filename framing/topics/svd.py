"""The TF-IDF embedding's reduction: a randomized truncated SVD whose sparse products share the cores.

The topic stage reduces the units' TF-IDF vectors with the randomized SVD of Halko, Martinsson and
Tropp (2011, "Finding structure with randomness", SIAM Review 53:217-288; algorithm 4.4 with an LU
factorisation after each product, as scikit-learn's ``TruncatedSVD(algorithm="randomized")``
computes it): a Gaussian test matrix drawn from ``numpy.random.RandomState(seed)``, power iterations,
an orthonormal basis of the sampled range (QR), the SVD of the matrix projected on it, and each
component's sign chosen so that its largest entry in absolute value is positive. With fewer units
than n-grams the range of the transposed matrix is sampled.

Most of the time goes to eight products of the sparse matrix or its transpose with a dense block,
which scipy computes on one core. A row of such a product sums that row's stored entries times rows
of the block, independently of every other row, so here the rows are split between threads (scipy's
sparse products release the interpreter lock) and each value is summed by the same operations in
the same order as in one product. A product with a matrix stored by columns uses its rows' form
instead, whose rows list their entries in the order the product by columns adds them. The
components are therefore ``TruncatedSVD``'s bit for bit (a test compares them), and its fit's
transform of the fitted units and explained variance, which the embedding never reads, are not
computed.
"""

from __future__ import annotations

import numpy as np


class Reduction:
    """A fitted truncated SVD: ``components_`` (k × features) and :meth:`transform`, as
    ``TruncatedSVD`` has them."""

    def __init__(self, components: np.ndarray) -> None:
        self.components_ = components

    def transform(self, X) -> np.ndarray:
        """The rows of ``X`` (sparse or dense, n × features) on the components: X @ components_ᵀ."""
        return X @ self.components_.T


def randomized_svd(B, n_components: int, *, n_iter: int, seed: int, n_oversamples: int = 10,
                   threads: int = 1) -> Reduction:
    """The truncated SVD of the sparse matrix ``B`` (module docstring); ``threads``: how many share
    its products."""
    from concurrent.futures import ThreadPoolExecutor

    from scipy import linalg

    size = n_components + n_oversamples
    transpose = B.shape[0] < B.shape[1]
    A = B.T if transpose else B  # the matrix whose range is sampled
    with ThreadPoolExecutor(max(1, threads)) as pool:
        by_A, by_At = _Rows(A, threads, pool), _Rows(A.T, threads, pool)
        Q = np.random.RandomState(seed).normal(size=(A.shape[1], size))
        if A.dtype == np.float32:
            Q = Q.astype(np.float32, copy=False)
        for _ in range(n_iter):
            if n_iter > 2:  # scikit-learn's "auto" normaliser: LU after each product from three iterations on
                Q = linalg.lu(by_A @ Q, permute_l=True, check_finite=False)[0]
                Q = linalg.lu(by_At @ Q, permute_l=True, check_finite=False)[0]
            else:
                Q = by_At @ (by_A @ Q)
        Q = linalg.qr(by_A @ Q, mode="economic", check_finite=False)[0]
        small = (by_At @ Q).T  # Qᵀ A
    Uhat, _, Vt = linalg.svd(small, full_matrices=False, lapack_driver="gesdd")
    components = (Q @ Uhat)[:, :n_components].T if transpose else Vt[:n_components]
    return Reduction(_flipped(components))


class _Rows:
    """Products of a sparse matrix with dense blocks, its rows split between threads (module
    docstring)."""

    def __init__(self, M, threads: int, pool) -> None:
        M = M.tocsr()  # by rows: the product's sums in the order of the by-columns product
        bounds = np.linspace(0, M.shape[0], max(1, threads) + 1).astype(int)
        self.parts = [M[a:b] for a, b in zip(bounds[:-1], bounds[1:])] if threads > 1 else [M]
        self.pool = pool

    def __matmul__(self, X: np.ndarray) -> np.ndarray:
        if len(self.parts) == 1:
            return self.parts[0] @ X
        return np.vstack(list(self.pool.map(lambda part: part @ X, self.parts)))


def _flipped(v: np.ndarray) -> np.ndarray:
    """``v`` with each row's sign chosen so that its largest entry in absolute value is positive."""
    signs = np.sign(v[np.arange(v.shape[0]), np.argmax(np.abs(v), axis=1)])
    v *= signs[:, np.newaxis]
    return v
