"""The ledger: one row per input, analysed or skipped with its reason; count in = count out."""

from __future__ import annotations

import gzip
import json

from framing.corpus import ledger_frame, ledger_records
from framing.corpus.ledger import COLUMNS, reason_kind
from tests.corpus_of_config import load_corpus
from test_corpus_helpers import article, config

CONTRACT = ["doc_id", "outlet", "source", "title", "date", "n_tokens", "status", "reason", "encoding",
            "source_line", "wire_agencies", "is_wire", "outlet_inferred", "duplicate_of"]


def _mixed_corpus(tmp_path):
    """A folder of every kind of input; returns (config, number of inputs)."""
    d = tmp_path / "in"
    d.mkdir()
    n = 0
    for i in range(3):
        (d / f"t{i}.txt").write_text(f"عنوان {i}\n" + article(i), encoding="utf-8")
        n += 1
    (d / "dup.txt").write_text("عنوان 0\n" + article(0), encoding="utf-8")
    (d / "cp.txt").write_bytes(article(20).encode("cp1256"))
    (d / "empty.txt").write_bytes(b"")
    (d / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (d / "en.txt").write_text("Only English text in this file, nothing else to read here. " * 5, encoding="utf-8")
    (d / "short.txt").write_text("كلمات قليلة فقط", encoding="utf-8")
    n += 6
    rows = [json.dumps({"id": f"r{i}", "text": article(30 + i)}, ensure_ascii=False) for i in range(5)]
    rows.insert(2, "{not json")
    (d / "rows.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    n += 6
    with gzip.open(d / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "g1", "text": article(40)}, ensure_ascii=False) + "\n")
    n += 1
    (d / "c.csv").write_text("id,text\n1," + article(50).replace("\n", " ") + "\n2,\n", encoding="utf-8")
    n += 2
    (d / "page.html").write_text("<html><head><title>x</title></head></html>", encoding="utf-8")
    n += 1
    return config(tmp_path, [{"path": "in", "outlet": "one"}]), n


def test_count_in_equals_count_out_and_every_skip_has_a_reason(tmp_path):
    cfg, n_inputs = _mixed_corpus(tmp_path)
    docs = load_corpus(cfg)
    ledger = ledger_frame(docs)
    assert len(docs) == len(ledger) == n_inputs
    assert ledger["doc_id"].is_unique
    assert list(ledger.columns[: len(CONTRACT)]) == CONTRACT
    assert list(ledger.columns) == COLUMNS
    skipped = ledger[ledger["status"] == "skipped"]
    assert (skipped["reason"] != "").all() and (skipped["reason_kind"] != "").all()
    assert (ledger.loc[ledger["status"] == "analysed", "reason"] == "").all()
    kinds = dict(zip(ledger["source"], ledger["reason_kind"]))
    assert kinds["in/t0.txt"] == "duplicate"  # files are read in sorted order: dup.txt comes first
    assert kinds["in/empty.txt"] == "empty file"
    assert kinds["in/bin.txt"] == "binary file"
    assert kinds["in/en.txt"] == "not Arabic"
    assert kinds["in/short.txt"] == "too short"
    assert kinds["in/rows.jsonl#line=3"] == "parse error"
    assert kinds["in/c.csv#row=2"] == "empty text"
    assert kinds["in/page.html"] == "html without body"
    analysed = ledger[ledger["status"] == "analysed"]
    assert set(analysed["source"]) == {"in/dup.txt", "in/t1.txt", "in/t2.txt", "in/cp.txt", "in/rows.jsonl#line=1",
                                       "in/rows.jsonl#line=2", "in/rows.jsonl#line=4", "in/rows.jsonl#line=5",
                                       "in/rows.jsonl#line=6", "in/more.jsonl.gz#line=1", "in/c.csv#row=1"}
    assert (analysed["n_tokens"] > 30).all()
    assert dict(zip(ledger["source"], ledger["encoding"]))["in/cp.txt"] == "cp1256"


