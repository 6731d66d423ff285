"""Write a run's data folder and manifest: the files researchers' scripts read.

Output contract (names and columns stable, columns may be added):
``data/documents.csv``, ``data/documents.jsonl``, ``data/matches.csv``, ``data/outlet_scores.csv``,
one ``data/<table>.csv`` per further table, and ``manifest.json``.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pandas as pd

from framing.result import RunResult

PACKAGES = (
    "framing", "camel-tools", "scikit-learn", "scipy", "statsmodels", "numpy", "pandas",
    "bertopic", "plotly", "jinja2", "pydantic", "trafilatura", "datasketch", "skops", "rapidfuzz",
)


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_data(result: RunResult, out_dir: Path) -> list[Path]:
    """Write every table as CSV (UTF-8, no index), documents.jsonl and manifest.json."""
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in sorted(result.tables.items()):
        if not isinstance(frame, pd.DataFrame):
            continue
        path = data / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
        written.append(path)
    jsonl = data / "documents.jsonl"
    with jsonl.open("w", encoding="utf-8", newline="\n") as fh:
        for doc_id in result.tables["documents"]["doc_id"]:
            row = {"doc_id": doc_id, "text": result.texts.get(doc_id, ""), "removed": result.removed.get(doc_id, [])}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    written.append(jsonl)
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(result.manifest, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    written.append(manifest)
    return written
