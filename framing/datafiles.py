"""What the data folder stores of each table, so that it stays small enough to travel.

A column that is a function of ``doc_id`` (the same value on every row of a document) is written
once, in ``documents.csv``, and joined on ``doc_id`` by whoever needs it: ``matches`` leaves out
the document's ``source`` (it keeps ``outlet``, which almost every analysis groups by) and
``topic_units`` its ``outlet``. The documents' cleaned texts are written once, in
``documents.jsonl.gz`` (gzip, as the compressed tables: pandas, R's ``gzfile`` and Frictionless
read it as it is; bzip2 made the file smaller but took several times the CPU to write, on cores
the run's other stages use, and longer to read). The two tables with a row per edit or
per paragraph, read by scripts rather than by eye, are gzip-compressed CSV (``COMPRESSED``:
``<table>.csv.gz``, about a seventh of their plain size; ``pd.read_csv`` and R's ``read.csv`` read them as
they are); the tables a reader opens in a spreadsheet, ``matches`` and ``documents`` among them,
stay plain CSV.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Iterable

import pandas as pd

TEXTS_FILE = "documents.jsonl.gz"
FORMER_TEXTS_FILES = ("documents.jsonl.bz2",)  # what earlier versions wrote: removed from a data folder written again

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


FLOAT_FORMAT = "%.6g"  # how the data files write floating-point numbers
# gzip level of the compressed tables: on SaudiNewsNet's wire_edits and topic_units, level 3 takes a
# third of level 6's time (0.26 against 0.75 s) for files 16% larger (6.4 against 5.5 MB)
# (benchmarks/bench_data_tables.py)
GZIP_LEVEL = 3


def write_csv(frame: pd.DataFrame, path: Path, encoding: str) -> Path:
    """Write a table as CSV (:func:`csv_bytes`: UTF-8, with a byte-order mark when ``encoding`` is
    ``utf-8-sig``); gzip-compressed when ``path`` ends in ``.gz``, with no timestamp in its header,
    so that the same run gives the same bytes."""
    import gzip

    data = csv_bytes(frame, encoding)
    if path.name.endswith(".gz"):
        # the header names the file, as pandas' gzip output does; zlib compresses outside the
        # interpreter's lock
        with open(path, "wb") as raw, gzip.GzipFile(filename=path.name[:-3], mode="wb", fileobj=raw,
                                                    compresslevel=GZIP_LEVEL, mtime=0) as out:
            out.write(data)
    else:
        path.write_bytes(data)
    return path


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """The table as CSV, as ``frame.to_csv(index=False, lineterminator="\\n",
    float_format=FLOAT_FORMAT)`` writes it: fields quoted only where they hold a comma, a double
    quote or a line break (a carriage return too, which Python 3.11's csv module leaves bare and
    many readers take for the end of a row), missing values empty, booleans ``True`` and ``False``.

    Where pyarrow is installed (the ``parquet`` extra; pandas' own text columns use it), text,
    integer and boolean columns are formatted by its compute kernels (SaudiNewsNet's tables in 0.53
    s against pandas' 1.53 s: benchmarks/bench_data_tables.py), floating-point columns by
    ``FLOAT_FORMAT``, value by value. Without it, and for a table with a column of another type
    (dates, categories, objects that are not all text), with fewer than two columns or with no
    rows, pandas writes the table (a carriage return is then left bare)."""
    fast = len(frame) and frame.shape[1] > 1 and frame.columns.is_unique and encoding in ("utf-8", "utf-8-sig")
    cells = _csv_cells(frame) if fast and _have_pyarrow() else None
    if cells is None:
        return frame.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT).encode(encoding)
    import pyarrow as pa
    import pyarrow.compute as pc

    header = ",".join(_quoted_one(str(c)) for c in frame.columns) + "\n"
    rows = pc.cast(pc.binary_join_element_wise(*cells, ","), pa.large_string())
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    rows = pa.LargeListArray.from_arrays(pa.array([0, len(rows)], pa.int64()), rows)
    body = pc.binary_join(rows, pa.scalar("\n", pa.large_string()))[0].as_buffer()
    bom = b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b""
    return b"".join([bom, header.encode("utf-8"), memoryview(body), b"\n"])


def _have_pyarrow() -> bool:
    """Whether pyarrow's compute kernels can be imported (pyarrow is an optional dependency: the
    ``parquet`` extra)."""
    try:
        import pyarrow.compute  # noqa: F401
    except ImportError:
        return False
    return True


def _quoted_one(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def _csv_cells(frame: pd.DataFrame) -> list | None:
    """Each column's fields as a pyarrow string array, or None where a column's type is not one
    :func:`csv_text` formats itself."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = []
    for _, col in frame.items():
        dtype = col.dtype
        if pd.api.types.is_bool_dtype(dtype):
            arr = pa.array(col, type=pa.bool_(), from_pandas=True)
            cell = pc.if_else(arr, "True", "False")
        elif pd.api.types.is_integer_dtype(dtype):
            cell = pc.cast(pa.array(col, from_pandas=True), pa.string())
        elif pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            values = col.to_numpy()
            cell = pa.array(["" if v != v else FLOAT_FORMAT % v for v in values.tolist()], type=pa.string())
        elif pd.api.types.is_string_dtype(dtype) and _all_text(col):
            arr = pa.array(col, type=pa.string(), from_pandas=True)
            needs = pc.match_substring_regex(arr, '[,"\n\r]')
            cell = arr
            if pc.any(needs).as_py():
                quote = pa.scalar('"')
                quoted = pc.binary_join_element_wise(quote, pc.replace_substring(arr, '"', '""'), quote, pa.scalar(""))
                cell = pc.if_else(needs, quoted, arr)
        else:
            return None
        out.append(pc.fill_null(cell, ""))
    return out


def _all_text(col: pd.Series) -> bool:
    """Whether every value of a string-typed column is text or missing (an object column may hold
    other values, which pandas writes with ``str``)."""
    if not pd.api.types.is_object_dtype(col.dtype):
        return True
    return all(isinstance(v, str) or v is None or (isinstance(v, float) and v != v) for v in col.tolist())


def stored(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table as the data folder stores it: without the columns ``documents.csv`` already holds
    for each document (``JOINED``)."""
    drop = [c for c in JOINED.get(name, ()) if c in frame.columns]
    return frame.drop(columns=drop) if drop and "doc_id" in frame.columns else frame


def text_rows(doc_ids: Iterable[str], texts: dict[str, str], removed: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """The rows of ``documents.jsonl.gz``: ``(doc_id, text, removed)`` for every document of the
    ledger, in its order (an empty text and nothing removed for a document without them)."""
    return [(d, texts.get(d, ""), removed.get(d, [])) for d in doc_ids]


def pack_texts(rows: Iterable[tuple[str, str, list[str]]], chunk: int = 1 << 20) -> bytes:
    """``(doc_id, text, removed)`` rows as the bytes of ``documents.jsonl.gz``: gzip-compressed
    (``GZIP_LEVEL``) JSON lines (``doc_id``, ``text``, ``removed``), handed to the compressor about
    ``chunk`` characters at a time; the header names the file and holds no timestamp, so the same
    rows give the same bytes. zlib compresses outside the interpreter's lock: a thread can pack
    beside other work."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=TEXTS_FILE[:-3], mode="wb", fileobj=buffer, compresslevel=GZIP_LEVEL,
                       mtime=0) as packer:
        lines, size = [], 0
        for doc_id, text, removed in rows:
            line = json.dumps({"doc_id": doc_id, "text": text, "removed": list(removed)}, ensure_ascii=False) + "\n"
            lines.append(line)
            size += len(line)
            if size >= chunk:
                packer.write("".join(lines).encode("utf-8"))
                lines, size = [], 0
        packer.write("".join(lines).encode("utf-8"))
    return buffer.getvalue()
