"""JSONL lines read in chunks and parsed later (in the worker processes) give the documents that
reading the file line by line gives: every skip reason, line number, id, date and encoding, in
every encoding path, and across chunk and batch boundaries."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import json

import pytest

from framing.analyse import parallel
from framing.config import RunOptions
from framing.corpus import load
from framing.corpus.readers import Lines, Raw, read_spec
from framing.corpus.work import raws_of
from tests.corpus_of_config import load_corpus, sources_of
from test_corpus_helpers import article, config

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="forked worker processes need Linux")


def _line(obj, ascii_only=False) -> bytes:
    return (json.dumps(obj, ensure_ascii=ascii_only) + "\n").encode("utf-8")


def _lines() -> list[bytes]:
    """Good rows and every kind of bad one, each several times so that they fall in different
    chunks."""
    out = []
    for i in range(30):
        outlet = ("one", "two", "")[i % 3]
        row = {"id": f"r{i % 7}", "outlet": outlet, "title": f"عنوان {i}", "text": article(i), "date": "2020-10-07"}
        kind = i % 10
        if kind == 1:
            out.append(b'{"id": "broken", "text": "\xd8\xa7\n')  # not valid JSON
        elif kind == 2:
            out.append(b"[1, 2, 3]\n")  # JSON, not an object
        elif kind == 3:
            out.append(b"   \n")  # blank: no document, but a line
            out.append(_line({k: v for k, v in row.items() if k != "text"}))  # missing field
        elif kind == 4:
            out.append(_line(row)[:-40] + b"\xff\xfe" + _line(row)[-40:])  # undecodable bytes
        elif kind == 5:
            out.append(_line(dict(row, text=article(i) + " @"), True).replace(b" @", b" \\ud800"))  # surrogate
        elif kind == 6:
            out.append(_line(dict(row, text={"nested": "x"})))
        elif kind == 7:
            out.append(_line(dict(row, date="yesterday", url="http://x/1"), ascii_only=True))
        else:
            out.append(_line(row))
    out[0] = b"\xef\xbb\xbf" + out[0]  # a BOM before the first line
    out[-1] = out[-1].rstrip(b"\n")  # no line end after the last line
    return out


def _spec(tmp_path, name, **source):
    cfg = config(tmp_path, [{"path": name, **source}])
    [spec] = cfg.source_specs()
    return spec


def _docs(items) -> list[dict]:
    return [dataclasses.asdict(r.doc) | {"id_hint": r.id_hint} for r in raws_of(list(items))]


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("chunk", [(1, 1), (200, 3), (10**6, 7), (10**9, 10**6)])
def test_chunked_lines_give_the_documents_read_line_by_line(tmp_path, gz, chunk):
    data = b"".join(_lines())
    name = "rows.jsonl.gz" if gz else "rows.jsonl"
    (tmp_path / name).write_bytes(gzip.compress(data) if gz else data)
    spec = _spec(tmp_path, name)
    whole = list(read_spec(spec))
    chunked = list(read_spec(spec, chunk=chunk))
    assert all(type(i) is Raw for i in whole) and all(type(i) is Lines for i in chunked)
    assert _docs(chunked) == _docs(whole)
    reasons = " | ".join(d.doc.reason for d in whole)
    for what in ("parse error at line 2:", "a JSON list", "missing field 'text'", "undecodable: line",
                 "holds a JSON dict", "missing outlet"):
        assert what in reasons, what
    assert whole[0].doc.analysed and whole[0].doc.title == "عنوان 0"
    assert any(w.startswith("date") or "yesterday" in w for r in whole for w in r.doc.warnings)


@pytest.mark.parametrize("codec", ["cp1256", "utf-16"])
def test_other_encodings(tmp_path, codec):
    rows = [json.dumps({"outlet": "one", "text": article(i)}, ensure_ascii=False) for i in range(5)]
    rows[2] = "{broken"
    (tmp_path / "r.jsonl").write_bytes(("\n".join(rows) + "\n").encode(codec))
    spec = _spec(tmp_path, "r.jsonl", encoding=codec)
    chunked = list(read_spec(spec, chunk=(100, 2)))
    # single-byte encodings go in chunks; others are decoded as a stream, line by line
    assert all(type(i) is (Lines if codec == "cp1256" else Raw) for i in chunked)
    assert _docs(chunked) == _docs(read_spec(spec))
    assert _docs(chunked)[2]["reason"].startswith("parse error at line 3")


def test_a_truncated_stream_keeps_the_lines_read_whole(tmp_path):
    data = b"".join(_line({"outlet": "one", "text": article(i % 5)}) for i in range(400))
    (tmp_path / "t.jsonl.gz").write_bytes(gzip.compress(data)[:-200])
    spec = _spec(tmp_path, "t.jsonl.gz")
    whole = _docs(read_spec(spec))
    assert whole[-1]["reason"].startswith("unreadable file: the stream breaks off")
    assert len(whole) > 300
    for chunk in [(1, 1), (5000, 7), (10**9, 10**6)]:
        assert _docs(read_spec(spec, chunk=chunk)) == whole


def _mixed_corpus(tmp_path) -> list:
    """Single files, CSV rows (read here) and JSONL lines (parsed by the workers), so that batches
    mix raw documents and chunks of lines."""
    (tmp_path / "rows.jsonl").write_bytes(b"".join(_lines()))
    again = [line for line in _lines()[1:] if b"\xff" not in line]  # copies of the rows above
    (tmp_path / "more.jsonl.gz").write_bytes(gzip.compress(b"\n\n".join(again[::-1])))
    (tmp_path / "empty.jsonl").write_bytes(b"")
    txt = tmp_path / "txt"
    txt.mkdir()
    for i in range(5):
        (txt / f"{i}.txt").write_text(f"عنوان {i}\n\n{article(100 + i)}\nالمصدر : الجزيرة + وكالات\n", encoding="utf-8")
    with (tmp_path / "c.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "outlet", "text"])
        for i in range(8):
            w.writerow([f"c{i % 3}", "one" if i % 4 else "", article(i) if i != 5 else ""])
        w.writerow(["x", "one", article(1), "extra"])  # more values than columns
    with (tmp_path / "body.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["outlet", "body"])
        w.writerow(["one", article(3)])  # no text column
    return ["rows.jsonl", "txt/*.txt", "c.csv", "body.csv", "more.jsonl.gz", {"path": "empty.jsonl", "outlet": "one"},
            {"path": "txt/*.txt", "outlet": "auto"}]


@needs_fork
@pytest.mark.parametrize("batch_docs", [3, 4, 512])
def test_workers_parse_the_lines_into_the_documents_of_the_serial_run(tmp_path, monkeypatch, batch_docs):
    monkeypatch.setattr(load, "BATCH_DOCS", batch_docs)
    monkeypatch.setattr(load, "BATCH_CHARS", 2000 if batch_docs == 4 else load.BATCH_CHARS)
    monkeypatch.setattr(load, "PARALLEL_MIN_CHARS", 1)
    calls = []
    real = load.imap_forked
    monkeypatch.setattr(load, "imap_forked", lambda *a: calls.append(a[2]) or real(*a))
    sources = _mixed_corpus(tmp_path)
    serial = load_corpus(config(tmp_path, sources).model_copy(update={"run": RunOptions(jobs=1)}))
    forked = load_corpus(config(tmp_path, sources).model_copy(update={"run": RunOptions(jobs=2)}))
    assert calls == [2]
    assert [dataclasses.asdict(d) for d in forked] == [dataclasses.asdict(d) for d in serial]
    # and both are what the documents read line by line give
    monkeypatch.setattr(load, "iter_raw", lambda sources: (r for s in sources.specs for r in read_spec(s)))
    by_line = load_corpus(config(tmp_path, sources).model_copy(update={"run": RunOptions(jobs=1)}))
    assert [dataclasses.asdict(d) for d in by_line] == [dataclasses.asdict(d) for d in serial]
    reasons = " | ".join(d.reason for d in serial)
    for what in ("parse error at line", "undecodable: line", "missing field 'text'", "missing column 'text'",
                 "parse error at row", "empty text", "empty file", "missing outlet", "exact copy"):
        assert what in reasons, what
    assert len({d.doc_id for d in serial}) == len(serial)


def test_the_garbage_collector_is_left_as_found(tmp_path):
    import gc

    (tmp_path / "rows.jsonl").write_bytes(b"".join(_lines()))
    gc.unfreeze()
    docs = load_corpus(config(tmp_path, ["rows.jsonl"]))
    assert docs and gc.get_freeze_count() == 0
    keep = [object() for _ in range(3)]
    gc.freeze()  # the caller's own frozen objects stay frozen
    try:
        n = gc.get_freeze_count()
        load_corpus(config(tmp_path, ["rows.jsonl"]))
        assert gc.get_freeze_count() >= n
    finally:
        gc.unfreeze()
    assert keep



@needs_fork
@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_documents_not_chunks(tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(load, "BATCH_DOCS", 4)
    monkeypatch.setattr(load, "PARALLEL_MIN_CHARS", 1)
    (tmp_path / "rows.jsonl").write_bytes(b"".join(_lines()))
    cfg = config(tmp_path, ["rows.jsonl"]).model_copy(update={"run": RunOptions(jobs=jobs)})
    counts = []
    sources = sources_of(cfg)
    docs = load.process(load.iter_raw(sources), sources, advance=counts.append)
    assert sum(counts) == len(docs) == 30 and len(counts) > 5
