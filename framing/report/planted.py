"""Instructor view: the differences planted in a teaching corpus (``report.planted``, the format of
framing/demo/planted.yaml) beside what the statistics found, each with a tick or a cross, and a
last row for what was found without being planted."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import yaml

from framing.report.context import Ctx, Section
from framing.report.tables import fmt


@dataclass
class PlantedRow:
    outlet: str
    what: str  # "occupation framing (conflict)" or "death: martyr"
    planted: str  # "25× the others", "94% (others 0%)"
    found: str  # "25.6×", "95%"
    interval: str  # "8.5–137", "88–99%"
    q: str
    ok: bool
    note: str = ""


def planted(ctx: Ctx) -> Section | None:
    """The planted-vs-found section (``report.planted``), or None without a planted file."""
    path = getattr(ctx.config.report, "planted", None)
    if not path:
        return None
    s = Section("planted", "Planted vs found")
    try:
        with open(ctx.config.resolve(path), encoding="utf-8") as fh:
            spec = yaml.safe_load(fh) or {}
    except (OSError, yaml.YAMLError) as exc:
        s.empty = f"The planted-differences file {path} could not be read ({exc})."
        return s
    rows = [_rate_row(ctx, d) for d in spec.get("differences") or []]
    rows += [_naming_row(ctx, d) for d in spec.get("naming") or []]
    extra, extra_text = _unplanted(ctx, spec)
    s.facts = {"rows": rows, "found": sum(r.ok for r in rows), "extra": extra, "extra_text": extra_text,
               "fdr": ctx.fdr, "file": path}
    return s


def _contrast(ctx: Ctx, outlet: str, lexicon: str, category: str) -> dict | None:
    c = ctx.table("contrasts")
    if c is None or c.empty:
        return None
    hit = c[(c["outlet_a"] == outlet) & (c["outlet_b"] == "rest") & (c["lexicon"] == lexicon)
            & (c["category"] == category)]
    return hit.iloc[0].to_dict() if len(hit) else None


def _rate_row(ctx: Ctx, d: dict) -> PlantedRow:
    outlet, lex, cat = str(d.get("outlet")), str(d.get("lexicon")), str(d.get("category"))
    higher = str(d.get("direction", "higher")) == "higher"
    factor = d.get("factor")
    what = f"{ctx.category(lex, cat)} ({lex})"
    planted_txt = f"{fmt(float(factor))}× {'more' if higher else 'less'} often" if factor else (
        "more often" if higher else "less often")
    r = _contrast(ctx, outlet, lex, cat)
    if r is None:
        return PlantedRow(ctx.name(outlet), what, planted_txt, "not measured", "", "", False,
                          "no contrast for this outlet and category in this run")
    q = r.get("q")
    ratio, lo, hi = r.get("ratio"), r.get("ci_low"), r.get("ci_high")
    right_way = (lo > 1) if higher else (hi < 1)
    ok = bool(q == q and q is not None and q < ctx.fdr and right_way)
    return PlantedRow(ctx.name(outlet), what, planted_txt, f"{fmt(ratio)}×", f"{fmt(lo)}–{fmt(hi)}", fmt(q), ok,
                      str(r.get("warning") or ""))


def _naming_row(ctx: Ctx, d: dict) -> PlantedRow:
    outlet, lex, axis, entry = (str(d.get(k)) for k in ("outlet", "lexicon", "axis", "preferred_entry"))
    what = f"{ctx.category(lex, axis)}: “{ctx.entry_label(lex, entry)}”"
    planted_txt = f"{fmt(100 * float(d.get('share', 0)))}% of mentions (others {fmt(100 * float(d.get('others_share', 0)))}%)"
    ns = ctx.table("naming_shares")
    hit = None
    if ns is not None and not ns.empty:
        sel = ns[(ns["outlet"] == outlet) & (ns["lexicon"] == lex) & (ns["axis"] == axis) & (ns["entry"] == entry)]
        hit = sel.iloc[0].to_dict() if len(sel) else None
    if hit is None:
        return PlantedRow(ctx.name(outlet), what, planted_txt, "not measured", "", "", False,
                          "no naming share for this outlet and name in this run")
    q = hit.get("q")
    ok = bool(q == q and q is not None and q < ctx.fdr and hit.get("share", 0) > hit.get("share_rest", 1))
    found = f"{fmt(100 * hit['share'])}% (others {fmt(100 * hit.get('share_rest', float('nan')))}%)"
    return PlantedRow(ctx.name(outlet), what, planted_txt, found,
                      f"{fmt(100 * hit['ci_low'])}–{fmt(100 * hit['ci_high'])}%", fmt(q), ok,
                      str(hit.get("warning") or ""))


def _unplanted(ctx: Ctx, spec: dict) -> tuple[int, str]:
    """Significant one-vs-rest results that were not planted (false discoveries, for a corpus
    where everything else was written to be equal)."""
    planted_rates = {(str(d.get("outlet")), str(d.get("lexicon")), str(d.get("category")))
                     for d in spec.get("differences") or []}
    planted_names = {(str(d.get("outlet")), str(d.get("lexicon")), str(d.get("axis")))
                     for d in spec.get("naming") or []}
    found: list[str] = []
    c = ctx.table("contrasts")
    if c is not None and not c.empty:
        sig = c[(c["outlet_b"] == "rest") & (pd.to_numeric(c["q"], errors="coerce") < ctx.fdr)]
        found += [f"{ctx.name(o)}: {ctx.category(lx, cat)} ({lx})" for o, lx, cat in
                  zip(sig["outlet_a"], sig["lexicon"], sig["category"]) if (o, lx, cat) not in planted_rates]
    ns = ctx.table("naming_shares")
    if ns is not None and not ns.empty and "q" in ns:
        sig = ns[(pd.to_numeric(ns["q"], errors="coerce") < ctx.fdr) & (ns["share"] > ns["share_rest"])]
        found += [f"{ctx.name(o)}: {ctx.category(lx, ax)}" for o, lx, ax in zip(sig["outlet"], sig["lexicon"], sig["axis"])
                  if (o, lx, ax) not in planted_names]
    return len(found), "; ".join(dict.fromkeys(found))
