"""The effect beside each contrast test: Mantel-Haenszel ratio, test-inversion and exact conditional
intervals, their agreement with the test, topic adjustment, p-value display and the curve's accuracy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from framing.stats import StatsOptions, ratio, resample, statistics
from framing.stats.contrasts import EXACT_TEST, contrast, p_display

OPTS = StatsOptions(bootstrap=100, permutations=2000)


def test_mantel_haenszel_and_greenland_robins_by_hand():
    sa = np.array([[10.0], [3.0]])
    sb = np.array([[20.0], [9.0]])
    ta, tb = np.array([1000.0, 500.0]), np.array([4000.0, 1500.0])
    rr, se = ratio.mantel_haenszel(sa, sb, ta, tb)
    num = 10 * 4000 / 5000 + 3 * 1500 / 2000
    den = 20 * 1000 / 5000 + 9 * 500 / 2000
    assert rr[0] == pytest.approx(num / den)
    var = (30 * 1000 * 4000 / 5000 ** 2 + 12 * 500 * 1500 / 2000 ** 2) / (num * den)
    assert se[0] == pytest.approx(np.sqrt(var))


def test_conditional_interval_is_clopper_pearson_with_one_stratum():
    for a, b in [(0, 7), (3, 0), (2, 5), (17, 40)]:
        lo, hi = ratio.conditional_interval(np.array([[a]], float), np.array([[b]], float), np.array([300.0]),
                                            np.array([900.0]), np.array([1.0]), 0.05)
        ci = sps.binomtest(a, a + b).proportion_ci(method="exact")
        odds = lambda p: p / (1 - p) * 900 / 300 if p < 1 else np.inf  # noqa: E731
        assert lo[0] == pytest.approx(odds(ci.low), rel=1e-6, abs=1e-12)
        assert hi[0] == pytest.approx(odds(ci.high), rel=1e-6) if np.isfinite(hi[0]) else ci.high == 1


def _docs(rng, n, rate, length=(100, 800), disp=1.0):
    tok = rng.integers(*length, size=n).astype(float)
    lam = tok * rate / 1000 * rng.gamma(1 / disp, disp, size=n)
    return rng.poisson(lam).astype(float), tok


def test_interval_never_lies_on_the_side_opposite_to_the_counts():
    """A grid of random cases, zero and few hits included: the interval holds the estimate and is
    never wholly above 1 when outlet a has the lower rate (or wholly below when the higher)."""
    rng = np.random.default_rng(11)
    seen = set()
    for case in range(120):
        na, nb = rng.integers(2, 80, size=2)
        ra, rb = rng.choice([0.0, 0.05, 0.3, 2.0, 6.0], size=2)
        xa, ta = _docs(rng, na, ra, disp=rng.choice([0.5, 2.0]))
        xb, tb = _docs(rng, nb, rb)
        X = np.r_[xa, xb][:, None]
        tok = np.r_[ta, tb]
        in_a = np.r_[np.ones(na, bool), np.zeros(nb, bool)]
        res = contrast(X, tok, in_a, OPTS)
        ca, cb = xa.sum(), xb.sum()
        if ca + cb == 0:
            assert np.isnan(res["ci_low"][0])
            continue
        lo, hi, rr = res["ci_low"][0], res["ci_high"][0], res["ratio"][0]
        seen.add(res["ci_method"][0])
        crude_a, crude_b = ca / ta.sum(), cb / tb.sum()
        assert not (lo > 1 and crude_a < crude_b) and not (hi < 1 and crude_a > crude_b), (case, ca, cb, lo, hi)
        assert lo <= rr * (1 + 1e-9) and rr <= hi * (1 + 1e-9), (case, lo, rr, hi)
        if res["p_method"][0] == EXACT_TEST:  # the exact test and the exact interval: one decision
            assert (lo > 1 or hi < 1) == (res["p"][0] < 0.05), (case, lo, hi, res["p"][0])
        if ca == 0:
            assert lo == 0 and hi < np.inf
        if cb == 0:
            assert hi == np.inf and lo > 0
    assert len(seen) == 2  # both kinds of interval were exercised


def test_interval_excludes_one_exactly_when_the_curve_test_rejects():
    rng = np.random.default_rng(5)
    agree = total = 0
    for _ in range(60):
        n = 150
        effect = rng.choice([1.0, 1.2, 1.4, 2.0])
        xa, ta = _docs(rng, n, 4.0 * effect, disp=1.5)
        xb, tb = _docs(rng, 2 * n, 4.0, disp=1.5)
        X = np.r_[xa, xb][:, None]
        in_a = np.r_[np.ones(n, bool), np.zeros(2 * n, bool)]
        res = contrast(X, np.r_[ta, tb], in_a, OPTS)
        if "three-moment" not in res["p_method"][0]:
            continue
        total += 1
        excl = res["ci_low"][0] > 1 or res["ci_high"][0] < 1
        agree += excl == (res["p"][0] < 0.05)
    assert total > 40 and agree == total


def test_inversion_interval_covers_the_true_ratio():
    rng = np.random.default_rng(21)
    cover = 0
    for _ in range(200):
        xa, ta = _docs(rng, 120, 3.0 * 1.5, disp=2.0)
        xb, tb = _docs(rng, 200, 3.0, disp=2.0)
        X = np.r_[xa, xb][:, None]
        in_a = np.r_[np.ones(120, bool), np.zeros(200, bool)]
        res = contrast(X, np.r_[ta, tb], in_a, OPTS)
        cover += res["ci_low"][0] <= 1.5 <= res["ci_high"][0]
    assert 0.91 <= cover / 200 <= 0.99, cover


def _confounded(seed, shift=1.0):
    """Two outlets, two topics; within a topic both outlets have the same rate (times ``shift`` for
    outlet a), but topic 0 has 5x the rate and outlet a writes mostly about it."""
    rng = np.random.default_rng(seed)
    rows, matches = [], []
    for outlet, n, share0 in (("a", 300, 0.8), ("b", 300, 0.2)):
        for i in range(n):
            topic = 0 if rng.random() < share0 else 1
            tok = int(rng.integers(150, 600))
            rate = (10.0 if topic == 0 else 2.0) * (shift if outlet == "a" else 1.0)
            k = rng.poisson(tok * rate / 1000 * rng.gamma(2.0, 0.5))
            doc = f"{outlet}{i}"
            rows.append((doc, outlet, tok, "2024-01-01", topic))
            matches += [(doc, outlet, "s", "lex", "c0", "e0", "w", 0, 1, "")] * k
    docs = pd.DataFrame(rows, columns=["doc_id", "outlet", "n_tokens", "date", "topic"])
    matches = pd.DataFrame(matches, columns=["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface",
                                             "start", "end", "sentence"])
    lex = pd.DataFrame([("lex", "frames", "c0", "C0", "", "e0", "")],
                       columns=["lexicon", "kind", "category", "category_label", "category_label_ar", "entry", "gloss"])
    topics = dict(zip(docs["doc_id"], docs["topic"]))
    return docs.drop(columns="topic"), matches, lex, topics


def test_a_difference_that_is_pure_topic_mix_vanishes_within_topics():
    docs, matches, lex, topics = _confounded(3)
    out = statistics(docs, matches, lex, {}, OPTS, 1, {}, doc_topics=topics)
    row = out.tables["contrasts"].query("family == 'pairwise'").iloc[0]
    assert row["ratio_crude"] > 2 and row["significant"]  # the crude contrast sees the topic mix
    assert 0.8 < row["ratio_topic"] < 1.25 and row["ci_low_topic"] < 1 < row["ci_high_topic"]
    assert not row["significant_topic"]
    assert out.tables["headlines"].empty or not out.tables["headlines"]["text"].str.contains("Within").any()
    assert any("no longer stand" in n for n in out.notes)


def test_a_true_difference_survives_topic_adjustment():
    docs, matches, lex, topics = _confounded(4, shift=2.0)
    out = statistics(docs, matches, lex, {}, OPTS, 1, {}, doc_topics=topics)
    row = out.tables["contrasts"].query("family == 'pairwise'").iloc[0]
    assert row["significant_topic"] and 1.6 < row["ratio_topic"] < 2.5 and row["ci_low_topic"] > 1.2
    assert row["fdr_family_topic"] == "pairwise, within topics"
    head = out.tables["headlines"]
    assert head["text"].str.startswith("Within the same topics, ").all() and len(head) == 2  # a and b vs rest


def test_p_display_says_how_p_was_obtained_and_bounds_what_it_cannot_resolve():
    shown = p_display([0.03, 1e-9, 2 / 5001, 0.2, 1.0], ["permutation, three-moment approximation"] * 2
                      + ["permutation, Monte-Carlo (5000)"] * 2 + ["no hits"], 5000)
    assert shown[0] == "0.03 (Pearson III curve)"
    assert shown[1] == "< 1e-06 (Pearson III curve)"
    assert shown[2].startswith("≤ 0.0004") and "Monte-Carlo, 5000 permutations" in shown[2]
    assert shown[3] == "0.2 (Monte-Carlo, 5000 permutations)" and shown[4] == ""


@pytest.mark.parametrize("n_docs,rate,disp", [
    (60, 0.4, 2.0), (60, 3.0, 1.0), (200, 0.3, 3.0), (200, 2.0, 2.0), (400, 6.0, 1.0), (120, 1.0, 4.0),
    (600, 1.0, 2.0)])
def test_pearson_curve_agrees_with_monte_carlo_permutations(n_docs, rate, disp):
    """Sparse to dense, mildly to strongly clustered: the three-moment curve's p against R = 20,000
    simulated relabellings of the same data, where p is large enough for the simulation to resolve.
    Where the test chooses the curve (enough expected documents with hits) they agree; sparse cases,
    where the curve can be off by a factor of two, are the ones it sends to the simulation."""
    rng = np.random.default_rng(n_docs + int(rate * 10))
    m = n_docs // 3
    for rep in range(4):
        effect = [1.0, 1.3, 1.6, 2.0][rep]
        xa, ta = _docs(rng, m, rate * effect, disp=disp)
        xb, tb = _docs(rng, n_docs - m, rate, disp=disp)
        xc, _ = _docs(rng, n_docs, rate, disp=disp)
        X = np.c_[np.r_[xa, xb], xc]
        tok = np.r_[ta, tb]
        in_a = np.r_[np.ones(m, bool), np.zeros(n_docs - m, bool)]
        chosen = resample.score_test(X, tok, in_a, 100, rng, min_expected=OPTS.moment_min_hit_docs)["method"]
        curve = resample.score_test(X, tok, in_a, 100, rng, min_expected=0.0)["p"]
        mc = resample.score_test(X, tok, in_a, 20000, rng, min_expected=1e12)["p"]
        for pc, pm, method in zip(curve, mc, chosen):
            if pm > 0.002 and "three-moment" in method:  # 20,000 permutations resolve p to about 10%
                assert abs(np.log(pc / pm)) < 0.3 or abs(pc - pm) < 0.01, (pc, pm)
            elif pm > 0.002:
                assert "Monte-Carlo" in method


def test_fcr_interval_excludes_one_exactly_when_q_is_small():
    rng = np.random.default_rng(2)
    rows, matches = [], []
    for outlet, n in (("a", 150), ("b", 150), ("c", 150)):
        for i in range(n):
            tok = int(rng.integers(150, 600))
            rows.append((f"{outlet}{i}", outlet, tok, "2024-01-01"))
            for k in range(8):
                rate = 3.0 * (1.0 + 0.25 * k if outlet == "a" else 1.0)
                matches += [(f"{outlet}{i}", outlet, "s", "lex", f"c{k}", f"e{k}", "w", 0, 1, "")] * int(
                    rng.poisson(tok * rate / 1000 * rng.gamma(2.0, 0.5)))
    docs = pd.DataFrame(rows, columns=["doc_id", "outlet", "n_tokens", "date"])
    matches = pd.DataFrame(matches, columns=["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface",
                                             "start", "end", "sentence"])
    lex = pd.DataFrame([("lex", "frames", f"c{k}", f"C{k}", "", f"e{k}", "") for k in range(8)],
                       columns=["lexicon", "kind", "category", "category_label", "category_label_ar", "entry", "gloss"])
    c = statistics(docs, matches, lex, {}, OPTS, 1, {}).tables["contrasts"]
    curve = c[c["p_method"].str.contains("three-moment")]
    assert len(curve) > 30 and 5 < curve["significant"].sum() < len(curve)
    excl = (curve["fcr_low"] > 1) | (curve["fcr_high"] < 1)
    assert (excl == curve["significant"]).all()
    assert (curve["fcr_low"] <= curve["ci_low"] + 1e-12).all() and (curve["fcr_high"] >= curve["ci_high"] - 1e-12).all()
    assert set(c["fdr_family"]) == {"summary", "pairwise"}


def test_bounds_at_several_levels_in_one_search_are_those_of_one_level_at_a_time():
    """The statistics stage finds each contrast's interval at 95% and at its FCR level in one
    bisection; every bound must be the one a search at that level alone gives, bit for bit."""
    rng = np.random.default_rng(8)
    n_a, n_b, K = 140, 260, 4
    cols_a = [_docs(rng, n_a, 3.0 * e, disp=1.5) for e in (1.0, 1.3, 2.0, 0.02)]
    cols_b = [_docs(rng, n_b, 3.0, disp=1.5) for _ in range(K)]
    tok = np.r_[cols_a[0][1], cols_b[0][1]]
    X = np.column_stack([np.r_[cols_a[k][0], cols_b[k][0]] for k in range(K)])
    in_a = np.r_[np.ones(n_a, bool), np.zeros(n_b, bool)]
    res = contrast(X, tok, in_a, OPTS, intervals=False)
    assert np.isnan(res["ci_low"]).all()  # left for the stage to fill in
    interval = res["interval"]
    fcr = np.array([0.003, 0.05, 0.0125, 0.2])
    both = interval.levels([0.05, fcr], X, tok, in_a)
    for (lo, hi), alpha in zip(both, (0.05, fcr)):
        one_lo, one_hi = interval(alpha, X, tok, in_a)
        assert np.array_equal(lo, one_lo, equal_nan=True) and np.array_equal(hi, one_hi, equal_nan=True)
    full = contrast(X, tok, in_a, OPTS)
    assert np.array_equal(both[0][0], full["ci_low"], equal_nan=True)
    assert np.array_equal(both[0][1], full["ci_high"], equal_nan=True)
    smaller = fcr < 0.05  # a smaller alpha gives a wider interval
    assert (both[1][0][smaller] <= both[0][0][smaller]).all() and (both[1][1][smaller] >= both[0][1][smaller]).all()
    sums, deff = interval.sums, interval.deff
    for (lo, hi), alpha in zip(ratio.conditional_interval(*sums, deff, [0.05, fcr], levels=True), (0.05, fcr)):
        one = ratio.conditional_interval(*sums, deff, alpha)
        assert np.array_equal(lo, one[0], equal_nan=True) and np.array_equal(hi, one[1], equal_nan=True)
