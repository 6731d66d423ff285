"""The "Same story, different words" section: stories shared across outlets, the headline sentence
per outlet, the naming-swap matrix per axis, edit rates and the lean test, and a side-by-side
view of a sample of reference/derivative pairs rebuilt from ``wire_edits`` and the cleaned texts."""

from __future__ import annotations

import pandas as pd

from framing.report.context import Block, Ctx, Section

KIND_LABELS = {
    "naming_swap": "naming swap", "name_added": "name added", "name_removed": "name removed",
    "frame_added": "frame term added", "frame_removed": "frame term removed",
    "distancing_added": "distancing/hedging added", "distancing_removed": "distancing/hedging removed",
    "attribution_added": "attribution added", "attribution_removed": "attribution removed",
    "quote_added": "quote added", "quote_removed": "quote removed", "voice_change": "voice change",
}


def wire(ctx: Ctx) -> Section:
    """The section 'Same story, different words': stories shared across outlets and their edits."""
    s = Section("wire", "Same story, different words")
    stories, edits = ctx.table("stories"), ctx.table("wire_edits")
    if stories is None or edits is None:
        s.empty = "The shared-copy stage did not run in this run, so there are no stories to compare."
        return s
    ctx.rendered.update({"stories", "wire_edits"})
    if stories.empty:
        s.empty = " ".join(ctx.notes("wire")) or "No story shared across outlets was found in this corpus."
        return s
    der = stories[stories["role"] == "derivative"]
    framing = edits[edits["kind"].fillna("") != ""]
    s.facts = {
        "stories": int(stories["story_id"].nunique()), "derivatives": len(der),
        "per_story": len(der) / max(1, stories["story_id"].nunique()),
        "edits": len(edits), "framing_edits": len(framing),
        "by_kind": [(KIND_LABELS.get(k, k), int(n)) for k, n in framing["kind"].value_counts().sort_index().items()],
    }
    head = ctx.table("wire_headlines")
    s.facts["headlines"] = [str(t) for t in head["text"]] if head is not None and not head.empty else []
    _swap_blocks(ctx, s)
    _rate_blocks(ctx, s)
    s.facts.update(_viewer(ctx, stories, edits))
    notes = ctx.notes("wire")
    if notes:
        s.blocks.append(Block("notes", notes, title="Notes from the shared-copy stage"))
    return s


def _swap_blocks(ctx: Ctx, s: Section) -> None:
    sw = ctx.table("wire_swaps")
    if sw is None or sw.empty:
        s.blocks.append(Block("p", "No outlet swapped one name of a naming axis for another in the copy it shared."))
        return
    outer, s = s, Section(s.id, s.title)  # the swap tables are folded under one line
    outer.blocks.append(Block("details", s.blocks, title="Naming swaps: which name replaced which"))
    for (lexicon, axis), df in sw.groupby(["lexicon", "axis"], sort=True):
        m = df.pivot_table(index="from_entry", columns="to_entry", values="swaps", aggfunc="sum", fill_value=0)
        m.index = [ctx.entry_label(lexicon, e) for e in m.index]
        m.columns = [f"→ {e}" for e in m.columns]  # entry ids: column heads are not marked right-to-left
        table = m.reset_index().rename(columns={"index": "from (reference)"})
        s.blocks.append(Block("table", ctx.view(table, "wire_swaps", f"{ctx.category(lexicon, axis)} ({lexicon}): "
                                                f"swaps from the reference's name (rows) to the outlet's (columns), all outlets")))
    view = ctx.outlet_name_column(sw.drop(columns=["outlet_name"]))
    s.blocks.append(Block("details", [Block("table", ctx.view(
        view, "wire_swaps", "Swaps by outlet: count, mentions of the reference's name in the copy kept, share swapped"))],
        title="Swaps by outlet"))


def _rate_blocks(ctx: Ctx, s: Section) -> None:
    rates, lean = ctx.table("wire_rates"), ctx.table("wire_lean")
    if rates is not None and not rates.empty:
        df = rates.copy()
        df["kind"] = [KIND_LABELS.get(k, k) for k in df["kind"]]
        view = ctx.outlet_name_column(df.drop(columns=["outlet_name"]))
        s.blocks.append(Block("details", [Block("table", ctx.view(
            view, "wire_rates", "Edits per 1,000 words the outlet reused, by scope (copy: inside reused text; passage: "
            "a passage added, cut or rewritten), kind and category; 95% document-bootstrap intervals", css="wide"))],
            title="Framing edits per 1,000 reused words"))
    if lean is not None and not lean.empty:
        view = ctx.outlet_name_column(lean.drop(columns=["outlet_name"]))
        s.blocks.append(Block("details", [Block("table", ctx.view(
            view, "wire_lean", "Added against removed, per outlet and category: exact two-sided binomial (sign) test"))],
            title="Does an outlet's editing lean one way?"))


