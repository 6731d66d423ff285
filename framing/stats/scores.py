"""Per-outlet rates with intervals, naming-variant shares, and rates over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from framing.stats.intervals import bca, influence_moments
from framing.stats.matrix import Counts

ALPHA = 0.05


def outlet_scores(c: Counts, rep: np.ndarray, opts, names: dict) -> pd.DataFrame:
    """rep: (G, B, K + E + 1) bootstrap replicate sums, tokens in the last column."""
    G, K = c.n_groups, len(c.categories)
    count = c.group_sums(c.counts)  # (G, K)
    tokens = c.group_sums(c.tokens[:, None])[:, 0]  # (G,)
    n_docs = np.bincount(c.group, minlength=G)
    hit_docs = c.group_sums((c.counts > 0).astype(float))
    rows = []
    for g, outlet in enumerate(c.outlets):
        rtok = rep[g, :, -1]
        with np.errstate(all="ignore"):
            rates = 1000.0 * rep[g, :, :K] / rtok[:, None]
            theta = 1000.0 * count[g] / tokens[g]
        mine = c.group == g
        lo, hi = bca(theta, rates, *influence_moments(c.counts[mine], c.tokens[mine], c.group[mine]), n=n_docs[g])
        for k in range(K):
            cnt, tok = count[g, k], tokens[g]
            per_1k = 1000.0 * cnt / tok if tok > 0 else np.nan
            method = "document bootstrap (BCa)"
            l, h = lo[k], hi[k]
            if tok <= 0:
                l = h = np.nan
                method = ""
            elif cnt == 0 or n_docs[g] < 2:
                # the bootstrap collapses to a point here: fall back to the exact Poisson interval
                l, h = (1000.0 * x for x in confint_poisson(cnt, tok, method="exact-c", alpha=ALPHA))
                method = "exact Poisson (Garwood)"
            elif cnt < opts.min_hits:
                # few hits: resamples without any hit put the bootstrap's lower end at 0, which one
                # observed hit rules out; the exact Poisson interval, its upper end widened to the
                # bootstrap's where that is wider (hits cluster in documents)
                el, eh = (1000.0 * x for x in confint_poisson(cnt, tok, method="exact-c", alpha=ALPHA))
                l, h = el, max(eh, h) if np.isfinite(h) else eh
                method = "exact Poisson (Garwood), few hits"
            elif n_docs[g] < opts.min_docs:
                # too few documents for the bootstrap to see between-document variation: widen it
                el, eh = (1000.0 * x for x in confint_poisson(cnt, tok, method="exact-c", alpha=ALPHA))
                l, h = min(l, el), max(h, eh)
                method = "bootstrap widened to exact Poisson (few documents)"
            if cnt > 0 and np.isfinite(l):
                # hits were seen, so the rate is not 0: the lower end is at least the exact Poisson lower
                # end for the number of documents with a hit (each holds at least one hit), which
                # resamples that miss those few documents would otherwise pull to 0
                l = max(l, 1000.0 * confint_poisson(hit_docs[g, k], tok, method="exact-c", alpha=ALPHA)[0])
            warn = _score_warning(n_docs[g], cnt, hit_docs[g, k], opts)
            rows.append((outlet, names.get(outlet, outlet), c.categories.at[k, "lexicon"],
                         c.categories.at[k, "kind"], c.categories.at[k, "category"],
                         c.categories.at[k, "category_label"], int(cnt), int(tok), per_1k, l, h, method,
                         (hit_docs[g, k] / n_docs[g]) if n_docs[g] else np.nan, int(n_docs[g]),
                         int(hit_docs[g, k]), warn))
    return pd.DataFrame(rows, columns=[
        "outlet", "outlet_name", "lexicon", "kind", "category", "category_label", "count", "tokens", "per_1k",
        "ci_low", "ci_high", "ci_method", "doc_share", "n_docs", "docs_with_hits", "warning"])


def _score_warning(n_docs: int, count: float, hit_docs: float, opts) -> str:
    parts = []
    if n_docs < opts.min_docs:
        parts.append(f"only {n_docs} document{'s' if n_docs != 1 else ''}")
    if 0 < count < opts.min_hits:
        parts.append(f"only {int(count)} hit{'s' if count != 1 else ''}")
    if count > 0 and hit_docs < opts.min_hit_docs:
        parts.append(f"all hits from {int(hit_docs)} document{'s' if hit_docs != 1 else ''}")
    return "; ".join(parts)


def naming_shares(c: Counts, rep: np.ndarray, opts, names: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Each outlet's share of each variant of a naming axis, with a document-bootstrap interval and a test.

    Mentions cluster in documents (an article that says Khankendi once says it ten times), so a
    binomial interval over mentions would be far too narrow; resampling documents is not. With
    fewer than ``min_docs`` documents mentioning the axis the bootstrap has too few clusters, and a
    Wilson interval with the number of mentioning documents as sample size is used instead; so it is
    when every document has the same share (e.g. all 0 or all 1) and the bootstrap collapses to a point.

    The test (one-vs-rest: the outlet's share against the other outlets' pooled share) is the same
    document permutation score test as for rates, with the axis mentions of a document in place of
    its words, over the documents that mention the axis. For a two-name axis both rows carry the
    same test. BH over all naming tests (family "naming").
    """
    cols = ["outlet", "outlet_name", "lexicon", "axis", "entry", "gloss", "count", "axis_total", "share",
            "ci_low", "ci_high", "ci_method", "docs_mentioning", "share_rest", "p", "p_method", "q", "significant",
            "warning"]
    if not len(c.entries):
        return pd.DataFrame(columns=cols)
    from framing.stats import resample

    K = len(c.categories)
    ent_count = c.group_sums(c.entry_counts)  # (G, E)
    axis_count = c.group_sums(c.counts)  # (G, K)
    axis_docs = c.group_sums((c.counts > 0).astype(float))
    tests: dict[tuple[int, int], tuple[float, str]] = {}
    for k, ents in c.entries.groupby("col").groups.items():
        ents = np.asarray(list(ents))
        rows = np.flatnonzero(c.counts[:, k] > 0)
        groups = np.unique(c.group[rows])
        if len(groups) < 2:
            continue
        for g in groups:
            res = resample.score_test(c.entry_counts[np.ix_(rows, ents)], c.counts[rows, k], c.group[rows] == g,
                                      opts.permutations, rng, opts.moment_min_hit_docs, every_row_counts=True,
                                      n_strata=opts.length_strata)
            for j, e in enumerate(ents):
                tests[(g, e)] = (res["p"][j], res["method"][j])
    rows_out = []
    axis_col = c.entries["col"].to_numpy()
    for g, outlet in enumerate(c.outlets):
        erep = rep[g, :, K:K + len(c.entries)]
        mine = c.group == g
        with np.errstate(all="ignore"):
            shares_rep = erep / rep[g][:, axis_col]
            theta = ent_count[g] / axis_count[g, axis_col]
        slo, shi = bca(theta, shares_rep, *influence_moments(c.entry_counts[mine], c.counts[mine][:, axis_col],
                                                              c.group[mine]), n=axis_docs[g, axis_col])
        for e, ent in c.entries.iterrows():
            k = int(ent["col"])
            total = axis_count[g, k]
            cnt = ent_count[g, e]
            ndoc = int(axis_docs[g, k])
            share = cnt / total if total > 0 else np.nan
            rest_total = axis_count[:, k].sum() - total
            share_rest = (ent_count[:, e].sum() - cnt) / rest_total if rest_total > 0 else np.nan
            method, lo, hi, warn = "", np.nan, np.nan, ""
            if total > 0:
                if ndoc >= opts.min_docs:
                    lo, hi = float(slo[e]), float(shi[e])
                    method = "document bootstrap (BCa)"
                if ndoc < opts.min_docs or hi - lo < 1e-12:
                    # too few documents, or every document has the same share (the bootstrap collapses)
                    lo, hi = np.clip(np.round(proportion_confint(share * ndoc, ndoc, alpha=ALPHA, method="wilson"),
                                              12), 0.0, 1.0)
                    method = "Wilson, documents as sample size"
                    if ndoc < opts.min_docs:
                        warn = f"only {ndoc} document{'s' if ndoc != 1 else ''} mention this axis"
            p, p_method = tests.get((g, e), (np.nan, ""))
            rows_out.append((outlet, names.get(outlet, outlet), ent["lexicon"], ent["axis"], ent["entry"],
                             ent["gloss"], int(cnt), int(total), share, lo, hi, method, ndoc, share_rest, p, p_method,
                             warn))
    out = pd.DataFrame(rows_out, columns=[x for x in cols if x not in ("q", "significant", "warning")] + ["warning"])
    from framing.stats.contrasts import bh

    bh(out, opts.fdr)
    return out[cols]


