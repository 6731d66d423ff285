"""The document ledger: ``data/documents.csv``, one row per input document, analysed or skipped
with its reason, so that count in = count out can be checked and shown."""

from __future__ import annotations

import re

import pandas as pd

from framing.arabic import count_words
from framing.corpus.dedup import exact_key
from framing.records import Document

COLUMNS = [
    "doc_id", "outlet", "source", "title", "date", "n_tokens", "status", "reason", "encoding",
    "source_line", "wire_agencies", "is_wire", "outlet_inferred", "duplicate_of",
    # added columns
    "reason_kind", "duplicate_kind", "url", "n_removed", "warnings",
]
_KIND = re.compile(r"^(duplicate|parse error|[^:(]+?)(?=\s+of\s|\s+at\s|\s*:|\s*\(|$)")


def reason_kind(reason: str) -> str:
    """The reason without its details: "too short", "duplicate", "parse error", "not Arabic", ..."""
    m = _KIND.match(reason)
    return m.group(1).strip() if m else reason


def ledger_frame(docs: list[Document], n_tokens: dict[str, int] | None = None) -> pd.DataFrame:
    """data/documents.csv as a DataFrame: one row per input document, analysed or skipped, with its
    reason and ingestion columns (``n_tokens`` from the analysis when given, else counted)."""
    by_id = {d.doc_id: d for d in docs}
    rows = []
    for d in docs:
        if n_tokens is not None:
            tokens = n_tokens.get(d.doc_id, 0)
        else:
            tokens = count_words(d.text) if d.analysed else 0
        rows.append((
            d.doc_id, d.outlet, d.source, d.title, d.date, int(tokens), d.status, d.reason, d.encoding or "",
            d.source_line, ";".join(d.wire_agencies), bool(d.is_wire), d.outlet_inferred, d.duplicate_of,
            reason_kind(d.reason) if d.reason else "", _duplicate_kind(d, by_id), d.url or "",
            len(d.removed), " | ".join(d.warnings),
        ))
    return pd.DataFrame(rows, columns=COLUMNS)


def _duplicate_kind(doc: Document, by_id: dict[str, Document]) -> str:
    """The kind the duplicate check decided (the texts may differ since: titles are prepended to
    the analysed documents' texts only); for documents marked elsewhere, from their texts."""
    if not doc.duplicate_of:
        return ""
    if doc.duplicate_kind:
        return doc.duplicate_kind
    canon = by_id.get(doc.duplicate_of)
    if canon is None:
        return "duplicate"
    if canon.outlet != doc.outlet:
        return "shared wire copy"
    return "exact" if exact_key(canon.text) == exact_key(doc.text) else "near"


def ledger_records(docs: list[Document]):
    """One dict per document with its cleaned text, what was removed and its warnings, for
    ``data/documents.jsonl.gz``."""
    for d in docs:
        yield {"doc_id": d.doc_id, "outlet": d.outlet, "source": d.source, "status": d.status, "reason": d.reason,
               "title": d.title, "text": d.text, "removed": list(d.removed), "warnings": list(d.warnings)}
