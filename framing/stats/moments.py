"""Permutation moments of the contrast score U(rho), for the interval that inverts the test (``ratio.py``).

The interval's bisection asks, at each trial ratio rho, on which side of the test's critical value
the standardised score z(rho) lies. ``Moments.z_skew`` computes z and the skewness of U(rho) from
every document with a hit: its residual y_i - r_s n_i, squared and cubed, summed per stratum.

The bisection needs only the side, and most trial ratios are far from the bound. ``Moments.side``
therefore first computes those per-stratum sums from sums of powers of the hits and lengths, fixed
before the bisection (the square and the cube of the residual expanded: a few operations per
stratum and column instead of per document), together with a bound on how far rounding can take
them from the document-by-document sums. Only a column whose critical value lies within that bound
of z is computed document by document, with the same operations in the same order as ``z_skew``.
Every decision, and so every bound of every interval, is the one ``z_skew`` gives.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from framing.stats.matrix import row_sums

_EPS = np.finfo(float).eps
_SAFETY = 8.0  # the rounding bounds below are worst cases already; this covers what they leave out
_SMALL_SKEW = 1.6e-5  # below this skewness scipy's pearson3 (and ``crit``) is the normal curve


def crit(skew: np.ndarray, q) -> np.ndarray:
    """Quantile q of the standardised Pearson type III curve with the given skewness (scipy's
    pearson3, computed from the gamma quantile directly: the same curve, without per-call overhead)."""
    return _crit(skew, q)[0]


def _crit(skew, q):
    """``crit`` and which formula gave each value (0 the normal curve, 1 the gamma quantile, 2 the
    normal curve where the gamma quantile is not finite)."""
    skew = np.asarray(skew, dtype=float)
    q = np.broadcast_to(np.asarray(q, dtype=float), skew.shape)
    small = np.abs(skew) < _SMALL_SKEW
    with np.errstate(all="ignore"):
        g = np.where(small, 1.0, skew)
        alpha = 4.0 / (g * g)
        upper = np.where(g > 0, q, 1.0 - q)  # for negative skew the curve is mirrored
        x = (special.gammaincinv(alpha, upper) - alpha) * np.abs(g) / 2.0
        out = np.where(g > 0, x, -x)
    out = np.where(small, special.ndtri(q), out)
    finite = np.isfinite(out)
    return np.where(finite, out, special.ndtri(q)), np.where(small, 0, np.where(finite, 1, 2))


def stratum_sums(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray, labels: np.ndarray):
    """Per stratum: a's and b's hits (S, K) and words (S,)."""
    S = int(labels.max()) + 1 if len(labels) else 0
    sa, sb = row_sums(labels[in_a], X[in_a], S), row_sums(labels[~in_a], X[~in_a], S)
    ta = np.bincount(labels[in_a], weights=tok[in_a], minlength=S)
    tb = np.bincount(labels[~in_a], weights=tok[~in_a], minlength=S)
    return sa, sb, ta, tb


class Moments:
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
        self.h2 = self._sum(self.n ** 2)
        self.h3 = self._sum(self.n ** 3)
        self.rest2 = np.maximum(n2[:, None] - self.h2, 0.0)  # sums of n^2, n^3 over documents without a hit
        self.rest3 = np.maximum(n3[:, None] - self.h3, 0.0)
        self._expansion = None

    def _sum(self, weights, rows=None):
        key = self.key if rows is None else self.key[rows]
        return np.bincount(key, weights=weights, minlength=self.S * self.K).reshape(self.S, self.K)

    def _d(self, rho, r, rows=None):
        """The per-stratum sums of squared and cubed residuals (S, K), document by document, over
        the hits ``rows`` (all when None; columns without rows in it come out wrong)."""
        sel = slice(None) if rows is None else rows
        x, n, a, col, key = self.x[sel], self.n[sel], self.a[sel], self.col[sel], self.key[sel]
        y = np.where(a, x / rho[col], x)
        e = y - r.reshape(-1)[key] * n
        size = self.S * self.K
        d2 = np.bincount(key, weights=e * e, minlength=size).reshape(self.S, self.K) + r * r * self.rest2
        d3 = np.bincount(key, weights=e ** 3, minlength=size).reshape(self.S, self.K) - r ** 3 * self.rest3
        return d2, d3

    def _rate(self, rho):
        return np.where(self.T[:, None] > 0, (self.sa / rho + self.sb) / self.T[:, None], 0.0)  # (S, K)

    def _z_skew(self, u, d2, d3):
        v = (self.c2[:, None] * d2).sum(axis=0)
        m3 = (self.c3[:, None] * d3).sum(axis=0)
        z = np.where(v > 0, u / np.sqrt(v), 0.0)
        skew = np.where(v > 0, m3 / v ** 1.5, 0.0)
        return z, skew

    def z_skew(self, rho: np.ndarray):
        """z and skewness of U(rho), rho (K,) > 0."""
        with np.errstate(all="ignore"):
            r = self._rate(rho)
            u = (self.sa / rho - r * self.ta[:, None]).sum(axis=0)
            d2, d3 = self._d(rho, r)
            return self._z_skew(u, d2, d3)

    def side(self, logr: np.ndarray, q: np.ndarray, side: np.ndarray) -> np.ndarray:
        """(z(rho) - crit(skew(rho), q)) * -side at rho = exp(logr), for the columns repeated: logr,
        q and side have n * K values, the K columns n times over (e.g. a lower and an upper bound).
        Where this is within the rounding bound of 0 it is computed as ``z_skew`` does (with the K
        columns of one repetition at a time), so its sign is always that of the
        document-by-document value (module docstring); elsewhere it is the expanded value."""
        n = len(logr) // self.K
        if self._expansion is None or self._expansion["n"] != n:
            self._prepare(n)
        s = self._expansion
        rho = np.exp(logr)
        with np.errstate(all="ignore"):
            r = _rates(s, self.T[:, None], rho)
            u = self._scores(rho, r)
            d2, d3, unsure, f = _expanded(s, self.c2[:, None], self.c3[:, None], rho, r, u, q, side)
            self._settle(rho, r, u, d2, d3, unsure, q, side, f)
        return f

    def _scores(self, rho, r) -> np.ndarray:
        """The scores U(rho) of :meth:`side`'s n K values, the K columns of each repetition summed
        as ``z_skew`` sums them (one column's strata are summed in another order than several's)."""
        K = self.K
        return np.concatenate([(self.sa / rho[i * K:(i + 1) * K] - r[:, i * K:(i + 1) * K] * self.ta[:, None])
                               .sum(axis=0) for i in range(len(rho) // K)])

    def _settle(self, rho, r, u, d2, d3, unsure, q, side, f) -> None:
        """``f`` (n K values, as :meth:`side` has them) computed as ``z_skew`` does where ``unsure``,
        in place, with the K columns of one repetition at a time."""
        K = self.K
        for i in range(len(f) // K):
            part = slice(i * K, (i + 1) * K)
            cols = np.flatnonzero(unsure[part])
            if not len(cols):
                continue
            rh, rr = rho[part], np.ascontiguousarray(r[:, part])  # as ``z_skew`` has them
            e2, e3 = self._d(rh, rr, self._rows(cols))
            D2, D3 = d2[:, part].copy(), d3[:, part].copy()
            D2[:, cols], D3[:, cols] = e2[:, cols], e3[:, cols]
            z, skew = self._z_skew(u[part], D2, D3)
            exact = (z - crit(skew, q[part])) * -side[part]
            f[part] = np.where(unsure[part], exact, f[part])

    def _rows(self, cols: np.ndarray) -> np.ndarray:
        """The hits of the columns ``cols``, in the order ``z_skew`` sums them."""
        order, start = self._expansion["order"], self._expansion["start"]
        return np.concatenate([order[start[k]:start[k + 1]] for k in cols])

    def _prepare(self, n: int):
        a, b = self.a, ~self.a
        x, nn = self.x, self.n
        x2, xn = x * x, x * nn
        sums = {}
        for name, w in (("x2", x2), ("xn", xn), ("x3", x2 * x), ("x2n", x2 * nn), ("xn2", xn * nn)):
            sums[name + "a"] = np.tile(self._sum(w[a], a), n)
            sums[name + "b"] = np.tile(self._sum(w[b], b), n)
        # hits per stratum and column (how far rounding can add up) and the strata's sums over the
        # words of the hits and the other documents
        grow = (8.0 * (self._sum(np.ones(len(x))) + 16.0) + self.S) * _EPS
        sums["grow"] = np.tile(grow, n)
        sums["nn2"] = np.tile(self.h2 + self.rest2, n)
        sums["nn3"] = np.tile(self.h3 + self.rest3, n)
        order = np.argsort(self.col, kind="stable")
        sums["order"] = order
        sums["start"] = np.searchsorted(self.col[order], np.arange(self.K + 1))
        sums["sa"], sums["sb"], sums["n"] = np.tile(self.sa, n), np.tile(self.sb, n), n
        self._expansion = sums

class Stack:
    """The :class:`Moments` of several comparisons with as many strata each, searched together:
    :meth:`side` gives, for the values of all of them one after the other, what each one's
    ``Moments.side`` gives for its own, bit for bit. Every value goes through the same operations
    (sums over the strata run down one column at a time, as they do for one comparison), but the
    per-call cost of numpy's operations on small arrays, most of a bisection step for one
    comparison, is paid once for all of them."""

    def __init__(self, moments: list[Moments], n: int) -> None:
        if len({m.S for m in moments}) != 1:
            raise ValueError("a stack needs comparisons with as many strata each")
        for m in moments:
            if m._expansion is None or m._expansion["n"] != n:
                m._prepare(n)
        self.moments = moments
        widths = [n * m.K for m in moments]
        self.bounds = np.cumsum([0, *widths])
        names = ("x2a", "x2b", "xna", "xnb", "x3a", "x3b", "x2na", "x2nb", "xn2a", "xn2b", "grow", "nn2", "nn3",
                 "sa", "sb")
        self.s = {name: np.concatenate([m._expansion[name] for m in moments], axis=1) for name in names}
        self.T, self.ta, self.c2, self.c3 = (spread([getattr(m, name) for m in moments], widths)
                                             for name in ("T", "ta", "c2", "c3"))
        # numpy sums one column's strata pairwise, several columns' down each column, one by one:
        # the scores of a comparison with one column are summed as its own Moments sums them
        self.single = [(m, a, z) for m, a, z in zip(moments, self.bounds[:-1], self.bounds[1:]) if m.K == 1]

    def side(self, logr: np.ndarray, q: np.ndarray, side: np.ndarray) -> np.ndarray:
        """``Moments.side`` of each comparison on its own values (``logr``, ``q``, ``side``: each
        comparison's n K values, in the stack's order), in one array."""
        rho = np.exp(logr)
        with np.errstate(all="ignore"):
            r = _rates(self.s, self.T, rho)
            u = (self.s["sa"] / rho - r * self.ta).sum(axis=0)  # down each column, as several columns are
            for m, a, z in self.single:
                u[a:z] = m._scores(rho[a:z], r[:, a:z])
            d2, d3, unsure, f = _expanded(self.s, self.c2, self.c3, rho, r, u, q, side)
            for m, a, z in zip(self.moments, self.bounds[:-1], self.bounds[1:]):
                if unsure[a:z].any():
                    m._settle(rho[a:z], r[:, a:z], u[a:z], d2[:, a:z], d3[:, a:z], unsure[a:z], q[a:z], side[a:z],
                              f[a:z])
        return f


def spread(per_stratum: list[np.ndarray], widths: list[int]) -> np.ndarray:
    """Side by side, each comparison's per-stratum array (S,) repeated over its ``widths`` columns:
    (S, sum of widths), as the comparisons' columns are stacked."""
    return np.concatenate([np.repeat(a[:, None], w, axis=1) for a, w in zip(per_stratum, widths)], axis=1)


