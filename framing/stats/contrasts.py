"""Outlet contrasts per category: permutation test, the Mantel-Haenszel rate ratio over the test's
strata with an interval from the same test (``ratio.py``), BH FDR.

Two families, each corrected on its own: one-vs-rest (each outlet against all the other outlets'
documents pooled) and pairwise (each unordered pair of outlets, ratio = first / second in report
order). Naming axes are not tested here: how often an outlet mentions a place is not a framing
choice, which name it uses is (see ``naming_shares``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from framing.stats import ratio, resample
from framing.stats.matrix import Counts

REST = "rest"
COLUMNS = [
    "family", "lexicon", "kind", "category", "category_label", "outlet_a", "outlet_a_name", "outlet_b",
    "outlet_b_name", "count_a", "count_b", "tokens_a", "tokens_b", "n_docs_a", "n_docs_b", "rate_a", "rate_b",
    "ratio", "ci_low", "ci_high", "ci_method", "ratio_crude", "z", "p", "p_method", "p_display", "q", "significant",
    "fdr_family", "fcr_low", "fcr_high", "warning",
]
# with the topic stage: the same contrast stratified by topic and length
TOPIC_COLUMNS = ["ratio_topic", "ci_low_topic", "ci_high_topic", "ci_method_topic", "p_topic", "p_method_topic",
                 "p_display_topic", "q_topic", "significant_topic", "fdr_family_topic", "fcr_low_topic",
                 "fcr_high_topic", "topic_strata"]
TESTED = ("permutation", "exact conditional")  # p_method of a tested contrast starts with one of these
CURVE_FLOOR = 1e-6  # curve p-values below this are reported as a bound: the tail is not checked that far
SCORE_CI = "permutation-test inversion (Mantel-Haenszel)"
EXACT_CI = "exact conditional (Clopper-Pearson, design-effect adjusted)"
EXACT_TEST = "exact conditional binomial, design-effect adjusted"


def rate_ratio(ca, ta, cb, tb):
    """The crude (pooled) rate ratio (ca/ta) / (cb/tb): 0 or inf with a zero on one side, NaN with both."""
    ca, cb = np.asarray(ca, float), np.asarray(cb, float)
    with np.errstate(all="ignore"):
        out = (ca / ta) / (cb / tb)
    return np.where((ca == 0) & (cb == 0), np.nan, out)


def test_columns(c: Counts) -> np.ndarray:
    """The columns of the count matrix that are tested in contrasts: frame and marker categories
    (naming axes are compared as shares)."""
    return np.flatnonzero((c.categories["kind"] != "naming").to_numpy())


def p_display(p, method, permutations: int) -> np.ndarray:
    """p as readers see it, with how it was obtained; below what the method resolves, a bound."""
    out = []
    for pv, m in zip(np.asarray(p, float), np.asarray(method, object)):
        m = str(m)
        if m == EXACT_TEST and np.isfinite(pv):
            out.append(f"{_fmt_p(pv)} (exact conditional)")
        elif not m.startswith("permutation") or not np.isfinite(pv):
            out.append("")
        elif "Monte-Carlo" in m:
            floor = 2.0 / (permutations + 1)
            txt = f"≤ {floor:.1g}" if pv <= floor * (1 + 1e-9) else _fmt_p(pv)
            out.append(f"{txt} (Monte-Carlo, {permutations} permutations)")
        else:
            txt = f"< {CURVE_FLOOR:.0e}" if pv < CURVE_FLOOR else _fmt_p(pv)
            out.append(f"{txt} (Pearson III curve)")
    return np.asarray(out, dtype=object)


def _fmt_p(p: float) -> str:
    return f"{p:.2g}" if p >= 0.001 else f"{p:.1e}"


def contrast(X, tok, in_a, opts, strata=None, intervals: bool = True) -> dict:
    """Test, effect and interval of one comparison (rows of X: the documents of both sides).

    strata: stratum labels to permute within (topic x length); None: length bins chosen by the test.
    Nothing here is random: a category too sparse for the permutation test's curve is tested with the
    exact conditional model (below), so its permutations are not simulated. ``intervals=False``:
    ci_low and ci_high are left empty, for :func:`add_intervals` to fill in (with the interval at
    the FCR level, in the same search)."""
    res = resample.score_test(X, tok, in_a, opts.permutations, None, opts.moment_min_hit_docs,
                              n_strata=opts.length_strata, strata=strata, simulate=False)
    labels = res["labels"]
    sa, sb, ta, tb = ratio.stratum_sums(X, tok, in_a, labels)
    rr, gr_se = ratio.mantel_haenszel(sa, sb, ta, tb)
    ca, cb = sa.sum(0), sb.sum(0)
    method = res["method"].astype(str)
    with np.errstate(all="ignore"):
        # design effect of the test, at most the mean number of hits per document with a hit (a design
        # effect cannot exceed the mean cluster size, Kish 1965)
        cluster = np.maximum(1.0, (ca + cb) / np.maximum((X > 0).sum(0), 1))
        deff = np.nan_to_num(res["var"] / ratio.poisson_score_variance(sa, sb, ta, tb), nan=1.0, posinf=1.0)
        deff = np.clip(deff, 1.0, cluster)
    exact = ((np.minimum(ca, cb) < max(opts.min_hits, 1)) | (np.char.find(method, "Monte-Carlo") >= 0)
             | ~np.char.startswith(method, "permutation") | ~(np.isfinite(rr) & (rr > 0)))

    estimate = np.where(exact, np.nan, rr)
    interval = Interval(exact, estimate, (sa, sb, ta, tb), deff, labels)
    if intervals:
        lo, hi = interval(ALPHA, X, tok, in_a)
    else:
        lo, hi = np.full(len(rr), np.nan), np.full(len(rr), np.nan)
    ci_method = np.where(exact, EXACT_CI, SCORE_CI).astype(object)
    none = (ca == 0) & (cb == 0)
    ci_method[none] = ""
    # where the interval is the exact conditional one, so is the test: one model for both (the
    # permutation score's reference distribution is unreliable there: with a handful of hits it is
    # driven by how the sides' article lengths differ within a length bin, not by the hits)
    p, p_method = res["p"].copy(), res["method"].astype(object).copy()
    swap = exact & np.char.startswith(method, "permutation")
    p[swap] = ratio.conditional_p(sa, sb, ta, tb, deff)[swap]
    p_method[swap] = EXACT_TEST
    return {"ratio": rr, "ci_low": lo, "ci_high": hi, "ci_method": ci_method, "p": p, "z": res["z"],
            "p_method": p_method, "deff": deff, "gr_se": gr_se, "interval": interval,
            "length_matched": res["length_matched"], "strata": res["strata"]}


ALPHA = 0.05


class Interval:
    """A contrast's interval at any level: the permutation-test inversion where the test is the
    curve's, else the exact conditional one. It keeps what the test found (the stratum sums, the
    design effects, each document's stratum), not the documents' counts: those are handed to it
    when bounds are asked for, so that it stays small when it is sent back from a worker process."""

    def __init__(self, exact, estimate, sums, deff, labels) -> None:
        self.exact, self.estimate, self.sums, self.deff, self.labels = exact, estimate, sums, deff, labels

    def __call__(self, alpha, X, tok, in_a) -> tuple[np.ndarray, np.ndarray]:
        """(lower bounds, upper bounds) at ``alpha`` (a number or (K,)); X, tok, in_a: the
        comparison's documents, as the test had them."""
        return self.levels([alpha], X, tok, in_a)[0]

    def levels(self, alphas: list, X, tok, in_a) -> list[tuple[np.ndarray, np.ndarray]]:
        """The bounds at each of ``alphas`` (numbers or (K,) arrays), all found in one search."""
        return levels([(self, alphas, self.moments(X, tok, in_a))])[0]

    def moments(self, X, tok, in_a):
        """What the search reads of the comparison's documents (``ratio.interval_moments``: their
        hits alone, far smaller than X)."""
        return ratio.interval_moments(X, tok, in_a, self.labels, self.estimate)


