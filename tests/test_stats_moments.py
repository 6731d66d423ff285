"""The fast paths of the contrast tests and intervals give the very numbers of the plain computations."""

from __future__ import annotations

import numpy as np
import pytest

from framing.stats import ratio, resample
from framing.stats.moments import Moments, crit


def _case(seed: int, P: int = 300, K: int = 4, strata: int = 3):
    rng = np.random.default_rng(seed)
    tok = rng.integers(20, 900, P).astype(float)
    lam = tok[:, None] * rng.lognormal(-6, 1.5, K) * rng.gamma(0.5, 2.0, (P, K))
    X = rng.poisson(lam).astype(float)
    in_a = rng.random(P) < rng.uniform(0.1, 0.6)
    in_a[:2] = [True, False]
    _, labels = np.unique(resample.length_strata(tok, strata), return_inverse=True)
    return X, tok, in_a, labels


def _plain_interval(X, tok, in_a, labels, estimate, alpha):
    """The interval's bisection with every trial ratio computed document by document."""
    K = X.shape[1]
    lo, hi = np.full(K, np.nan), np.full(K, np.nan)
    ok = np.isfinite(estimate) & (estimate > 0)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (K,))
    mom = Moments(X[:, ok], tok, in_a, labels)
    est = np.log(estimate[ok])
    for side in (-1.0, 1.0):
        q = 1 - alpha[ok] / 2 if side < 0 else alpha[ok] / 2

        def f(logr):
            z, skew = mom.z_skew(np.exp(logr))
            return (z - crit(skew, q)) * -side

        inner, outer = est.copy(), est + side * ratio._SPAN
        reach = f(outer) > 0
        one_inside = (np.sign(0.0 - inner) == side) & (np.sign(outer - 0.0) == side)
        if one_inside.any():
            beyond_one = f(np.zeros_like(est)) > 0
            outer = np.where(one_inside & beyond_one, 0.0, outer)
            inner = np.where(one_inside & ~beyond_one, 0.0, inner)
        for _ in range(ratio._BISECT):
            mid = 0.5 * (inner + outer)
            beyond = f(mid) > 0
            outer = np.where(beyond, mid, outer)
            inner = np.where(beyond, inner, mid)
        bound = np.where(reach, np.exp(0.5 * (inner + outer)), 0.0 if side < 0 else np.inf)
        (lo if side < 0 else hi)[ok] = bound
    return lo, hi


def _bits(x):
    return np.asarray(x, dtype=float).view(np.int64)


@pytest.mark.parametrize("seed,P,K,strata", [(1, 300, 4, 3), (2, 60, 1, 1), (3, 500, 6, 5), (4, 25, 2, 1),
                                             (5, 2000, 3, 5)])
def test_score_interval_is_the_document_by_document_bisection_bit_for_bit(seed, P, K, strata):
    X, tok, in_a, labels = _case(seed, P, K, strata)
    sa, sb, ta, tb = ratio.stratum_sums(X, tok, in_a, labels)
    rr, _ = ratio.mantel_haenszel(sa, sb, ta, tb)
    for alpha in (0.05, np.linspace(0.001, 0.2, K)):
        got = ratio.score_interval(X, tok, in_a, labels, rr, alpha)
        want = _plain_interval(X, tok, in_a, labels, rr, alpha)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(_bits(g), _bits(w))


def test_side_is_computed_document_by_document_where_z_meets_the_critical_value():
    from scipy import stats as sps

    X, tok, in_a, labels = _case(7, 400, 3, 4)
    mom = Moments(X, tok, in_a, labels)
    logr = np.log([0.7, 1.3, 2.0])
    z, skew = mom.z_skew(np.exp(logr))
    for side in (-1.0, 1.0):
        sides = np.full(3, side)
        far = np.where(side < 0, 0.999, 0.001) + 0 * z  # the critical value far from z
        plain = (z - crit(skew, far)) * -sides
        got = mom.side(logr, far, sides)
        np.testing.assert_array_equal(np.sign(got), np.sign(plain))
        near = sps.pearson3.cdf(z, skew)  # crit(skew, near) is z up to rounding: the expansion cannot decide
        plain = (z - crit(skew, near)) * -sides
        np.testing.assert_array_equal(_bits(mom.side(logr, near, sides)), _bits(plain))
        both = mom.side(np.tile(logr, 2), np.concatenate([far, near]), np.tile(sides, 2))
        np.testing.assert_array_equal(_bits(both[3:]), _bits(plain))


