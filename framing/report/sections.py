"""Section builders for the analysis part of the report, in reading order.

Each builder turns the tables of a run into a ``Section`` of plain blocks (tables, figures, notes).
When a table is absent or empty the section says why, from the stage's notes, instead of failing.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from framing.report import figures as F
from framing.report.time_figure import lines_by_category
from framing.report.context import Block, Ctx, Section
from framing.stats import Z_DISTINCTIVE

SCORE_COLUMNS = ["outlet", "category_label", "count", "tokens", "per_1k", "ci_low", "ci_high", "doc_share"]


ADJUSTMENT_NOTES = ("Adjusted for topic", "Adjustment changes")  # framing/stats/headlines.py adjustment_notes


def summary(ctx: Ctx) -> Section:
    """The summary section: corpus figures and the headline findings."""
    s = Section("summary", "Summary")
    docs = ctx.table("documents")
    matches = ctx.table("matches")
    if docs is not None and "status" in docs:
        analysed = docs[docs["status"] == "analysed"]
        words = int(analysed["n_tokens"].fillna(0).sum()) if "n_tokens" in analysed else 0
        s.facts = {
            "outlets": analysed["outlet"].nunique() if "outlet" in analysed else 0,
            "documents": len(docs), "analysed": len(analysed), "skipped": len(docs) - len(analysed),
            "words": words, "hits": 0 if matches is None else len(matches),
        }
    # topic adjustment leads: how many differences hold within the same topics, and which ones it changes
    adjusted = [n for n in ctx.notes("stats") if n.startswith(ADJUSTMENT_NOTES)]
    s.blocks += [Block("p", n) for n in adjusted]
    head = ctx.table("headlines")
    if head is not None and not head.empty:
        text_col = next((c for c in ("text", "headline", "sentence", "summary") if c in head.columns), None)
        if text_col:
            found = findings(head, text_col)[: ctx.table_rows]
            s.blocks.append(Block("findings", found[:5]))
            if len(found) > 5:
                s.blocks.append(Block("details", [Block("findings", found[5:])], title=f"{len(found) - 5} more"))
            keep = ("outlet", "category_label", "entry", "ratio", "ci_low", "ci_high", "share", "share_rest", "q", "warning")
            rest = [c for c in keep if c in head.columns]
            if rest:
                view = ctx.outlet_name_column(head)
                s.blocks.append(Block("details", [Block("table", ctx.view(
                    view, "headlines", "The numbers behind each headline", columns=rest, css="wide",
                    flags={"warning": lambda r: "warn" if isinstance(r.get("warning"), str) and r["warning"] else ""}))],
                    title="The numbers behind these sentences"))
        else:
            s.blocks.append(Block("table", ctx.view(ctx.outlet_name_column(head), "headlines", "Headline differences")))
    else:
        s.empty = ctx.why_missing("headlines", "headline differences")
        if head is not None and ctx.has("contrasts"):
            s.empty = (f"No outlet differs from the others clearly enough for a headline (no one-vs-rest contrast "
                       f"with q < {ctx.fdr:g}); see the contrasts below for the estimates and their uncertainty.")
    notes = [n for n in ctx.notes("stats") if not n.startswith(ADJUSTMENT_NOTES)]
    if notes:
        s.blocks.append(Block("details", [Block("notes", notes)], title=f"Caveats from the statistics stage ({len(notes)})"))
    return s


def findings(head: pd.DataFrame, text_col: str = "text") -> list[dict]:
    """The summary's sentences, each with the concordance filter that shows the lines behind it
    (outlet, ``lexicon:category``, and the name for a naming preference)."""
    out = []
    for r in head.to_dict("records"):
        t = r.get(text_col)
        if not isinstance(t, str):
            continue
        lex, cat = r.get("lexicon"), r.get("category")
        entry = r.get("entry") if r.get("kind") == "naming" else ""
        out.append({"text": t, "outlet": str(r.get("outlet") or ""),
                    "category": f"{lex}:{cat}" if isinstance(lex, str) and isinstance(cat, str) else "",
                    "entry": entry if isinstance(entry, str) else ""})
    return out


def _opened(ctx: Ctx, sid: str, title: str, table: str, what: str) -> tuple[Section, pd.DataFrame | None]:
    """A section and the table it shows; without the table (or with an empty one) the section says why."""
    s = Section(sid, title)
    df = ctx.table(table)
    if df is None or df.empty:
        s.empty = ctx.why_missing(table, what)
        return s, None
    return s, df


def _score_section(ctx: Ctx, sid: str, title: str, kind: str, what: str) -> Section:
    s = Section(sid, title)
    scores = ctx.table("outlet_scores")
    lexicons = ctx.lexicons_of_kind(kind) if scores is not None and not scores.empty else []
    if not lexicons:
        if scores is None or scores.empty:
            s.empty = ctx.why_missing("outlet_scores", what)
        else:
            s.empty = f"No lexicon of kind “{kind}” was used in this run, so there are no {what}."
        return s
    for lex in lexicons:
        df = scores[scores["lexicon"] == lex].copy()
        df["category_label"] = [ctx.category(lex, c) for c in df["category"]]
        s.blocks.append(Block("h3", f"Lexicon “{lex}”"))
        fig = ctx.figure(f"fig-{sid}-{lex}", lambda df=df, lex=lex: F.grouped_bars(
            df, id=f"fig-{sid}-{_slug(lex)}", title=f"{lex}: hits per 1,000 words by outlet", x="category",
            y="per_1k", group="outlet", x_labels=ctx.category_labels(lex), group_labels=ctx.names,
            group_colors=ctx.colors, y_title="per 1,000 words", data_file=ctx.csv("outlet_scores"),
            filename=f"{sid}-{lex}", description=(
                f"Bars: how often each outlet uses each {lex} category, per 1,000 words, with 95% "
                "bootstrap confidence intervals as whiskers."),
            csv_columns=["outlet", "lexicon", "category", "count", "tokens", "per_1k", "ci_low", "ci_high", "doc_share"],
            base="count", min_base=ctx.config.stats.min_mentions))
        s.blocks.append(Block("figure", fig))
        view = ctx.outlet_name_column(ctx.ordered(df))
        s.blocks.append(Block("details", [Block("table", ctx.view(
            view, "outlet_scores", f"{lex}: counts and rates by outlet and category",
            columns=SCORE_COLUMNS, sort_by=["_c", "_o"], id=f"t-{sid}-{_slug(lex)}"))],
            title="The numbers behind this chart"))
        s.blocks.append(_glossary(ctx, lex))
    return s


def _glossary(ctx: Ctx, lex: str) -> Block:
    lx = ctx.table("lexicon_entries")
    if lx is None or lx.empty:
        return Block("p", f"The lexicon's entries are listed in {ctx.data_file('lexicon_entries')}.")
    df = lx[lx["lexicon"] == lex]
    cols = [c for c in ("category", "category_label", "category_label_ar", "entry", "gloss") if c in df.columns]
    return Block("details", [Block("table", ctx.view(df, "lexicon_entries", f"Entries of the “{lex}” lexicon",
                                                     columns=cols, id=f"t-gloss-{_slug(lex)}",
                                                     links={"entry": kwic_link}))],
                 title=f"Terms of the “{lex}” lexicon with their English glosses ({len(df):,}; an entry"
                       " opens its concordance)")


def kwic_link(row: dict) -> str:
    """The concordance explorer filtered to one entry: ``#kwic/<lexicon>/<entry>``."""
    return f"#kwic/{row['lexicon']}/{row['entry']}"


