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

from framing.stats.moments import Moments, spread, stratum_sums

__all__ = ["stratum_sums", "mantel_haenszel", "poisson_score_variance", "interval_moments", "score_interval",
           "score_intervals", "conditional_interval",
           "conditional_intervals", "conditional_p"]

_BISECT = 24  # halvings of the bracket in log rho (width 30 -> 2e-6)
_SPAN = 30.0  # the bracket: log rho within 30 of the estimate (a factor of 1e13)


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


def interval_moments(X: np.ndarray, tok: np.ndarray, in_a: np.ndarray, labels: np.ndarray,
                     estimate: np.ndarray) -> Moments | None:
    """What ``score_interval`` reads of the documents: the permutation moments of the columns of X
    with an estimate (None when none has one). Far smaller than X: only the hits are kept."""
    ok = np.isfinite(estimate) & (estimate > 0)
    return Moments(X[:, ok], tok, in_a, labels) if ok.any() else None


def score_interval(X: np.ndarray | None, tok: np.ndarray | None, in_a: np.ndarray | None, labels: np.ndarray | None,
                   estimate: np.ndarray, alpha, moments: Moments | None = None, levels: bool = False):
    """Bounds of the permutation-test inversion interval (module docstring) for every column of X.

    ``estimate`` (K,): RR_MH (finite and > 0 where an interval is wanted; NaN elsewhere). ``alpha``:
    a number or (K,) array; with ``levels``, a list of them, and the bounds at each level come back
    as a list of (lower, upper), all found in one bisection (each value's search is its own, so
    the bounds are those of one level at a time). Bisection in log rho; a bound the data never
    reach is 0 or inf. ``moments``: ``interval_moments`` of the same arguments, when already
    computed (X, tok, in_a and labels are then not read)."""
    alphas = list(alpha) if levels else [alpha]
    ok = np.isfinite(estimate) & (estimate > 0)
    mom = moments if moments is not None or not ok.any() else Moments(X[:, ok], tok, in_a, labels)
    out = score_intervals([(mom, estimate, alphas)])[0]
    return out if levels else out[0]


def score_intervals(searches: list[tuple[Moments | None, np.ndarray, list]]) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """``score_interval`` of several comparisons, each given as (its ``interval_moments``, its
    estimates, its list of alphas), with ``levels``: for each, the (lower, upper) bounds at each
    level. The comparisons with as many strata and levels are searched together
    (``moments.Stack``); every bound is the one a search of its own finds, bit for bit."""
    plans, groups = [], {}
    for i, (mom, estimate, alphas) in enumerate(searches):
        K = len(estimate)
        ok = np.isfinite(estimate) & (estimate > 0)
        plan = {"out": [(np.full(K, np.nan), np.full(K, np.nan)) for _ in alphas], "ok": ok}
        plans.append(plan)
        if not ok.any():
            continue
        k = int(ok.sum())
        alphas = [np.broadcast_to(np.asarray(a, dtype=float), (K,))[ok] for a in alphas]
        n = len(alphas)
        # all bounds at once: per level, the first k values look for the lower bound (z above the
        # upper quantile), the next k for the upper one
        plan.update(mom=mom, k=k, side=np.tile(np.repeat([-1.0, 1.0], k), n),
                    est=np.tile(np.log(estimate[ok]), 2 * n),
                    q=np.concatenate([part for a in alphas for part in (1 - a / 2, a / 2)]))
        groups.setdefault((mom.S, n), []).append(i)
    for (_, n), members in groups.items():
        if len(members) == 1:
            plan = plans[members[0]]
            bound = _bisect(plan["mom"], plan["est"], plan["q"], plan["side"])
        else:
            from framing.stats.moments import Stack

            stack = Stack([plans[i]["mom"] for i in members], 2 * n)
            bound = _bisect(stack, *(np.concatenate([plans[i][name] for i in members]) for name in ("est", "q", "side")))
        at = 0
        for i in members:
            plan = plans[i]
            k, ok = plan["k"], plan["ok"]
            for j, (lo, hi) in enumerate(plan["out"]):
                lo[ok], hi[ok] = bound[at + 2 * j * k:at + (2 * j + 1) * k], bound[at + (2 * j + 1) * k:at + (2 * j + 2) * k]
            at += len(plan["est"])
    return [plan["out"] for plan in plans]


def _bisect(mom, est: np.ndarray, q: np.ndarray, side: np.ndarray) -> np.ndarray:
    """The bounds (0 or inf where the data never reach them) of the values whose estimates (log),
    quantiles and sides are given, by bisection on ``mom.side`` (a ``Moments`` or a ``Stack``)."""

    def f(logr):  # < 0 at the estimate, > 0 beyond the bound (its sign as from Moments.z_skew)
        return mom.side(logr, q, side)

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
    return np.where(reach, np.exp(0.5 * (inner + outer)), np.where(side < 0, 0.0, np.inf))