def _rates(s: dict, T, rho):
    """The stratum rates at rho (S, n K), as in ``z_skew``; T: the strata's words, (S, 1) or (S, n K)."""
    return np.where(T > 0, (s["sa"] / rho + s["sb"]) / T, 0.0)


def _expanded(s: dict, c2, c3, rho, r, u, q, side):
    """The expanded sums of squared and cubed residuals (S, n K), the columns whose side they
    cannot settle, and (z - crit) * -side from them (``Moments.side``). ``s``: the expansion
    (``Moments._prepare``); c2, c3: the moments' coefficients per stratum, (S, 1) or (S, n K)."""
    p2 = s["x2a"] / rho / rho + s["x2b"]  # sum of y^2 over the hits
    p1 = s["xna"] / rho + s["xnb"]  # sum of y n
    q3 = s["x3a"] / rho / rho / rho + s["x3b"]
    q2 = s["x2na"] / rho / rho + s["x2nb"]
    q1 = s["xn2a"] / rho + s["xn2b"]
    r2 = r * r
    r3 = r2 * r
    t2, t1 = r2 * s["nn2"], 2.0 * r * p1
    d2 = p2 - t1 + t2
    a3, a2, a1 = 3.0 * r * q2, 3.0 * r2 * q1, r3 * s["nn3"]
    d3 = q3 - a3 + a2 - a1
    # worst-case rounding of either way of summing, per stratum and column (m terms, their sum
    # at most the sum of the absolute parts, each with a few roundings; and the sums over strata)
    v = (c2 * d2).sum(axis=0)
    m3 = (c3 * d3).sum(axis=0)
    ev = 2.0 * _SAFETY * (c2 * s["grow"] * (p2 + t1 + t2)).sum(axis=0)
    e3 = 4.0 * _SAFETY * (np.abs(c3) * s["grow"] * (q3 + a3 + a2 + a1)).sum(axis=0)
    delta = ev / v
    z = u / np.sqrt(v)
    skew = m3 / v ** 1.5
    dz = _SAFETY * np.abs(z) * delta
    ds = _SAFETY * (2.9 * e3 / v ** 1.5 + 3.7 * np.abs(skew) * delta)
    m = len(skew)
    cs, branch = _crit(np.concatenate([skew, skew - ds, skew + ds]), np.tile(q, 3))
    c0, lo, hi = cs[:m], cs[m:2 * m], cs[2 * m:]
    dc = np.maximum(np.abs(hi - c0), np.abs(lo - c0))
    # the gamma quantile's own rounding, (alpha - its quantile) * |skew| / 2 with alpha = 4 / skew^2
    dc += 64.0 * _EPS * np.where(branch[:m] == 1, 2.0 / np.abs(skew), 0.0)
    f = (z - c0) * -side
    margin = dz + dc + 1e-12 * (1.0 + np.abs(z) + np.abs(c0))
    sure = ((v > 0) & (delta <= 0.25) & (branch[:m] == branch[m:2 * m]) & (branch[:m] == branch[2 * m:])
            & np.isfinite(f) & np.isfinite(margin) & (np.abs(f) > margin))
    return d2, d3, ~sure, f
