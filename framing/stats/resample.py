"""Vectorised document bootstrap and document permutation tests.

Both resample whole documents, never single hits: frame words cluster inside articles (an article
about a siege says "siege" ten times), so treating hits as independent would make every interval
too narrow and every test too eager. Resampling documents keeps that over-dispersion in the
numbers.

Bootstrap: each outlet's documents are resampled with replacement, independently (a stratified
bootstrap), as integer weights built in blocks with ``numpy.bincount``; the replicate sums are one
matrix product per block. Permutation: see ``score_test``: exact permutation moments where a
three-moment approximation holds, and a Monte-Carlo over the documents that carry hits where it does not
(rare categories, small outlets), so the cost never grows with permutations x all documents.
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


FULL_MC_CELLS = 2_000_000  # R x P up to which all permutations are simulated document by document
SMALL_GROUP = 100  # a smaller group up to this many documents is drawn directly, document by document


def score_test(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray, R: int, rng: np.random.Generator,
               min_expected: float, every_row_counts: bool = False) -> dict:
    """Two-sided document permutation test of group a against group b, every column of X at once.

    X (P, K): counts of the P documents of the two groups; tok (P,) their lengths; in_a (P,) bool.
    The statistic is the Poisson score U = S_a - r * T_a (S_a, T_a: group a's hits and words; r the
    pooled rate). Under random relabelling of the documents U has mean 0, the exact variance
    m(P-m)/(P(P-1)) * sum_i d_i^2 and the exact third moment m(P-m)(P-2m)/(P(P-1)(P-2)) * sum_i d_i^3,
    d_i = x_i - r * n_i. Where the smaller group expects at least ``min_expected`` documents with a
    hit, U is referred to the Pearson type III curve with these three moments (the normal curve of
    Hajek's combinatorial central limit theorem, corrected for the skewness that clustered counts
    keep at moderate sizes); otherwise the permutation distribution is
    simulated with R relabellings: document by document when the smaller group or R x P is small
    (``_exact_mc``), else from the documents with hits alone (``_sparse_mc``).
    ``every_row_counts``: every row is an informative document (naming shares, where a document
    without the variant still mentions the axis), so the expected count is that of documents, not of
    documents with a hit. Returns arrays (K,): p, z, method, u.
    """
    P, K = X.shape
    m = int(in_a.sum())
    total_tok = tok.sum()
    rate = X.sum(axis=0) / total_tok if total_tok > 0 else np.zeros(K)
    d = X - tok[:, None] * rate[None, :]
    u_obs = d[in_a].sum(axis=0)
    d2 = d * d
    var = (m * (P - m) / (P * (P - 1.0))) * d2.sum(axis=0) if P > 1 and 0 < m < P else np.zeros(K)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, u_obs / np.sqrt(var), 0.0)
        mu3 = (m * (P - m) * (P - 2.0 * m) / (P * (P - 1.0) * (P - 2.0))) * (d2 * d).sum(axis=0) if P > 2 else 0.0
        skew = np.where(var > 0, mu3 / var ** 1.5, 0.0)
    p = _pearson3_p(z, skew)
    method = np.full(K, "permutation, three-moment approximation", dtype=object)
    hit = X > 0
    H = np.full(K, P) if every_row_counts else hit.sum(axis=0)
    expected_small = H * min(m, P - m) / P
    method[var <= 0] = np.where(X.sum(axis=0)[var <= 0] > 0, "no variation to permute", "no hits")
    p[var <= 0] = 1.0
    mc = np.flatnonzero((var > 0) & (expected_small < min_expected))
    if len(mc) and (min(m, P - m) <= SMALL_GROUP or R * P <= FULL_MC_CELLS):
        p[mc] = _exact_mc(d[:, mc], in_a, u_obs[mc], R, rng)
        method[mc] = f"permutation, Monte-Carlo ({R})"
    elif len(mc):
        small_is_a = m <= P - m
        hit_t = np.ascontiguousarray(hit[:, mc].T)
        tok_sum, tok_sq = tok.sum(), (tok * tok).sum()
        for j, k in enumerate(mc):
            rows = np.flatnonzero(hit_t[j])
            pn = P - len(rows)  # documents without a hit: their lengths' count, mean and sd
            mu = (tok_sum - tok[rows].sum()) / pn if pn else 0.0
            sd = np.sqrt(max((tok_sq - (tok[rows] ** 2).sum()) / pn - mu * mu, 0.0)) if pn else 0.0
            u_small = _sparse_mc(X[rows, k], tok[rows], (pn, mu, sd), min(m, P - m), P, rate[k], R, rng)
            u_a = u_small if small_is_a else -u_small
            tol = 1e-9 * (1.0 + abs(u_obs[k]))
            ge = np.count_nonzero(u_a >= u_obs[k] - tol)
            le = np.count_nonzero(u_a <= u_obs[k] + tol)
            p[k] = min(1.0, 2.0 * (min(ge, le) + 1.0) / (R + 1.0))
            method[k] = f"permutation, Monte-Carlo ({R})"
    return {"p": p, "z": z, "method": method, "u": u_obs, "skew": skew}


def _pearson3_p(z: np.ndarray, skew: np.ndarray) -> np.ndarray:
    """Two-sided p (twice the smaller tail) of a standardised statistic with the given skewness,
    from the Pearson type III distribution matching its first three moments (the normal when the
    skewness is 0). Beyond the support of the fitted curve the normal tail is used."""
    upper = sps.pearson3.sf(z, skew)
    lower = sps.pearson3.cdf(z, skew)
    tail = np.minimum(upper, lower)
    normal = sps.norm.sf(np.abs(z))
    tail = np.where((tail > 0) & np.isfinite(tail), tail, normal)
    return np.minimum(1.0, 2.0 * tail)


def _mc_p(ge, le, R):
    return np.minimum(1.0, 2.0 * (np.minimum(ge, le) + 1.0) / (R + 1.0))


def _exact_mc(d: np.ndarray, in_a: np.ndarray, u_obs: np.ndarray, R: int, rng: np.random.Generator) -> np.ndarray:
    """Monte-Carlo permutation p-values, every document relabelled: R uniform draws of the smaller
    group's members among all P documents; U of the smaller group is the sum of their residuals d
    (and U_a = -U_small when a is the larger group, since the residuals sum to 0)."""
    P, K = d.shape
    m = int(in_a.sum())
    ms = min(m, P - m)
    sign = 1.0 if m <= P - m else -1.0
    tol = 1e-9 * (1.0 + np.abs(u_obs))
    ge = np.zeros(K)
    le = np.zeros(K)
    block = max(1, min(R, 20_000_000 // max(P, 1)))
    for start in range(0, R, block):
        b = min(block, R - start)
        U = np.zeros((b, K))
        for active, val in _floyd(b, P, np.full(b, ms), rng):
            U += np.where(active[:, None], d[val], 0.0)
        U *= sign
        ge += (U >= u_obs - tol).sum(axis=0)
        le += (U <= u_obs + tol).sum(axis=0)
    return _mc_p(ge, le, R)


def _floyd(R: int, H: int, sizes: np.ndarray, rng: np.random.Generator):
    """Uniform random subsets of range(H), of size sizes[r] for row r, drawn by Floyd's algorithm
    in all R rows at once. Yields (active, val) per step: row r takes element val[r] when active[r]."""
    rows = np.arange(R)
    taken = np.zeros((R, H), dtype=bool)
    hmax = int(sizes.max()) if len(sizes) else 0
    for i in range(hmax):
        active = i < sizes
        j = np.where(active, H - sizes + i, 0)  # Floyd: j runs from H - size to H - 1
        t = (rng.random(R) * (j + 1)).astype(np.int64)
        np.minimum(t, j, out=t)
        val = np.where(taken[rows, t], j, t)
        val = np.where(active, val, 0)
        taken[rows[active], val[active]] = True
        yield active, val


def _sparse_mc(c_hit: np.ndarray, n_hit: np.ndarray, nonhit: tuple, ms: int, P: int, rate: float,
               R: int, rng: np.random.Generator) -> np.ndarray:
    """R draws of the small group's score U under random relabelling, from the hit documents alone.

    Which hit documents fall in the small group (size ms) is drawn exactly: their number is
    hypergeometric, the documents a uniform subset. Only the words of the documents without a hit
    that fall in the group are not drawn one by one: their sum is a sample without replacement from
    a finite population, drawn from its normal approximation (exact mean and variance); at the low
    rates where this branch runs it moves U by a small fraction of one hit.
    """
    H = len(c_hit)
    h = rng.hypergeometric(ms, P - ms, H, size=R) if H else np.zeros(R, dtype=np.int64)
    S = np.zeros(R)
    T = np.zeros(R)
    for active, val in _floyd(R, H, h, rng):
        S += np.where(active, c_hit[val], 0.0)
        T += np.where(active, n_hit[val], 0.0)
    k = ms - h  # documents without a hit in the small group
    Pn, mu, sd = nonhit  # documents without a hit: how many, mean and sd of their lengths
    if Pn:
        fpc = np.where(Pn > 1, k * (Pn - k) / max(Pn - 1, 1), 0.0)
        T = T + np.maximum(0.0, k * mu + np.sqrt(np.maximum(fpc, 0.0)) * sd * rng.standard_normal(R))
    return S - rate * T
