"""The effect size beside each contrast test: a stratified rate ratio and an interval from the same model.

The contrast test (``resample.score_test``) permutes outlet labels within strata (length bins, and
topics when the topic stage ran). The effect reported beside it estimates what it tests.

Point estimate: the Mantel-Haenszel rate ratio over the same strata (Rothman & Greenland, Modern
Epidemiology, 3rd ed., ch. 15), with a_s, b_s the two sides' hits and T_as, T_bs their words in
stratum s, T_s = T_as + T_bs:

    RR_MH = sum_s (a_s T_bs / T_s) / sum_s (b_s T_as / T_s)

Strata holding only one side's documents get weight 0. Its Poisson variance (Greenland & Robins
1985, Biometrics 41:55-68, the person-time formula),

    Var(ln RR_MH) = sum_s (a_s + b_s) T_as T_bs / T_s^2 / [sum_s a_s T_bs / T_s * sum_s b_s T_as / T_s],

is kept in the ``info`` of the stage (``gr_se``): it ignores that hits cluster in articles, so it is
a floor, not the interval.

Interval (enough hits on both sides): the set of ratios rho the permutation test does not reject
when outlet a's hits are divided by rho (Lehmann's inversion of a permutation test; the transformed
counts are exchangeable under H0: RR = rho). With y_i = x_i / rho for a's documents and x_i for b's,
the stratum rates r_s(rho) and residuals d_i = y_i - r_s n_i, the score U(rho) = sum over a of d_i
is zero exactly at rho = RR_MH, and its permutation mean, variance and third moment are the exact
ones of ``score_test``. The bounds solve z(rho) = the Pearson type III quantile of the test at
alpha/2 and 1 - alpha/2. At rho = 1 this is the test itself, so "the interval excludes 1" and
"the curve's p < alpha" are one decision. Where the data cannot reject any ratio on one side (all of
a side's hits in one or two articles) that bound is 0 or infinite.

Interval (few hits on a side, zero included, or counts too sparse for the curve): exact
conditional. Given the M hits of the informative strata, a's count is a sum of binomials with
p_s(rho) = T_as rho / (T_as rho + T_bs); it is referred to the binomial with the same mean
pbar(rho) = sum_s M_s p_s(rho) / M (a sum of binomials varies less than the binomial with its
mean, so this errs on the wide side). Hits cluster in articles, so the counts are first divided by
the design effect of the permutation test, deff = (permutation variance of U) / (its Poisson
variance sum_s M_s T_as T_bs / T_s^2), at least 1 (Rao & Scott 1992, Biometrics 48:577-585).
Clopper-Pearson bounds on pbar are mapped to rho. A side with no hits gets the bound 0 (or
infinity) on its side, so the interval always contains the observed ratio and never lies wholly on
the side opposite to the counts.
"""

from __future__ import annotations

import numpy as np
from scipy import special
from scipy import stats as sps

_BISECT = 24  # halvings of the bracket in log rho (width 30 -> 2e-6)
_SPAN = 30.0  # the bracket: log rho within 30 of the estimate (a factor of 1e13)


def stratum_sums(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray, labels: np.ndarray):
    """Per stratum: a's and b's hits (S, K) and words (S,)."""
    S = int(labels.max()) + 1 if len(labels) else 0
    K = X.shape[1]
    sa, sb = np.zeros((S, K)), np.zeros((S, K))
    np.add.at(sa, labels[in_a], X[in_a])
    np.add.at(sb, labels[~in_a], X[~in_a])
    ta = np.bincount(labels[in_a], weights=tok[in_a], minlength=S)
    tb = np.bincount(labels[~in_a], weights=tok[~in_a], minlength=S)
    return sa, sb, ta, tb


def mantel_haenszel(sa, sb, ta, tb) -> tuple[np.ndarray, np.ndarray]:
    """RR_MH (K,) and the Greenland-Robins standard error of its log (K,); 0 / inf where a side has no
    weighted hits, NaN where neither has."""
    T = ta + tb
    with np.errstate(all="ignore"):
        w = np.where(T > 0, 1.0 / T, 0.0)
        num = (sa * (tb * w)[:, None]).sum(axis=0)
        den = (sb * (ta * w)[:, None]).sum(axis=0)
        rr = np.where((num == 0) & (den == 0), np.nan, num / den)
        var = ((sa + sb) * (ta * tb * w * w)[:, None]).sum(axis=0) / (num * den)
    return rr, np.sqrt(np.where(np.isfinite(var), var, np.nan))


