"""Statistics of the aligned edits: rates per outlet with document-bootstrap intervals, the
naming-swap matrix, the lean test and plain-language headline sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.stats.intervals import bca, influence_moments
from framing.stats.resample import bootstrap_sums

RATE_COLUMNS = ["outlet", "outlet_name", "scope", "kind", "lexicon", "category", "edits", "reused_words", "documents",
                "per_1k", "ci_low", "ci_high", "ci_method"]
SWAP_COLUMNS = ["outlet", "outlet_name", "lexicon", "axis", "from_entry", "to_entry", "swaps", "carried", "share"]
LEAN_COLUMNS = ["outlet", "outlet_name", "lexicon", "category", "added", "removed", "p_value", "leans"]


def rates(derivatives: pd.DataFrame, edits: pd.DataFrame, names: dict, B: int, rng: np.random.Generator) -> pd.DataFrame:
    """Framing edits per 1,000 reused words, per outlet and (scope, kind, lexicon, category).

    derivatives: one row per derivative (doc_id, outlet, reused_words). The intervals resample an
    outlet's derivative documents with replacement (BCa, as the outlet scores)."""
    framing_edits = edits[edits["kind"] != ""]
    if derivatives.empty or framing_edits.empty:
        return pd.DataFrame(columns=RATE_COLUMNS)
    key = ["scope", "kind", "lexicon", "category"]
    cells = framing_edits[key].drop_duplicates().sort_values(key)
    cells = cells.reset_index(drop=True)
    col = {tuple(r): k for k, r in enumerate(cells.itertuples(index=False, name=None))}
    doc_row = {d: i for i, d in enumerate(derivatives["doc_id"])}
    X = np.zeros((len(derivatives), len(cells)))
    np.add.at(X, ([doc_row[d] for d in framing_edits["doc_id"]],
                  [col[k] for k in framing_edits[key].itertuples(index=False, name=None)]), 1)
    tok = derivatives["reused_words"].to_numpy(dtype=float)
    outlets = sorted(derivatives["outlet"].unique())
    group = derivatives["outlet"].map({o: g for g, o in enumerate(outlets)}).to_numpy()
    rep = bootstrap_sums(np.hstack([X, tok[:, None]]), group, len(outlets), B, rng)
    rows = []
    for g, outlet in enumerate(outlets):
        mine = group == g
        n_docs, count, words = int(mine.sum()), X[mine].sum(axis=0), tok[mine].sum()
        with np.errstate(all="ignore"):
            theta = 1000.0 * count / words
            reps = 1000.0 * rep[g, :, :-1] / rep[g, :, -1:]
        lo, hi = bca(theta, reps, *influence_moments(X[mine], tok[mine], np.zeros(n_docs)), n=n_docs)
        for k, (scope, kind, lexicon, category) in enumerate(cells.itertuples(index=False, name=None)):
            ok = words > 0 and n_docs >= 2 and count[k] > 0
            rows.append((outlet, names.get(outlet, outlet), scope, kind, lexicon, category, int(count[k]), int(words), n_docs,
                         theta[k] if words > 0 else np.nan, lo[k] if ok else np.nan, hi[k] if ok else np.nan,
                         "document bootstrap (BCa)" if ok else ""))
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def swaps(edits: pd.DataFrame, carried: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Naming swaps per outlet and axis, from → to, with how often the reference's copies that the
    outlet kept named ``from`` (``carried``) and the share swapped."""
    sw = edits[edits["kind"] == "naming_swap"]
    if sw.empty:
        return pd.DataFrame(columns=SWAP_COLUMNS)
    parts = sw["entry"].str.split(" → ", n=1, expand=True)
    sw = sw.assign(from_entry=parts[0], to_entry=parts[1])
    n = sw.groupby(["outlet", "lexicon", "category", "from_entry", "to_entry"]).size().rename("swaps").reset_index()
    n = n.rename(columns={"category": "axis"})
    c = carried.rename(columns={"category": "axis", "entry": "from_entry"})
    c = c.groupby(["outlet", "lexicon", "axis", "from_entry"], as_index=False)["carried"].sum()
    out = n.merge(c, on=["outlet", "lexicon", "axis", "from_entry"], how="left")
    out["carried"] = out["carried"].fillna(0).astype(int)
    out["share"] = np.where(out["carried"] > 0, out["swaps"] / out["carried"].clip(lower=1), np.nan)
    out.insert(1, "outlet_name", [names.get(o, o) for o in out["outlet"]])
    return out.sort_values(["lexicon", "axis", "outlet", "swaps"], ascending=[True, True, True, False])[SWAP_COLUMNS]


def lean(edits: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Does an outlet add a category's terms more often than it removes them (or the reverse)?
    Exact two-sided binomial (sign) test of added against removed, p = 1/2 under no lean."""
    from scipy.stats import binomtest

    e = edits[edits["kind"].str.endswith("_added") | edits["kind"].str.endswith("_removed")]
    e = e[e["lexicon"] != ""]
    if e.empty:
        return pd.DataFrame(columns=LEAN_COLUMNS)
    e = e.assign(added=e["kind"].str.endswith("_added").astype(int))
    g = e.groupby(["outlet", "lexicon", "category"])["added"].agg(["sum", "count"]).reset_index()
    rows = []
    for r in g.itertuples(index=False):
        added, total = int(r[3]), int(r[4])
        p = binomtest(added, total, 0.5).pvalue
        side = "adds" if added > total - added else ("removes" if added < total - added else "neither")
        rows.append((r[0], names.get(r[0], r[0]), r[1], r[2], added, total - added, float(p), side))
    return pd.DataFrame(rows, columns=LEAN_COLUMNS)


def headlines(swap_table: pd.DataFrame, rate_table: pd.DataFrame, forms: dict, names: dict,
              reference_outlets: dict) -> pd.DataFrame:
    """One sentence per outlet: its most frequent swap (as a share of the copied mentions), else its
    most frequent framing edit inside copied text (attribution verbs and credits aside) per 1,000
    reused words."""
    rows = []
    outlets = sorted(set(swap_table["outlet"]) | set(rate_table["outlet"])) if len(rate_table) else sorted(set(swap_table["outlet"]))
    for o in outlets:
        name = names.get(o, o)
        src = reference_outlets.get(o) or "other outlets"
        sw = swap_table[(swap_table["outlet"] == o) & (swap_table["carried"] > 0)]
        if not sw.empty:
            r = sw.sort_values(["swaps", "share"], ascending=False).iloc[0]
            a, b = forms.get((r["lexicon"], r["from_entry"]), r["from_entry"]), forms.get((r["lexicon"], r["to_entry"]), r["to_entry"])
            rows.append((o, name, "naming_swap", r["lexicon"], r["axis"], f"{r['from_entry']} → {r['to_entry']}",
                         f"In copy shared with {src}, {name} replaced “{a}” with “{b}” in {r['share']:.0%} of the "
                         f"places that name it ({int(r['swaps'])} of {int(r['carried'])})."))
            continue
        rt = rate_table[(rate_table["outlet"] == o) & (rate_table["scope"] == "copy")
                        & ~rate_table["kind"].str.startswith("attribution")]
        if not rt.empty:
            r = rt.sort_values(["edits", "kind"], ascending=[False, True]).iloc[0]
            what = r["kind"].replace("_", " ")
            cat = f" ({r['lexicon']}: {r['category']})" if r["lexicon"] else ""
            rows.append((o, name, r["kind"], r["lexicon"], r["category"], "",
                         f"In copy shared with {src}, {name}'s most frequent framing edit inside the copied text is {what}{cat}: "
                         f"{int(r['edits'])} times, {r['per_1k']:.2f} per 1,000 reused words."))
    return pd.DataFrame(rows, columns=["outlet", "outlet_name", "kind", "lexicon", "category", "entry", "text"])