def frames(ctx: Ctx) -> Section:
    """The frames section: frame scores per outlet with intervals."""
    return _score_section(ctx, "frames", "Frames", "frames", "frame scores")


def markers(ctx: Ctx) -> Section:
    """The distancing and sourcing section: marker scores per outlet."""
    return _score_section(ctx, "markers", "Distancing and sourcing", "markers", "distancing or sourcing scores")


def naming(ctx: Ctx) -> Section:
    """The naming section: each outlet's share of each name on every naming axis."""
    s, df = _opened(ctx, "naming", "Naming", "naming_shares", "naming shares")
    if df is None:
        return s
    unused = []
    quiet_axes: list[list[Block]] = []  # axes where no outlet's choice of name differs clearly: folded
    sig = df["significant"].fillna(False).astype(bool) if "significant" in df.columns else None
    shown: list[list[Block]] = []
    for (lex, axis), sub in df.groupby(["lexicon", "axis"], sort=False):
        target: list[Block] = []
        (shown if sig is None or bool(sig.loc[sub.index].any()) else quiet_axes).append(target)
        label = ctx.category(lex, axis)
        total = pd.to_numeric(sub["count"], errors="coerce").fillna(0).sum()
        if total == 0:
            unused.append(label)
            continue
        sub = sub.copy()
        entry_labels = {e: ctx.entry_label(lex, e) for e in sub["entry"]}
        sub["form"] = [ctx.form.get((lex, e), e) for e in sub["entry"]]
        target.append(Block("h3", label))
        if (lex, axis) in ctx.cat_desc:
            target.append(Block("p", ctx.cat_desc[(lex, axis)]))
        fig = ctx.figure(f"fig-naming-{lex}-{axis}", lambda sub=sub, lex=lex, axis=axis, label=label, el=entry_labels: F.grouped_bars(
            sub, id=f"fig-naming-{_slug(lex)}-{_slug(axis)}", title=f"{label}: share of each name by outlet",
            x="entry", y="share", group="outlet", x_labels=el, group_labels=ctx.names, group_colors=ctx.colors,
            y_title="share of mentions", data_file=ctx.csv("naming_shares"), filename=f"naming-{lex}-{axis}",
            percent=True, width_share=0.5, description=(f"Bars: of each outlet's mentions of “{label}”, the share that uses each "
                                       "name, with 95% confidence intervals."),
            base="axis_total", min_base=ctx.config.stats.min_mentions,
            csv_columns=["outlet", "lexicon", "axis", "entry", "count", "share", "ci_low", "ci_high", "warning"]))
        target.append(Block("figure", fig))
        view = ctx.outlet_name_column(ctx.ordered(sub, "entry").sort_values(["_o", "_c"], kind="mergesort"))
        if "gloss" not in view.columns and ctx.gloss:
            view["gloss"] = [ctx.gloss.get((lex, e), "") for e in view["entry"]]
        view["ci"] = [_interval(lo, hi) for lo, hi in zip(view["ci_low"], view["ci_high"])]
        scare = ["scare_count", "scare_share"] if "scare_share" in view.columns else []
        target.append(Block("details", [Block("table", ctx.view(
            view, "naming_shares", f"{label}: names used by each outlet",
            columns=["outlet", "form", "gloss", "count", "share", "ci", *scare, "warning"], css="wide",
            labels={"form": "Name", "ci": "95% CI", "scare_count": "in scare quotes",
                    "scare_share": "share in scare quotes"}, id=f"t-naming-{_slug(lex)}-{_slug(axis)}"))],
            title="The numbers behind this chart" + (" (with how often each name is put in scare quotes)"
                                                     if scare else "")))
    if shown:
        s.blocks.append(Block("columns", shown))
    if quiet_axes:
        n = len(quiet_axes)
        s.blocks.append(Block("details", [Block("columns", quiet_axes)], title=f"{n} more contested name{'s' if n != 1 else ''} where no outlet's "
                                                       f"choice differs clearly from the others' (q ≥ {ctx.fdr:g})"))
    if unused:
        s.blocks.append(Block("details", [Block("p", "; ".join(unused) + ".")],
                              title=f"{len(unused)} contested name{'s' if len(unused) != 1 else ''} no outlet uses"))
    if not s.blocks:
        s.empty = "None of the contested names of the naming lexicons occurs in the analysed documents."
    return s


