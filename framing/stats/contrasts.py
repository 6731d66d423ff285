"""Outlet contrasts per category: rate ratio with bootstrap CI, permutation test, BH FDR.

Two families, each corrected on its own: one-vs-rest (each outlet against all the other outlets'
documents pooled) and pairwise (each unordered pair of outlets, ratio = first / second in report
order). Naming axes are not tested here: how often an outlet mentions a place is not a framing
choice, which name it uses is (see ``naming_shares``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from framing.stats import resample
from framing.stats.matrix import Counts
from framing.stats.intervals import bca, influence_moments

REST = "rest"
COLUMNS = [
    "family", "lexicon", "kind", "category", "category_label", "outlet_a", "outlet_a_name", "outlet_b",
    "outlet_b_name", "count_a", "count_b", "tokens_a", "tokens_b", "n_docs_a", "n_docs_b", "rate_a", "rate_b",
    "ratio", "ci_low", "ci_high", "ci_method", "z", "p", "p_method", "q", "significant", "warning",
]


def rate_ratio(ca, ta, cb, tb):
    """(ca/ta) / (cb/tb); when one count is 0, 0.5 is added to both (Haldane-Anscombe); both 0: NaN."""
    ca, cb = np.asarray(ca, float), np.asarray(cb, float)
    add = np.where((ca == 0) | (cb == 0), 0.5, 0.0)
    with np.errstate(all="ignore"):
        out = ((ca + add) / ta) / ((cb + add) / tb)
    return np.where((ca == 0) & (cb == 0), np.nan, out)


def _ratio_interval(X, tok, group, in_a, in_b, theta, reps):
    """BCa interval of the rate ratio from its stratified bootstrap replicates (see intervals.py),
    expanded for the smaller side's number of documents."""
    a2, a3 = influence_moments(X[in_a], tok[in_a], group[in_a])
    b2, b3 = influence_moments(X[in_b], tok[in_b], group[in_b], sign=-1.0)
    return bca(theta, reps, a2 + b2, a3 + b3, n=min(int(in_a.sum()), int(in_b.sum())))


def binomial_ratio_ci(ca, ta, cb, tb, alpha: float = 0.05):
    """95% interval of the rate ratio from the conditional binomial: given n = ca + cb hits, ca is
    Binomial(n, pi) with pi = rho*ta / (rho*ta + tb). Wilson interval for pi, mapped to rho; with a
    zero on one side 0.5 is added to both counts, as for the point estimate. Ignores clustering, so
    it is only used to widen a bootstrap interval that has too few documents to see it."""
    ca, cb = np.asarray(ca, float), np.asarray(cb, float)
    add = np.where((ca == 0) | (cb == 0), 0.5, 0.0)
    x, n = ca + add, ca + cb + 2 * add
    with np.errstate(all="ignore"):
        plo, phi = proportion_confint(x, np.where(n > 0, n, 1), alpha=alpha, method="wilson")
        lo = plo / (1 - plo) * tb / ta
        hi = phi / (1 - phi) * tb / ta
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def test_columns(c: Counts) -> np.ndarray:
    return np.flatnonzero((c.categories["kind"] != "naming").to_numpy())


def compute_contrasts(c: Counts, rep: np.ndarray, opts, names: dict,
                      rng: np.random.Generator) -> tuple[pd.DataFrame, list[str], dict]:
    notes: list[str] = []
    cols = test_columns(c)
    n_docs = np.bincount(c.group, minlength=c.n_groups)
    present = [g for g in range(c.n_groups) if n_docs[g] > 0]
    if len(present) < 2 or not len(cols):
        notes.append("Contrasts need at least two outlets with analysed documents and one frame or marker "
                     "category; none were computed.")
        return pd.DataFrame(columns=COLUMNS), notes, {}
    X = c.counts[:, cols]
    count = c.group_sums(X)
    tokens = c.group_sums(c.tokens[:, None])[:, 0]
    hit_docs = c.group_sums((X > 0).astype(float))
    rep_x = rep[:, :, cols]
    rep_t = rep[:, :, -1]
    frames = []

    tot_c, tot_t, tot_h = count.sum(0), tokens.sum(), hit_docs.sum(0)
    rep_tot_x, rep_tot_t = rep_x.sum(0), rep_t.sum(0)
    all_rows = np.flatnonzero(np.isin(c.group, present))
    for g in present:  # one-vs-rest: the outlet against all other documents
        res = resample.score_test(X[all_rows], c.tokens[all_rows], c.group[all_rows] == g, opts.permutations,
                                  rng, opts.moment_min_hit_docs, n_strata=opts.length_strata)
        cb, tb = tot_c - count[g], tot_t - tokens[g]
        rr = rate_ratio(rep_x[g], rep_t[g][:, None], rep_tot_x - rep_x[g], (rep_tot_t - rep_t[g])[:, None])
        lo, hi = _ratio_interval(X, c.tokens, c.group, c.group == g, np.isin(c.group, present) & (c.group != g),
                                 rate_ratio(count[g], tokens[g], cb, tb), rr)
        frames.append(_rows(c, cols, "one-vs-rest", g, None, count[g], cb, tokens[g], tb, n_docs[g],
                            int(n_docs.sum() - n_docs[g]), hit_docs[g], tot_h - hit_docs[g], lo, hi,
                            res["z"], res["p"], res["method"], opts, names, res["length_matched"]))
    for ia, a in enumerate(present):  # pairwise: only the two outlets' documents
        for b in present[ia + 1:]:
            rows = np.flatnonzero((c.group == a) | (c.group == b))
            res = resample.score_test(X[rows], c.tokens[rows], c.group[rows] == a, opts.permutations, rng,
                                      opts.moment_min_hit_docs, n_strata=opts.length_strata)
            rr = rate_ratio(rep_x[a], rep_t[a][:, None], rep_x[b], rep_t[b][:, None])
            lo, hi = _ratio_interval(X, c.tokens, c.group, c.group == a, c.group == b,
                                     rate_ratio(count[a], tokens[a], count[b], tokens[b]), rr)
            frames.append(_rows(c, cols, "pairwise", a, b, count[a], count[b], tokens[a], tokens[b], n_docs[a],
                                n_docs[b], hit_docs[a], hit_docs[b], lo, hi, res["z"], res["p"], res["method"],
                                opts, names, res["length_matched"]))
    out = pd.concat(frames, ignore_index=True)
    bh(out, opts.fdr, by="family")
    tested = out["p_method"].str.startswith("permutation")
    info = {"one_vs_rest_tests": int(((out["family"] == "one-vs-rest") & tested).sum()),
            "pairwise_tests": int(((out["family"] == "pairwise") & tested).sum()),
            "significant_one_vs_rest": int(out.loc[out["family"] == "one-vs-rest", "significant"].sum()),
            "significant_pairwise": int(out.loc[out["family"] == "pairwise", "significant"].sum())}
    return out[COLUMNS], notes, info