def _conditional(sa, sb, ta, tb, deff):
    """The strata where both outlets have words, each stratum's hits (S, K), and the design-effect
    adjusted hits of outlet A and of both (K,): the counts both the test and the interval use."""
    inform = (ta > 0) & (tb > 0)
    sa, sb, ta, tb = sa[inform], sb[inform], ta[inform], tb[inform]
    M_s = sa + sb
    return sa, sb, ta, tb, M_s, sa.sum(axis=0) / deff, M_s.sum(axis=0) / deff


def conditional_interval(sa, sb, ta, tb, deff, alpha, levels: bool = False):
    """Exact conditional (Clopper-Pearson) interval of the common rate ratio, design-effect adjusted
    (module docstring). sa, sb (S, K) hits; ta, tb (S,) words; deff (K,) >= 1; alpha number or (K,);
    with ``levels``, a list of them, and a list of (lower, upper) comes back, all found in one
    bisection (each column and level searched on its own)."""
    found = conditional_intervals([(sa, sb, ta, tb, deff, list(alpha) if levels else [alpha])])[0]
    return found if levels else found[0]


def conditional_intervals(searches: list[tuple]) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """``conditional_interval`` of several comparisons, each given as (sa, sb, ta, tb, deff, its
    list of alphas), with ``levels``: for each, the (lower, upper) bounds at each level. The
    comparisons with as many informative strata are searched together (the same operations on
    each value, so the same bounds bit for bit)."""
    plans, groups = [], {}
    for i, (sa, sb, ta, tb, deff, alphas) in enumerate(searches):
        K = sa.shape[1]
        n_levels = len(alphas)
        alpha = np.concatenate([np.broadcast_to(np.asarray(a, dtype=float), (K,)) for a in alphas])
        # every level as a copy of the columns: (S, n K)
        sa, sb, deff = np.tile(sa, n_levels), np.tile(sb, n_levels), np.tile(deff, n_levels)
        sa, sb, ta, tb, M_s, a, n = _conditional(sa, sb, ta, tb, deff)
        with np.errstate(all="ignore"):
            p_lo = np.where(a > 0, sps.beta.ppf(alpha / 2, a, n - a + 1), 0.0)
            p_hi = np.where(a < n, sps.beta.ppf(1 - alpha / 2, a + 1, n - a), 1.0)
        plans.append({"ta": ta, "tb": tb, "M_s": M_s, "M": M_s.sum(axis=0), "p_lo": p_lo, "p_hi": p_hi,
                      "has": n > 0, "levels": n_levels})
        # one column's strata are summed in another order than several columns': such a one alone
        groups.setdefault(len(ta) if M_s.shape[1] > 1 else ("alone", i), []).append(i)
    bounds: list = [None] * len(plans)
    for members in groups.values():
        if len(members) == 1:
            plan = plans[members[0]]
            found = [_conditional_bisect(plan["ta"][:, None], plan["tb"][:, None], plan["M_s"], plan["M"], plan["p_lo"],
                                         plan["p_hi"], plan["has"])]
        else:
            widths = [plans[i]["M_s"].shape[1] for i in members]
            lo, hi = _conditional_bisect(*(spread([plans[i][name] for i in members], widths) for name in ("ta", "tb")), *(
                np.concatenate([plans[i][name] for i in members], axis=-1) for name in ("M_s", "M", "p_lo", "p_hi", "has")))
            at = np.cumsum([0, *widths])
            found = [(lo[a:z], hi[a:z]) for a, z in zip(at[:-1], at[1:])]
        for i, (lo, hi) in zip(members, found):
            width = len(lo) // plans[i]["levels"]
            bounds[i] = [(lo[j * width:(j + 1) * width], hi[j * width:(j + 1) * width]) for j in range(plans[i]["levels"])]
    return bounds


def _conditional_bisect(ta, tb, M_s, M, p_lo, p_hi, has) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of rho where pbar(rho) meets ``p_lo`` and ``p_hi`` (each value on its
    own): M_s (S, K) the informative strata's hits, M their sums; ta, tb the strata's words, (S, 1)
    or (S, K); has: values with hits."""
    K = M_s.shape[1]
    lo, hi = np.full(K, np.nan), np.full(K, np.nan)

    def pbar(logr):
        rho = np.exp(logr)
        p_s = ta * rho / (ta * rho + tb)
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