def contrasts(ctx: Ctx) -> Section:
    """The contrasts section: rate ratios between outlets with intervals and q-values."""
    s, df = _opened(ctx, "contrasts", "Contrasts between outlets", "contrasts", "pairwise contrasts")
    if df is None:
        return s
    df = df.copy()
    if "lexicon" in df.columns:  # categories are named within a lexicon: key them by both
        keys = [f"{lx}:{c}" for lx, c in zip(df["lexicon"], df["category"])]
        labels = {f"{lx}:{c}": f"{ctx.category(lx, c)} ({lx})" for lx, c in zip(df["lexicon"], df["category"])}
        df["category_key"] = keys
    else:
        labels = {c: ctx.category(None, c) for c in df["category"].unique()}
        df["category_key"] = df["category"]
    plot_df = df.assign(category=df["category_key"])
    pairs = df[df["outlet_b"] != "rest"]
    n_out = len(set(pairs["outlet_a"]) | set(pairs["outlet_b"]))
    side: list[Block] = []  # a few outlets: the matrix and the forest plot side by side
    if not pairs.empty and n_out <= 16:
        s.blocks.append(Block("figure", ctx.figure("fig-contrast-matrix", lambda: F.contrast_matrix(
            plot_df, id="fig-contrast-matrix", title="Rate ratio, row outlet ÷ column outlet", outlets=ctx.outlets,
            names=ctx.names, category_labels=labels, fdr=ctx.fdr, data_file=ctx.csv("contrasts"),
            width_share=1.0))))
    elif not pairs.empty:
        s.blocks.append(Block("p", f"{n_out} outlets are too many for a readable matrix; the pairs are in the table below."))
    if (df["outlet_b"] == "rest").any():
        s.blocks.append(Block("figure", ctx.figure("fig-contrast-rest", lambda: F.forest(
            plot_df, id="fig-contrast-rest", title="Each outlet against all the others", names=ctx.names,
            category_labels=labels, fdr=ctx.fdr, data_file=ctx.csv("contrasts")))))
    if side:
        s.blocks.append(Block("columns", [[b] for b in side]))
    view = ctx.outlet_name_column(ctx.outlet_name_column(df, "outlet_a"), "outlet_b")
    view["category"] = [labels.get(k, k) for k in view["category_key"]]
    warn = "warning" in view.columns
    adjusted = "q_topic" in view.columns
    view["ci"] = [_interval(lo, hi) for lo, hi in zip(view["ci_low"], view["ci_high"])]
    # narrow enough for a 1,280 px screen: rates, z, the crude ratio and the intervals' methods are in
    # data/contrasts.csv
    cols = ["category", "outlet_a", "outlet_b", "count_a", "count_b", "ratio", "ci"]
    if adjusted:  # p as shown is in data/contrasts.csv (p_display, p_display_topic)
        view["ci_topic"] = [_interval(lo, hi) for lo, hi in zip(view["ci_low_topic"], view["ci_high_topic"])]
        cols += ["q", "ratio_topic", "ci_topic", "q_topic"]
    else:
        cols += ["p_display", "q"]
    cols += ["warning"]
    labels = {"count_a": "Hits A", "count_b": "Hits B", "ci": "95% CI", "ci_topic": "95% CI (topics)"}
    qcol = "q_topic" if adjusted else "q"
    flags = {qcol: lambda r: "sig" if r.get(qcol) == r.get(qcol) and r.get(qcol, 1) < ctx.fdr else ""}
    if warn:
        flags["warning"] = lambda r: "warn" if isinstance(r.get("warning"), str) and r["warning"] else ""
    if adjusted:
        s.blocks.append(Block("p", "Each contrast is given twice: comparing the outlets' whole output (stratified by "
                                   "article length; \"Rate ratio\", with the crude pooled ratio beside it) and within "
                                   "the same topics (\"within topics\": stratified by topic and length). Where they "
                                   "differ, the outlets' difference comes from what they cover rather than from how they "
                                   "frame it."))
    sort_by = [qcol, "p_topic" if adjusted else "p"]
    q = pd.to_numeric(view.get(qcol), errors="coerce") if qcol in view.columns else None
    if q is not None:
        sig = view[q < ctx.fdr]
        if sig.empty:
            s.blocks.append(Block("p", f"No contrast reaches q < {ctx.fdr:g}: the differences seen could be chance."))
        else:
            caption = (f"The {len(sig):,} contrasts with q < {ctx.fdr:g}" + (" within topics" if adjusted else "")
                       + ", most significant first")
            s.blocks.append(Block("details", [Block("table", ctx.view(
                sig, "contrasts", caption, columns=cols, labels=labels, sort_by=sort_by, flags=flags,
                id="t-contrasts-sig", css="wide"))], title=caption))
    s.blocks.append(Block("details", [Block("table", ctx.view(
        view, "contrasts", "Every contrast, most significant first", columns=cols, labels=labels, sort_by=sort_by,
        flags=flags, id="t-contrasts", css="wide"))], title=f"All {len(view):,} contrasts"))
    if warn:
        n_warn = int(df["warning"].fillna("").astype(str).str.strip().ne("").sum())
        if n_warn:
            s.blocks.append(Block("p", f"{n_warn:,} of {len(df):,} contrasts carry a warning (small samples or few hits): "
                                       "read their ratios as indications only."))
    return s


