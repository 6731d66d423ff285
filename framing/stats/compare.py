"""The comparisons a study declares (``compare:`` in its config): groups of outlets, whose
documents are pooled, and pairs of outlets.

Each comparison is computed by the same machinery as the outlet contrasts
(``contrasts.compute_contrasts`` on a count matrix whose two groups are the two sides), so its rate
ratios, intervals, tests and warnings are exactly those of an outlet pair. The declared comparisons are one family of their own for the
Benjamini-Hochberg correction: a study that names its comparison in advance is not charged for
every other pair of outlets.

Tables: ``compare`` (the contrasts columns, family "declared", plus comparison, side_a, side_b:
the outlets of each side) and ``compare_headlines`` (comparison, lexicon, category, text, ratio,
ci_low, ci_high, q, warning: a sentence for each significant category, the clearest first).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.records import StageOutput

SWAP = [("outlet_a", "outlet_b"), ("outlet_a_name", "outlet_b_name"), ("count_a", "count_b"),
        ("tokens_a", "tokens_b"), ("n_docs_a", "n_docs_b"), ("rate_a", "rate_b")]


def compute(docs: pd.DataFrame, matches: pd.DataFrame, lexicons: pd.DataFrame, comparisons, options=None,
            outlet_names: dict | None = None, doc_topics: dict | None = None) -> StageOutput:
    """``comparisons``: (name A, outlets A, name B, outlets B) tuples (``CompareOptions.comparisons()``);
    ``doc_topics`` ({doc_id: topic}, when the topic stage ran): each comparison is then also made
    within topics, as the outlet contrasts are (columns ending in ``_topic``)."""
    from framing.stats.contrasts import compute_contrasts
    from framing.stats.matrix import build_counts
    from framing.stats.options import StatsOptions

    opts = options or StatsOptions()
    names = {str(k): str(v) for k, v in (outlet_names or {}).items()}
    frames, notes = [], []
    for a, out_a, b, out_b in comparisons:
        side = {**{o: a for o in out_a}, **{o: b for o in out_b}}
        sub = docs[docs["outlet"].astype(str).isin(side)]
        missing = [o for o in side if o not in set(sub["outlet"].astype(str))]
        if missing:
            notes.append(f"{a} vs {b}: no analysed document for " + ", ".join(names.get(o, o) for o in missing) + ".")
        label = {a: _side_name(a, out_a, names), b: _side_name(b, out_b, names)}
        if sub["outlet"].astype(str).map(side).nunique() < 2:
            notes.append(f"{a} vs {b}: one side has no analysed document; not compared.")
            continue
        sub = sub.assign(outlet=sub["outlet"].astype(str).map(side)).reset_index(drop=True)
        m = matches[matches["doc_id"].isin(set(sub["doc_id"]))]
        c = build_counts(sub, m, lexicons, label)
        topics = None
        if doc_topics:
            topics = np.array([doc_topics.get(d, -1) for d in c.doc_ids], dtype=np.int64)
        out, con_notes, _ = compute_contrasts(c, opts, label, doc_topics=topics)
        out = out[out["family"] == "pairwise"].copy()
        if out.empty:
            notes += con_notes
            continue
        if out["outlet_a"].iloc[0] != a:  # the machinery orders the two sides by name: A ÷ B as declared
            out = _swap(out)
        out.insert(0, "comparison", f"{a} vs {b}")
        out["side_a"] = ";".join(out_a)
        out["side_b"] = ";".join(out_b)
        frames.append(out)
    if not frames:
        return StageOutput(tables={"compare": pd.DataFrame(), "compare_headlines": pd.DataFrame()}, notes=notes,
                           info={"comparisons": 0})
    table = pd.concat(frames, ignore_index=True)
    table["family"] = "declared"
    for suffix in ("", "_topic") if "p_topic" in table.columns else ("",):
        # the declared tests, corrected as one family (within topics: a family of their own)
        q = _family_q(table["p" + suffix], table["p_method" + suffix], opts.fdr)
        table["q" + suffix] = q
        table["significant" + suffix] = q < opts.fdr
        table["fdr_family" + suffix] = np.where(np.isnan(q), "", "declared" + (", within topics" if suffix else ""))
    heads = headlines(table, opts.headlines)
    info = {"comparisons": len(frames), "tests": int(table["q"].notna().sum()),
            "significant": int(table["significant"].sum()), "fdr": opts.fdr,
            "fdr_family": "the declared comparisons together (Benjamini-Hochberg)"}
    return StageOutput(tables={"compare": table, "compare_headlines": heads}, notes=notes, info=info)


def _family_q(p: pd.Series, method: pd.Series, fdr: float) -> np.ndarray:
    """Benjamini-Hochberg q-values over the rows the statistics count as tested (``fdr.py``'s
    rule); NaN for the others."""
    from framing.stats.fdr import _bh, _tested

    ok = _tested(p, method).to_numpy()
    q = np.full(len(p), np.nan)
    q[ok] = _bh(p.to_numpy(dtype=float)[ok], fdr)
    return q


def _side_name(name: str, outlets: list[str], names: dict) -> str:
    """An outlet's name for a pair, the group's own name for a group (its outlets are listed in
    the side_a / side_b columns)."""
    if len(outlets) == 1 and name == outlets[0]:
        return names.get(name, name)
    return name


def _swap(out: pd.DataFrame) -> pd.DataFrame:
    """The same contrasts read the other way round: sides swapped, ratios and intervals inverted."""
    out = out.copy()
    for x, y in SWAP:
        out[x], out[y] = out[y].to_numpy(), out[x].to_numpy()
    with np.errstate(all="ignore"):
        for col in ("ratio", "ratio_crude", "ratio_topic"):
            if col in out.columns:
                out[col] = 1.0 / out[col].astype(float)
        for lo, hi in (("ci_low", "ci_high"), ("ci_low_topic", "ci_high_topic"), ("fcr_low", "fcr_high"),
                       ("fcr_low_topic", "fcr_high_topic")):
            if lo in out.columns and hi in out.columns:
                a, b = out[lo].astype(float).to_numpy(), out[hi].astype(float).to_numpy()
                out[lo], out[hi] = 1.0 / b, 1.0 / a
        if "z" in out.columns:
            out["z"] = -out["z"].astype(float)
    return out


def _num(x: float) -> str:
    return f"{x:.2g}" if x < 1 else f"{x:.1f}"


def headlines(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """One sentence per significant declared contrast, unwarned first, then by the smallest effect
    the interval allows (as the outlet headlines)."""
    from framing.stats.headlines import phrase

    cols = ["comparison", "outlet_a", "outlet_b", "lexicon", "category", "category_label", "text", "ratio", "ci_low",
            "ci_high", "q", "warning"]
    sig = table[table["significant"].fillna(False).astype(bool)].copy()
    if sig.empty or not n:
        return pd.DataFrame(columns=cols)
    sig["_warned"] = sig["warning"].astype(str) != ""
    with np.errstate(all="ignore"):
        sig["_effect"] = np.where(sig["ratio"] >= 1, np.log(sig["ci_low"].astype(float)), -np.log(sig["ci_high"].astype(float)))
    sig = sig.sort_values(["_warned", "_effect", "q"], ascending=[True, False, True]).head(n)
    texts = []
    for r in sig.itertuples(index=False):
        label = phrase(str(r.category_label), str(r.kind))
        q = "q<0.001" if r.q < 0.001 else f"q={r.q:.3f}"
        ci = f"95% CI {_num(r.ci_low)}–{_num(r.ci_high)}, {q}"
        if r.ratio >= 1:
            t = f"{r.outlet_a_name} uses {label} {_num(r.ratio)}× as often as {r.outlet_b_name} ({ci})."
        else:
            t = (f"{r.outlet_a_name} uses {label} less often than "
                 f"{r.outlet_b_name} (rate ratio {_num(r.ratio)}, {ci}).")
        texts.append(t + (f" Caution: {r.warning}." if r.warning else ""))
    sig["text"] = texts
    return sig[cols].reset_index(drop=True)
