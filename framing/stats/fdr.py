"""False discovery rate families: which tests are corrected together, and intervals that match them.

The summary's claims (headlines) are one-vs-rest rate differences and naming preferences, so those
tests form one Benjamini-Hochberg family, ``summary``: every tested one-vs-rest contrast (in its
topic-adjusted form when the topic stage ran, otherwise stratified by length) and every naming
test (one per outlet and axis for a two-name axis, whose two rows carry the same test). Pairwise
contrasts, shown only in the tables, form the family ``pairwise``; with topics, the length-only
one-vs-rest contrasts, shown beside the adjusted ones, form ``one-vs-rest, length only``.
A row that could not be tested (no hits, or no variation, in the compared documents) is in no
family: q stays empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

SUMMARY = "summary"


def _tested(p: pd.Series, method: pd.Series) -> pd.Series:
    return method.astype(str).str.startswith(("permutation", "exact conditional")) & p.notna()


def _bh(p: np.ndarray, fdr: float) -> np.ndarray:
    return multipletests(p, alpha=fdr, method="fdr_bh")[1] if len(p) else np.zeros(0)


def assign(contrasts: pd.DataFrame, naming: pd.DataFrame, fdr: float) -> dict:
    """q, significant and fdr_family columns in place on both tables; returns the families' sizes."""
    topic = "p_topic" in contrasts.columns
    sizes: dict[str, int] = {}
    rejected: dict[str, int] = {}
    for suffix in ("", "_topic") if topic else ("",):
        contrasts["q" + suffix] = np.nan
        contrasts["fdr_family" + suffix] = ""
    if naming is not None and not naming.empty:
        naming["q"] = np.nan
        naming["fdr_family"] = ""

    def put(frame, idx, col, fam, q):
        frame.loc[idx, "q" + col] = q
        frame.loc[idx, "fdr_family" + col] = fam

    primary = "_topic" if topic else ""
    one = contrasts["family"] == "one-vs-rest"
    pair = ~one
    # the summary family: primary one-vs-rest + naming (one test per outlet x axis x entry, two-name axes once)
    ok = one & _tested(contrasts["p" + primary], contrasts["p_method" + primary])
    p_parts = [contrasts.loc[ok, "p" + primary].to_numpy(float)]
    nm_idx, nm_groups = pd.Index([]), None
    if naming is not None and not naming.empty:
        nt = _tested(naming["p"], naming["p_method"])
        sub = naming[nt]
        n_entries = naming.groupby(["lexicon", "axis"])["entry"].transform("nunique")[nt]
        key = np.where(n_entries == 2, "", sub["entry"].astype(str))
        nm_groups = sub.groupby([sub["outlet"], sub["lexicon"], sub["axis"], key], sort=False).indices
        nm_idx = sub.index
        p_parts.append(sub["p"].to_numpy(dtype=float)[[rows[0] for rows in nm_groups.values()]])
    q = _bh(np.concatenate(p_parts), fdr)
    rejected[SUMMARY] = int((q < fdr).sum())
    n1 = int(ok.sum())
    put(contrasts, contrasts.index[ok], primary, SUMMARY, q[:n1])
    if nm_groups:  # each naming row gets its test's q (the groups do not overlap): one assignment
        groups = list(nm_groups.values())
        put(naming, nm_idx[np.concatenate(groups)], "", SUMMARY, np.repeat(q[n1:], [len(rows) for rows in groups]))
    sizes[SUMMARY] = len(q)
    # pairwise, and the length-only one-vs-rest beside adjusted results
    for suffix in ("", "_topic") if topic else ("",):
        fams = [(pair, "pairwise" + (", within topics" if suffix else ""))]
        if topic and suffix == "":
            fams.append((one, "one-vs-rest, length only"))
        for sel, fam in fams:
            ok = sel & _tested(contrasts["p" + suffix], contrasts["p_method" + suffix])
            q = _bh(contrasts.loc[ok, "p" + suffix].to_numpy(float), fdr)
            put(contrasts, contrasts.index[ok], suffix, fam, q)
            sizes[fam], rejected[fam] = int(ok.sum()), int((q < fdr).sum())
    for suffix in ("", "_topic") if topic else ("",):
        contrasts["significant" + suffix] = contrasts["q" + suffix] < fdr
    if naming is not None and not naming.empty:
        naming["significant"] = naming["q"] < fdr
    return {f: {"tests": sizes[f], "significant": rejected[f]} for f in sizes}


def fcr_alpha(families: dict, fdr: float) -> dict[str, float]:
    """Per family, the error rate of intervals that keep the false coverage-statement rate at ``fdr``
    over the contrasts selected by BH (Benjamini & Yekutieli 2005, JASA 100:71-81): R of m tests
    selected -> intervals at level 1 - R * fdr / m (R = 1 when none is selected). A test with p below
    R * fdr / m is exactly one with q below fdr, so such an interval excludes 1 exactly when q < fdr
    (where the interval inverts the test)."""
    return {f: fdr * max(v["significant"], 1) / max(v["tests"], 1) for f, v in families.items()}