def keyness(ctx: Ctx) -> Section:
    """The keyness section: the words that set each outlet apart."""
    s, df = _opened(ctx, "keyness", "Keyness: words that set each outlet apart", "keyness", "keyness results")
    if df is None:
        return s
    top = int(getattr(ctx.config.stats, "keyness_top", 30))

    def grid(frame: pd.DataFrame) -> list:
        out = []
        for (outlet, versus), sub in frame.groupby(["outlet", "versus"], sort=False):
            # the page lists distinctive terms only (z >= 1.96); data/keyness.csv keeps them all
            sub = sub[sub["z"] >= Z_DISTINCTIVE].sort_values("z", ascending=False).head(top)
            if sub.empty:
                continue
            if "display" in sub.columns:  # readers see the written spelling, not the normalised key
                sub = sub.assign(term=sub["display"].where(sub["display"].astype(str) != "", sub["term"]))
            vs = "all other outlets" if versus == "rest" else ctx.name(str(versus))
            out.append(ctx.view(sub, "keyness", f"{ctx.name(str(outlet))} vs {vs}",
                                columns=["term", "count", "count_versus", "z"], max_rows=top,
                                labels={"count": "Hits", "count_versus": "Others", "z": "z"},
                                id=f"t-key-{_slug(str(outlet))}-{_slug(str(versus))}", note=" "))
        return out

    is_rest = df["versus"].astype(str) == "rest"
    tables = grid(df[is_rest] if is_rest.any() else df)
    if not tables:
        s.empty = f"No term is over-represented in any outlet at the keyness threshold (z ≥ {Z_DISTINCTIVE})."
        return s
    s.blocks.append(Block("grid", tables))
    pairs = df[~is_rest] if is_rest.any() else df.iloc[0:0]
    n_out = df["outlet"].nunique()
    if not pairs.empty and n_out <= 6:
        s.blocks.append(Block("details", [Block("grid", grid(pairs))], title="Each pair of outlets"))
    s.blocks.append(Block("p", f"Up to {top} distinctive terms (z ≥ {Z_DISTINCTIVE}) per comparison by z-score, "
                               "against all other outlets pooled"
                               + (f"; each pair of outlets is compared in {ctx.data_file('keyness')}." if not pairs.empty else ".")))
    return s