def _viewer(ctx: Ctx, stories: pd.DataFrame, edits: pd.DataFrame) -> dict:
    """A sample of pairs: most framing edits first, outlets taken in turn; the whole texts, edits marked."""
    limit = int(getattr(getattr(ctx.config, "wire", None), "report_pairs", 24))
    texts = ctx.result.texts
    refs = stories[stories["role"] == "reference"].set_index("story_id")
    ed = edits.assign(kind=edits["kind"].fillna(""))
    n_framing = ed[ed["kind"] != ""].groupby(["story_id", "doc_id"]).size()
    der = stories[stories["role"] == "derivative"][["story_id", "doc_id", "outlet"]].copy()
    framing_edits = n_framing.to_dict()
    der["n"] = [int(framing_edits.get((a, b), 0)) for a, b in zip(der["story_id"].tolist(), der["doc_id"].tolist())]
    turns: dict[str, list] = {}
    for r in der.sort_values(["n", "story_id", "doc_id"], ascending=[False, True, True]).itertuples(index=False):
        turns.setdefault(r.outlet, []).append(r)
    chosen = []
    while len(chosen) < limit and any(turns.values()):
        for o in [o for o in ctx.outlets if o in turns] + sorted(set(turns) - set(ctx.outlets)):
            if turns[o] and len(chosen) < limit:
                chosen.append(turns[o].pop(0))
    keys = {(r.story_id, r.doc_id) for r in chosen}  # the edits of the chosen pairs only (not every pair's)
    shown = ed[[k in keys for k in zip(ed["story_id"], ed["doc_id"])]]
    by_pair = {k: g for k, g in shown.groupby(["story_id", "doc_id"], sort=False)}
    pairs = []
    for r in sorted(chosen, key=lambda r: (r.story_id, r.doc_id)):
        ref = refs.loc[r.story_id]
        ref_text, new_text = texts.get(ref["doc_id"], ""), texts.get(r.doc_id, "")
        if not ref_text or not new_text:
            continue
        g = by_pair.get((r.story_id, r.doc_id), ed.iloc[0:0])
        left, right = [], []
        for row in g.itertuples(index=False):
            label = KIND_LABELS.get(row.kind, row.kind) + (f": {row.entry}" if row.entry else "") if row.kind else ""
            if row.op != "insert":
                left.append((int(row.ref_start), int(row.ref_end), row.op, row.kind, label))
            if row.op != "delete":
                right.append((int(row.new_start), int(row.new_end), row.op, row.kind, label))
        kinds = sorted({k for k in g["kind"] if k})
        pairs.append({
            "story_id": r.story_id, "outlet": r.outlet, "outlet_name": ctx.name(r.outlet), "doc_id": r.doc_id,
            "ref_doc": ref["doc_id"], "ref_outlet_name": ctx.name(str(ref["outlet"])), "kinds": " ".join(kinds),
            "kind_labels": ", ".join(KIND_LABELS.get(k, k) for k in kinds) or "no framing edit",
            "left": _segments(ref_text, left), "right": _segments(new_text, right),
        })
    used = sorted({k for p in pairs for k in p["kinds"].split()})
    return {"pairs": pairs, "pair_outlets": [(o, ctx.name(o)) for o in ctx.outlets if any(p["outlet"] == o for p in pairs)],
            "pair_kinds": [(k, KIND_LABELS.get(k, k)) for k in used], "pairs_total": len(der)}


def _segments(text: str, marks: list[tuple]) -> list[tuple[str, str, str]]:
    """(css class, text, title) pieces covering ``text``: plain text, and the edited spans (several
    rows of one edit share a span: their labels are joined, framing edits marked)."""
    spans: dict[tuple[int, int], list] = {}
    for a, b, op, kind, label in marks:
        spans.setdefault((a, b), [op, False, []])
        if kind:
            spans[(a, b)][1] = True
            spans[(a, b)][2].append(label)
    out, pos = [], 0
    for (a, b), (op, framing, labels) in sorted(spans.items()):
        if a < pos or b <= a:
            continue
        if a > pos:
            out.append(("", text[pos:a], ""))
        cls = {"replace": "w-rep", "insert": "w-ins", "delete": "w-del"}.get(op, "w-rep") + (" w-framing" if framing else "")
        out.append((cls, text[a:b], "; ".join(dict.fromkeys(labels))))
        pos = b
    if pos < len(text):
        out.append(("", text[pos:], ""))
    return out
