"""Unit tests of the statistics stage (framing/stats) on synthetic data with known answers."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from framing.records import StageOutput
from framing.stats import METHODS, StatsOptions, methods, statistics
from framing.stats import keyness as kn
from framing.stats import resample
from framing.arabic.stopwords import STOPWORDS, is_stopword, stopword_set

FAST = StatsOptions(bootstrap=200, permutations=1000)
LEX_COLS = ["lexicon", "kind", "category", "category_label", "category_label_ar", "entry", "gloss"]


def make_corpus(n_docs: dict, rates: dict, *, n_categories=6, seed=0, dispersion=1.0, length=(150, 600),
                dates=True, naming=None):
    """Documents, matches and lexicon frame for outlets with given per-1,000-word rates.

    rates: {(outlet, category_index): rate per 1,000 words}; the default rate is 2 per 1,000.
    Per-document rates are gamma-distributed around the outlet rate (shape 1/dispersion), so hits
    cluster in documents as they do in news. naming: {outlet: share of variant "a"} for one axis.
    """
    rng = np.random.default_rng(seed)
    docs, matches = [], []
    for outlet, n in n_docs.items():
        for i in range(n):
            doc_id = f"{outlet}-{i}"
            n_tok = int(rng.integers(*length))
            date = (pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 90)))).strftime("%Y-%m-%d")
            docs.append((doc_id, outlet, n_tok, date if dates else ""))
            for k in range(n_categories):
                rate = rates.get((outlet, k), 2.0) / 1000.0
                lam = n_tok * rate * rng.gamma(1.0 / dispersion, dispersion)
                for _ in range(rng.poisson(lam)):
                    matches.append((doc_id, outlet, "src", "lex", f"c{k}", f"e{k}", "w", 0, 1, ""))
            if naming is not None and rng.random() < 0.6:
                entry = "a" if rng.random() < naming[outlet] else "b"
                for _ in range(int(rng.integers(1, 4))):
                    matches.append((doc_id, outlet, "src", "names", "axis", entry, "w", 0, 1, ""))
    docs = pd.DataFrame(docs, columns=["doc_id", "outlet", "n_tokens", "date"])
    matches = pd.DataFrame(matches, columns=["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface",
                                             "start", "end", "sentence"])
    lex = [("lex", "frames", f"c{k}", f"Category {k}", "", f"e{k}", "") for k in range(n_categories)]
    if naming is not None:
        lex += [("names", "naming", "axis", "Axis", "", "a", "A"), ("names", "naming", "axis", "Axis", "", "b", "B")]
    return docs, matches, pd.DataFrame(lex, columns=LEX_COLS)


def run(docs, matches, lex, terms=None, opts=FAST, seed=1, names=None) -> StageOutput:
    return statistics(docs, matches, lex, terms or {}, opts, seed, names or {})


# ----------------------------------------------------------------------------------------------
# rates and intervals


def test_outlet_scores_shape_counts_and_zero_categories():
    docs, matches, lex = make_corpus({"x": 30, "y": 30}, {}, n_categories=3)
    lex = pd.concat([lex, pd.DataFrame([("lex", "frames", "never", "Never used", "", "nv", "")], columns=LEX_COLS)])
    out = run(docs, matches, lex)
    s = out.tables["outlet_scores"]
    assert len(s) == 2 * 4  # every outlet x every category, zeros included
    for (outlet, cat), grp in s.groupby(["outlet", "category"]):
        row = grp.iloc[0]
        expected = ((matches["outlet"] == outlet) & (matches["category"] == cat)).sum()
        assert row["count"] == expected
        assert row["tokens"] == docs.loc[docs["outlet"] == outlet, "n_tokens"].sum()
        assert row["per_1k"] == pytest.approx(1000 * expected / row["tokens"])
    never = s[s["category"] == "never"]
    assert (never["count"] == 0).all() and (never["per_1k"] == 0).all()
    assert (never["ci_low"] == 0).all() and (never["ci_high"] > 0).all()  # exact Poisson upper bound
    assert (never["ci_method"] == "exact Poisson (Garwood)").all()
    c = out.tables["contrasts"]
    nc = c[c["category"] == "never"]
    assert nc["ratio"].isna().all() and (nc["p"] == 1).all() and nc["q"].isna().all()
    assert not nc["significant"].any()


def test_rate_intervals_cover_the_true_rate():
    """Over-dispersed counts: the document-bootstrap 95% interval covers the true rate ~95% of the time."""
    true = {k: r for k, r in enumerate(np.linspace(0.5, 6, 20))}
    hits = total = 0
    for seed in range(6):
        docs, matches, lex = make_corpus({"x": 150}, {("x", k): r for k, r in true.items()}, n_categories=20,
                                         seed=seed, dispersion=1.5)
        s = run(docs, matches, lex, opts=StatsOptions(bootstrap=400, permutations=200)).tables["outlet_scores"]
        rate = s["category"].str[1:].astype(int).map(true)
        hits += ((s["ci_low"] <= rate) & (rate <= s["ci_high"])).sum()
        total += len(s)
    coverage = hits / total
    assert 0.88 <= coverage <= 0.99, coverage


def test_poisson_style_interval_would_undercover_but_bootstrap_does_not():
    """With strong clustering the bootstrap interval is wider than the naive Poisson interval."""
    from statsmodels.stats.rates import confint_poisson

    docs, matches, lex = make_corpus({"x": 80}, {("x", 0): 3.0}, n_categories=1, dispersion=4.0, seed=3)
    row = run(docs, matches, lex).tables["outlet_scores"].iloc[0]
    lo, hi = confint_poisson(row["count"], row["tokens"], method="exact-c")
    assert (row["ci_high"] - row["ci_low"]) > 1.3 * 1000 * (hi - lo)


# ----------------------------------------------------------------------------------------------
# contrasts


def test_planted_difference_is_found_and_others_are_not():
    docs, matches, lex = make_corpus({"a": 60, "b": 60, "c": 60}, {("a", 2): 8.0}, n_categories=6, seed=5)
    c = run(docs, matches, lex, opts=StatsOptions(bootstrap=300, permutations=2000)).tables["contrasts"]
    hit = c[(c["family"] == "one-vs-rest") & (c["outlet_a"] == "a") & (c["category"] == "c2")].iloc[0]
    assert hit["significant"] and hit["q"] < 0.05
    assert 2.5 < hit["ratio"] < 8 and hit["ci_low"] > 1.5  # planted ratio 4
    pair = c[(c["family"] == "pairwise") & (c["category"] == "c2") & (c["outlet_a"] == "a")]
    assert pair["significant"].all() and len(pair) == 2
    others = c[c["category"] != "c2"]
    assert not others["significant"].any()


@pytest.mark.parametrize("sparse", [False, True])
def test_null_rejection_rate_is_nominal(sparse):
    """Under no difference, p < 0.05 about 5% of the time in the curve branch, and at most that in the
    sparse branch (the exact conditional test)."""
    rate = 0.15 if sparse else 4.0
    ps = []
    methods_seen = set()
    for seed in range(12):
        docs, matches, lex = make_corpus({"a": 40, "b": 40, "c": 40}, {(o, k): rate for o in "abc" for k in range(10)},
                                         n_categories=10, seed=100 + seed, dispersion=2.0)
        c = run(docs, matches, lex, opts=StatsOptions(bootstrap=100, permutations=1000)).tables["contrasts"]
        c = c[c["p_method"].str.startswith(("permutation", "exact conditional"))]
        methods_seen.update(c["p_method"])
        ps.extend(c["p"])
    ps = np.asarray(ps)
    assert len(ps) > 300
    rejection = (ps < 0.05).mean()
    if sparse:  # the exact conditional test: never too eager, conservative with a handful of hits
        assert rejection <= 0.06, (rejection, methods_seen)
    else:
        assert 0.015 <= rejection <= 0.08, (rejection, methods_seen)
    expected = "exact conditional" if sparse else "three-moment approximation"
    assert any(expected in m for m in methods_seen)


def test_bh_q_values_match_statsmodels():
    docs, matches, lex = make_corpus({"a": 30, "b": 30, "c": 30}, {("a", 1): 6.0}, n_categories=5)
    lex = pd.concat([lex, pd.DataFrame([("lex", "frames", "never", "Never used", "", "nv", "")], columns=LEX_COLS)])
    c = run(docs, matches, lex).tables["contrasts"]
    untested = c["category"] == "never"
    assert (c.loc[untested, "p_method"] == "no hits").all() and c.loc[untested, "q"].isna().all()
    for fam, grp in c[~untested].groupby("family"):
        expected = multipletests(grp["p"].to_numpy(), alpha=0.05, method="fdr_bh")[1]
        np.testing.assert_allclose(grp["q"].to_numpy(), expected)
    assert set(c["family"]) == {"one-vs-rest", "pairwise"}
    assert len(c) == 6 * 3 + 6 * 3  # 3 one-vs-rest and 3 pairs per category


def test_permutation_moments_are_exact_by_enumeration():
    rng = np.random.default_rng(0)
    P, m = 9, 4
    X = rng.poisson(1.5, size=(P, 3)).astype(float)
    tok = rng.integers(50, 200, size=P).astype(float)
    in_a = np.zeros(P, bool)
    in_a[:m] = True
    res = resample.score_test(X, tok, in_a, 200, rng, min_expected=0.0)  # force the normal branch
    rate = X.sum(0) / tok.sum()
    us = []
    for sub in itertools.combinations(range(P), m):
        sel = np.zeros(P, bool)
        sel[list(sub)] = True
        us.append(X[sel].sum(0) - rate * tok[sel].sum())
    us = np.array(us)
    np.testing.assert_allclose(us.mean(0), 0, atol=1e-9)
    z_exact = res["u"] / us.std(0)  # population variance over all relabellings
    np.testing.assert_allclose(res["z"], z_exact, rtol=1e-9)
    skew_exact = (us ** 3).mean(0) / us.std(0) ** 3
    np.testing.assert_allclose(res["skew"], skew_exact, rtol=1e-9)


def test_stratified_permutation_moments_are_exact_by_enumeration():
    rng = np.random.default_rng(4)
    tok = np.array([100, 110, 120, 130, 400, 420, 440, 460], dtype=float)  # two length strata of four
    X = rng.poisson(tok[:, None] * 0.01 * rng.gamma(0.7, 1.5, (8, 2))).astype(float)
    in_a = np.array([1, 0, 0, 1, 1, 1, 0, 0], dtype=bool)
    import unittest.mock

    with unittest.mock.patch.object(resample, "MIN_STRATUM", 4):
        res = resample.score_test(X, tok, in_a, 100, rng, min_expected=0.0, n_strata=2)
    assert res["strata"] == 2
    stratum = np.repeat([0, 1], 4)
    rate = np.array([X[stratum == s].sum(0) / tok[stratum == s].sum() for s in (0, 1)])  # each stratum's rate
    d = X - tok[:, None] * rate[stratum]
    us = []
    for s1 in itertools.combinations(range(4), 2):
        for s2 in itertools.combinations(range(4, 8), 2):
            us.append(d[list(s1) + list(s2)].sum(0))
    us = np.array(us)
    np.testing.assert_allclose(res["z"], (res["u"] - us.mean(0)) / us.std(0), rtol=1e-9)
    np.testing.assert_allclose(res["skew"], ((us - us.mean(0)) ** 3).mean(0) / us.std(0) ** 3, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("branch", ["moments", "monte-carlo"])
def test_longer_articles_in_the_smaller_outlet_do_not_inflate_false_positives(branch):
    """Same rate, but the smaller outlet writes 2-3x longer articles: an unrestricted permutation test
    rejects far too often; permuting within length strata keeps the nominal rate."""
    rng = np.random.default_rng(8)
    min_expected = 0.0 if branch == "moments" else 1e9
    p_strat, p_plain = [], []
    for _ in range(150 if branch == "moments" else 60):
        m, P = 100, 600
        tok = np.r_[rng.integers(300, 1500, m), rng.integers(80, 900, P - m)].astype(float)
        X = rng.poisson(tok[:, None] * 0.004 * rng.gamma(0.5, 2.0, (P, 4))).astype(float)
        in_a = np.zeros(P, bool)
        in_a[:m] = True
        p_strat += list(resample.score_test(X, tok, in_a, 400, rng, min_expected)["p"])
        p_plain += list(resample.score_test(X, tok, in_a, 400, rng, min_expected, n_strata=1)["p"])
    p_strat, p_plain = np.asarray(p_strat), np.asarray(p_plain)
    assert (p_plain < 0.05).mean() > 0.09  # the scenario has teeth
    assert (p_strat < 0.05).mean() < 0.075, (p_strat < 0.05).mean()


def test_outlets_whose_lengths_do_not_overlap_are_still_tested_with_a_warning():
    d1, m1, lex = make_corpus({"long": 60}, {}, n_categories=2, length=(1000, 2000), seed=1)
    d2, m2, _ = make_corpus({"short": 60}, {}, n_categories=2, length=(100, 400), seed=2)
    c = run(pd.concat([d1, d2]), pd.concat([m1, m2]), lex).tables["contrasts"]
    assert c["p_method"].str.startswith(("permutation", "exact conditional")).all()
    assert c["warning"].str.contains("article lengths barely overlap").all()


def test_monte_carlo_branch_matches_exact_permutation_p():
    """Sparse counts, equal document lengths (so the length approximation plays no part): MC p ~ exact p."""
    P, m = 14, 5
    X = np.zeros((P, 1))
    X[[0, 1, 2, 9], 0] = [3, 1, 2, 1]
    tok = np.full(P, 100.0)
    in_a = np.zeros(P, bool)
    in_a[:m] = True
    res = resample.score_test(X, tok, in_a, 20000, np.random.default_rng(1), min_expected=100.0)
    assert "Monte-Carlo" in res["method"][0]
    rate = X.sum() / tok.sum()
    u_obs = X[in_a].sum() - rate * tok[in_a].sum()
    us = np.array([X[list(s)].sum() - rate * tok[list(s)].sum() for s in itertools.combinations(range(P), m)])
    p_exact = min(1.0, 2 * min((us >= u_obs - 1e-9).mean(), (us <= u_obs + 1e-9).mean()))
    assert res["p"][0] == pytest.approx(p_exact, abs=0.01)


def test_one_outlet_corpus_gives_notes_not_crashes():
    docs, matches, lex = make_corpus({"solo": 20}, {}, n_categories=3)
    terms = {"solo": Counter({"كلمة": 10, "أخرى": 7})}
    out = run(docs, matches, lex, terms)
    assert len(out.tables["outlet_scores"]) == 3
    assert out.tables["contrasts"].empty and out.tables["keyness"].empty and out.tables["headlines"].empty
    assert any("at least two outlets" in n for n in out.notes)
    assert any("Keyness" in n for n in out.notes)


def test_outlet_with_one_document_gets_warnings():
    docs, matches, lex = make_corpus({"big": 40, "tiny": 1}, {("tiny", 0): 30.0}, n_categories=3, seed=2)
    out = run(docs, matches, lex, names={"tiny": "Tiny Times"})
    s = out.tables["outlet_scores"]
    tiny = s[s["outlet"] == "tiny"]
    assert tiny["warning"].str.contains("only 1 document").all()
    assert tiny["ci_low"].notna().all() and tiny["ci_high"].notna().all()
    assert (tiny["ci_method"] == "exact Poisson (Garwood)").all()
    c = out.tables["contrasts"]
    assert c[c["outlet_a"] == "tiny"]["warning"].str.contains("Tiny Times: only 1 document").all()
    # one document: too sparse for the curve, so the interval is the exact conditional one
    tiny_c = c[(c["outlet_a"] == "tiny") & (c["count_a"] + c["count_b"] > 0)]
    assert tiny_c["ci_method"].str.startswith("exact conditional").all()
    assert (tiny_c["ci_low"] <= tiny_c["ratio"]).all() and (tiny_c["ratio"] <= tiny_c["ci_high"]).all()
    assert np.isfinite(c["p"]).all()
    assert any("Tiny Times has only 1 document" in n for n in out.notes)


def test_outlet_without_documents_is_listed_and_left_out():
    docs, matches, lex = make_corpus({"a": 20, "b": 20}, {}, n_categories=2)
    out = run(docs, matches, lex, names={"a": "A", "b": "B", "ghost": "Ghost"})
    s = out.tables["outlet_scores"]
    assert s[s["outlet"] == "ghost"]["per_1k"].isna().all()
    assert "ghost" not in set(out.tables["contrasts"]["outlet_a"]) | set(out.tables["contrasts"]["outlet_b"])
    assert any("Ghost" in n for n in out.notes)


def test_ratio_with_zero_on_one_side_is_unbounded_exact_and_warned():
    docs, matches, lex = make_corpus({"a": 30, "b": 30}, {("a", 0): 5.0, ("b", 0): 0.0}, n_categories=1)
    c = run(docs, matches, lex).tables["contrasts"]
    row = c[c["family"] == "pairwise"].iloc[0]
    assert row["count_b"] == 0 and row["ratio"] == np.inf and row["ratio_crude"] == np.inf
    assert row["ci_method"].startswith("exact conditional") and row["ci_high"] == np.inf and row["ci_low"] > 1
    assert "no hits on one side" in row["warning"]
    rest = c[(c["family"] == "one-vs-rest") & (c["outlet_a"] == "b")].iloc[0]  # zero hits: 0, never above 1
    assert rest["ratio"] == 0 and rest["ci_low"] == 0 and rest["ci_high"] < 1


def test_deterministic_for_a_seed():
    docs, matches, lex = make_corpus({"a": 25, "b": 25}, {("a", 0): 4.0}, n_categories=3, naming={"a": 0.8, "b": 0.3})
    one, two = run(docs, matches, lex, seed=7), run(docs, matches, lex, seed=7)
    for name in one.tables:
        pd.testing.assert_frame_equal(one.tables[name], two.tables[name])
    three = run(docs, matches, lex, seed=8)
    assert not one.tables["outlet_scores"]["ci_low"].equals(three.tables["outlet_scores"]["ci_low"])
    assert one.info["seed"] == 7 and one.info["bootstrap_resamples"] == 200


# ----------------------------------------------------------------------------------------------
# naming, timeline, headlines


def test_naming_shares_sum_to_one_and_preference_is_found():
    docs, matches, lex = make_corpus({"a": 60, "b": 60, "c": 60}, {}, n_categories=1, seed=4,
                                     naming={"a": 0.9, "b": 0.3, "c": 0.3})
    n = run(docs, matches, lex).tables["naming_shares"]
    assert list(n.columns[:11]) == ["outlet", "outlet_name", "lexicon", "axis", "entry", "gloss", "count",
                                    "axis_total", "share", "ci_low", "ci_high"]
    sums = n.groupby("outlet")["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    a = n[(n["outlet"] == "a") & (n["entry"] == "a")].iloc[0]
    assert a["ci_low"] <= a["share"] <= a["ci_high"] and a["ci_low"] > 0.7
    assert a["significant"]
    assert not n[(n["outlet"] == "b")]["significant"].any() or n[n["outlet"] == "b"]["share_rest"].iloc[0] > 0.5


def test_timeline_normalises_by_outlet_volume():
    docs, matches, lex = make_corpus({"a": 40, "b": 20}, {}, n_categories=2)
    out = run(docs, matches, lex)
    t = out.tables["timeline"]
    assert out.info["time_unit"] == "week"  # 90 days of dates
    for outlet, grp in t[t["category"] == "c0"].groupby("outlet"):
        assert grp["tokens"].sum() == docs.loc[docs["outlet"] == outlet, "n_tokens"].sum()
        assert grp["count"].sum() == ((matches["outlet"] == outlet) & (matches["category"] == "c0")).sum()
    np.testing.assert_allclose(t["per_1k"], 1000 * t["count"] / t["tokens"])


def test_timeline_without_dates_is_empty_with_a_note():
    docs, matches, lex = make_corpus({"a": 10, "b": 10}, {}, n_categories=2, dates=False)
    out = run(docs, matches, lex)
    assert out.tables["timeline"].empty
    assert list(out.tables["timeline"].columns)[:2] == ["outlet", "period"]
    assert any("has a date" in n for n in out.notes)


def test_headlines_read_plainly():
    docs, matches, lex = make_corpus({"a": 50, "b": 50, "c": 50}, {("a", 0): 10.0}, n_categories=2, seed=9)
    h = run(docs, matches, lex, names={"a": "Sahil News"}).tables["headlines"]
    assert len(h) >= 1
    top = h.iloc[0]
    assert top["outlet"] == "a" and top["category"] == "c0"
    assert top["text"].startswith("Sahil News uses category 0 framing ")
    assert "as often as the other outlets (95% CI" in top["text"] and "q" in top["text"]
    assert (h["kind"] == "rate").all()


def test_naming_headline():
    docs, matches, lex = make_corpus({"a": 60, "b": 60, "c": 60}, {}, n_categories=1, seed=6,
                                     naming={"a": 0.9, "b": 0.2, "c": 0.2})
    h = run(docs, matches, lex, names={"a": "Al-Jabal TV"}).tables["headlines"]
    row = h[h["kind"] == "naming"].iloc[0]
    assert row["outlet"] == "a" and row["entry"] == "a" and row["share"] > row["share_rest"]
    assert row["text"].startswith("Al-Jabal TV uses “A” in ") and "of its mentions of “Axis”" in row["text"]


# ----------------------------------------------------------------------------------------------
# keyness and stopwords


def test_log_odds_z_matches_hand_computation():
    y_i = np.array([10.0, 0.0, 5.0])
    y_j = np.array([2.0, 8.0, 5.0])
    alpha = np.array([1.2, 0.8, 1.0])  # a0 = 3
    delta, z = kn.log_odds(y_i, y_j, alpha)
    # word 0 by hand: n_i = 15, n_j = 15
    d0 = math.log((10 + 1.2) / (15 + 3 - 10 - 1.2)) - math.log((2 + 1.2) / (15 + 3 - 2 - 1.2))
    z0 = d0 / math.sqrt(1 / (10 + 1.2) + 1 / (2 + 1.2))
    assert delta[0] == pytest.approx(d0) and z[0] == pytest.approx(z0)
    assert z[1] < 0 and z[2] == pytest.approx(0.0)


def test_keyness_table_finds_the_outlets_word_and_drops_stopwords():
    base = {"حكومة": 50, "مدينة": 40, "قصف": 30, "في": 400, "من": 300}
    terms = {o: Counter(base) for o in ("a", "b", "c")}
    terms["a"]["احتلال"] = 60
    terms["b"]["احتلال"] = 2
    terms["c"]["احتلال"] = 1
    terms["a"]["في"] = 900
    docs, matches, lex = make_corpus({"a": 5, "b": 5, "c": 5}, {}, n_categories=1)
    k = run(docs, matches, lex, terms).tables["keyness"]
    assert {"outlet", "versus", "term", "count", "z"} <= set(k.columns)
    top = k[(k["outlet"] == "a") & (k["versus"] == "rest")].iloc[0]
    assert top["term"] == "احتلال" and top["count"] == 60 and top["z"] > 3
    assert not k["term"].isin(["في", "من"]).any()
    assert set(k["versus"]) == {"rest", "a", "b", "c"}
    assert (k["z"] > 0).all()
    assert k.groupby(["outlet", "versus"]).size().max() <= FAST.keyness_top


def test_stopwords_cover_spelling_variants_and_clitics():
    stops = stopword_set()
    assert "في" in STOPWORDS and len(STOPWORDS) > 150
    assert is_stopword("الي", stops)  # إلى normalised with alef and alef-maqsura folding
    assert is_stopword("وفي", stops) and is_stopword("فان", stops)
    assert not is_stopword("احتلال", stops)


# ----------------------------------------------------------------------------------------------
# methods text and info


def test_methods_text_is_plain_and_complete():
    assert METHODS and all(set(sec) == {"title", "paragraphs"} for sec in METHODS)
    text = " ".join(p for sec in METHODS for p in sec["paragraphs"])
    assert "<" not in text and ">" not in text and "*" not in text
    for needle in ("Monroe", "Benjamini-Hochberg", "bootstrap", "permutation", "Dirichlet", "Wilson", "seed"):
        assert needle in text
    custom = " ".join(p for sec in methods(StatsOptions(bootstrap=999), seed=31) for p in sec["paragraphs"])
    assert "999" in custom and "31" in custom


def test_info_records_settings():
    docs, matches, lex = make_corpus({"a": 10, "b": 10}, {}, n_categories=2)
    info = run(docs, matches, lex, seed=11).info
    for key in ("seed", "bootstrap_resamples", "permutations", "keyness_prior", "tests", "fdr", "timings_s"):
        assert key in info
    import json

    json.dumps(info)  # manifest.json must be able to hold it


def test_floyd_subsets_are_uniform():
    rng = np.random.default_rng(3)
    R, H = 40000, 5
    sizes = rng.integers(0, 4, R)
    picks = np.zeros((R, H), dtype=bool)
    for active, val in resample._floyd(R, H, sizes, rng):
        picks[np.flatnonzero(active), val[active]] = True
    np.testing.assert_array_equal(picks.sum(1), sizes)
    for size in (1, 2, 3):
        rows = picks[sizes == size]
        counts = Counter(map(lambda r: tuple(np.flatnonzero(r)), rows))
        n_subsets = math.comb(H, size)
        assert len(counts) == n_subsets
        expected = len(rows) / n_subsets
        assert max(abs(c - expected) for c in counts.values()) < 5 * math.sqrt(expected)


def test_bca_rate_interval_agrees_with_scipy_bootstrap():
    """Our BCa (exact influence values) against scipy.stats.bootstrap's BCa (jackknife) on one outlet."""
    from scipy.stats import bootstrap

    docs, matches, lex = make_corpus({"x": 200}, {("x", 0): 3.0}, n_categories=1, dispersion=2.0, seed=12)
    row = run(docs, matches, lex, opts=StatsOptions(bootstrap=4000, permutations=200)).tables["outlet_scores"].iloc[0]
    assert row["ci_method"] == "document bootstrap (BCa)"
    hits = matches.groupby("doc_id").size().reindex(docs["doc_id"], fill_value=0).to_numpy(float)
    words = docs["n_tokens"].to_numpy(float)
    ref = bootstrap((hits, words), lambda h, w, axis=-1: 1000 * h.sum(axis) / w.sum(axis), paired=True,
                    vectorized=True, n_resamples=4000, method="BCa", random_state=np.random.default_rng(0))
    assert row["ci_low"] == pytest.approx(ref.confidence_interval.low, rel=0.04)
    assert row["ci_high"] == pytest.approx(ref.confidence_interval.high, rel=0.04)