def levels(searches: list[tuple[Interval, list, object]]) -> list[list]:
    """``Interval.levels`` of several comparisons at once, each given as (its interval, the alphas,
    ``Interval.moments`` of its documents): the permutation-test inversions are searched together
    (``ratio.score_intervals``), and so are the exact conditional ones
    (``ratio.conditional_intervals``), with the same bounds as one by one."""
    scored = ratio.score_intervals([(moments, iv.estimate, alphas) for iv, alphas, moments in searches])
    exacts = ratio.conditional_intervals([(*iv.sums, iv.deff, alphas) for iv, alphas, *_ in searches])
    out = []
    for (iv, *_), found, exact in zip(searches, scored, exacts):
        out.append([(np.where(iv.exact, elo, lo), np.where(iv.exact, ehi, hi)) for (lo, hi), (elo, ehi) in zip(found, exact)])
    return out


def compute_contrasts(c: Counts, opts, names: dict, doc_topics: np.ndarray | None = None,
                      parts=None, intervals: bool = True) -> tuple[pd.DataFrame, list[str], dict]:
    """doc_topics (N,) int: each document's topic (-1 none/outlier), when the topic stage ran; every
    contrast is then also computed within topics (stratified by topic and length). ``parts``: a
    ``parts.Parts`` to compute the comparisons as parts of (side by side), else one by one here.
    ``intervals=False``: the intervals are left for :func:`add_intervals` (with what it needs in
    the info's ``_intervals``)."""
    notes: list[str] = []
    cols = test_columns(c)
    n_docs = np.bincount(c.group, minlength=c.n_groups)
    present = [g for g in range(c.n_groups) if n_docs[g] > 0]
    if len(present) < 2 or not len(cols):
        notes.append("Contrasts need at least two outlets with analysed documents and one frame or marker "
                     "category; none were computed.")
        return pd.DataFrame(columns=COLUMNS), notes, {}
    X = c.counts[:, cols]
    sums = (c.group_sums(X), c.group_sums(c.tokens[:, None])[:, 0], n_docs, c.group_sums((X > 0).astype(float)))
    all_rows = np.flatnonzero(np.isin(c.group, present))
    comparisons = [("one-vs-rest", g, None, all_rows) for g in present]
    comparisons += [("pairwise", a, b, np.flatnonzero((c.group == a) | (c.group == b)))
                    for ia, a in enumerate(present) for b in present[ia + 1:]]

    cats = {name: c.categories[name].to_numpy()[cols] for name in ("lexicon", "kind", "category", "category_label")}

    def one(family, a, b, rows):
        return _comparison(c, cols, cats, X, sums, family, a, b, rows, opts, names, doc_topics, intervals)

    if parts is None:
        done = [one(*comparison) for comparison in comparisons]
    else:
        pending = [parts.add(lambda cmp=cmp: one(*cmp), weight=len(cmp[3])) for cmp in comparisons]
        done = [part.result() for part in pending]
    # one table of every comparison's columns (pandas frames built per comparison cost more than
    # their numbers: about a third of the contrasts' time)
    out = pd.DataFrame({name: np.concatenate([row[name] for row, _ in done]) for name in done[0][0]})
    found = [fns for _, fns in done]
    out["p_display"] = p_display(out["p"], out["p_method"], opts.permutations)
    if doc_topics is not None:
        out["p_display_topic"] = p_display(out["p_topic"], out["p_method_topic"], opts.permutations)
    tested = out["p_method"].str.startswith(TESTED)
    info = {"one_vs_rest_tests": int(((out["family"] == "one-vs-rest") & tested).sum()),
            "pairwise_tests": int(((out["family"] == "pairwise") & tested).sum())}
    return out, notes, {**info, "_intervals": (comparisons, found)}