def poisson_score_variance(sa, sb, ta, tb) -> np.ndarray:
    """Variance of U = sum_s (a_s - M_s T_as / T_s) given the strata's hits, if hits were Poisson."""
    T = ta + tb
    with np.errstate(all="ignore"):
        w = np.where(T > 0, ta * tb / (T * T), 0.0)
    return ((sa + sb) * w[:, None]).sum(axis=0)


class _Moments:
    """Permutation moments of U(rho) for every column at once, from the documents with hits alone."""

    def __init__(self, X, tok, in_a, labels):
        S = int(labels.max()) + 1
        self.S, self.K = S, X.shape[1]
        r, c = np.nonzero(X)
        self.col, self.s = c, labels[r]
        self.x, self.n, self.a = X[r, c], tok[r], in_a[r]
        self.key = self.s * self.K + c
        self.sa, self.sb, self.ta, self.tb = stratum_sums(X, tok, in_a, labels)
        self.T = self.ta + self.tb
        P_s = np.bincount(labels, minlength=S).astype(float)
        m_s = np.bincount(labels[in_a], minlength=S).astype(float)
        with np.errstate(all="ignore"):
            self.c2 = np.where(P_s > 1, m_s * (P_s - m_s) / (P_s * (P_s - 1.0)), 0.0)
            self.c3 = np.where(P_s > 2, m_s * (P_s - m_s) * (P_s - 2 * m_s) / (P_s * (P_s - 1.0) * (P_s - 2.0)), 0.0)
        n2 = np.bincount(labels, weights=tok * tok, minlength=S)
        n3 = np.bincount(labels, weights=tok ** 3, minlength=S)
        h2 = np.bincount(self.key, weights=self.n ** 2, minlength=S * self.K).reshape(S, self.K)
        h3 = np.bincount(self.key, weights=self.n ** 3, minlength=S * self.K).reshape(S, self.K)
        self.rest2 = np.maximum(n2[:, None] - h2, 0.0)  # sums of n^2, n^3 over documents without a hit
        self.rest3 = np.maximum(n3[:, None] - h3, 0.0)

    def z_skew(self, rho: np.ndarray):
        """z and skewness of U(rho), rho (K,) > 0."""
        with np.errstate(all="ignore"):
            r = np.where(self.T[:, None] > 0, (self.sa / rho + self.sb) / self.T[:, None], 0.0)  # (S, K)
            y = np.where(self.a, self.x / rho[self.col], self.x)
            e = y - r[self.s, self.col] * self.n
            size = self.S * self.K
            d2 = np.bincount(self.key, weights=e * e, minlength=size).reshape(self.S, self.K) + r * r * self.rest2
            d3 = np.bincount(self.key, weights=e ** 3, minlength=size).reshape(self.S, self.K) - r ** 3 * self.rest3
            u = (self.sa / rho - r * self.ta[:, None]).sum(axis=0)
            v = (self.c2[:, None] * d2).sum(axis=0)
            m3 = (self.c3[:, None] * d3).sum(axis=0)
            z = np.where(v > 0, u / np.sqrt(v), 0.0)
            skew = np.where(v > 0, m3 / v ** 1.5, 0.0)
        return z, skew


def _crit(skew: np.ndarray, q) -> np.ndarray:
    """Quantile q of the standardised Pearson type III curve with the given skewness (scipy's
    pearson3, computed from the gamma quantile directly: the same curve, without per-call overhead)."""
    skew = np.asarray(skew, dtype=float)
    q = np.broadcast_to(np.asarray(q, dtype=float), skew.shape)
    small = np.abs(skew) < 1.6e-5  # scipy's pearson3 is the normal curve there
    with np.errstate(all="ignore"):
        g = np.where(small, 1.0, skew)
        alpha = 4.0 / (g * g)
        upper = np.where(g > 0, q, 1.0 - q)  # for negative skew the curve is mirrored
        x = (special.gammaincinv(alpha, upper) - alpha) * np.abs(g) / 2.0
        out = np.where(g > 0, x, -x)
    out = np.where(small, special.ndtri(q), out)
    return np.where(np.isfinite(out), out, special.ndtri(q))


