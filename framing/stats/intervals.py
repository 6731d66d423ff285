"""Bias-corrected and accelerated (BCa) bootstrap intervals for ratios of sums.

Every statistic here is a ratio of sums over documents (a rate: hits / words; a share: variant
mentions / axis mentions) or a ratio of two such ratios (a rate ratio). The percentile interval of
such a statistic is skewed when documents differ a lot, and undercovers with tens of documents;
BCa (Efron 1987) corrects for the median bias of the replicates (z0) and for the skewness of the
statistic (the acceleration a). The acceleration comes from the empirical influence values, which
for log(S/T) are exact and cheap: u_i = c_i / S - n_i / T. For a stratified bootstrap (outlets
resampled separately) the values are centred within each stratum and
a = sum(u^3) / (6 * sum(u^2)^1.5) (Davison & Hinkley 1997, section 3.2).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri, stdtrit

from framing.stats.matrix import row_sums


def influence_moments(X: np.ndarray, tok: np.ndarray, strata: np.ndarray, sign: float = 1.0):
    """sum(u^2), sum(u^3) per column for log(sum X / sum tok) over the rows given, stratified.

    X (n, K) counts, tok (n,) or (n, K) denominators, strata (n,) stratum ids of the rows.
    """
    S = X.sum(axis=0)
    T = tok.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = X / S - (tok / T if tok.ndim == 2 else (tok / T)[:, None])
    u = np.nan_to_num(u, nan=0.0, posinf=0.0, neginf=0.0)
    if len(np.unique(strata)) > 1:
        codes, inv = np.unique(strata, return_inverse=True)
        sums = row_sums(inv, u, len(codes))
        counts = np.bincount(inv, minlength=len(codes))[:, None]
        u = u - (sums / counts)[inv]
    u = sign * u
    return (u * u).sum(axis=0), (u * u * u).sum(axis=0)


def bca(theta: np.ndarray, reps: np.ndarray, u2: np.ndarray, u3: np.ndarray, alpha: float = 0.05, n=None):
    """BCa interval per column. theta (K,), reps (B, K) with NaN for undefined replicates.

    n (scalar or (K,)): the number of documents behind the estimate. Bootstrap intervals are too
    narrow with few documents (the resampled spread is (n-1)/n of the true one, and normal quantiles
    ignore that the spread itself is estimated); as in Hesterberg's expanded percentile interval
    (2015), the normal quantile is replaced by sqrt(n/(n-1)) times Student's t quantile with n-1
    degrees of freedom. No expansion when n is None."""
    B, K = reps.shape
    valid = ~np.isnan(reps)
    nvalid = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        below = ((reps < theta) & valid).sum(axis=0) + 0.5 * ((reps == theta) & valid).sum(axis=0)
        frac = np.clip(below / np.maximum(nvalid, 1), 0.5 / np.maximum(nvalid, 1), 1 - 0.5 / np.maximum(nvalid, 1))
        z0 = ndtri(frac)
        a = np.where(u2 > 0, u3 / (6.0 * u2 ** 1.5), 0.0)
    out = []
    for q in (alpha / 2, 1 - alpha / 2):
        zq = ndtri(q)
        if n is not None:
            nn = np.maximum(np.asarray(n, dtype=float), 2.0)
            zq = np.sqrt(nn / (nn - 1.0)) * stdtrit(nn - 1.0, q)
        with np.errstate(invalid="ignore", divide="ignore"):
            adj = ndtr(z0 + (z0 + zq) / (1 - a * (z0 + zq)))
        adj = np.where(np.isfinite(adj), adj, q)
        out.append(_column_quantile(reps, valid, nvalid, adj))
    lo, hi = out
    bad = nvalid < 2
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def _column_quantile(reps, valid, nvalid, probs):
    """Quantile of each column's valid replicates at its own probability (linear interpolation)."""
    s = np.sort(np.where(valid, reps, np.inf), axis=0)  # NaN replicates sorted last
    pos = probs * np.maximum(nvalid - 1, 0)
    lo_i = np.floor(pos).astype(np.int64)
    hi_i = np.minimum(lo_i + 1, np.maximum(nvalid - 1, 0))
    cols = np.arange(reps.shape[1])
    frac = pos - lo_i
    with np.errstate(invalid="ignore"):
        return s[lo_i, cols] * (1 - frac) + s[hi_i, cols] * frac
