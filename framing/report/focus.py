"""The declared comparison (``compare:`` in the config), first in the report: its sentences, a
chart of its rate ratios per category with their intervals, and its table. Absent without
``compare:``."""

from __future__ import annotations

import pandas as pd

from framing.report import figures as F
from framing.report.context import Block, Ctx, Section
from framing.report.sections import _interval


def focus(ctx: Ctx) -> Section | None:
    """The section of the declared comparison (``compare:``), or None without one."""
    cmp = getattr(ctx.config, "compare", None)
    if cmp is None or not cmp.declared:
        return None
    names = [f"{a} vs {b}" for a, _, b, _ in cmp.comparisons()]
    s = Section("focus", "The comparison: " + "; ".join(names), nav="Comparison")
    df = ctx.table("compare")
    if df is None or df.empty:
        s.empty = "The declared comparison could not be computed. " + " ".join(ctx.notes("compare"))
        return s
    sides = df.drop_duplicates("comparison")
    def members(ids: str) -> str:
        return ", ".join(ctx.name(o) for o in str(ids).split(";"))

    s.blocks.append(Block("list", [
        f"{r.outlet_a_name} ({members(r.side_a)}; {int(r.n_docs_a):,} documents) against {r.outlet_b_name} "
        f"({members(r.side_b)}; {int(r.n_docs_b):,} documents)" for r in sides.itertuples(index=False)]))
    head = ctx.table("compare_headlines")
    if head is not None and not head.empty:
        s.blocks.append(Block("findings", side_findings(head, df)))
    else:
        s.blocks.append(Block("p", f"No category differs between the two sides with q < {ctx.fdr:g}: the differences "
                                   "in the table below could be chance."))
    labels = {f"{lx}:{c}": f"{ctx.category(lx, c)} ({lx})" for lx, c in zip(df["lexicon"], df["category"])}
    plot = df.assign(outlet_a=[f"{lx}:{c}" for lx, c in zip(df["lexicon"], df["category"])], outlet_b="rest",
                     category=df["comparison"])
    plot = plot[plot["q"].notna()]
    if not plot.empty:
        s.blocks.append(Block("figure", ctx.figure("fig-focus", lambda: F.forest(
            plot, id="fig-focus", title="Rate ratio, first side ÷ second side", names=labels,
            category_labels={n: n for n in names}, fdr=ctx.fdr, data_file=ctx.csv("compare"),
            x_title="rate ratio (log scale); 1 = no difference",
            description=f"Each category's rate ratio between the two sides with its 95% interval; red diamonds: q < {ctx.fdr:g}."))))
    view = df.copy()
    view["category"] = [labels.get(f"{lx}:{c}", c) for lx, c in zip(view["lexicon"], view["category"])]
    view["ci"] = [_interval(lo, hi) for lo, hi in zip(view["ci_low"], view["ci_high"])]
    q = pd.to_numeric(view["q"], errors="coerce")
    flags = {"q": lambda r: "sig" if r.get("q") == r.get("q") and r.get("q", 1) < ctx.fdr else "",
             "warning": lambda r: "warn" if isinstance(r.get("warning"), str) and r["warning"] else ""}
    s.blocks.append(Block("table", ctx.view(
        view.assign(_q=q), "compare", "Every category, most significant first",
        columns=(["comparison"] if len(names) > 1 else []) + ["category", "count_a", "count_b", "rate_a", "rate_b",
                                                               "ratio", "ci", "p", "q", "warning"],
        labels={"count_a": "Hits A", "count_b": "Hits B", "ci": "95% CI", "comparison": "Comparison"},
        sort_by=["_q", "p"], flags=flags, id="t-focus", css="wide")))
    if ctx.notes("compare"):
        s.blocks.append(Block("notes", ctx.notes("compare"), title="Notes"))
    return s


def side_findings(head: pd.DataFrame, table: pd.DataFrame) -> list[dict]:
    """The comparison's sentences, each with links to the concordance lines behind it: the
    category's lines on each side (the side filter of the concordance holds the outlets of a group)."""
    names = dict(zip(table["outlet_a"].astype(str), table["outlet_a_name"].astype(str)))
    names.update(zip(table["outlet_b"].astype(str), table["outlet_b_name"].astype(str)))
    out = []
    for r in head.to_dict("records"):
        sides = [(str(r[k]), names.get(str(r[k]), str(r[k]))) for k in ("outlet_a", "outlet_b")]
        out.append({"text": r["text"], "outlet": "", "entry": "", "category": f"{r['lexicon']}:{r['category']}",
                    "sides": sides})
    return out


def kwic_sides(ctx: Ctx) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The concordance's side filter for the declared comparison: its sides as (value, label), and
    for each outlet the sides it belongs to, separated by "|" (an outlet can be on a group's side
    and in a pair). Empty without ``compare:``."""
    cmp = getattr(ctx.config, "compare", None)
    if cmp is None or not cmp.declared:
        return [], {}
    options: dict[str, str] = {}
    member: dict[str, list[str]] = {}
    for a, out_a, b, out_b in cmp.comparisons():
        for side, outlets in ((a, out_a), (b, out_b)):
            options.setdefault(side, ctx.name(side) if list(outlets) == [side] else side)
            for o in outlets:
                member.setdefault(str(o), [])
                if side not in member[str(o)]:
                    member[str(o)].append(side)
    return list(options.items()), {o: "|".join(v) for o, v in member.items()}
