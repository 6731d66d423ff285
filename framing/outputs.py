"""Write a run's data folder and manifest: the files researchers' scripts read.

Output contract (names and columns stable, columns may be added):
``data/documents.csv``, ``data/documents.jsonl.gz``, ``data/matches.csv``, ``data/outlet_scores.csv``,
one ``data/<table>.csv`` (and/or ``.parquet``) per further table, ``data/README.md`` (the codebook),
``data/datapackage.json`` (Frictionless Data Package) and ``manifest.json``.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future
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


def write_data(result: RunResult, out_dir: Path, texts: Future | None = None, tables=None) -> list[Path]:
    """Write every table (:func:`write_tables`), the documents' cleaned texts once
    (``documents.jsonl.gz``) and ``manifest.json``.

    ``texts``: the bytes of ``documents.jsonl.gz`` to come (:func:`packed_texts`); without it,
    the texts are compressed here, while the tables are written. ``tables``: the tables being
    written already (:func:`tables_beside`), waited for here; without it, they are written here."""
    from framing.datafiles import FORMER_TEXTS_FILES, TEXTS_FILE

    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    for former in FORMER_TEXTS_FILES:  # the texts as an earlier version wrote them: not this run's
        (data / former).unlink(missing_ok=True)
    # zlib compresses outside the interpreter's lock: the texts are packed while the tables are written
    texts = texts if texts is not None else packed_texts(result)
    written = tables.result() if tables is not None else write_tables(result, out_dir)
    (data / TEXTS_FILE).write_bytes(texts.result())
    written.append(data / TEXTS_FILE)
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(result.manifest, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    written.append(manifest)
    return written


def write_tables(result: RunResult, out_dir: Path) -> list[Path]:
    """Write every table in the configured formats (``report.formats``: CSV, UTF-8 with an optional
    byte-order mark for Excel, and/or Parquet with zstd), the codebook (``data/README.md``) and the
    Frictionless Data Package descriptor (``data/datapackage.json``).

    ``matches`` is written without its ``sentence`` column: ``sentence_start`` and ``sentence_end``
    locate the sentence in the document's text, which is stored once; columns that
    ``documents.csv`` holds for each document are not repeated (:mod:`framing.datafiles`)."""
    from framing.datafiles import csv_name, formats_of, stored, write_csv
    from framing.datapackage import write_codebook, write_descriptor

    opts = result.config.report
    formats = formats_of(opts)
    encoding = "utf-8-sig" if getattr(opts, "excel_bom", False) else "utf-8"
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    written, tables = [], {}
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
    return written


def tables_beside(result: RunResult, out_dir: Path):
    """:func:`write_tables` in a forked process (:func:`framing.background.start`), so that this one
    can render the report meanwhile (the tables are about a third of the report's time: 3 CPU-s
    against 6 on 30,000 articles); where processes cannot be forked, or above
    ``background.READS_ALL_AT_MOST`` documents (for memory), they are written at once, here.
    Hand it to :func:`write_data`, and :meth:`~framing.background.Pending.stop` it on the way out."""
    from framing import background

    fork = len(result.texts) <= background.READS_ALL_AT_MOST and background.can_fork()  # for memory
    return background.start("the data tables", lambda: write_tables(result, out_dir), fork=fork)


def _pack(result: RunResult) -> bytes:
    from framing.datafiles import pack_texts, text_rows

    return pack_texts(text_rows(result.tables["documents"]["doc_id"].astype(str), result.texts, result.removed))


def packed_texts(result: RunResult, cache=None, corpus_key: str | None = None) -> Future:
    """The bytes of ``documents.jsonl.gz``, to come. They depend on the cleaned corpus alone, so
    with a cache (a :class:`framing.cache.Cache`) and the corpus's key they are kept under kind
    ``texts`` and a re-run on the same corpus (after a lexicon edit, say) reads them instead of
    compressing 100 MB of text again (30,000 articles);
    otherwise a thread compresses them beside the caller's next work (the stages, then the report)
    and stores them.
    The cache is read now, so that its hits and misses are counted before the run records them."""
    from framing.cache import code_revision, digest

    done: Future = Future()
    code = ("framing.datafiles",)
    key = digest("texts", code_revision(*code), corpus_key) if cache is not None and corpus_key else None
    packed = cache.get("texts", key) if key else None
    if packed is not None:
        done.set_result(packed)
        return done

    def pack() -> None:
        try:
            value = _pack(result)
            if key:
                cache.put("texts", key, value, code=code, corpus=corpus_key)
            done.set_result(value)
        except BaseException as exc:  # noqa: BLE001 - raised where the bytes are asked for
            done.set_exception(exc)

    threading.Thread(target=pack, name="pack-texts").start()  # not a daemon: a put is never cut short
    return done


def matches_with_offsets(matches: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """``matches`` with ``sentence_start``/``sentence_end`` (the sentence's offsets in the document's
    text) in place of the ``sentence`` itself: the analysis's own offsets where the table has them
    (:data:`framing.analyse.tables.MATCH_COLUMNS`), else found again from the sentence's text."""
    if "sentence" not in matches.columns:
        return matches
    if {"sentence_start", "sentence_end"} <= set(matches.columns):  # the analysis's own offsets
        return matches.drop(columns="sentence")
    starts, ends = [], []
    columns = (matches[c].tolist() for c in ("doc_id", "start", "end", "sentence"))  # lists: fast to walk
    for doc_id, start, end, sentence in zip(*columns):
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