def test_ids_are_stable_across_runs(tmp_path):
    cfg, _ = _mixed_corpus(tmp_path)
    first = ledger_frame(load_corpus(cfg))
    second = ledger_frame(load_corpus(cfg))
    assert first.equals(second)


def test_colliding_ids_are_made_unique_in_input_order(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(f"عنوان {sub}\n" + article(ord(sub)), encoding="utf-8")
    docs = load_corpus(config(tmp_path, [{"path": "*/same.txt", "outlet": "x"}]))
    assert [d.doc_id for d in docs] == ["x-same", "x-same-2"]
    assert [d.source for d in docs] == ["a/same.txt", "b/same.txt"]


def test_n_tokens_from_the_pipeline_and_joined_columns(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان\n" + article(1) + "\n(أ ف ب)", encoding="utf-8")
    [doc] = load_corpus(config(tmp_path, [{"path": "a.txt", "outlet": "auto"}]))
    row = ledger_frame([doc], {doc.doc_id: 123}).iloc[0]
    assert row["n_tokens"] == 123
    assert row["wire_agencies"] == "AFP" and bool(row["is_wire"])
    assert "no outlet signature" in row["warnings"]
    assert row["n_removed"] == len(doc.removed) == 1


def test_ledger_records_carry_text_and_removed(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان\n" + article(1) + "\nفيديو", encoding="utf-8")
    docs = load_corpus(config(tmp_path, [{"path": "a.txt", "outlet": "x"}]))
    [rec] = list(ledger_records(docs))
    assert rec["removed"] == ["فيديو"] and rec["text"] == docs[0].text
    json.dumps(rec, ensure_ascii=False)


def test_a_text_of_short_lines_alone_is_too_short_or_emptied_by_cleaning(tmp_path):
    """Cleaning removes short lines without a sentence at a text's edges. A text made only of them
    is skipped as too short when they hold fewer than corpus.min_words Arabic words (it would have
    been too short with them), else as emptied by cleaning; either way they are listed as removed."""
    rows = [{"id": "one", "text": "خبر عاجل قصير"},
            {"id": "labels", "text": "\n".join(f"وسم رقم {k} هنا" for k in range(12))},
            {"id": "article", "text": article(1)}]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                         encoding="utf-8")
    one, labels, kept = load_corpus(config(tmp_path, [{"path": "rows.jsonl", "outlet": "x"}]))
    assert one.reason.startswith("too short: 3 Arabic words (minimum 30, corpus.min_words)")
    assert one.removed == ["خبر عاجل قصير"]
    assert labels.reason.startswith("empty after cleaning") and len(labels.removed) == 12
    assert kept.analysed
    ledger = ledger_frame([one, labels, kept])
    assert list(ledger["reason_kind"]) == ["too short", "empty after cleaning", ""]


def test_reason_kind():
    assert reason_kind("duplicate of x-1 (exact copy)") == "duplicate"
    assert reason_kind("parse error at line 7: Expecting value") == "parse error"
    assert reason_kind("too short: 12 Arabic words (minimum 30, corpus.min_words)") == "too short"
    assert reason_kind("missing column 'text' (has: a, b)") == "missing column 'text'"
    assert reason_kind("empty file") == "empty file"


def test_clean_documents_on_documents_built_elsewhere(tmp_path):
    from tests.corpus_of_config import clean_documents
    from framing.records import Document

    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    cfg = config(tmp_path, [{"path": "a.txt", "outlet": "x"}])
    docs = [Document(doc_id="d1", outlet="auto", source="mem#1", text=article(2) + "\nالمصدر : الجزيرة + وكالات"),
            Document(doc_id="d2", outlet="x", source="mem#2", text=article(3) + "\nفيديو"),
            Document(doc_id="d3", outlet="x", source="mem#3", text="")]
    out = clean_documents(docs, cfg)
    assert [d.doc_id for d in out] == ["aljazeera-d1", "x-d2", "x-d3"]
    assert out[1].removed == ["فيديو"] and out[2].reason == "empty text"
