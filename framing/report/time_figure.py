"""The over-time figure: each outlet's rate per 1,000 words by period, with its interval as a
ribbon, one category at a time (a drop-down), in plain plotly dicts as :mod:`framing.report.figures`
writes them."""

from __future__ import annotations

import pandas as pd

from framing.report.figures import FigureView, axis_style, figure_data, base_layout, dropdown, plain_spec, label_text


def lines_by_category(
    df: pd.DataFrame, *, id: str, title: str, names: dict[str, str], outlet_colors: dict[str, str],
    category_labels: dict[str, str], data_file: str | None, first: list[str] | None = None,
    outlet_first: list[str] | None = None, max_lines: int = 6,
) -> FigureView:
    """Rate per 1,000 words over time, one line per outlet with its 95% interval as a ribbon, a
    drop-down over categories. The figure opens on the first category of ``first`` that has data
    (the summary's categories); at most ``max_lines`` outlets are drawn at once (``outlet_first``
    first, then the outlets with the most text), the others wait in the legend: a click adds them.

    Intervals: ``ci_low``/``ci_high`` when the table has them, else the Poisson interval of the period's
    hit count (square-root approximation of the exact interval) (hits treated as independent, so narrower than a document bootstrap
    where hits cluster in a few articles)."""
    cats = list(dict.fromkeys(df["category"]))
    lead = [c for c in (first or []) if c in cats]
    cats = lead + [c for c in cats if c not in lead]
    words = df.groupby("outlet")["tokens"].sum() if "tokens" in df.columns else pd.Series(dtype=float)
    seen = set(df["outlet"].unique())
    present = [o for o in outlet_colors if o in seen]
    ranked = [o for o in (outlet_first or []) if o in present]
    ranked += sorted((o for o in present if o not in ranked), key=lambda o: -float(words.get(o, 0)))
    shown = set(ranked[:max_lines])
    outlets = [o for o in present]  # legend in report order
    category_labels = {k: label_text(v) for k, v in category_labels.items()}
    title = label_text(title)
    # a trace per category and outlet (hundreds): plain dicts, as plotly's own objects would write them
    # (building and checking those takes seconds: see test_report_figures)
    traces: list[dict] = []
    vis_groups: list[tuple[int, str]] = []
    lo_col, hi_col = _time_interval(df)
    df = df.assign(_lo=lo_col(df), _hi=hi_col(df))  # row by row: the same on every slice
    by_category = dict(list(df.groupby("category", sort=False)))
    with_counts = {"count", "tokens"} <= set(df.columns)
    for k, cat in enumerate(cats):
        sub = by_category.get(cat, df.iloc[:0]).sort_values("period")
        # the category's columns as lists once, each outlet's rows picked from them (pandas per
        # outlet and category: hundreds of small frames)
        column = {"x": sub["period"].astype(str).tolist(), "hi": sub["_hi"].tolist(), "lo": sub["_lo"].tolist(),
                  "y": sub["per_1k"].astype(float).tolist(),
                  **({"counts": sub[["count", "tokens"]].values.tolist()} if with_counts else {})}
        rows_of: dict = {}
        for i, o in enumerate(sub["outlet"].tolist()):
            rows_of.setdefault(o, []).append(i)
        for o in outlets:
            s = {name: [values[i] for i in rows_of.get(o, ())] for name, values in column.items()}
            x = s["x"]
            on = True if o in shown else "legendonly"
            color = outlet_colors[o]
            traces.append(dict(  # the ribbon: upper bound, then lower bound filled up to it
                type="scatter", x=x + x[::-1], y=s["hi"] + s["lo"][::-1], fill="toself",
                fillcolor=_rgba(color, 0.14), line=dict(width=0), hoverinfo="skip", showlegend=False,
                legendgroup=o, name=label_text(names.get(o, o)) + " 95% interval", visible=on if k == 0 else False,
            ))
            vis_groups.append((k, o))
            line = dict(
                type="scatter", x=x, y=s["y"], mode="lines+markers",
                name=label_text(names.get(o, o)), visible=on if k == 0 else False, line=dict(color=color, width=2),
                marker=dict(size=5), legendgroup=o,
                hovertemplate="<b>%{fullData.name}</b> %{x}<br>%{y:.3g} per 1,000 words"
                              + ("<br>%{customdata[0]} hits in %{customdata[1]} words" if "count" in sub.columns else "")
                              + "<extra></extra>",
            )
            if with_counts:
                line["customdata"] = s["counts"]
            traces.append(line)
            vis_groups.append((k, o))

    def visible(k: int) -> list:
        return [(True if o in shown else "legendonly") if g == k else False for g, o in vis_groups]

    buttons = [dict(label=category_labels.get(c, c), method="update",
                    args=[{"visible": visible(k)}, {"title.text": f"{title}: {category_labels.get(c, c)}"}])
               for k, c in enumerate(cats)]
    first_label = category_labels.get(cats[0], cats[0]) if cats else ""
    hidden = len(present) - len(shown)
    layout = base_layout(f"{title}: {first_label}", height=380, margin=dict(l=60, r=20, t=90, b=60),
                         xaxis=axis_style(type="category", title=dict(text="period")),
                         yaxis=axis_style(title=dict(text="per 1,000 words"), rangemode="tozero"),
                         legend=dict(orientation="v", y=1, yanchor="top", x=1.02, xanchor="left", font=dict(size=12)),
                         updatemenus=[dropdown(buttons)] if len(cats) > 1 else [])
    cols = ["outlet", "period", "lexicon", "category", "count", "tokens", "per_1k", "ci_low", "ci_high"]
    desc = ("Rates per 1,000 words by period with 95% intervals (shaded), choose the category in the drop-down"
            + (f"; {len(shown)} of {len(present)} outlets are drawn, click a name in the legend to add or remove one"
               if hidden else "") + ".")
    return FigureView(id, title, plain_spec(traces, layout), figure_data(df, cols), id, data_file, desc)


def _time_interval(df: pd.DataFrame):
    """Functions giving the lower and upper ends of each period's 95% interval per 1,000 words."""
    if {"ci_low", "ci_high"} <= set(df.columns):
        return (lambda s: s["ci_low"].astype(float).fillna(s["per_1k"].astype(float)),
                lambda s: s["ci_high"].astype(float).fillna(s["per_1k"].astype(float)))

    def bound(s: pd.DataFrame, upper: bool) -> pd.Series:
        # the square-root approximation of the exact (Garwood) Poisson interval of the hit count
        k = s["count"].astype(float).clip(lower=0)
        t = s["tokens"].astype(float).where(s["tokens"] > 0)
        b = (k + 1) ** 0.5 + 0.98 if upper else (k ** 0.5 - 0.98).clip(lower=0)
        return (1000.0 * b ** 2 / t).fillna(0.0)

    return (lambda s: bound(s, False)), (lambda s: bound(s, True))


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
