"""What ``framing run`` says when it is done: the strongest findings (the report summary's first
sentences), how many results carry a warning, the skipped documents by kind of reason, and where
the report is. Plain text from the run's tables; no plotly, no templates."""

from __future__ import annotations

import pandas as pd

FINDINGS = 3


def findings(result, n: int = FINDINGS) -> list[str]:
    """The first ``n`` sentences of the summary: the declared comparison's when there is one,
    else the strongest one-vs-rest differences (``headlines``)."""
    out: list[str] = []
    for name in ("compare_headlines", "headlines"):
        df = result.tables.get(name)
        if isinstance(df, pd.DataFrame) and not df.empty and "text" in df.columns:
            out += [t for t in df["text"].tolist() if isinstance(t, str) and t.strip()]
        if out:
            break
    return out[:n]


def warning_counts(result) -> dict[str, int]:
    """Results and documents that carry a warning, by table."""
    counts = {}
    for name, label in (("compare", "declared contrasts"), ("contrasts", "contrasts"),
                        ("naming_shares", "naming shares"), ("documents", "documents")):
        df = result.tables.get(name)
        col = "warnings" if name == "documents" else "warning"
        if isinstance(df, pd.DataFrame) and col in df.columns:
            n = int(df[col].fillna("").astype(str).str.strip().isin(["", "[]"]).__invert__().sum())
            if n:
                counts[label] = n
    return counts


def skipped_by_kind(result) -> dict[str, int]:
    """Skipped documents by kind of reason, most frequent first."""
    reasons = (result.manifest.get("documents") or {}).get("skipped_by_reason") or {}
    return dict(sorted(((str(k), int(v)) for k, v in reasons.items()), key=lambda kv: (-kv[1], kv[0])))


def console_story(result) -> str:
    """What a run prints at its end: the strongest findings, warnings, skipped documents and where
    the report is."""
    docs = result.manifest.get("documents") or {}
    lines = []
    found = findings(result)
    if found:
        lines.append("Strongest findings:")
        lines += [f"  {i}. {t}" for i, t in enumerate(found, 1)]
    else:
        lines.append("No difference between outlets is clear enough for a headline (see the contrasts in the report).")
    warn = warning_counts(result)
    total = sum(warn.values())
    lines.append(f"Warnings: {total:,}" + (" (" + ", ".join(f"{v:,} {k}" for k, v in warn.items()) + ")" if warn else "")
                 + ("; read those results as indications only." if total else "."))
    skipped = skipped_by_kind(result)
    line = f"Documents: {int(docs.get('input', 0)):,} in, {int(docs.get('analysed', 0)):,} analysed, " \
           f"{int(docs.get('skipped', 0)):,} skipped"
    if skipped:
        line += " (" + ", ".join(f"{k}: {v:,}" for k, v in skipped.items()) + ")"
    from framing.datafiles import data_file, formats_of

    formats = formats_of(getattr(result.config, "report", None))
    lines.append(line + f"; every document and its reason: data/{data_file('documents', formats)}.")
    if result.report_path:
        lines.append(f"Report: {result.report_path}")
    return "\n".join(lines)
