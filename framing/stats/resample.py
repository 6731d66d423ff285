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

from framing.stats.matrix import row_sums

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


MIN_STRATUM = 40  # documents per length stratum at least: fewer strata in small comparisons
MIN_OVERLAP = 0.5  # length bins are used only if they pair at least this share of the smaller side


def length_strata(tok: np.ndarray, n_strata: int) -> np.ndarray:
    """Stratum of each document: quantile bins of its length (ties kept together), as many as
    ``n_strata`` but no more than leave MIN_STRATUM documents in each. In small comparisons length
    strata would leave too few documents to permute (and, where outlets differ in length, separate
    them entirely), so small comparisons are not stratified; nor are comparisons whose two sides
    barely overlap in length (``score_test`` checks that and reports ``length_matched``)."""
    n_strata = min(n_strata, len(tok) // MIN_STRATUM)
    if n_strata <= 1:
        return np.zeros(len(tok), dtype=np.int64)
    edges = np.unique(np.quantile(tok, np.linspace(0, 1, n_strata + 1)[1:-1]))
    return np.searchsorted(edges, tok, side="right")


def score_test(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray, R: int, rng: np.random.Generator,
               min_expected: float, every_row_counts: bool = False, n_strata: int = 5,
               strata: np.ndarray | None = None, simulate: bool = True) -> dict:
    """Two-sided document permutation test of group a against group b, every column of X at once.

    X (P, K): counts of the P documents of the two groups; tok (P,) their lengths; in_a (P,) bool.
    The statistic is the Poisson score U = sum over strata of S_as - r_s * T_as (S_as, T_as: group
    a's hits and words in stratum s; r_s the stratum's pooled rate), which is zero exactly where the
    Mantel-Haenszel rate ratio over the same strata is 1 (see ``ratio.py``). Labels are permuted
    within strata of similar length (``n_strata`` quantile bins; or the given ``strata`` labels,
    e.g. topic x length, used as they are):
    an unrestricted permutation test is too eager when the smaller group writes longer documents
    (the permutation variance then misses the larger variance of long documents), and permuting
    like with like removes that. Under such relabelling U has, per stratum s with P_s documents of
    which m_s in group a, mean m_s * mean(d_s), variance m_s(P_s-m_s)/(P_s(P_s-1)) * sum (d-mean)^2
    and third moment m_s(P_s-m_s)(P_s-2m_s)/(P_s(P_s-1)(P_s-2)) * sum (d-mean)^3, with
    d_i = x_i - r * n_i; strata are independent, so these add. Where the smaller group expects at
    least ``min_expected`` documents with a hit, U is referred to the Pearson type III curve with
    these three moments (the normal curve of Hajek's combinatorial central limit theorem, corrected
    for the skewness that clustered counts keep at moderate sizes); otherwise the permutation
    distribution is simulated with R relabellings: document by document when the smaller group or
    R x P is small (``_exact_mc``), else from the documents with hits alone (``_sparse_mc``).
    ``every_row_counts``: every row is an informative document (naming shares, where a document
    without the variant still mentions the axis), so the expected count is that of documents, not of
    documents with a hit. ``simulate=False``: the columns the curve does not fit are not simulated
    (their p is NaN, their method the Monte-Carlo one and ``rng`` is not drawn from), for a caller
    that tests those columns in another way. Returns arrays (K,): p, z, skew, var, method, u; and
    ``labels`` (P,), the stratum of each row actually used (for the matching interval).
    """
    P, K = X.shape
    m = int(in_a.sum())
    matched = True
    if strata is None:
        strata = length_strata(tok, n_strata)
        groups = [np.flatnonzero(strata == s) for s in np.unique(strata)]
        if len(groups) > 1:
            # share of the smaller side that has documents of the other side in its length bin
            pairs = sum(min(int(in_a[g].sum()), len(g) - int(in_a[g].sum())) for g in groups)
            if pairs < MIN_OVERLAP * min(m, P - m):  # lengths barely overlap: bins would leave little to shuffle
                groups, matched = [np.arange(P)], False
    else:
        groups = [np.flatnonzero(strata == s) for s in np.unique(strata)]
    labels = np.empty(P, dtype=np.int64)
    for i, rows in enumerate(groups):
        labels[rows] = i
    xs = row_sums(labels, X, len(groups))
    ts = np.bincount(labels, weights=tok, minlength=len(groups))
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(ts[:, None] > 0, xs / ts[:, None], 0.0)  # (S, K) pooled rate of each stratum
    d = X - tok[:, None] * rates[labels]
    u_obs = d[in_a].sum(axis=0)
    mean, var, mu3 = np.zeros(K), np.zeros(K), np.zeros(K)
    for rows in groups:
        Ps, ms = len(rows), int(in_a[rows].sum())
        if ms == 0 or ms == Ps:
            mean += d[rows].sum(axis=0) if ms else 0.0
            continue
        dm = d[rows].mean(axis=0)
        c = d[rows] - dm
        c2 = c * c
        mean += ms * dm
        var += (ms * (Ps - ms) / (Ps * (Ps - 1.0))) * c2.sum(axis=0)
        if Ps > 2:
            mu3 += (ms * (Ps - ms) * (Ps - 2.0 * ms) / (Ps * (Ps - 1.0) * (Ps - 2.0))) * (c2 * c).sum(axis=0)
    var = np.where(var > 1e-12 * (1.0 + (d * d).sum(axis=0)), var, 0.0)  # rounding noise is no variation
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, (u_obs - mean) / np.sqrt(var), 0.0)
        skew = np.where(var > 0, mu3 / var ** 1.5, 0.0)
    p = _pearson3_p(z, skew)
    method = np.full(K, "permutation, three-moment approximation", dtype=object)
    hit = X > 0
    H = np.full(K, P) if every_row_counts else hit.sum(axis=0)
    expected_small = H * min(m, P - m) / P
    method[var <= 0] = np.where(X.sum(axis=0)[var <= 0] > 0, "no variation to permute", "no hits")
    p[var <= 0] = 1.0
    mc = np.flatnonzero((var > 0) & (expected_small < min_expected))
    if len(mc) and not simulate:
        p[mc] = np.nan
        method[mc] = f"permutation, Monte-Carlo ({R})"
    elif len(mc) and (min(m, P - m) <= SMALL_GROUP or R * P <= FULL_MC_CELLS):
        p[mc] = _exact_mc(d[:, mc], in_a, groups, u_obs[mc], R, rng)
        method[mc] = f"permutation, Monte-Carlo ({R})"
    elif len(mc):
        hit_t = np.ascontiguousarray(hit[:, mc].T)
        label = labels
        # per stratum: documents, of them in group a, sum and sum of squares of lengths
        strata_info = [(len(rows), int(in_a[rows].sum()), tok[rows].sum(), (tok[rows] * tok[rows]).sum())
                       for rows in groups]
        for j, k in enumerate(mc):
            u_a = _sparse_mc(X[:, k], tok, np.flatnonzero(hit_t[j]), label, strata_info, rates[:, k], R, rng)
            tol = 1e-9 * (1.0 + abs(u_obs[k]))
            ge = np.count_nonzero(u_a >= u_obs[k] - tol)
            le = np.count_nonzero(u_a <= u_obs[k] + tol)
            p[k] = min(1.0, 2.0 * (min(ge, le) + 1.0) / (R + 1.0))
            method[k] = f"permutation, Monte-Carlo ({R})"
    return {"p": p, "z": z, "skew": skew, "var": var, "method": method, "u": u_obs, "strata": len(groups),
            "length_matched": matched, "labels": labels}


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