def _floyd_reference(R, H, sizes, rng):
    """Floyd's algorithm as first written: one draw per step."""
    rows = np.arange(R)
    taken = np.zeros((R, H), dtype=bool)
    for i in range(int(sizes.max()) if len(sizes) else 0):
        active = i < sizes
        j = np.where(active, H - sizes + i, 0)
        t = (rng.random(R) * (j + 1)).astype(np.int64)
        np.minimum(t, j, out=t)
        val = np.where(taken[rows, t], j, t)
        val = np.where(active, val, 0)
        taken[rows[active], val[active]] = True
        yield active, val


@pytest.mark.parametrize("R,H,top", [(500, 40, 20), (7, 5, 5), (1, 3, 3), (50, 1, 1), (30, 4, 0)])
def test_floyd_draws_the_subsets_of_one_draw_per_step(R, H, top, monkeypatch):
    monkeypatch.setattr(resample, "_FLOYD_DRAWS", 3 * R)  # several blocks of draws
    sizes = np.random.default_rng(R).integers(0, top + 1, R)
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    want = list(_floyd_reference(R, H, sizes, a))
    got = list(resample._floyd(R, H, sizes, b))
    assert len(got) == len(want)
    for (ga, gv), (wa, wv) in zip(got, want):
        np.testing.assert_array_equal(ga, wa)
        np.testing.assert_array_equal(gv, wv)
    assert a.random() == b.random()  # the generator is left where it was


@pytest.mark.parametrize("whole", [True, False])
def test_subset_sums_are_the_stepwise_sums(whole):
    R, H = 300, 12
    rng = np.random.default_rng(4)
    sizes = rng.integers(0, H + 1, R)
    c = rng.integers(1, 9, H).astype(float) if whole else rng.random(H) * 3
    n = rng.integers(50, 900, H).astype(float) if whole else rng.random(H) * 500
    S, T = resample._subset_sums(R, H, sizes, np.random.default_rng(5), c, n)
    S0, T0 = np.zeros(R), np.zeros(R)
    for active, val in _floyd_reference(R, H, sizes, np.random.default_rng(5)):
        S0 += np.where(active, c[val], 0.0)
        T0 += np.where(active, n[val], 0.0)
    np.testing.assert_array_equal(_bits(S), _bits(S0))
    np.testing.assert_array_equal(_bits(T), _bits(T0))


@pytest.mark.parametrize("shape", [(500, 7), (300,), (40, 1), (0, 3), (200, 3, 2)])
def test_row_sums_are_numpys_add_at_bit_for_bit(shape):
    from framing.stats.matrix import row_sums

    rng = np.random.default_rng(len(shape) + shape[0])
    values = rng.standard_normal(shape) * 10.0 ** rng.uniform(-8, 8, shape)
    labels = rng.integers(0, 6, shape[0])
    want = np.zeros((7,) + shape[1:])
    np.add.at(want, labels, values)
    got = row_sums(labels, values, 7)
    assert got.shape == want.shape
    np.testing.assert_array_equal(_bits(got), _bits(want))


def _comparison(seed: int, P: int, K: int, S: int):
    """A comparison's counts with ``S`` strata given outright (each with documents of both sides)."""
    X, tok, in_a, _ = _case(seed, P, K, 1)
    labels = np.arange(P) % S
    return X, tok, in_a, labels