def _comparison(c, cols, cats, X, sums, family, a, b, rows, opts, names, doc_topics, intervals=True):
    """One comparison's rows of the contrasts table (a column name -> array dict, one entry per
    tested column; ``cats``: the tested columns' category fields) and its intervals (length
    strata; topic)."""
    count, tokens, n_docs, hit_docs = sums
    in_a = c.group[rows] == a
    res = contrast(X[rows], c.tokens[rows], in_a, opts, intervals=intervals)
    cb, tb = (count.sum(0) - count[a], tokens.sum() - tokens[a]) if b is None else (count[b], tokens[b])
    db = int(n_docs.sum() - n_docs[a]) if b is None else int(n_docs[b])
    hb = hit_docs.sum(0) - hit_docs[a] if b is None else hit_docs[b]
    row = _rows(c, cats, family, a, b, count[a], cb, tokens[a], tb, n_docs[a], db, hit_docs[a], hb, res, opts, names)
    if doc_topics is None:
        return row, (res["interval"], None)
    strata = topic_strata(doc_topics[rows], c.tokens[rows], opts.length_strata)
    adj = contrast(X[rows], c.tokens[rows], in_a, opts, strata=strata, intervals=intervals)
    row.update(ratio_topic=adj["ratio"], ci_low_topic=adj["ci_low"], ci_high_topic=adj["ci_high"],
               ci_method_topic=adj["ci_method"], p_topic=adj["p"], p_method_topic=adj["p_method"],
               topic_strata=np.full(len(cols), int(adj["strata"]), dtype=np.int64))
    return row, (res["interval"], adj["interval"])