def score_interval(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray, labels: np.ndarray, estimate: np.ndarray,
                   alpha) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of the permutation-test inversion interval (module docstring) for every column of X.

    ``estimate`` (K,): RR_MH (finite and > 0 where an interval is wanted; NaN elsewhere). ``alpha``:
    a number or (K,) array. Bisection in log rho; a bound the data never reach is 0 or inf."""
    K = X.shape[1]
    lo, hi = np.full(K, np.nan), np.full(K, np.nan)
    ok = np.isfinite(estimate) & (estimate > 0)
    if not ok.any():
        return lo, hi
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (K,))
    mom = _Moments(X[:, ok], tok, in_a, labels)
    est = np.log(estimate[ok])
    a = alpha[ok]
    for side in (-1.0, 1.0):  # -1: lower bound (z above the upper quantile), +1: upper bound
        q = 1 - a / 2 if side < 0 else a / 2

        def f(logr):
            z, skew = mom.z_skew(np.exp(logr))
            return (z - _crit(skew, q)) * -side  # < 0 at the estimate, > 0 beyond the bound

        inner, outer = est.copy(), est + side * _SPAN
        reach = f(outer) > 0
        # rho = 1 is a bracket end wherever it lies inside: the bound then falls on the same side of 1
        # as the test's own decision, however coarse the bisection
        one_inside = (np.sign(0.0 - inner) == side) & (np.sign(outer - 0.0) == side)
        if one_inside.any():
            beyond_one = f(np.zeros_like(est)) > 0
            outer = np.where(one_inside & beyond_one, 0.0, outer)
            inner = np.where(one_inside & ~beyond_one, 0.0, inner)
        for _ in range(_BISECT):
            mid = 0.5 * (inner + outer)
            beyond = f(mid) > 0
            outer = np.where(beyond, mid, outer)
            inner = np.where(beyond, inner, mid)
        bound = np.where(reach, np.exp(0.5 * (inner + outer)), 0.0 if side < 0 else np.inf)
        (lo if side < 0 else hi)[ok] = bound
    return lo, hi


def _conditional(sa, sb, ta, tb, deff):
    """The strata where both outlets have words, each stratum's hits (S, K), and the design-effect
    adjusted hits of outlet A and of both (K,): the counts both the test and the interval use."""
    inform = (ta > 0) & (tb > 0)
    sa, sb, ta, tb = sa[inform], sb[inform], ta[inform], tb[inform]
    M_s = sa + sb
    return sa, sb, ta, tb, M_s, sa.sum(axis=0) / deff, M_s.sum(axis=0) / deff


def conditional_interval(sa, sb, ta, tb, deff, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Exact conditional (Clopper-Pearson) interval of the common rate ratio, design-effect adjusted
    (module docstring). sa, sb (S, K) hits; ta, tb (S,) words; deff (K,) >= 1; alpha number or (K,)."""
    K = sa.shape[1]
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (K,))
    sa, sb, ta, tb, M_s, a, n = _conditional(sa, sb, ta, tb, deff)
    with np.errstate(all="ignore"):
        p_lo = np.where(a > 0, sps.beta.ppf(alpha / 2, a, n - a + 1), 0.0)
        p_hi = np.where(a < n, sps.beta.ppf(1 - alpha / 2, a + 1, n - a), 1.0)
    lo, hi = np.full(K, np.nan), np.full(K, np.nan)
    has = n > 0
    M = M_s.sum(axis=0)

    def pbar(logr):
        rho = np.exp(logr)
        p_s = ta[:, None] * rho / (ta[:, None] * rho + tb[:, None])
        with np.errstate(all="ignore"):
            return (M_s * p_s).sum(axis=0) / M

    for target, out, zero_at in ((p_lo, lo, 0.0), (p_hi, hi, 1.0)):
        edge = has & (target == zero_at)
        out[edge] = 0.0 if zero_at == 0.0 else np.inf
        todo = has & ~edge
        if not todo.any():
            continue
        left, right = np.full(K, -60.0), np.full(K, 60.0)  # pbar increases with log rho
        for _ in range(40):  # width 120 -> 1e-10
            mid = 0.5 * (left + right)
            below = pbar(mid) < target
            left = np.where(below, mid, left)
            right = np.where(below, right, mid)
        out[todo] = np.exp(0.5 * (left + right))[todo]
    return lo, hi


def conditional_p(sa, sb, ta, tb, deff) -> np.ndarray:
    """Two-sided p of H0: rho = 1 in the same exact conditional model as ``conditional_interval``
    (twice the smaller tail of the binomial with the design-effect adjusted counts, capped at 1; the
    beta form of the binomial tails, so non-integer counts are allowed). The interval excludes 1
    exactly when this p is below its alpha: one model for the test and the interval."""
    sa, sb, ta, tb, M_s, a, n = _conditional(sa, sb, ta, tb, deff)
    with np.errstate(all="ignore"):
        p0 = (M_s * (ta / (ta + tb))[:, None]).sum(axis=0) / M_s.sum(axis=0)
        upper = np.where(a > 0, special.betainc(a, n - a + 1, p0), 1.0)  # P(A >= a)
        lower = np.where(a < n, 1.0 - special.betainc(a + 1, n - a, p0), 1.0)  # P(A <= a)
        p = np.minimum(1.0, 2.0 * np.minimum(upper, lower))
    return np.where(n > 0, p, np.nan)