def test_comparisons_searched_together_get_the_bounds_each_gets_alone_bit_for_bit():
    # several comparisons with as many strata are stacked (moments.Stack): one column or several,
    # one level or two, twelve strata (numpy sums one column's twelve strata pairwise, several
    # columns' one by one); others stand alone
    cases = [_comparison(11, 600, 3, 12), _comparison(12, 480, 1, 12), _comparison(13, 700, 5, 12),
             _comparison(14, 300, 2, 5), _comparison(15, 360, 1, 12), _comparison(16, 240, 4, 3)]
    searches, alone = [], []
    for i, (X, tok, in_a, labels) in enumerate(cases):
        sa, sb, ta, tb = ratio.stratum_sums(X, tok, in_a, labels)
        rr, _ = ratio.mantel_haenszel(sa, sb, ta, tb)
        levels = [0.05] if i % 2 else [0.05, np.linspace(0.002, 0.1, X.shape[1])]
        searches.append((ratio.interval_moments(X, tok, in_a, labels, rr), rr, levels))
        alone.append(ratio.score_interval(X, tok, in_a, labels, rr, levels, levels=True))
        want = _plain_interval(X, tok, in_a, labels, rr, levels[-1])
        for g, w in zip(alone[-1][-1], want):
            np.testing.assert_array_equal(_bits(g), _bits(w))
    together = ratio.score_intervals(searches)
    assert len(together) == len(alone)
    for got, want in zip(together, alone):
        assert len(got) == len(want)
        for (glo, ghi), (wlo, whi) in zip(got, want):
            np.testing.assert_array_equal(_bits(glo), _bits(wlo))
            np.testing.assert_array_equal(_bits(ghi), _bits(whi))


def test_a_search_without_estimates_gives_empty_bounds():
    X, tok, in_a, labels = _comparison(17, 200, 3, 4)
    estimate = np.full(3, np.nan)
    (lo, hi), = ratio.score_intervals([(None, estimate, [0.05])])[0]
    assert np.isnan(lo).all() and np.isnan(hi).all()


def test_a_stack_gives_each_comparisons_side_values_bit_for_bit():
    from framing.stats.moments import Stack

    rng = np.random.default_rng(5)
    members = [Moments(*_comparison(seed, P, K, 12))
               for seed, P, K in ((21, 600, 3), (22, 480, 1), (23, 700, 2), (24, 520, 1), (25, 400, 1))]
    n = 4
    stack = Stack(members, n)
    for _ in range(20):  # one column's scores differ in the last bit between numpy's two ways of summing
        logr = [rng.normal(0, 1.5, n * m.K) for m in members]
        q = [rng.uniform(0.001, 0.999, n * m.K) for m in members]
        side = [np.repeat([-1.0, 1.0], n * m.K // 2) for m in members]
        got = stack.side(np.concatenate(logr), np.concatenate(q), np.concatenate(side))
        want = np.concatenate([m.side(lr, qq, sd) for m, lr, qq, sd in zip(members, logr, q, side)])
        np.testing.assert_array_equal(_bits(got), _bits(want))
    with pytest.raises(ValueError):
        Stack([members[0], Moments(*_comparison(26, 300, 2, 5))], n)


def test_exact_conditional_intervals_searched_together_are_those_searched_alone():
    rng = np.random.default_rng(31)
    searches, alone = [], []
    for S, K, n_levels in ((9, 3, 2), (9, 1, 1), (9, 4, 1), (4, 2, 2), (9, 1, 2), (0, 2, 1)):
        sa = rng.poisson(rng.uniform(0, 6, (S, K))).astype(float)
        sb = rng.poisson(rng.uniform(0, 9, (S, K))).astype(float)
        ta, tb = rng.uniform(1e3, 1e5, S), rng.uniform(1e3, 1e5, S)
        ta[:1] = 0.0  # a stratum with one side only: not informative
        deff = rng.uniform(1.0, 3.0, K)
        alphas = [0.05, rng.uniform(0.001, 0.1, K)][:n_levels]
        searches.append((sa, sb, ta, tb, deff, alphas))
        alone.append(ratio.conditional_interval(sa, sb, ta, tb, deff, alphas, levels=True))
    together = ratio.conditional_intervals(searches)
    for got, want in zip(together, alone):
        assert len(got) == len(want)
        for (glo, ghi), (wlo, whi) in zip(got, want):
            np.testing.assert_array_equal(_bits(glo), _bits(wlo))
            np.testing.assert_array_equal(_bits(ghi), _bits(whi))