def add_intervals(out: pd.DataFrame, c: Counts, found: tuple, alphas: dict[str, float], parts=None) -> None:
    """ci_low / ci_high (at ``ALPHA``) and fcr_low / fcr_high (each tested contrast's interval at
    its family's FCR level, ``fdr.fcr_alpha``), and their _topic twins, in place, for contrasts
    computed with ``intervals=False`` (``found``: their info's ``_intervals``). Both levels of a
    comparison come from one search. Rows are in comparison order, one per tested column each.
    ``parts``: a ``parts.Parts`` to compute each comparison's intervals as parts of, else here."""
    comparisons, specs = found
    cols = test_columns(c)
    n_cols = len(cols)
    X = c.counts[:, cols]
    suffixes = [(j, suffix) for j, suffix in enumerate(("", "_topic")) if "fdr_family" + suffix in out.columns]
    alpha = {suffix: out["fdr_family" + suffix].map(alphas).to_numpy(dtype=float) for _, suffix in suffixes}  # NaN: untested

    def bounds(members: list[int]) -> list[dict]:  # the comparisons' intervals, searched together
        searches, where = [], []
        for i in members:
            _family, a, _b, rows = comparisons[i]
            docs, tok, in_a = X[rows], c.tokens[rows], c.group[rows] == a
            span = slice(i * n_cols, (i + 1) * n_cols)
            for j, suffix in suffixes:
                if specs[i][j] is None:
                    continue
                fcr = alpha[suffix][span]
                tested = not np.isnan(fcr).all()
                # the documents' hits only: a comparison's rows of X are not held while the others'
                # are taken (at 300,000 articles, all of them held at once cost more than a GiB)
                searches.append((specs[i][j], [ALPHA, np.where(np.isnan(fcr), ALPHA, fcr)] if tested else [ALPHA],
                                 specs[i][j].moments(docs, tok, in_a)))
                where.append((i, suffix))
            del docs
        done = {i: {} for i in members}
        for (i, suffix), bounds_i in zip(where, levels(searches)):
            done[i][suffix] = bounds_i
        return [done[i] for i in members]

    # a few comparisons a part, balanced by their documents: a search's steps cost about the same
    # for few columns as for many, so comparisons searched together cost far less than one by one
    # (and at most BOUND_PART_DOCS documents a part, summed over its comparisons: what a part holds,
    # the hits of its comparisons' documents, grows with them)
    weight = [len(comparison[3]) for comparison in comparisons]
    n_parts = 1 if parts is None or parts.jobs <= 1 else BOUND_PARTS_PER_JOB * parts.jobs
    chunks = _chunks(weight, max(n_parts, -(-sum(weight) // BOUND_PART_DOCS)))
    if parts is None:
        results = [bounds(chunk) for chunk in chunks]
    else:
        pending = [parts.add(lambda chunk=chunk: bounds(chunk), weight=sum(weight[i] for i in chunk)) for chunk in chunks]
        results = [part.result() for part in pending]
    done = [None] * len(comparisons)
    for chunk, values in zip(chunks, results):
        for i, value in zip(chunk, values):
            done[i] = value
    for _, suffix in suffixes:
        ci = np.full((2, len(out)), np.nan)
        fcr = np.full((2, len(out)), np.nan)
        for i, found_i in enumerate(done):
            span = slice(i * n_cols, (i + 1) * n_cols)
            if suffix in found_i:
                ci[0, span], ci[1, span] = found_i[suffix][0]
                if len(found_i[suffix]) > 1:
                    fcr[0, span], fcr[1, span] = found_i[suffix][1]
        tested = ~np.isnan(alpha[suffix])
        out["ci_low" + suffix], out["ci_high" + suffix] = ci[0], ci[1]
        out["fcr_low" + suffix] = np.where(tested, fcr[0], np.nan)
        out["fcr_high" + suffix] = np.where(tested, fcr[1], np.nan)


BOUND_PARTS_PER_JOB = 2  # parts of the intervals' search per worker process (see add_intervals)
# Documents of a part of the intervals' search, summed over its comparisons, at most (a document is
# in each comparison of its outlet: one against the rest and one per other outlet), so that what a
# part holds (its comparisons' hits, 41 bytes each, once per strata: by length and by topic) does not
# grow with the corpus. SaudiNewsNet's 105 comparisons hold 0.8M documents and 0.92M hits: one part,
# as with any corpus of that size; its 300,000 articles (bench_scale.py: 7.8M), eight.
BOUND_PART_DOCS = 1_000_000


def _chunks(weights: list[float], n: int) -> list[list[int]]:
    """The indices of ``weights`` in ``n`` groups (fewer when there are fewer items) of about equal
    total weight, each in increasing order: the heaviest first, each to the lightest group so far."""
    n = max(1, min(n, len(weights)))
    groups, totals = [[] for _ in range(n)], [0.0] * n
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        g = min(range(n), key=lambda g: (totals[g], g))
        groups[g].append(i)
        totals[g] += weights[i]
    return [sorted(group) for group in groups if group]


def topic_strata(topics: np.ndarray, tok: np.ndarray, n_length: int) -> np.ndarray:
    """Stratum of each document for topic-adjusted contrasts: its topic crossed with a length bin
    (quantile bins over the compared documents, as many as ``n_length`` with at least MIN_STRATUM
    documents each)."""
    length = resample.length_strata(tok, n_length)
    _, codes = np.unique(np.asarray(topics, dtype=np.int64), return_inverse=True)
    return codes * (int(length.max()) + 1) + length


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


def _rows(c, cats, family, a, b, ca, cb, ta, tb, da, db, ha, hb, res, opts, names) -> dict[str, np.ndarray]:
    out_a = c.outlets[a]
    out_b = c.outlets[b] if b is not None else REST
    name_a = names.get(out_a, out_a)
    name_b = names.get(out_b, out_b) if b is not None else "the other outlets"
    n = len(ca)
    with np.errstate(all="ignore"):
        rate_a = np.where(ta > 0, 1000.0 * ca / ta, np.nan)
        rate_b = np.where(tb > 0, 1000.0 * cb / tb, np.nan)
    warnings = []
    for k in range(n):
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
            w.append("no hits on one side: the ratio is 0 or unbounded")
        if not res["length_matched"] and ca[k] + cb[k] > 0:
            w.append("the two sides' article lengths barely overlap: the test could not compare like with like")
        warnings.append("; ".join(w))
    text = lambda value: np.full(n, value, dtype=object)  # noqa: E731
    whole = lambda value: np.full(n, int(value), dtype=np.int64)  # noqa: E731
    return {
        "family": text(family), "lexicon": cats["lexicon"], "kind": cats["kind"],
        "category": cats["category"], "category_label": cats["category_label"],
        "outlet_a": text(out_a), "outlet_a_name": text(name_a), "outlet_b": text(out_b), "outlet_b_name": text(name_b),
        "count_a": ca.astype(int), "count_b": cb.astype(int), "tokens_a": whole(ta), "tokens_b": whole(tb),
        "n_docs_a": whole(da), "n_docs_b": whole(db), "rate_a": rate_a, "rate_b": rate_b, "ratio": res["ratio"],
        "ci_low": res["ci_low"], "ci_high": res["ci_high"], "ci_method": res["ci_method"],
        "ratio_crude": rate_ratio(ca, ta, cb, tb), "z": res["z"], "p": res["p"], "p_method": res["p_method"],
        "warning": np.asarray(warnings, dtype=object),
    }
