"""Vectorised document bootstrap and document permutation tests.

Both resample whole documents, never single hits: frame words cluster inside articles (an article
about a siege says "siege" ten times), so treating hits as independent would make every interval
too narrow and every test too eager. Resampling documents keeps that over-dispersion in the
numbers.

Bootstrap: each outlet's documents are resampled with replacement, independently (a stratified
bootstrap), as integer weights built in blocks with ``numpy.bincount``; the replicate sums are one
matrix product per block. Permutation: outlet labels are shuffled among the documents of the
compared outlets with ``Generator.permuted`` and the group sums are again matrix products.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

_BLOCK_CELLS = 4_000_000  # elements of one block of weights or labels (32 MB as float64)


def bootstrap_sums(X: np.ndarray, group: np.ndarray, n_groups: int, B: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Replicate column sums of ``X`` (N, J) per group: (G, B, J).

    Replicate b of group g resamples that group's n_g documents with replacement.
    """
    N, J = X.shape
    out = np.zeros((n_groups, B, J))
    for g in range(n_groups):
        rows = np.flatnonzero(group == g)
        n = len(rows)
        if n == 0:
            continue
        Xg = X[rows]
        block = max(1, min(B, _BLOCK_CELLS // n))
        for start in range(0, B, block):
            b = min(block, B - start)
            idx = rng.integers(0, n, size=(b, n))
            idx += (np.arange(b) * n)[:, None]
            W = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n).astype(np.float64)
            out[g, start:start + b] = W @ Xg
    return out


def _pvalues(ge: np.ndarray, le: np.ndarray, R: int, u_obs: np.ndarray, var: np.ndarray):
    """Two-sided Monte-Carlo p (twice the smaller tail, +1 rule) with a normal tail beyond its resolution.

    When no permutation reached the observed statistic in its tail, the Monte-Carlo p is only an
    upper bound (2/(R+1)); there the normal approximation with the exact permutation variance
    (Hajek's combinatorial central limit theorem) is used if it is smaller.
    """
    p_mc = np.minimum(1.0, 2.0 * (np.minimum(ge, le) + 1.0) / (R + 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, u_obs / np.sqrt(var), 0.0)
    p_norm = 2.0 * sps.norm.sf(np.abs(z))
    at_floor = (np.minimum(ge, le) == 0) & (var > 0)
    p = np.where(at_floor, np.minimum(p_mc, p_norm), p_mc)
    p = np.where(var > 0, p, 1.0)
    method = np.where(at_floor & (p_norm < p_mc), "permutation+normal tail", "permutation")
    method = np.where(var > 0, method, "no hits")
    return p, method, z


def _score_parts(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray):
    """Observed Poisson score statistic U = S_a - r*T_a and its exact permutation variance."""
    P = len(tok)
    m = int(in_a.sum())
    total_tok = tok.sum()
    rate = X.sum(axis=0) / total_tok if total_tok > 0 else np.zeros(X.shape[1])
    u_obs = X[in_a].sum(axis=0) - rate * tok[in_a].sum()
    d = X - tok[:, None] * rate[None, :]
    var = (m * (P - m) / (P * (P - 1.0))) * (d * d).sum(axis=0) if P > 1 else np.zeros(X.shape[1])
    return rate, u_obs, var


def _tol(u_obs: np.ndarray, rate: np.ndarray, tok_a: float) -> np.ndarray:
    # float32 sums in the permutations: ties within this tolerance count as "as extreme"
    return 1e-5 * (1.0 + np.abs(u_obs) + rate * tok_a)


def one_vs_rest(X: np.ndarray, tok: np.ndarray, group: np.ndarray, n_groups: int, R: int,
                rng: np.random.Generator) -> dict:
    """Permutation test of each group against all other documents, every column at once.

    One shuffle of all outlet labels gives a valid permutation for every one-vs-rest comparison
    at once, so the cost is R x N label draws plus one matrix product per outlet and block.
    Returns arrays (G, K): p, z, method.
    """
    N, K = X.shape
    labels = group.astype(np.int16 if n_groups > 120 else np.int8)
    X32 = X.astype(np.float32)
    tok32 = tok.astype(np.float32)
    parts = [_score_parts(X, tok, group == g) for g in range(n_groups)]
    ge = np.zeros((n_groups, K))
    le = np.zeros((n_groups, K))
    tol = [_tol(u, r, tok[group == g].sum()) for g, (r, u, _) in enumerate(parts)]
    block = max(1, min(R, _BLOCK_CELLS // max(N, 1)))
    for start in range(0, R, block):
        b = min(block, R - start)
        perm = rng.permuted(np.broadcast_to(labels, (b, N)), axis=1)
        for g in range(n_groups):
            rate, u_obs, _ = parts[g]
            M = (perm == g).astype(np.float32)
            U = (M @ X32).astype(np.float64) - (M @ tok32).astype(np.float64)[:, None] * rate[None, :]
            ge[g] += (U >= u_obs - tol[g]).sum(axis=0)
            le[g] += (U <= u_obs + tol[g]).sum(axis=0)
    u_obs = np.stack([p[1] for p in parts])
    var = np.stack([p[2] for p in parts])
    p, method, z = _pvalues(ge, le, R, u_obs, var)
    return {"p": p, "z": z, "method": method}


def two_groups(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray, R: int, rng: np.random.Generator) -> dict:
    """Permutation test of group a against group b (the rows of X are exactly their documents)."""
    P, K = X.shape
    rate, u_obs, var = _score_parts(X, tok, in_a)
    tol = _tol(u_obs, rate, tok[in_a].sum())
    X32 = X.astype(np.float32)
    tok32 = tok.astype(np.float32)
    ge = np.zeros(K)
    le = np.zeros(K)
    block = max(1, min(R, _BLOCK_CELLS // max(P, 1)))
    for start in range(0, R, block):
        b = min(block, R - start)
        M = rng.permuted(np.broadcast_to(in_a, (b, P)), axis=1).astype(np.float32)
        U = (M @ X32).astype(np.float64) - (M @ tok32).astype(np.float64)[:, None] * rate[None, :]
        ge += (U >= u_obs - tol).sum(axis=0)
        le += (U <= u_obs + tol).sum(axis=0)
    p, method, z = _pvalues(ge, le, R, u_obs, var)
    return {"p": p, "z": z, "method": method}
