"""The explorer and reference part of the report: KWIC concordance, document ledger, methods and
reproducibility."""

from __future__ import annotations

import json
import logging

import pandas as pd
import yaml

from framing.report.context import Block, Ctx, Section
from framing.report.focus import kwic_sides
from framing.report.kwic import attach_model_labels, kwic_lines
from framing.report.tables import fmt

log = logging.getLogger(__name__)
LEDGER_COLUMNS = ["doc_id", "outlet", "source", "title", "date", "n_tokens", "status", "reason"]


def kwic(ctx: Ctx) -> Section:
    """The concordance section: a seeded sample of hits in context, filterable by outlet, lexicon
    and category."""
    s = Section("kwic", "Concordance (KWIC) explorer")
    m = ctx.table("matches")
    if m is None or m.empty:
        s.empty = ("No lexicon hits to show: no entry of the configured lexicons occurs in the analysed documents."
                   if m is not None else "The matches table is missing from this run.")
        return s
    ctx.rendered.add("matches")
    docs = ctx.table("documents")
    titles = {}
    if docs is not None and {"doc_id", "title"} <= set(docs.columns):
        titles = {str(d): t[:160] for d, t in zip(docs["doc_id"].tolist(), docs["title"].tolist())
                  if isinstance(t, str) and t}
    lines = kwic_lines(m, ctx.result.texts, ctx.kwic_rows, ctx.seed, ctx.names, ctx.cat_label, ctx.form, titles)
    cats = m[["lexicon", "category"]].drop_duplicates()
    model_choices = attach_model_labels(lines, ctx.table("model_labels"))
    sides, side_of = kwic_sides(ctx)
    if model_choices:
        ctx.rendered.add("model_labels")
    hit_outlets = set(m["outlet"].unique())  # once: a set of every hit's outlet per outlet took 0.6 s on 150,000 hits
    s.facts = {
        "model_labels": model_choices,
        "lines": lines,
        "total": len(m),
        "outlets": [(o, ctx.name(o)) for o in ctx.outlets if o in hit_outlets],
        "lexicons": m["lexicon"].unique().tolist(),  # in order of first appearance
        "categories": sorted({(f"{ln.lexicon}:{ln.category}", f"{ln.category_label} ({ln.lexicon})") for ln in lines},
                             key=lambda t: t[1]),
        "entries": sorted({(ln.entry, ctx.entry_label(ln.lexicon, ln.entry)) for ln in lines}, key=lambda t: t[1]),
        "n_categories": len(cats),
        "sides": sides, "side_of": side_of,
        "page_size": 10,
    }
    return s