def time(ctx: Ctx) -> Section:
    """The time section: rates per period, when documents have dates."""
    s, df = _opened(ctx, "time", "Over time", "timeline", "timeline")
    if df is None:
        return s
    periods = df["period"].nunique()
    if periods < 2:
        s.empty = "All dated documents fall in a single period, so there is no timeline to draw."
        return s
    rank = {"frames": 0, "markers": 1, "naming": 2}
    lexicons = sorted(dict.fromkeys(df["lexicon"]), key=lambda lx: rank.get(ctx.kind.get(lx, "frames"), 3))
    lead_cats, lead_outlets = ctx.summary_focus()
    # one chart: the drop-down holds every lexicon's categories, the summary's first
    plot = df.assign(category=[f"{lx}:{c}" for lx, c in zip(df["lexicon"], df["category"])])
    plot = plot.assign(_l=plot["lexicon"].map({lx: i for i, lx in enumerate(lexicons)})).sort_values("_l", kind="mergesort")
    labels = {f"{lx}:{c}": f"{ctx.category(lx, c)} ({lx})" for lx, c in zip(df["lexicon"], df["category"])}
    first = [f"{lx}:{c}" for lx, c in lead_cats]
    s.blocks.append(Block("figure", ctx.figure("fig-time", lambda: lines_by_category(
        plot.drop(columns="_l"), id="fig-time", title="Over time", names=ctx.names, outlet_colors=ctx.colors,
        category_labels=labels, data_file=ctx.csv("timeline"), first=first, outlet_first=lead_outlets))))
    return s


