"""The report's voice section: whose words the counted hits are in, each outlet's own-voice rate
beside its sourced rate, and who is quoted using each frame (tables voice_rates and speakers)."""

from __future__ import annotations

from framing.report.context import Block, Ctx, Section

DESCRIBE = {
    "own": "the outlet's own voice: hits inside quotations, reported speech and scare quotes are left out",
    "sourced": "the voices each outlet quotes or reports: its own narration is left out",
    "all": "every hit, whoever's words it is in",
}


def voice(ctx: Ctx) -> Section:
    """The "Whose words" section: each outlet's rates in its own voice beside the sourced rates,
    and who is quoted using each frame."""
    s = Section("voice", "Whose words")
    rates = ctx.table("voice_rates")
    chosen = str(getattr(ctx.config.stats, "voice", "all"))
    if rates is None or rates.empty:
        s.empty = ctx.why_missing("voice_rates", "rates by voice")
        return s
    s.facts = {"voice": chosen, "described": DESCRIBE.get(chosen, chosen)}
    counted = rates[["own", "quoted", "attributed", "scare"]].sum()
    total = int(counted.sum())
    if total:
        s.blocks.append(Block("kv", [(v, f"{int(counted[v]):,} ({100 * counted[v] / total:.0f}%)")
                                     for v in ("own", "quoted", "attributed", "scare")],
                              title="Hits by voice, all outlets and lexicons"))
    speakers = ctx.table("speakers")
    for lex in ctx.lexicons_of_kind("frames") + ctx.lexicons_of_kind("naming"):
        df = rates[(rates["lexicon"] == lex) & (rates["all"] > 0)].copy()
        if df.empty:
            continue
        df["category_label"] = [ctx.category(lex, c) for c in df["category"]]
        view = ctx.outlet_name_column(ctx.ordered(df))
        blocks = []  # each lexicon's tables folded: the page stays short (the kv above is the overview)
        blocks.append(Block("table", ctx.view(
            view, "voice_rates", f"{lex}: own-voice and sourced hits by outlet",
            columns=["outlet", "category_label", "own_per_1k", "sourced_per_1k", "own", "quoted", "attributed",
                     "scare", "own_share"],
            labels={"own_per_1k": "own voice per 1k words", "sourced_per_1k": "sourced per 1k words",
                    "own_share": "share in own voice"},
            id=f"t-voice-{lex}")))
        if speakers is not None and not speakers.empty:
            sp = speakers[speakers["lexicon"] == lex].copy()
            if not sp.empty:
                sp["category_label"] = [ctx.category(lex, c) for c in sp["category"]]
                blocks.append(Block("details", [Block("table", ctx.view(
                    ctx.outlet_name_column(sp), "speakers", f"{lex}: who is quoted using each frame",
                    columns=["outlet", "category_label", "rank", "speaker", "count", "quoted", "attributed"],
                    id=f"t-speakers-{lex}"))], title="Who is quoted using these frames"))
        s.blocks.append(Block("details", blocks, title=f"Lexicon “{lex}”: own voice and sourced hits by outlet"))
    return s
