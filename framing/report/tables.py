"""Turn long-form DataFrames into escaped-by-the-template table views.

Nothing here builds HTML: a ``TableView`` is plain data (columns, rows of cells) that the
``table`` macro of ``templates/macros.html`` renders with autoescape on. Cells holding Arabic
are flagged so the template wraps them in ``dir="rtl" lang="ar"``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

ARABIC_CHARS = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
ARABIC_RE = re.compile(f"[{ARABIC_CHARS}]")
# an Arabic phrase inside other text: Arabic letters joined by spaces, digits and Arabic punctuation
ARABIC_RUN_RE = re.compile(f"[{ARABIC_CHARS}](?:[{ARABIC_CHARS}\\s\\d،؛؟.,:«»()\\-]*[{ARABIC_CHARS}])?")

LABELS = {
    "outlet": "Outlet",
    "outlet_a": "Outlet A",
    "outlet_b": "Outlet B",
    "versus": "Versus",
    "lexicon": "Lexicon",
    "kind": "Kind",
    "category": "Category",
    "category_label": "Category",
    "category_label_ar": "Category (Arabic)",
    "entry": "Entry",
    "gloss": "Gloss",
    "axis": "Axis",
    "count": "Hits",
    "tokens": "Words",
    "per_1k": "Per 1,000 words",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "doc_share": "Share of documents",
    "share": "Share",
    "rate_a": "Rate A (per 1k)",
    "rate_b": "Rate B (per 1k)",
    "ratio": "Rate ratio",
    "ratio_crude": "Crude ratio",
    "p": "p",
    "q": "q (BH)",
    "p_display": "p (how obtained)",
    "ratio_topic": "Rate ratio within topics",
    "ci_low_topic": "95% CI low (within topics)",
    "ci_high_topic": "95% CI high (within topics)",
    "p_display_topic": "p within topics",
    "q_topic": "q within topics",
    "warning": "Warning",
    "term": "Term",
    "z": "z (log-odds)",
    "topic": "Topic",
    "label": "Label",
    "top_words": "Top words",
    "size": "Size",
    "period": "Period",
    "doc_id": "Document",
    "source": "Source",
    "title": "Title",
    "date": "Date",
    "n_tokens": "Words",
    "status": "Status",
    "reason": "Reason",
    "encoding": "Encoding",
    "source_line": "Source line",
    "wire_agencies": "Wire agencies",
    "is_wire": "Wire copy",
    "outlet_inferred": "Outlet inferred",
    "duplicate_of": "Duplicate of",
    "warnings": "Warnings",
    "documents": "Documents",
}


def has_arabic(value: object) -> bool:
    """Whether a value is text with Arabic letters (shown right to left)."""
    return isinstance(value, str) and ARABIC_RE.search(value) is not None


def label_of(column: str) -> str:
    """The heading of a column: its label, else its name in words."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def fmt(value: object) -> str:
    """A short, readable rendering of one value (never HTML)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) < 1e-3:
            return f"{value:.1e}"
        return f"{value:.3g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(fmt(v) for v in value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalar
        return fmt(value.item())
    return str(value)


@dataclass
class Cell:
    text: str
    rtl: bool = False
    num: bool = False
    flag: str = ""  # css modifier, e.g. "warn" or "sig"
    href: str = ""  # a link the cell's text leads to (e.g. the concordance of an entry)


@dataclass
class Column:
    key: str
    label: str
    num: bool = False


@dataclass
class TableView:
    id: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: int
    csv: str | None = None  # data/<name>.csv, relative to index.html
    note: str = ""
    notes: list[str] = field(default_factory=list)
    fold: int = 10  # rows shown before "show all" (0: every row)
    css: str = ""  # extra class of the table, e.g. "wide" for tables that wrap their text columns

    @property
    def shown(self) -> int:
        """How many rows are shown."""
        return len(self.rows)

    @property
    def truncated(self) -> bool:
        """Whether rows were left out of the page (the data file has them all)."""
        return self.shown < self.total


def table_view(
    df: pd.DataFrame,
    *,
    id: str,
    caption: str,
    name: str | None = None,
    columns: list[str] | None = None,
    labels: dict[str, str] | None = None,
    max_rows: int = 200,
    sort_by: list[str] | str | None = None,
    ascending: bool | list[bool] = True,
    flags: dict[str, callable] | None = None,
    note: str = "",
    links: dict[str, callable] | None = None,
    fold: int = 10,
    data_file: str | None = None,
    css: str = "",
) -> TableView:
    """A view of ``df`` limited to ``max_rows`` rows (after sorting), ``columns`` in order.

    ``flags`` maps a column to a function of the row returning a css modifier for its cell;
    ``links`` maps a column to a function of the row (all of its columns, shown or not) returning
    the link of its cell ("" for none).
    """
    labels = labels or {}
    total = len(df)
    if sort_by is not None and total:
        keys = [sort_by] if isinstance(sort_by, str) else list(sort_by)
        keys = [k for k in keys if k in df.columns]
        if keys:
            asc = ascending if isinstance(ascending, bool) else list(ascending)[: len(keys)]
            df = df.sort_values(keys, ascending=asc, kind="mergesort", na_position="last")
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    shown = df.head(max_rows) if max_rows is not None else df
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in cols}
    rows = []
    for rec in shown.to_dict("records") if cols else []:
        row = []
        for c in cols:
            v = rec[c]
            text = fmt(v)
            flag = ""
            if flags and c in flags:
                flag = flags[c](rec) or ""
            href = links[c](rec) or "" if links and c in links else ""
            row.append(Cell(text=text, rtl=has_arabic(text), num=numeric[c], flag=flag, href=href))
        rows.append(row)
    if data_file is None and name:
        from framing.datafiles import csv_name

        data_file = f"data/{csv_name(name)}"
    csv = data_file
    if not note and len(rows) < total:
        where = f"; all {total:,} rows are in {csv}" if csv else ""
        note = f"Showing {len(rows):,} of {total:,} rows{where}."
    return TableView(
        id=id,
        caption=caption,
        columns=[Column(c, labels.get(c, label_of(c)), numeric[c]) for c in cols],
        rows=rows,
        total=total,
        csv=csv,
        note=note,
        fold=fold,
        css=css,
    )