def topics(ctx: Ctx) -> Section:
    """The topics section: topics, each outlet's topic mix, and frames within topics."""
    s = Section("topics", "Topics")
    if not ctx.has("topics"):
        s.empty = ctx.why_missing("topics", "topic model")
        s.blocks += _notes(ctx, "topics")
        return s
    tp = ctx.table("topics")
    labels = {t: (l if isinstance(l, str) and l else f"topic {t}") for t, l in
              zip(tp["topic"], tp["label"] if "label" in tp else tp["topic"])}
    short = {t: (l if len(l) <= 24 else l[:23].rstrip(" ·") + "…") for t, l in labels.items()}  # chart labels
    s.blocks += _notes(ctx, "topics")
    mix = ctx.table("topic_mix")
    if mix is not None and not mix.empty and {"outlet", "topic", "share"} <= set(mix.columns):
        s.blocks.append(Block("figure", ctx.figure("fig-topic-mix", lambda: F.heatmap(
            mix, id="fig-topic-mix", title="Topic mix: share of each outlet's text per topic", x="topic", y="outlet",
            z="share", x_labels=short, y_labels=ctx.names, z_title="share", percent=True,
            data_file=ctx.csv("topic_mix"), csv_columns=list(mix.columns),
            description="Heatmap: the share of each outlet's text assigned to each topic."))))
    s.blocks.append(Block("details", [Block("table", ctx.view(tp, "topics", "Topics and their top words", sort_by="size", ascending=False,
                                           columns=["topic", "top_words", "size", "n_docs", "n_outlets", "share"],
                                           labels={"size": "Units", "n_docs": "Documents", "n_outlets": "Outlets",
                                                   "share": "Share of units"},
                                           id="t-topics"))], title=f"The {len(tp):,} topics, their top words and sizes"))
    if mix is not None and not mix.empty:
        s.blocks.append(Block("details", [Block("table", ctx.view(ctx.outlet_name_column(mix), "topic_mix",
                                                                  "Topic shares by outlet with 95% CIs", id="t-topic-mix"))],
                              title="Topic shares by outlet, with confidence intervals"))
    if ctx.table("topic_units") is not None:
        ctx.rendered.add("topic_units")
        s.blocks.append(Block("p", f"The topic of each of the {len(ctx.table('topic_units')):,} units (paragraphs or "
                                   f"documents) is in {ctx.csv('topic_units')}."))
    for name, caption in (("topic_frames", "Frames within topics"), ("topic_examples", "Example passages per topic"),
                          ("topic_stability", "Stability of the topics across seeds")):
        df = ctx.table(name)
        if df is None or df.empty:
            s.blocks.append(Block("p", ctx.why_missing(name, caption.lower()) if df is None or name != "topic_stability"
                                  else "Stability across seeds was not measured in this run."))
            continue
        kw: dict = {}
        view = ctx.outlet_name_column(df)
        if "topic" in view.columns and name != "topic_stability":
            view["topic"] = [labels.get(t, t) for t in view["topic"]]
        if name == "topic_frames":
            if {"lexicon", "category"} <= set(view.columns):
                view["category"] = [ctx.category(lx, c) for lx, c in zip(view["lexicon"], view["category"])]
            kw = dict(sort_by="count", ascending=False,
                      note=f"The {min(len(view), ctx.table_rows):,} largest of {len(view):,} outlet × topic × category "
                           f"counts; all are in {ctx.data_file('topic_frames')}.")
            caption += ": where each outlet's lexicon hits fall"
        elif name == "topic_examples":
            kw = dict(columns=[c for c in ("topic", "rank", "outlet", "doc_id", "similarity", "text") if c in view.columns])
        table = Block("table", ctx.view(view, name, caption, id=f"t-{name}", **kw))
        s.blocks.append(Block("details", [table], title=caption))
    return s


