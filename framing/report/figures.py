"""Plotly figures of the report. The only module that imports plotly, and only when called.

Every function returns a ``FigureView``: the figure as a plain JSON-ready dict (``spec``), the
rows it plots (offered as a client-side CSV download) and the ``data/`` file that holds the full
table. The page script (``static/report.js``) draws them with the plotly.js written beside the page.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", '
        '"Geeza Pro", Tahoma, "DejaVu Sans", Arial, sans-serif')
# Okabe-Ito, then Paul Tol's muted scheme: distinguishable for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#999933",
           "#882255", "#44AA99", "#117733", "#AA4499", "#6699CC", "#661100", "#888888", "#000000"]


@dataclass
class FigureView:
    id: str
    title: str
    spec: dict
    csv: dict  # {"columns": [...], "rows": [[...], ...]}: what the chart plots
    filename: str  # base name for PNG/SVG/CSV downloads
    data_file: str | None = None  # data/<table>.csv with every row
    description: str = ""  # plain-language text alternative
    notes: list[str] = field(default_factory=list)


def label_text(value) -> str:
    """Text for plotly labels: plotly reads a few HTML-like tags (<b>, <a href>, <br>) in text, so
    corpus and config strings have their markup characters escaped (plotly shows them literally)."""
    return html.escape(str(value), quote=False)


def plotly_js() -> str:
    """The plotly.js bundle shipped with the installed plotly package (never a CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _go():
    import plotly.graph_objects as go

    return go


def colors(outlets: list[str]) -> dict[str, str]:
    """One palette colour per outlet, in the given order."""
    return {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}


def base_layout(title: str, *, height: int = 420, **extra) -> dict:
    """The layout every figure of the report starts from (template, fonts, margins, legend, the
    palette), with ``extra`` layout attributes over it."""
    base = dict(
        template="none",
        title=dict(text=title, x=0.01, xanchor="left", y=0.99, yanchor="top", yref="container", font=dict(size=15)),
        font=dict(family=FONT, size=13, color="#1f2328"),
        height=height,
        margin=dict(l=60, r=20, t=70, b=80),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left", font=dict(size=12)),
        hoverlabel=dict(font=dict(family=FONT)),
        colorway=PALETTE,
    )
    base.update(extra)
    return base


def axis_style(**kw) -> dict:
    """An axis in the report's style (grid, zero and axis lines), with ``kw`` attributes added."""
    return dict(gridcolor="#e5e7eb", zerolinecolor="#9ca3af", linecolor="#6b7280", automargin=True, **kw)


def _spec(fig) -> dict:
    return json.loads(fig.to_json(validate=False, pretty=False, remove_uids=True))


def plain_spec(traces: list[dict], layout: dict) -> dict:
    """The spec of a figure given as plain trace and layout dicts, as :func:`_spec` writes it for
    the same figure built from plotly's objects (the layout's named template spelled out), without
    building and checking those objects. For figures of many traces; only for trace and layout
    attributes whose values plotly takes as they are (plain strings, numbers, lists, dicts)."""
    import plotly.io as pio
    from plotly.utils import PlotlyJSONEncoder

    layout = _set_only(layout)
    if isinstance(layout.get("template"), str):
        layout["template"] = pio.templates[layout["template"]].to_plotly_json()
    return json.loads(json.dumps({"data": [_set_only(t) for t in traces], "layout": layout}, cls=PlotlyJSONEncoder))


def _colorscale(name: str) -> list:
    """A named plotly colour scale as plotly's objects write it (its colours listed)."""
    return json.loads(_go().Heatmap(colorscale=name).to_json())["colorscale"]


def _set_only(value):
    """``value`` without the dict entries that are None: for plotly an attribute set to None is
    not set (values inside lists, such as a missing interval's None, stay)."""
    if isinstance(value, dict):
        return {k: _set_only(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_set_only(v) if isinstance(v, dict) else v for v in value]
    return value


def figure_data(df: pd.DataFrame, columns: list[str]) -> dict:
    """What the chart plots, as :attr:`FigureView.csv` keeps it (its CSV download): the
    ``columns`` of ``df`` it has, and their rows, missing values as None."""
    cols = [c for c in columns if c in df.columns]
    rows = df[cols].astype(object).where(df[cols].notna(), None).values.tolist()
    return {"columns": cols, "rows": [[_clean(v) for v in r] for r in rows]}


def _clean(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _err(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> dict:
    """Error bars from ``lo`` to ``hi`` around ``y`` (float arrays; none where either end is NaN)."""
    def side(d: np.ndarray) -> list:
        return np.where(np.isnan(d), 0.0, np.where(d < 0, 0.0, d)).tolist()

    return dict(type="data", array=side(hi - y), arrayminus=side(y - lo),
                visible=bool((~np.isnan(lo)).any()), thickness=1.2, width=3)


def _aligned(sub: pd.DataFrame, x: str, x_order: list, columns: list[str]) -> dict[str, np.ndarray]:
    """The ``columns`` of ``sub`` as floats, one per value of ``x_order`` (NaN where ``sub`` has no
    row with that ``x``), as ``sub.set_index(x).reindex(x_order)`` would give them."""
    xs = sub[x].tolist()
    row = {v: i for i, v in enumerate(xs)}
    if len(row) < len(xs):
        raise ValueError(f"cannot draw bars: {x} repeats within a group")
    take = np.array([row.get(v, -1) for v in x_order], dtype=np.int64)
    have = take >= 0
    out = {}
    for c in columns:
        values = pd.to_numeric(sub[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        out[c] = np.full(len(take), np.nan)
        out[c][have] = values[take[have]]
    return out


def grouped_bars(
    df: pd.DataFrame, *, id: str, title: str, x: str, y: str, group: str, x_labels: dict[str, str],
    group_labels: dict[str, str], group_colors: dict[str, str], y_title: str, data_file: str | None,
    filename: str, csv_columns: list[str] | None = None,
    description: str = "", percent: bool = False, base: str | None = None, min_base: int = 5,
    width_share: float = 1.0,
) -> FigureView:
    """Bars of ``y`` for each ``x`` value, one colour per ``group``, with 95% CI whiskers when
    ``ci_low``/``ci_high`` are present. ``base``: the column with the number of mentions (or hits)
    behind each bar; a bar resting on fewer than ``min_base`` is drawn hollow with "n = ..." on it.
    ``width_share``: the share of the page's width the chart gets (its labels are wrapped to fit)."""
    traces: list[dict] = []  # plain dicts, as plotly's objects would write them (see plain_spec)
    x_order = list(dict.fromkeys(df[x]))
    # long category labels are broken into lines so that neighbours never run into each other
    wrap = max(6, min(22, int(140 * width_share) // max(1, len(x_order))))
    by_group = dict(list(df.groupby(group, sort=False)))
    intervals = "ci_low" in df.columns and "ci_high" in df.columns
    counted = base is not None and base in df.columns
    x_text = [_wrap(label_text(x_labels.get(v, v)), wrap) for v in x_order]
    for g in [g for g in group_labels if g in by_group]:
        sub = _aligned(by_group[g], x, x_order, [y] + ["ci_low", "ci_high"] * intervals + [base] * counted)
        kw = {}
        if intervals:
            lo, hi = sub["ci_low"], sub["ci_high"]
            kw["error_y"] = _err(sub[y], lo, hi)
            kw["customdata"] = [[None if np.isnan(a) else a, None if np.isnan(b) else b]
                                for a, b in zip(lo.tolist(), hi.tolist())]
            fmtv = ".1%" if percent else ".3g"
            kw["hovertemplate"] = (f"<b>%{{fullData.name}}</b><br>%{{x}}<br>{y_title}: %{{y:{fmtv}}}"
                                   f"<br>95% CI %{{customdata[0]:{fmtv}}} – %{{customdata[1]:{fmtv}}}<extra></extra>")
        marker = dict(color=group_colors.get(g))
        if counted:
            n = sub[base]
            few = (n < min_base).tolist()  # a missing count is no bar to mark
            colour = group_colors.get(g) or "#4b5563"
            marker = dict(color=["rgba(0,0,0,0)" if f else colour for f in few],
                          line=dict(color=colour, width=[1.5 if f else 0 for f in few]))
            kw["text"] = [f"n = {int(v)}" if f else "" for f, v in zip(few, np.nan_to_num(n, nan=0.0).tolist())]
            kw["textposition"] = "outside"
        traces.append(dict(
            type="bar", x=list(x_text), y=sub[y].tolist(),
            name=label_text(group_labels.get(g, g)), marker=marker, **kw,
        ))
    n = max(1, len(x_order))
    layout = base_layout(label_text(title), height=340 if n <= 8 else 400, barmode="group", bargap=0.18,
                         xaxis=axis_style(tickangle=-90 if n * 8 > 140 * width_share else 0),
                         yaxis=axis_style(title=dict(text=y_title), rangemode="tozero",
                                          tickformat=".0%" if percent else None, range=[0, 1.05] if percent else None))
    cols = csv_columns or [group, x, y, "count", "tokens", "ci_low", "ci_high"]
    if base is not None and base in df.columns and (pd.to_numeric(df[base], errors="coerce") < min_base).any():
        description = (description + f" Hollow bars rest on fewer than {min_base} mentions (their number is "
                       "written on them): read them as anecdotes, not shares.").strip()
    return FigureView(id, title, plain_spec(traces, layout), figure_data(df, cols), filename, data_file, description)


def contrast_matrix(
    df: pd.DataFrame, *, id: str, title: str, outlets: list[str], names: dict[str, str],
    category_labels: dict[str, str], fdr: float, data_file: str | None, width_share: float = 1.0,
) -> FigureView:
    """Pairwise rate ratios (row outlet ÷ column outlet) as a log2-coloured heatmap, one panel per
    category chosen from a drop-down; cells whose q-value is under the FDR are starred."""
    pairs = df[df["outlet_b"] != "rest"]
    cats = list(dict.fromkeys(pairs["category"]))
    seen = set(pairs["outlet_a"].unique()) | set(pairs["outlet_b"].unique())
    order = [o for o in outlets if o in seen]
    idx = {o: i for i, o in enumerate(order)}
    n = len(order)
    labels = [label_text(names.get(o, o)) for o in order]
    wrap = int(80 * width_share) // max(1, n)  # characters a column label may take on one line
    xlabels = [_wrap(lb, wrap) for lb in labels] if wrap >= 14 else labels
    category_labels = {k: label_text(v) for k, v in category_labels.items()}
    title = label_text(title)
    traces: list[dict] = []  # plain dicts, as plotly's objects would write them (see plain_spec)
    scale = _colorscale("RdBu")
    zmax = 0.0
    by_category = dict(list(pairs.groupby("category", sort=False)))
    for ci, cat in enumerate(cats):
        z = [[None] * n for _ in range(n)]
        text = [[""] * n for _ in range(n)]
        custom = [[[None, None, None, None] for _ in range(n)] for _ in range(n)]  # ratio, CI, q
        for r in by_category.get(cat, pairs.iloc[:0]).itertuples(index=False):
            a, b = idx.get(r.outlet_a), idx.get(r.outlet_b)
            if a is None or b is None:
                continue
            q = _num(getattr(r, "q", None))
            for (i, j, ratio, lo, hi) in ((a, b, _num(r.ratio), _num(r.ci_low), _num(r.ci_high)),
                                          (b, a, _inv(r.ratio), _inv(r.ci_high), _inv(r.ci_low))):
                if ratio is None or not (ratio > 0) or math.isinf(ratio):
                    continue
                lz = math.log2(ratio)
                zmax = max(zmax, abs(lz))
                z[i][j] = round(lz, 4)
                sig = q is not None and q < fdr
                text[i][j] = f"{ratio:.2g}{'*' if sig else ''}"
                custom[i][j] = [_round(ratio), _round(lo), _round(hi), _round(q)]
        traces.append(dict(
            type="heatmap", z=z, x=xlabels, y=labels, text=text, texttemplate="%{text}", customdata=custom,
            hovertemplate="%{y} ÷ %{x}: %{customdata[0]:.3g}<br>95% CI %{customdata[1]:.3g} – %{customdata[2]:.3g}"
                          "<br>q = %{customdata[3]:.2g}<extra></extra>",
            colorscale=scale, reversescale=True, zmid=0,
            colorbar=dict(title=dict(text="log₂ ratio", side="right"), thickness=12), visible=ci == 0,
            name=category_labels.get(cat, cat), xgap=1, ygap=1,
        ))
    zmax = min(max(zmax, 1.0), 4.0)
    for t in traces:
        t["zmin"], t["zmax"] = -zmax, zmax
    buttons = [dict(label=category_labels.get(c, c), method="update",
                    args=[{"visible": [i == k for i in range(len(cats))]},
                          {"title.text": f"{title}: {category_labels.get(c, c)}"}]) for k, c in enumerate(cats)]
    first = category_labels.get(cats[0], cats[0]) if cats else ""
    size = max(340, 140 + 38 * n)
    if wrap < 14:  # column labels stand upright: room for the longest
        size += int(6.5 * max((len(lb) for lb in labels), default=0))
    layout = base_layout(f"{title}: {first}", height=size, margin=dict(l=130, r=20, t=90, b=130),
                         xaxis=axis_style(side="bottom", tickangle=0 if wrap >= 14 else -90,
                                          title=dict(text="÷ column outlet")),
                         yaxis=axis_style(autorange="reversed", title=dict(text="row outlet")),
                         updatemenus=[dropdown(buttons)] if len(cats) > 1 else [])
    cols = ["category", "outlet_a", "outlet_b", "rate_a", "rate_b", "ratio", "ci_low", "ci_high", "p", "q", "warning"]
    desc = (f"Heatmap of rate ratios between {n} outlets for {len(cats)} categories; red cells: the row outlet "
            f"uses the category more than the column outlet, blue: less; * marks q < {fdr:g}.")
    return FigureView(id, title, plain_spec(traces, layout), figure_data(pairs, cols), id, data_file, desc)


def forest(
    df: pd.DataFrame, *, id: str, title: str, names: dict[str, str], category_labels: dict[str, str],
    fdr: float, data_file: str | None, x_title: str = "rate ratio (log scale); 1 = same as the rest",
    description: str = "",
) -> FigureView:
    """Each outlet's rate ratio against all other outlets together, with its 95% CI, per category."""
    rest = df[df["outlet_b"] == "rest"]
    cats = list(dict.fromkeys(rest["category"]))
    category_labels = {k: label_text(v) for k, v in category_labels.items()}
    title = label_text(title)
    traces: list[dict] = []  # plain dicts, as plotly's objects would write them (see plain_spec)
    by_category = dict(list(rest.groupby("category", sort=False)))
    adjusted = "ratio_topic" in rest.columns  # topic-adjusted ratios lead; length-only ones drawn hollow beside
    per_cat = 2 if adjusted else 1
    for k, cat in enumerate(cats):
        for version in (("_topic", "") if adjusted else ("",)):
            r, lo, hi, q = (f"{c}{version}" for c in ("ratio", "ci_low", "ci_high", "q"))
            sub = by_category.get(cat, rest.iloc[:0])
            sub = sub[(sub[r] > 0) & np.isfinite(sub[r].astype(float))]  # 0 and unbounded ratios: table only
            sig = sub[q] < fdr if q in sub.columns else pd.Series(False, index=sub.index)
            lead = version == ("_topic" if adjusted else "")
            label = "within topics" if version else ("length only" if adjusted else "")
            traces.append(dict(
                type="scatter", x=sub[r].astype(float).tolist(),
                y=[label_text(names.get(o, o)) for o in sub["outlet_a"]],
                mode="markers", visible=k == 0, name=label or category_labels.get(cat, cat),
                marker=dict(size=10 if lead else 8, color=["#b91c1c" if s else "#4b5563" for s in sig],
                            symbol="diamond" if lead else "circle-open", line=dict(width=1.5)),
                error_x=dict(type="data", symmetric=False,
                             array=(sub[hi] - sub[r]).clip(lower=0).replace(np.inf, np.nan).fillna(0).tolist(),
                             arrayminus=(sub[r] - sub[lo]).clip(lower=0).fillna(0).tolist(),
                             thickness=1.4 if lead else 0.8, width=4, color="#6b7280"),
                customdata=sub[[lo, hi, q]].astype(float).replace(np.inf, np.nan)
                .where(sub[[lo, hi, q]].notna(), None).values.tolist(),
                hovertemplate="<b>%{y}</b> vs the rest" + (f" ({label})" if label else "")
                              + ": %{x:.3g}<br>95% CI %{customdata[0]:.3g} – %{customdata[1]:.3g}"
                              "<br>q = %{customdata[2]:.2g}<extra></extra>",
            ))
    buttons = [dict(label=category_labels.get(c, c), method="update",
                    args=[{"visible": [i // per_cat == k for i in range(per_cat * len(cats))]},
                          {"title.text": f"{title}: {category_labels.get(c, c)}"}]) for k, c in enumerate(cats)]
    n = rest["outlet_a"].nunique()
    first = category_labels.get(cats[0], cats[0]) if cats else ""
    layout = base_layout(f"{title}: {first}", height=max(320, 150 + 30 * n), margin=dict(l=130, r=20, t=90, b=60),
                         showlegend=adjusted,
                         legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom", font=dict(size=12)),
                         xaxis=axis_style(type="log", title=dict(text=x_title)), yaxis=axis_style(autorange="reversed"),
                         shapes=[dict(type="line", x0=1, x1=1, y0=0, y1=1, yref="paper",
                                      line=dict(color="#111827", dash="dot", width=1))],
                         updatemenus=[dropdown(buttons)] if len(cats) > 1 else [])
    cols = ["category", "outlet_a", "outlet_b", "rate_a", "rate_b", "ratio", "ci_low", "ci_high", "p", "q",
            "ratio_topic", "ci_low_topic", "ci_high_topic", "q_topic", "warning"]
    desc = description or (f"Each outlet's rate ratio against all the others, per category; red: q < {fdr:g}."
            + (" Diamonds: compared within the same topics; open circles: whole outlets (length strata only)."
               if adjusted else "") + " Ratios of 0 or without bound (no hits on one side) are in the table only.")
    return FigureView(id, title, plain_spec(traces, layout), figure_data(rest, cols), id, data_file, desc)


def heatmap(
    df: pd.DataFrame, *, id: str, title: str, x: str, y: str, z: str, x_labels: dict, y_labels: dict,
    z_title: str, data_file: str | None, csv_columns: list[str], percent: bool = False, description: str = "",
    colorscale: str = "Blues",
) -> FigureView:
    """A plain heatmap of ``z`` over ``y`` (rows) × ``x`` (columns) with the value in each cell."""
    go = _go()
    xs = list(dict.fromkeys(df[x]))
    ys = list(dict.fromkeys(df[y]))
    grid = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum").reindex(index=ys, columns=xs)
    vals = grid.astype(float).where(grid.notna(), None).values.tolist()
    whole = bool(((grid.fillna(0) % 1) == 0).all().all()) and not percent
    wrap = 140 // max(1, len(xs))  # characters a column label may take on one line
    fig = go.Figure(go.Heatmap(
        z=vals, x=[_wrap(label_text(x_labels.get(v, v)), wrap) if wrap >= 14 else label_text(x_labels.get(v, v)) for v in xs],
        y=[label_text(y_labels.get(v, v)) for v in ys],
        colorscale=colorscale, texttemplate="%{z:.0%}" if percent else ("%{z:,.0f}" if whole else "%{z:.3g}"), xgap=1, ygap=1,
        colorbar=dict(title=dict(text=z_title, side="right"), thickness=12, tickformat=".0%" if percent else None),
        hovertemplate="%{y} · %{x}: %{z:" + (".1%" if percent else ".3g") + "}<extra></extra>",
    ))
    height = max(300, 110 + 34 * len(ys))
    if wrap < 14:  # column labels stand upright: room for the longest
        height += int(6.5 * max((len(str(x_labels.get(v, v))) for v in xs), default=0))
    fig.update_layout(**base_layout(label_text(title), height=height, margin=dict(l=140, r=20, t=60, b=60),
                                    xaxis=axis_style(tickangle=0 if wrap >= 14 else -90),
                                    yaxis=axis_style(autorange="reversed")))
    return FigureView(id, title, _spec(fig), figure_data(df, csv_columns), id, data_file, description)


def _wrap(label: str, width: int) -> str:
    """``label`` broken at spaces into lines of about ``width`` characters (plotly's ``<br>``)."""
    if len(label) <= width:
        return label
    lines, line = [], ""
    for word in label.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(lines)


def dropdown(buttons: list[dict]) -> dict:
    """A category drop-down just above the plot, at its left edge."""
    return dict(buttons=buttons, direction="down", x=0, xanchor="left", y=1.02, yanchor="bottom", showactive=True,
                bgcolor="#ffffff", bordercolor="#8c959f", font=dict(size=12), pad=dict(t=2, b=2))


def _inv(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    if v != v:
        return None
    if v == 0:
        return math.inf
    return 1.0 / v


def _num(v) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def _round(v: float | None) -> float | None:
    if v is None or math.isinf(v):
        return None
    return float(f"{v:.4g}")
