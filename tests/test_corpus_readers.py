"""Readers and bad input: every file or row becomes exactly one document, analysed or skipped with
a reason; nothing raises, nothing is lost."""

from __future__ import annotations

import csv
import gzip
import json
import tracemalloc

import pytest

from framing.corpus import ledger_frame
from tests.corpus_of_config import load_corpus, read_sources
from test_corpus_helpers import article, by_source, config, outlets_config, paragraph


def test_txt_utf8_is_analysed_with_title_and_encoding(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان الخبر الرئيسي اليوم\n\n" + article(1), encoding="utf-8")
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["a.txt"]}))
    assert doc.analysed, doc.reason
    assert doc.encoding == "utf-8"
    assert doc.title == "عنوان الخبر الرئيسي اليوم"
    assert "عنوان الخبر" not in doc.text
    assert doc.outlet == "x" and doc.source == "a.txt" and doc.doc_id == "x-a"


@pytest.mark.parametrize(
    "codec, expected",
    [
        ("utf-8-sig", "utf-8-sig"),
        ("cp1256", "cp1256"),
        ("iso8859_6", "iso-8859-6"),
        ("utf-16", "utf-16"),  # with BOM
        ("utf-16-le", "utf-16-le"),  # without BOM
    ],
)
def test_encodings_are_detected_and_recorded(tmp_path, codec, expected):
    text = article(7)
    (tmp_path / "a.txt").write_bytes(text.encode(codec))
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["a.txt"]}))
    assert doc.analysed, doc.reason
    assert doc.encoding == expected
    assert doc.text.split() == text.split()
    assert ledger_frame([doc]).loc[0, "encoding"] == expected


def test_configured_encoding_is_used_and_a_wrong_one_is_a_skip(tmp_path):
    (tmp_path / "a.txt").write_bytes(article(3).encode("cp1256"))
    good = config(tmp_path, [{"path": "a.txt", "outlet": "x", "encoding": "cp1256"}])
    bad = config(tmp_path, [{"path": "a.txt", "outlet": "x", "encoding": "utf-8"}])
    assert load_corpus(good)[0].analysed
    [doc] = load_corpus(bad)
    assert not doc.analysed and "undecodable as utf-8" in doc.reason


def test_empty_file_is_skipped(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n \t\n", encoding="utf-8")
    docs = by_source(load_corpus(outlets_config(tmp_path, {"x": ["empty.txt", "blank.txt"]})))
    assert docs["empty.txt"].reason == "empty file"
    assert docs["blank.txt"].reason == "empty file"


@pytest.mark.parametrize(
    "data, what",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "PNG"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 20, "PDF"),
        (bytes(range(256)) * 40, "binary data"),
    ],
)
def test_binary_file_is_skipped_as_binary(tmp_path, data, what):
    (tmp_path / "x.txt").write_bytes(data)
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["x.txt"]}))
    assert not doc.analysed
    assert doc.reason.startswith("binary file") and what in doc.reason


def test_file_larger_than_the_limit_is_skipped_without_reading_it(tmp_path):
    # the 200 MB text file, scaled down: the limit is checked on the size before reading
    big = tmp_path / "big.txt"
    big.write_text(article(2) * 400, encoding="utf-8")
    size_mb = big.stat().st_size / 1024 / 1024
    cfg = outlets_config(tmp_path, {"x": ["big.txt"]}, max_document_mb=size_mb / 2)
    [doc] = load_corpus(cfg)
    assert not doc.analysed and doc.reason.startswith("file too large")
    assert "JSONL" in doc.reason
    cfg = outlets_config(tmp_path, {"x": ["big.txt"]}, max_document_mb=size_mb * 2)
    assert load_corpus(cfg)[0].analysed


def test_english_text_is_skipped_as_not_arabic(tmp_path):
    english = " ".join(["The ministry said the talks would resume next week in the capital."] * 10)
    (tmp_path / "en.txt").write_text(english, encoding="utf-8")
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["en.txt"]}))
    assert not doc.analysed and doc.reason.startswith("not Arabic")


def test_short_text_is_skipped_as_too_short(tmp_path):
    (tmp_path / "s.txt").write_text("عنوان\n\n" + paragraph(1, 12), encoding="utf-8")
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["s.txt"]}, min_words=30))
    assert not doc.analysed and doc.reason.startswith("too short")


def _jsonl(path, rows, gz=False):
    data = "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(data)
    else:
        path.write_text(data, encoding="utf-8")