def ledger(ctx: Ctx) -> Section:
    """The document ledger section: how many documents were read, analysed and skipped, and why."""
    s = Section("ledger", "Document ledger")
    docs = ctx.table("documents")
    if docs is None or docs.empty:
        s.empty = "No documents were read: check the sources in the config."
        return s
    status = docs["status"].fillna("") if "status" in docs else pd.Series("analysed", index=docs.index)
    analysed = int((status == "analysed").sum())
    skipped = int((status == "skipped").sum())
    other = len(docs) - analysed - skipped
    manifest_docs = ctx.result.manifest.get("documents", {}) or {}
    s.facts = {"input": int(manifest_docs.get("input", len(docs))), "rows": len(docs), "analysed": analysed,
               "skipped": skipped, "other": other,
               "wire": int(_truthy(docs["is_wire"]).sum()) if "is_wire" in docs else 0,
               "duplicates": int(docs["duplicate_of"].fillna("").astype(str).str.strip().ne("").sum())
               if "duplicate_of" in docs else 0,
               "wire_kept": _wire_kept(docs, status), "wire_policy": str(ctx.config.corpus.shared_wire),
               "dup_policy": str(ctx.config.corpus.duplicates)}
    by = docs.assign(_a=status == "analysed", _s=status == "skipped",
                     _w=pd.to_numeric(docs.get("n_tokens", 0), errors="coerce").fillna(0).where(status == "analysed", 0))
    per = by.groupby("outlet", sort=False).agg(documents=("doc_id", "size"), analysed=("_a", "sum"),
                                               skipped=("_s", "sum"), words=("_w", "sum")).reset_index()
    per["outlet"] = pd.Categorical(per["outlet"], [o for o in ctx.outlets if o in set(per["outlet"])] +
                                   sorted(set(per["outlet"]) - set(ctx.outlets)), ordered=True)
    per = ctx.outlet_name_column(per.sort_values("outlet").astype({"outlet": str}))
    s.blocks.append(Block("table", ctx.view(per, "documents", "Documents by outlet", id="t-ledger-outlets",
                                           note=" ")))
    skipped_docs = docs[status == "skipped"]
    if not skipped_docs.empty:
        if "reason_kind" in skipped_docs.columns:
            kinds = skipped_docs["reason_kind"].fillna("").astype(str).str.strip()
        else:
            kinds = skipped_docs["reason"].fillna("").astype(str).str.split(" of ").str[0].str.strip()
        reasons = kinds.replace("", "(no reason given)").value_counts().rename_axis("reason").reset_index(name="documents")
        examples = skipped_docs.assign(_k=kinds.replace("", "(no reason given)").to_numpy()).groupby("_k")["reason"].first()
        reasons["example"] = [examples.get(k, "") for k in reasons["reason"]]
        s.blocks.append(Block("h3", "Why documents were skipped"))
        s.blocks.append(Block("table", ctx.view(reasons, "documents", "Skipped documents by reason", id="t-ledger-reasons",
                                               note=" ")))
        cols = [c for c in ("doc_id", "outlet", "source", "title", "reason", "duplicate_of") if c in docs.columns]
        s.blocks.append(Block("details", [Block("table", ctx.view(skipped_docs, "documents", "Skipped documents",
                                                                  columns=cols, id="t-ledger-skipped"))],
                              title=f"The {len(skipped_docs):,} skipped documents"))
    if "warnings" in docs.columns:
        w = docs[docs["warnings"].fillna("").astype(str).str.strip().isin(["", "[]"]) == False]  # noqa: E712
        if not w.empty:
            s.blocks.append(Block("h3", "Documents with warnings"))
            s.blocks.append(Block("table", ctx.view(w, "documents", "Documents analysed with a warning",
                                                   columns=["doc_id", "outlet", "source", "title", "warnings"],
                                                   id="t-ledger-warnings")))
    cols = [c for c in LEDGER_COLUMNS if c in docs.columns]
    s.blocks.append(Block("details", [Block("table", ctx.view(docs, "documents", "Every input document and what happened to it",
                                                              columns=cols, id="t-ledger"))],
                          title=f"The ledger: every one of the {len(docs):,} documents"))
    s.blocks += [Block("notes", ctx.notes("corpus"), title="Notes from reading and cleaning")] if ctx.notes("corpus") else []
    return s


def _wire_kept(docs: pd.DataFrame, status: pd.Series) -> int:
    """Analysed documents that copy another outlet's text (shared wire copy, kept)."""
    if "duplicate_kind" not in docs:
        return 0
    return int(((docs["duplicate_kind"].fillna("") == "shared wire copy") & (status == "analysed")).sum())


def _truthy(col: pd.Series) -> pd.Series:
    return col.map(lambda v: v is True or (isinstance(v, str) and v.strip().lower() in ("true", "1", "yes"))
                   or (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 1))


def stats_methods(options=None, seed: int | None = None) -> object:
    """The statistics stage's own description of its methods (``framing.stats.methods(options, seed)``,
    else ``framing.stats.METHODS``), in whatever form it takes."""
    try:
        from framing import stats
    except Exception:  # noqa: BLE001 - a broken stats package must not break the report
        return None
    fn = getattr(stats, "methods", None)
    if callable(fn):
        for args in ((options, seed), ()):
            try:
                return fn(*args)
            except Exception:  # noqa: BLE001 - fall back to the default text rather than lose the section
                log.warning("framing.stats.methods%s failed; trying the next form", "(options, seed)" if args else "()")
    return getattr(stats, "METHODS", None)