def bh(out: pd.DataFrame, fdr: float, by: str | None = None) -> None:
    """Benjamini-Hochberg q-values in place, per family. Rows whose p_method is not a permutation
    test (no hits, or no variation, among the compared documents) were not tested: q stays empty
    and they do not count in the family."""
    out["q"] = np.nan
    tested = out["p_method"].astype(str).str.startswith("permutation") & out["p"].notna()
    groups = out[tested].groupby(by).groups.items() if by else [(None, out.index[tested])]
    for _, idx in groups:
        out.loc[idx, "q"] = multipletests(out.loc[idx, "p"].to_numpy(), alpha=fdr, method="fdr_bh")[1]
    out["significant"] = out["q"] < fdr


def _plural(n, word):
    n = int(n)
    return f"{n} {word}{'' if n == 1 else 's'}"


def _rows(c, cols, family, a, b, ca, cb, ta, tb, da, db, ha, hb, lo, hi, z, p, method, opts, names,
          length_matched=True):
    out_a = c.outlets[a]
    out_b = c.outlets[b] if b is not None else REST
    name_a = names.get(out_a, out_a)
    name_b = names.get(out_b, out_b) if b is not None else "the other outlets"
    cats = c.categories.iloc[cols]
    with np.errstate(all="ignore"):
        rate_a = np.where(ta > 0, 1000.0 * ca / ta, np.nan)
        rate_b = np.where(tb > 0, 1000.0 * cb / tb, np.nan)
    ratio = rate_ratio(ca, ta, cb, tb)
    ci_method = np.full(len(cols), "document bootstrap (BCa)", dtype=object)
    if min(da, db) < opts.min_docs:
        # too few documents for the bootstrap to see between-document variation: widen to the
        # conditional-binomial interval of the ratio where that is wider
        blo, bhi = binomial_ratio_ci(ca, ta, cb, tb)
        lo, hi = np.fmin(lo, blo), np.fmax(hi, bhi)
        ci_method[:] = "bootstrap widened to conditional binomial (few documents)"
    both_zero = (ca == 0) & (cb == 0)
    lo, hi = np.where(both_zero, np.nan, lo), np.where(both_zero, np.nan, hi)
    ci_method[both_zero] = ""
    warnings = []
    for k in range(len(cols)):
        w = []
        for name, d in ((name_a, da), (name_b, db)):
            if d < opts.min_docs:
                w.append(f"{name}: only {_plural(d, 'document')}")
        if ca[k] + cb[k] < opts.min_hits:
            w.append(f"only {_plural(ca[k] + cb[k], 'hit')} in all")
        for name, cnt, h in ((name_a, ca[k], ha[k]), (name_b, cb[k], hb[k])):
            if cnt > 0 and h < opts.min_hit_docs:
                w.append(f"{name}: all hits from {_plural(h, 'document')}")
        if (ca[k] == 0) != (cb[k] == 0):
            w.append("no hits on one side: ratio uses a 0.5 continuity correction")
        if not length_matched and ca[k] + cb[k] > 0:
            w.append("the two sides' article lengths barely overlap: the test could not compare like with like")
        warnings.append("; ".join(w))
    return pd.DataFrame({
        "family": family, "lexicon": cats["lexicon"].to_numpy(), "kind": cats["kind"].to_numpy(),
        "category": cats["category"].to_numpy(), "category_label": cats["category_label"].to_numpy(),
        "outlet_a": out_a, "outlet_a_name": name_a, "outlet_b": out_b, "outlet_b_name": name_b,
        "count_a": ca.astype(int), "count_b": cb.astype(int), "tokens_a": int(ta), "tokens_b": int(tb),
        "n_docs_a": int(da), "n_docs_b": int(db), "rate_a": rate_a, "rate_b": rate_b, "ratio": ratio,
        "ci_low": lo, "ci_high": hi, "ci_method": ci_method, "z": z, "p": p, "p_method": method, "warning": warnings,
    })