def _exact_mc(d: np.ndarray, in_a: np.ndarray, groups: list, u_obs: np.ndarray, R: int,
              rng: np.random.Generator) -> np.ndarray:
    """Monte-Carlo permutation p-values, every document relabelled within its stratum: per stratum,
    R uniform draws of the smaller side's members; group a's U is their residual sum (or the
    stratum's total minus it when a is the larger side there)."""
    P, K = d.shape
    tol = 1e-9 * (1.0 + np.abs(u_obs))
    ge = np.zeros(K)
    le = np.zeros(K)
    block = max(1, min(R, 20_000_000 // max(P, 1)))
    for start in range(0, R, block):
        b = min(block, R - start)
        U = np.zeros((b, K))
        for rows in groups:
            Ps, ms = len(rows), int(in_a[rows].sum())
            ds = d[rows]
            if ms == 0 or ms == Ps:
                U += ds.sum(axis=0) if ms else 0.0
                continue
            acc = np.zeros((b, K))
            for active, val in _floyd(b, Ps, np.full(b, min(ms, Ps - ms)), rng):
                acc += np.where(active[:, None], ds[val], 0.0)
            U += acc if ms <= Ps - ms else ds.sum(axis=0) - acc
        ge += (U >= u_obs - tol).sum(axis=0)
        le += (U <= u_obs + tol).sum(axis=0)
    return _mc_p(ge, le, R)


_FLOYD_DRAWS = 1_000_000  # uniforms drawn at once while choosing subsets (8 MB)


def _floyd(R: int, H: int, sizes: np.ndarray, rng: np.random.Generator):
    """Uniform random subsets of range(H), of size sizes[r] for row r, drawn by Floyd's algorithm
    in all R rows at once. Yields (active, val) per step: row r takes element val[r] when active[r]
    (val is 0 where it is not)."""
    base = np.arange(R, dtype=np.int64) * H
    for active, flat in _floyd_steps(R, H, sizes, rng, np.zeros(R * H + 1, dtype=bool)):
        yield active, np.where(active, flat - base, 0)


def _floyd_steps(R: int, H: int, sizes: np.ndarray, rng: np.random.Generator, taken: np.ndarray):
    """``_floyd`` on a flat (R, H) table ``taken`` (a zeroed bool array of R * H + 1; row r's subset
    is taken[r * H:(r + 1) * H] once the steps are done). Yields (active, flat) per step: row r
    takes element flat[r] - r * H when active[r]; flat is R * H, a slot of its own, where it is not.

    Step i of row r draws t uniform in 0..j (j = H - sizes[r] + i) and takes t, or j when t is
    already taken. The uniforms of many steps are drawn by one call (the generator gives the same
    numbers as one call per step) and their t computed at once; only the taken-check runs step by
    step."""
    sizes = np.asarray(sizes, dtype=np.int64)
    hmax = int(sizes.max()) if len(sizes) else 0
    if hmax <= 0:
        return
    base = np.arange(R, dtype=np.int64) * H
    first = H - sizes  # j at step 0
    chunk = max(1, _FLOYD_DRAWS // max(R, 1))
    for start in range(0, hmax, chunk):
        n = min(chunk, hmax - start)
        steps = np.arange(start, start + n, dtype=np.int64)[:, None]
        active = steps < sizes
        j = np.where(active, first + steps, 0)  # Floyd: j runs from H - size to H - 1
        t = (rng.random((n, R)) * (j + 1)).astype(np.int64)
        np.minimum(t, j, out=t)
        at_t = np.where(active, base + t, R * H)
        at_j = np.where(active, base + j, R * H)
        for i in range(n):
            flat = np.where(taken[at_t[i]], at_j[i], at_t[i])
            taken[flat] = True
            yield active[i], flat


def _subset_sums(R: int, H: int, sizes: np.ndarray, rng: np.random.Generator, c: np.ndarray, n: np.ndarray):
    """Sums of ``c`` and of ``n`` (H,) over the Floyd subsets of ``_floyd``: (R,) each. The sums are
    those of adding the subset's values in the order Floyd takes them; with whole numbers (counts,
    lengths) any order gives them exactly, so they are summed from the finished subsets at once."""
    whole = bool(np.all(np.mod(c, 1.0) == 0) and np.all(np.mod(n, 1.0) == 0)
                 and np.abs(c).sum() < 2.0 ** 52 and np.abs(n).sum() < 2.0 ** 52)
    S, T = np.zeros(R), np.zeros(R)
    if not whole:
        for active, val in _floyd(R, H, sizes, rng):
            S += np.where(active, c[val], 0.0)
            T += np.where(active, n[val], 0.0)
        return S, T
    taken = np.zeros(R * H + 1, dtype=bool)
    for _ in _floyd_steps(R, H, sizes, rng, taken):
        pass
    row, col = np.divmod(np.flatnonzero(taken[:R * H]), H)
    return S + np.bincount(row, weights=c[col], minlength=R), T + np.bincount(row, weights=n[col], minlength=R)


def _sparse_mc(x: np.ndarray, tok: np.ndarray, hit_rows: np.ndarray, label: np.ndarray, strata_info: list,
               rate: np.ndarray, R: int, rng: np.random.Generator) -> np.ndarray:
    """R draws of group a's score U under relabelling within strata, from the hit documents alone.

    In each stratum, which hit documents fall in group a is drawn exactly: their number is
    hypergeometric, the documents a uniform subset. Only the words of the documents without a hit
    that fall in group a are not drawn one by one: their sum is a sample without replacement from a
    finite population, drawn from its normal approximation (exact mean and variance); at the low
    rates where this branch runs it moves U by a small fraction of one hit. ``rate`` (S,): each
    stratum's pooled rate.
    """
    U = np.zeros(R)
    hit_label = label[hit_rows]
    for s, (Ps, ms, tok_sum, tok_sq) in enumerate(strata_info):
        if ms == 0 or ms == Ps:
            continue  # the stratum's part of U is its residual sum, 0 with the stratum's own rate
        hrows = hit_rows[hit_label == s]
        H = len(hrows)
        if H == 0:
            continue  # no hits: the stratum's rate is 0 and so is its part of U
        c_hit, n_hit = x[hrows], tok[hrows]
        h = rng.hypergeometric(ms, Ps - ms, H, size=R) if H else np.zeros(R, dtype=np.int64)
        flip = 2 * ms > Ps  # draw the hit documents of the smaller side: fewer Floyd steps
        S, T = _subset_sums(R, H, H - h if flip else h, rng, c_hit, n_hit)
        if flip:
            S, T = c_hit.sum() - S, n_hit.sum() - T
        Pn = Ps - H  # documents without a hit in this stratum: their number, mean and sd of lengths
        if Pn:
            mu = (tok_sum - n_hit.sum()) / Pn
            sd = np.sqrt(max((tok_sq - (n_hit * n_hit).sum()) / Pn - mu * mu, 0.0))
            k = ms - h  # documents without a hit that fall in group a
            fpc = k * (Pn - k) / max(Pn - 1, 1)
            T = T + np.maximum(0.0, k * mu + np.sqrt(np.maximum(fpc, 0.0)) * sd * rng.standard_normal(R))
        U += S - rate[s] * T
    return U