def _methods_blocks(value: object) -> list[Block]:
    if isinstance(value, str):
        return [Block("p", p.strip()) for p in value.split("\n\n") if p.strip()]
    if isinstance(value, dict) and ("title" in value or "paragraphs" in value):
        out = [Block("h4", str(value["title"]))] if value.get("title") else []
        return out + _methods_blocks(value.get("paragraphs", []))
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out.append(Block("h4", str(k)))
            out += _methods_blocks(v)
        return out
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            return [Block("p", v) for v in value if v.strip()]
        out = []
        for v in value:
            out += _methods_blocks(v)
        return out
    return [Block("p", str(value))]


def methods(ctx: Ctx) -> Section:
    """The methods and reproducibility section: how the numbers are computed, the run's settings,
    versions and config."""
    s = Section("methods", "Methods and reproducibility")
    text = stats_methods(ctx.config.stats, ctx.seed)
    if text:
        s.blocks.append(Block("details", _methods_blocks(text), title="How the numbers are computed"))
    else:
        s.blocks.append(Block("p", "The statistics stage did not provide a methods description in this version."))
    man = ctx.result.manifest or {}
    kv = [
        ("framing version", man.get("framing_version", "")),
        ("Config file", man.get("config_path") or "(given as a dict)"),
        ("Config sha256", man.get("config_sha256", "")),
        ("Seed", man.get("seed", ctx.seed)),
        ("Normaliser", man.get("normaliser", "")),
    ]
    docs = man.get("documents") or {}
    if docs:
        kv.append(("Documents", f"{fmt(docs.get('input', 0))} in, {fmt(docs.get('analysed', 0))} analysed, "
                                f"{fmt(docs.get('skipped', 0))} skipped"))
    s.blocks.append(Block("details", [Block("kv", [(k, str(v) if isinstance(v, int) else fmt(v)) for k, v in kv])],
                          title="This run: config, seed, normaliser, documents"))  # no 20,201,027 seeds
    lex = man.get("lexicons") or []
    if lex:
        s.blocks.append(Block("details", [Block("table", ctx.view(pd.DataFrame(lex), "lexicon_entries", "Lexicons and versions",
                                                                  id="t-m-lexicons", note=" "))],
                              title=f"Lexicons and versions ({len(lex)})"))
    timings = man.get("timings") or {}
    if timings:
        df = pd.DataFrame({"stage": list(timings), "seconds": [float(v) for v in timings.values()]})
        s.blocks.append(Block("details", [Block("table", ctx.view(df, "", "Stage timings (seconds)", id="t-m-timings",
                                                                  note=" "))], title="Stage timings"))
    stages = man.get("stages") or {}
    if stages:
        s.blocks.append(Block("details", [Block("pre", json.dumps(stages, ensure_ascii=False, indent=2, default=str))],
                              title="Settings, seeds and facts recorded by each stage"))
    pkgs = man.get("packages") or {}
    if pkgs:
        df = pd.DataFrame({"package": list(pkgs), "version": [str(v) for v in pkgs.values()]})
        s.blocks.append(Block("details", [Block("table", ctx.view(df, "", "Package versions", id="t-m-packages", note=" "))],
                              title="Package versions"))
    raw = man.get("config") or getattr(ctx.config, "raw", None)
    if raw:
        s.blocks.append(Block("details", [Block("pre", yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))],
                              title="The config of this run"))
    others = [n for n in sorted(ctx.result.tables) if n not in ctx.rendered and ctx.table(n) is not None]
    if others:
        s.blocks.append(Block("h3", "Other tables of this run"))
        for name in others:
            df = ctx.table(name)
            s.blocks.append(Block("details", [Block("table", ctx.view(ctx.outlet_name_column(df), name, name,
                                                                      id=f"t-other-{name}"))],
                                  title=f"{name} ({len(df):,} rows, {ctx.data_file(name)})"))
    stage_notes = [Block("notes", [str(n) for n in notes], title=f"Notes from the {stage} stage")
                   for stage, notes in (ctx.result.notes or {}).items() if notes]
    if stage_notes:
        s.blocks.append(Block("details", stage_notes, title="Notes from every stage"))
    return s