def test_broken_json_lines_among_good_ones(tmp_path):
    rows = [
        {"id": "a1", "outlet": "one", "text": article(1), "title": "t1", "date": "2020-10-07"},
        '{"id": "a2", "outlet": "one", "text": "broken',
        {"id": "a3", "outlet": "two", "text": article(3)},
        "",  # blank line: not a document
        "[1, 2, 3]",
        {"id": "a6", "outlet": "two", "body": article(6)},
        {"id": "a7", "text": article(7)},
    ]
    _jsonl(tmp_path / "c.jsonl", rows)
    docs = load_corpus(config(tmp_path, ["c.jsonl"]))
    got = {d.source: d for d in docs}
    assert list(got) == [f"c.jsonl#line={n}" for n in (1, 2, 3, 5, 6, 7)]
    assert got["c.jsonl#line=1"].analysed and got["c.jsonl#line=1"].doc_id == "one-a1"
    assert got["c.jsonl#line=1"].date == "2020-10-07"
    assert got["c.jsonl#line=2"].reason.startswith("parse error at line 2")
    assert got["c.jsonl#line=3"].analysed and got["c.jsonl#line=3"].outlet == "two"
    assert got["c.jsonl#line=5"].reason.startswith("parse error at line 5")
    assert got["c.jsonl#line=6"].reason.startswith("missing field 'text'")
    assert got["c.jsonl#line=7"].reason.startswith("missing outlet")


def test_gzipped_jsonl_with_field_mapping(tmp_path):
    rows = [{"body": article(i), "source_name": "Al Jazeera", "headline": f"h{i}", "key": f"k{i}"} for i in range(3)]
    _jsonl(tmp_path / "c.jsonl.gz", rows, gz=True)
    fields = {"text": "body", "outlet": "source_name", "title": "headline", "id": "key"}
    docs = load_corpus(config(tmp_path, [{"path": "c.jsonl.gz", "fields": fields}]))
    assert [d.doc_id for d in docs] == ["aljazeera-k0", "aljazeera-k1", "aljazeera-k2"]
    assert all(d.analysed for d in docs) and docs[1].title == "h1"


def test_csv_missing_the_mapped_column(tmp_path):
    with (tmp_path / "c.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["outlet", "body"])
        for i in range(4):
            w.writerow(["one", article(i)])
    docs = load_corpus(config(tmp_path, ["c.csv"]))
    assert len(docs) == 4
    assert all(not d.analysed and d.reason.startswith("missing column 'text'") for d in docs)
    assert "body" in docs[0].reason
    assert [d.source for d in docs] == [f"c.csv#row={i}" for i in range(1, 5)]


def test_csv_and_tsv_rows(tmp_path):
    with (tmp_path / "c.csv").open("w", encoding="cp1256", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "outlet", "text", "date"])
        w.writerow(["1", "one", article(1), "2020-10-07"])
        w.writerow(["2", "", article(2), ""])
        w.writerow(["3", "two", article(3), ""])
    (tmp_path / "t.tsv").write_text("id\ttext\n9\t" + article(9).replace("\n", " ") + "\n", encoding="utf-8")
    docs = load_corpus(config(tmp_path, ["c.csv", {"path": "t.tsv", "outlet": "three"}]))
    assert [d.doc_id for d in docs] == ["one-1", "unknown-2", "two-3", "three-9"]
    assert docs[0].encoding == "cp1256" and docs[0].analysed
    assert docs[1].reason.startswith("missing outlet")
    assert docs[3].analysed


def test_json_array(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"articles": [{"text": article(i), "id": i} for i in range(3)] + ["x"]},
                                                ensure_ascii=False), encoding="utf-8")
    docs = load_corpus(config(tmp_path, [{"path": "a.json", "outlet": "one"}]))
    assert [d.doc_id for d in docs[:3]] == ["one-0", "one-1", "one-2"]
    assert docs[3].reason.startswith("parse error at item 4")


def test_html_main_text_and_html_without_body(tmp_path):
    body = "".join(f"<p>{paragraph(i, 50)}</p>" for i in range(4))
    page = (f"<html><head><title>عنوان الصفحة</title></head><body><nav><a href='/'>الرئيسية</a> <a>رياضة</a></nav>"
            f"<article><h1>عنوان الصفحة</h1>{body}</article><footer>جميع الحقوق محفوظة</footer></body></html>")
    (tmp_path / "good.html").write_text(page, encoding="utf-8")
    (tmp_path / "nobody.html").write_text("<html><head><title>لا شيء</title></head></html>", encoding="utf-8")
    docs = by_source(load_corpus(outlets_config(tmp_path, {"x": ["good.html", "nobody.html"]})))
    good = docs["good.html"]
    assert good.analysed, good.reason
    assert good.title == "عنوان الصفحة"
    assert paragraph(2, 50)[:40] in good.text
    assert "الرئيسية" not in good.text and "جميع الحقوق" not in good.text
    assert docs["nobody.html"].reason.startswith("html without body")