def classifiers(ctx: Ctx) -> Section:
    """The classifiers section: outlet attribution, saved models, agreement and weak supervision."""
    s = Section("classifiers", "Classifiers")
    names = ("outlet_cv", "outlet_cv_per_outlet", "outlet_confusion", "outlet_features", "outlet_mask", "outlet_sample",
             "outlet_curve", "model_shares", "model_lexicon", "agreement", "weak_recovery", "weak_cv")
    if not any(ctx.has(n) for n in names):
        s.empty = ctx.why_missing("outlet_cv", "classifier results")
        s.blocks += _notes(ctx, "classify")
        return s
    captions = {
        "outlet_cv": "Outlet attribution: cross-validated scores against a majority baseline",
        "outlet_cv_per_outlet": "Outlet attribution: precision and recall per outlet",
        "outlet_confusion": "Outlet attribution: confusion between outlets",
        "outlet_features": "Features that most distinguish each outlet",
        "outlet_mask": "Strings masked before training (outlet self-names and source lines)",
        "outlet_sample": "Outlet attribution: documents per outlet available and used",
        "outlet_curve": "Outlet attribution: the learning curve that chose the documents per outlet",
        "model_shares": "Saved frame classifiers: share of units per label and outlet",
        "model_lexicon": "Saved frame classifiers against the lexicon on the same units",
        "agreement": "Agreement between classifiers, lexicons and human codes",
        "weak_recovery": "Weak supervision: held-out lexicon entries recovered",
        "weak_cv": "Weak supervision: cross-validated scores",
    }
    s.blocks += _notes(ctx, "classify")
    for name in names:
        df = ctx.table(name)
        if df is None or df.empty:
            continue
        if name == "outlet_features" and "display" in df.columns:  # written spellings, not normalised keys
            df = df.assign(feature=df["display"].where(df["display"].astype(str) != "", df["feature"])).drop(
                columns="display")
        if name == "outlet_confusion":
            fig = _confusion(ctx, df)
            if fig is not None:
                s.blocks.append(Block("details", [Block("figure", fig)], title=captions[name]))
        if name == "model_shares" and {"outlet", "label", "share"} <= set(df.columns):
            for model, sub in df.groupby("model", sort=False) if "model" in df.columns else [("model", df)]:
                s.blocks.append(Block("figure", ctx.figure(f"fig-model-{model}", lambda sub=sub, model=model: F.grouped_bars(
                    sub, id=f"fig-model-{_slug(str(model))}", title=f"{model}: share of units per label", x="label",
                    y="share", group="outlet", x_labels={}, group_labels=ctx.names, group_colors=ctx.colors,
                    y_title="share of units", data_file=ctx.csv("model_shares"), filename=f"model-{model}",
                    percent=True, csv_columns=list(sub.columns), base="n_units",
                    min_base=ctx.config.stats.min_mentions,
                    description="Bars: the share of each outlet's units the saved classifier assigns each label, "
                                "with 95% bootstrap intervals."))))
        table = Block("table", ctx.view(ctx.outlet_name_column(df), name, captions[name], id=f"t-{name}"))
        if name in ("outlet_cv", "model_shares", "agreement", "weak_cv"):
            s.blocks.append(table)
        else:
            s.blocks.append(Block("details", [table], title=captions[name]))
    return s


def _confusion(ctx: Ctx, df: pd.DataFrame):
    true = next((c for c in ("true", "actual", "outlet", "true_outlet") if c in df.columns), None)
    pred = next((c for c in ("predicted", "pred", "predicted_outlet") if c in df.columns), None)
    val = next((c for c in ("share", "rate", "proportion", "count", "n") if c in df.columns), None)
    if not (true and pred and val):
        return None
    pct = val in ("share", "rate", "proportion")
    return ctx.figure("fig-confusion", lambda: F.heatmap(
        df, id="fig-confusion", title="Which outlet the classifier attributes each outlet's articles to", x=pred,
        y=true, z=val, x_labels=ctx.names, y_labels=ctx.names, z_title=val, percent=pct,
        data_file=ctx.csv("outlet_confusion"), csv_columns=list(df.columns),
        description="Rows: the true outlet; columns: the outlet predicted in cross-validation."))


def _interval(lo, hi) -> str:
    from framing.report.tables import fmt

    lo, hi = fmt(lo), fmt(hi)
    return f"{lo}–{hi}" if lo and hi else ""


def _notes(ctx: Ctx, stage: str) -> list[Block]:
    notes = ctx.notes(stage)
    return [Block("details", [Block("notes", notes)], title=f"Notes from this stage ({len(notes)})")] if notes else []


def _slug(s: str) -> str:
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in str(s)).strip("-").lower()
    return out or "x" + hashlib.sha1(str(s).encode()).hexdigest()[:8]
