"""Write a run's data folder and manifest: the files researchers' scripts read.

Output contract (names and columns stable, columns may be added):
``data/documents.csv``, ``data/documents.jsonl.bz2``, ``data/matches.csv``, ``data/outlet_scores.csv``,
one ``data/<table>.csv`` (and/or ``.parquet``) per further table, ``data/README.md`` (the codebook),
``data/datapackage.json`` (Frictionless Data Package) and ``manifest.json``.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import pandas as pd

from framing.result import RunResult

PACKAGES = (
    "framing", "camel-tools", "scikit-learn", "scipy", "statsmodels", "numpy", "pandas",
    "plotly", "jinja2", "pydantic", "trafilatura", "datasketch", "skops", "rapidfuzz", "pyarrow",
)


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a run depends on, for manifest.json."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_data(result: RunResult, out_dir: Path) -> list[Path]:
    """Write every table in the configured formats (``report.formats``: CSV, UTF-8 with an optional
    byte-order mark for Excel, and/or Parquet with zstd), the documents' cleaned texts once
    (``documents.jsonl.bz2``), the codebook (``data/README.md``), the Frictionless Data Package
    descriptor (``data/datapackage.json``) and ``manifest.json``.

    ``matches`` is written without its ``sentence`` column: ``sentence_start`` and ``sentence_end``
    locate the sentence in the document's text, which is stored once; columns that
    ``documents.csv`` holds for each document are not repeated (:mod:`framing.datafiles`)."""
    from framing.datafiles import TEXTS_FILE, csv_name, formats_of, stored, write_csv, write_texts
    from framing.datapackage import write_codebook, write_descriptor

    opts = result.config.report
    formats = formats_of(opts)
    encoding = "utf-8-sig" if getattr(opts, "excel_bom", False) else "utf-8"
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    written, tables = [], {}
    doc_ids = result.tables["documents"]["doc_id"].astype(str)
    # bzip2 compresses outside the interpreter's lock: the texts are written while the tables are
    with ThreadPoolExecutor(1) as pool:
        texts = pool.submit(
            write_texts, data / TEXTS_FILE, [(d, result.texts.get(d, ""), result.removed.get(d, [])) for d in doc_ids])
        for name, frame in sorted(result.tables.items()):
            if not isinstance(frame, pd.DataFrame):
                continue
            if name == "matches":
                frame = matches_with_offsets(frame, result.texts)
            frame = stored(name, frame)
            tables[name] = frame
            if "csv" in formats:
                written.append(write_csv(frame, data / csv_name(name), encoding))
            if "parquet" in formats:
                written.append(_parquet(frame, data / f"{name}.parquet"))
        written.append(write_descriptor(data, tables, formats, encoding, result.config.title))
        written.append(write_codebook(data, tables, formats, result.config.title))
        written.append(texts.result())
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(result.manifest, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    written.append(manifest)
    return written


def matches_with_offsets(matches: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """``matches`` with ``sentence_start``/``sentence_end`` (the sentence's offsets in the document's
    text) in place of the ``sentence`` itself."""
    if "sentence" not in matches.columns:
        return matches
    starts, ends = [], []
    for doc_id, start, end, sentence in zip(matches["doc_id"], matches["start"], matches["end"], matches["sentence"]):
        text = texts.get(doc_id, "")
        sentence = sentence if isinstance(sentence, str) else ""
        s0 = text.find(sentence, max(0, int(end) - len(sentence))) if sentence else -1
        if not (0 <= s0 <= int(start) and int(end) <= s0 + len(sentence)):
            s0 = text.rfind(sentence, 0, int(start) + 1) if sentence else -1
        starts.append(s0 if s0 >= 0 else int(start))
        ends.append(s0 + len(sentence) if s0 >= 0 else int(end))
    out = matches.drop(columns="sentence")
    at = list(out.columns).index("end") + 1 if "end" in out.columns else len(out.columns)
    out.insert(at, "sentence_start", pd.array(starts, dtype="int64"))
    out.insert(at + 1, "sentence_end", pd.array(ends, dtype="int64"))
    return out


def _parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Parquet with zstd (pyarrow: the optional ``parquet`` extra; the config check asks for it)."""
    frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
    return path