def test_directory_of_thousands_of_small_files(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    n = 2000
    for i in range(n):
        (folder / f"{i:05d}.txt").write_text(article(i, paragraphs=1), encoding="utf-8")
    (folder / "notes.md").write_text("English notes only, nothing Arabic in here at all.", encoding="utf-8")
    (folder / ".hidden").write_text("ignored", encoding="utf-8")
    docs = load_corpus(outlets_config(tmp_path, {"x": ["many"]}))
    assert len(docs) == n + 1
    assert sum(d.analysed for d in docs) == n
    assert len({d.doc_id for d in docs}) == n + 1


def test_jsonl_is_streamed_not_held_whole(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(6000):
            fh.write(json.dumps({"id": i, "outlet": "one", "text": article(i % 50, paragraphs=4, n_words=60)},
                                ensure_ascii=False) + "\n")
    size = path.stat().st_size
    assert size > 10_000_000
    tracemalloc.start()
    count = 0
    for doc in read_sources(config(tmp_path, ["big.jsonl"])):
        count += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 6000
    assert peak < size / 10, f"peak {peak / 1e6:.1f} MB while reading a {size / 1e6:.0f} MB file"


def test_unreadable_and_odd_inputs_never_raise(tmp_path):
    (tmp_path / "ok.txt").write_text(article(1), encoding="utf-8")
    (tmp_path / "bad.jsonl").write_bytes(b"\xff\xfe\x00garbage\x00\x01\x02" * 10)
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header_only.csv").write_text("id,text\n", encoding="utf-8")
    (tmp_path / "trunc.jsonl.gz").write_bytes(gzip.compress(("{\"text\": \"x\"}\n" * 100).encode())[:-20])
    docs = load_corpus(config(tmp_path, [{"path": "*", "outlet": "x"}]))
    reasons = {d.source.split("#")[0]: d.reason for d in docs}
    assert reasons["ok.txt"] == ""
    assert reasons["empty.csv"] == "empty file"
    assert reasons["header_only.csv"] == "empty file: a header and no rows"  # accounted for, not dropped
    assert any(r.startswith("unreadable file") for s, r in reasons.items() if s == "trunc.jsonl.gz")
    assert "bad.jsonl" in reasons and reasons["bad.jsonl"]


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("2015-07-21", "2015-07-21"),
        ("2020-10-07T12:30:00Z", "2020-10-07"),
        ("07/10/2020", "2020-10-07"),
        ("٧ أكتوبر ٢٠٢٠", "2020-10-07"),
        ("7 تشرين الأول 2020", "2020-10-07"),
        ("October 7, 2020", "2020-10-07"),
        ("2020-02-30", None),
        ("yesterday", None),
    ],
)
def test_row_dates_are_normalised_or_left_out_with_a_warning(tmp_path, raw, iso):
    _jsonl(tmp_path / "d.jsonl", [{"outlet": "one", "text": article(1), "date": raw}])
    [doc] = load_corpus(config(tmp_path, ["d.jsonl"]))
    assert doc.date == iso
    assert bool(doc.warnings) == (iso is None)
    assert doc.analysed


def test_date_from_the_file_name_or_folders(tmp_path):
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "03").mkdir()
    (tmp_path / "2024" / "03" / "02").mkdir()
    (tmp_path / "2024" / "03" / "02" / "a.txt").write_text(article(1), encoding="utf-8")
    (tmp_path / "2024-03-05_b.txt").write_text(article(2), encoding="utf-8")
    (tmp_path / "c_12345678.txt").write_text(article(3), encoding="utf-8")
    docs = by_source(load_corpus(outlets_config(tmp_path, {"x": ["**/*.txt"]})))
    assert docs["2024/03/02/a.txt"].date == "2024-03-02"
    assert docs["2024-03-05_b.txt"].date == "2024-03-05"
    assert docs["c_12345678.txt"].date is None


def test_an_id_that_already_names_the_outlet_is_not_prefixed_twice(tmp_path):
    _jsonl(tmp_path / "r.jsonl", [{"id": "one-01", "outlet": "one", "text": article(1)},
                                  {"id": "7", "outlet": "one", "text": article(2)}])
    assert [d.doc_id for d in load_corpus(config(tmp_path, ["r.jsonl"]))] == ["one-01", "one-7"]


def test_html_in_windows_1256(tmp_path):
    body = "".join(f"<p>{paragraph(i, 50)}</p>" for i in range(3))
    page = f'<html><head><meta charset="windows-1256"><title>عنوان</title></head><body><article>{body}</article></body></html>'
    (tmp_path / "p.htm").write_bytes(page.encode("cp1256"))
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["p.htm"]}))
    assert doc.analysed and doc.encoding == "cp1256"
    assert paragraph(1, 50)[:40] in doc.text


def test_a_200_mb_text_file_is_not_read_into_memory(tmp_path):
    big = tmp_path / "dump.txt"
    with big.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.write(article(1).encode("utf-8"))
        fh.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["dump.txt"]}))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert doc.reason.startswith("file too large: 200 MB")
    assert peak < 20 * 1024 * 1024
