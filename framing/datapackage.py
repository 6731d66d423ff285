"""The data folder describes itself: a Frictionless Data Package descriptor
(``data/datapackage.json``, https://specs.frictionlessdata.io/data-package/) and a codebook
(``data/README.md``) with every table, column, type and meaning (from ``framing/codebook.py``) and
how to load them in pandas and R. Plain JSON and Markdown: no dependency."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from framing import __version__
from framing.codebook import describe, table_description
from framing.datafiles import COMPRESSED, JOINED, TEXTS_FILE, csv_name

TEXT_RESOURCE = "documents_text"


def field_type(series: pd.Series) -> str:
    """The Frictionless field type of a column."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    if len(series.dropna()) and pd.api.types.infer_dtype(series, skipna=True) == "boolean":
        return "boolean"  # an object column of True/False only
    return "string"


def schema(name: str, frame: pd.DataFrame) -> dict:
    """The Frictionless table schema of a table: each column with its type and meaning."""
    return {"fields": [{"name": str(c), "type": field_type(frame[c]), "description": describe(name, str(c))}
                       for c in frame.columns]}


def resources(tables: dict[str, pd.DataFrame], formats: list[str], encoding: str) -> list[dict]:
    """The Frictionless resources of the tables, in the first of the written formats."""
    out = []
    fmt = "csv" if "csv" in formats else "parquet"
    for name, frame in tables.items():
        path = csv_name(name) if fmt == "csv" else f"{name}.{fmt}"
        res = {"name": name.lower(), "path": path, "profile": "tabular-data-resource", "format": fmt,
               "description": table_description(name), "schema": schema(name, frame)}
        if fmt == "csv":
            res.update({"mediatype": "text/csv", "encoding": encoding})
            if name in COMPRESSED:
                res["compression"] = "gz"
        out.append(res)
    out.append({"name": TEXT_RESOURCE, "path": TEXTS_FILE, "format": "jsonl", "compression": "gz",
                "mediatype": "application/x-ndjson", "encoding": "utf-8",
                "description": table_description(TEXT_RESOURCE) + " One JSON object a line: doc_id, text, removed."})
    return out


def write_descriptor(data: Path, tables: dict[str, pd.DataFrame], formats: list[str], encoding: str,
                     title: str) -> Path:
    """Write data/datapackage.json for the tables; returns its path."""
    package = {
        "profile": "data-package",
        "name": "framing-study",
        "title": title,
        "description": "The numbers behind a framing report: every table of the run, one row per record, "
                       "documented column by column (see README.md in this folder).",
        "created_by": f"framing {__version__}",
        "resources": resources(tables, formats, encoding),
    }
    path = data / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _compressed_note(tables: dict[str, pd.DataFrame], ext: str) -> str:
    """The codebook's word on the tables written as gzip-compressed CSV, if any."""
    gz = sorted(n for n in tables if n in COMPRESSED)
    if ext != "csv" or not gz:
        return ""
    return (f" ({', '.join(f'`{csv_name(n)}`' for n in gz)}: gzip-compressed, long tables read by scripts; "
            "`pd.read_csv` and R's `read.csv` read them as they are)")


def write_codebook(data: Path, tables: dict[str, pd.DataFrame], formats: list[str], title: str) -> Path:
    """Write data/README.md, the codebook of the tables; returns its path."""
    ext = "csv" if "csv" in formats else "parquet"
    lines = [
        f"# Codebook: {title}",
        "",
        f"Written by framing {__version__}. Every table of the run is here as `<table>.{ext}`"
        + (" and `<table>.parquet` (zstd)" if ext == "csv" and "parquet" in formats else "")
        + _compressed_note(tables, ext)
        + "; `datapackage.json` describes the same tables for Frictionless tools "
          "(`frictionless validate datapackage.json`).",
        "",
        "Every count can be traced to its sentence: a row of `matches` gives the document (`doc_id`) and the "
        "character offsets of the hit (`start`, `end`) and of its sentence (`sentence_start`, `sentence_end`) in "
        f"the document's cleaned text, stored once in `{TEXTS_FILE}` (gzip-compressed, one JSON object a line: "
        "`doc_id`, `text`, `removed`). Offsets count Unicode code points (Python and R string positions; R's "
        "`substr` starts at 1).",
        "",
        "A document's own columns are written once, in `documents`: "
        + "; ".join(f"`{name}` leaves out {', '.join(f'`{c}`' for c in cols)}"
                    for name, cols in JOINED.items() if name in tables)
        + " (join `documents` on `doc_id` for them: in pandas "
        "`matches.merge(documents[[\"doc_id\", \"source\"]], on=\"doc_id\")`).",
        "",
        "## Loading",
        "",
        "pandas:",
        "",
        "```python",
        "import pandas as pd",
        f"matches = pd.read_{'csv' if ext == 'csv' else 'parquet'}(\"data/matches.{ext}\")",
        f"texts = pd.read_json(\"data/{TEXTS_FILE}\", lines=True).set_index(\"doc_id\")[\"text\"]",
        "matches[\"sentence\"] = [texts[d][a:b] for d, a, b in",
        "                       zip(matches.doc_id, matches.sentence_start, matches.sentence_end)]",
        f"scores = pd.read_{'csv' if ext == 'csv' else 'parquet'}(\"data/outlet_scores.{ext}\")",
        "scores.pivot_table(index=\"outlet\", columns=\"category\", values=\"per_1k\")",
        "```",
        "",
        "R:",
        "",
        "```r",
        (f'matches <- read.csv("data/matches.csv", encoding = "UTF-8")' if ext == "csv"
         else 'matches <- arrow::read_parquet("data/matches.parquet")'),
        f'texts <- jsonlite::stream_in(gzfile("data/{TEXTS_FILE}"))',
        "m <- merge(matches, texts[, c(\"doc_id\", \"text\")], by = \"doc_id\")",
        "m$sentence <- substr(m$text, m$sentence_start + 1, m$sentence_end)",
        (f'scores <- read.csv("data/outlet_scores.csv", encoding = "UTF-8")' if ext == "csv"
         else 'scores <- arrow::read_parquet("data/outlet_scores.parquet")'),
        "```",
        "",
        "Excel: set `report.excel_bom: true` in the study config so that the CSV files start with a UTF-8 "
        "byte-order mark and Excel shows the Arabic text.",
        "",
        "## Tables",
        "",
    ]
    for name, frame in tables.items():
        lines += [f"### {name} ({len(frame):,} rows)", "", table_description(name), "",
                  "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{c}` | {field_type(frame[c])} | {describe(name, str(c)).replace('|', '/')} |" for c in frame.columns]
        lines.append("")
    lines += [f"### {TEXT_RESOURCE} ({TEXTS_FILE})", "", table_description(TEXT_RESOURCE), "",
              "| field | type | meaning |", "| --- | --- | --- |",
              f"| `doc_id` | string | {describe('documents', 'doc_id')} |",
              f"| `text` | string | {describe(TEXT_RESOURCE, 'text')} |",
              f"| `removed` | array | {describe(TEXT_RESOURCE, 'removed')} |", ""]
    path = data / "README.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