def choose_unit(dates: pd.Series, unit: str) -> str:
    """The period of the timeline: as configured, or for ``auto`` months when the dates span more
    than half a year, else weeks."""
    if unit != "auto":
        return unit
    d = dates.dropna()
    if d.empty:
        return "month"
    return "month" if (d.max() - d.min()).days > 180 else "week"


def timeline(c: Counts, unit: str) -> pd.DataFrame:
    """Counts and rates per outlet, period and category (empty when no document has a date)."""
    cols = ["outlet", "period", "period_start", "lexicon", "category", "count", "tokens", "n_docs", "per_1k",
            "ci_low", "ci_high"]
    ok = c.dates.notna().to_numpy()
    if not ok.any():
        return pd.DataFrame(columns=cols)
    d = c.dates[ok]
    if unit == "week":
        per = d.dt.to_period("W-SUN")
        label = per.dt.start_time.dt.strftime("%Y-%m-%d")
    else:
        per = d.dt.to_period("M")
        label = per.dt.strftime("%Y-%m")
    start = per.dt.start_time.dt.strftime("%Y-%m-%d")
    frame = pd.DataFrame(c.counts[ok], columns=range(len(c.categories)))
    frame["outlet"] = np.asarray(c.outlets, dtype=object)[c.group[ok]]
    frame["period"] = label.to_numpy()
    frame["period_start"] = start.to_numpy()
    frame["tokens"] = c.tokens[ok]
    frame["n_docs"] = 1
    agg = frame.groupby(["outlet", "period", "period_start"], sort=True).sum().reset_index()
    long = agg.melt(id_vars=["outlet", "period", "period_start", "tokens", "n_docs"],
                    value_vars=list(range(len(c.categories))), var_name="k", value_name="count")
    k = long["k"].astype(int).to_numpy()
    long["lexicon"] = c.categories["lexicon"].to_numpy()[k]
    long["category"] = c.categories["category"].to_numpy()[k]
    long["count"] = long["count"].astype(int)
    long["tokens"] = long["tokens"].astype(int)
    with np.errstate(all="ignore"):
        long["per_1k"] = np.where(long["tokens"] > 0, 1000.0 * long["count"] / long["tokens"], np.nan)
        # exact Poisson (Garwood) per period: hits in one period are few, and a period's documents too
        lo, hi = confint_poisson(long["count"].to_numpy(float), long["tokens"].to_numpy(float).clip(min=1),
                                 method="exact-c", alpha=ALPHA)
        long["ci_low"] = np.where(long["tokens"] > 0, 1000.0 * np.nan_to_num(lo, nan=0.0), np.nan)
        long["ci_high"] = np.where(long["tokens"] > 0, 1000.0 * hi, np.nan)
    return long[cols].sort_values(["lexicon", "category", "outlet", "period"]).reset_index(drop=True)
