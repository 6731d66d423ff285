"""What the data folder stores of each table, so that it stays small enough to travel.

A column that is a function of ``doc_id`` (the same value on every row of a document) is written
once, in ``documents.csv``, and joined on ``doc_id`` by whoever needs it: ``matches`` leaves out
the document's ``source`` (it keeps ``outlet``, which almost every analysis groups by) and
``topic_units`` its ``outlet``. The documents' cleaned texts are written once, in
``documents.jsonl.bz2`` (bzip2 compresses Arabic text to about two thirds of gzip's size; pandas,
R's ``gzfile`` and Frictionless read it as they read gzip). The two tables with a row per edit or
per paragraph, read by scripts rather than by eye, are gzip-compressed CSV (``COMPRESSED``:
``<table>.csv.gz``, a tenth of their plain size; ``pd.read_csv`` and R's ``read.csv`` read them as
they are); the tables a reader opens in a spreadsheet, ``matches`` and ``documents`` among them,
stay plain CSV.
"""

from __future__ import annotations

import bz2
import json
from pathlib import Path
from typing import Iterable

import pandas as pd

TEXTS_FILE = "documents.jsonl.bz2"

# columns that repeat a document's value on each of its rows, left out of the stored table
JOINED: dict[str, tuple[str, ...]] = {
    "matches": ("source",),
    "topic_units": ("outlet",),
}

# tables written as <table>.csv.gz: long, repetitive, and read by scripts
COMPRESSED = frozenset({"wire_edits", "topic_units"})


def csv_name(name: str) -> str:
    """The file name of a table's CSV in the data folder: ``<name>.csv``, or ``<name>.csv.gz`` for
    the tables in ``COMPRESSED``."""
    return f"{name}.csv.gz" if name in COMPRESSED else f"{name}.csv"


def formats_of(report_options) -> list[str]:
    """The formats a run writes its tables in (``report.formats``; CSV when not given)."""
    return list(getattr(report_options, "formats", None) or ["csv"])


def data_file(name: str, formats) -> str:
    """The file a table is read from in the data folder: its CSV when ``formats`` (the run's
    ``report.formats``) has csv, else its Parquet file."""
    return csv_name(name) if "csv" in formats else f"{name}.parquet"


def write_csv(frame: pd.DataFrame, path: Path, encoding: str) -> Path:
    """Write a table as CSV (UTF-8, with a byte-order mark when ``encoding`` is ``utf-8-sig``);
    gzip-compressed when ``path`` ends in ``.gz``, with no timestamp in its header, so that the same
    run gives the same bytes."""
    compression = {"method": "gzip", "compresslevel": 6, "mtime": 0} if path.name.endswith(".gz") else None
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6g", encoding=encoding,
                 compression=compression)
    return path


def stored(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table as the data folder stores it: without the columns ``documents.csv`` already holds
    for each document (``JOINED``)."""
    drop = [c for c in JOINED.get(name, ()) if c in frame.columns]
    return frame.drop(columns=drop) if drop and "doc_id" in frame.columns else frame


def text_rows(doc_ids: Iterable[str], texts: dict[str, str], removed: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """The rows of ``documents.jsonl.bz2``: ``(doc_id, text, removed)`` for every document of the
    ledger, in its order (an empty text and nothing removed for a document without them)."""
    return [(d, texts.get(d, ""), removed.get(d, [])) for d in doc_ids]


def pack_texts(rows: Iterable[tuple[str, str, list[str]]], chunk: int = 1 << 20) -> bytes:
    """``(doc_id, text, removed)`` rows as the bytes of ``documents.jsonl.bz2``: bzip2-compressed
    (level 9) JSON lines (``doc_id``, ``text``, ``removed``), handed to the compressor about
    ``chunk`` characters at a time; bzip2 stores no timestamp, so the same rows give the same
    bytes. The compressor works outside the interpreter's lock: a thread can pack beside other work."""
    packer = bz2.BZ2Compressor(9)
    out, lines, size = [], [], 0
    for doc_id, text, removed in rows:
        line = json.dumps({"doc_id": doc_id, "text": text, "removed": list(removed)}, ensure_ascii=False) + "\n"
        lines.append(line)
        size += len(line)
        if size >= chunk:
            out.append(packer.compress("".join(lines).encode("utf-8")))
            lines, size = [], 0
    out.append(packer.compress("".join(lines).encode("utf-8")))
    out.append(packer.flush())
    return b"".join(out)
