"""Hostile and broken corpora: every input ends up analysed or in the ledger with its reason;
nothing is read twice, the run's own output is never input, and nothing raises."""

from __future__ import annotations

import gzip
import json
import os
import zlib

import pytest

from tests.corpus_of_config import load_corpus
from test_corpus_helpers import article, by_source, config, outlets_config

CP1256_ARTICLE = article(11)
UTF8_ARTICLE = article(12)


def _jsonl(text: str, i: int) -> dict:
    return {"id": f"r{i}", "text": text}


def _line(obj: dict, codec: str) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode(codec) + b"\n"


def _load(tmp_path, *names, **corpus):
    return by_source(load_corpus(outlets_config(tmp_path, {"x": list(names)}, **corpus)))


# ---- lines in different encodings ----------------------------------------------------------------

def test_jsonl_whose_first_64kb_are_ascii_and_later_lines_cp1256(tmp_path):
    head = b"".join(_line(_jsonl("hello world " * 40, i), "utf-8") for i in range(200))
    assert len(head) > 65536
    tail = b"".join(_line(_jsonl(article(20 + i), 1000 + i), "cp1256") for i in range(3))
    (tmp_path / "a.jsonl").write_bytes(head + tail)
    docs = _load(tmp_path, "a.jsonl")
    assert len(docs) == 203
    late = [docs[f"a.jsonl#line={n}"] for n in (201, 202, 203)]
    assert all(d.analysed for d in late), [d.reason for d in late]
    assert {d.encoding for d in late} == {"cp1256"}
    assert late[0].text.split() == article(20).split()


def test_jsonl_mixing_cp1256_and_utf8_lines_from_the_start(tmp_path):
    lines = [_line(_jsonl(article(30 + i), i), "cp1256" if i % 2 else "utf-8") for i in range(6)]
    (tmp_path / "a.jsonl").write_bytes(b"".join(lines))
    docs = _load(tmp_path, "a.jsonl")
    assert [d.encoding for d in docs.values()] == ["utf-8", "cp1256"] * 3
    assert all(d.analysed for d in docs.values()), [d.reason for d in docs.values()]
    assert docs["a.jsonl#line=2"].text.split() == article(31).split()


def test_jsonl_detected_as_cp1256_keeps_its_utf8_lines_readable(tmp_path):
    lines = [_line(_jsonl(article(40 + i), i), "cp1256") for i in range(40)]
    lines.append(_line(_jsonl(UTF8_ARTICLE, 99), "utf-8"))
    (tmp_path / "a.jsonl").write_bytes(b"".join(lines))
    docs = _load(tmp_path, "a.jsonl")
    last = docs["a.jsonl#line=41"]
    assert last.encoding == "utf-8" and last.text.split() == UTF8_ARTICLE.split()


def test_csv_whose_later_rows_are_cp1256(tmp_path):
    rows = ["id,text\n".encode()] + [f"e{i},{'hello world ' * 60}\n".encode() for i in range(120)]
    rows.append(f"c1,{CP1256_ARTICLE.replace(chr(10), ' ')}\n".encode("cp1256"))
    (tmp_path / "a.csv").write_bytes(b"".join(rows))
    docs = _load(tmp_path, "a.csv")
    row = docs["a.csv#row=121"]
    assert row.analysed, row.reason
    assert row.encoding == "cp1256" and row.text.split() == CP1256_ARTICLE.split()


def test_a_binary_line_in_jsonl_is_a_ledger_row_with_its_line_number(tmp_path):
    data = _line(_jsonl(UTF8_ARTICLE, 1), "utf-8") + b'{"text": "\x00\x01\x02\xff\xfe\x03\x04"}\n' + _line(_jsonl(article(2), 3), "utf-8")
    (tmp_path / "a.jsonl").write_bytes(data)
    docs = _load(tmp_path, "a.jsonl")
    bad = docs["a.jsonl#line=2"]
    assert not bad.analysed and bad.reason.startswith("undecodable: line 2")
    assert docs["a.jsonl#line=1"].analysed and docs["a.jsonl#line=3"].analysed


def test_a_lone_surrogate_escape_is_a_ledger_row(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "\\ud83d كلمة"}\n', encoding="utf-8")
    [doc] = _load(tmp_path, "a.jsonl").values()
    assert doc.reason == "undecodable: line 1 is not valid utf-8, nor text in any other encoding"


# ---- compressed files ----------------------------------------------------------------------------

def _damaged(data: bytes) -> bytes:
    """A gzip stream with bytes in the middle of its compressed data overwritten."""
    z = bytearray(gzip.compress(data))
    mid = len(z) // 2
    z[mid:mid + 16] = b"\xff" * 16
    return bytes(z)


@pytest.mark.parametrize("name, data", [
    ("a.txt.gz", b"\x1f\x8b not gzip at all"),
    ("b.txt.gz", gzip.compress(UTF8_ARTICLE.encode() * 30)[:200]),
    ("c.txt.gz", _damaged(UTF8_ARTICLE.encode() * 30)),
    ("d.jsonl.gz", b"\x1f\x8b\x08\x00 broken header"),
    ("e.csv.gz", _damaged(("id,text\n" + "".join(f"{i},{article(i).replace(chr(10), ' ')}\n" for i in range(40))).encode())),
    ("f.jsonl.gz", _damaged(b"".join(_line(_jsonl(article(i), i), "utf-8") for i in range(40)))),
])
def test_damaged_or_truncated_gzip_is_a_ledger_row_and_the_run_goes_on(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(UTF8_ARTICLE, encoding="utf-8")
    docs = _load(tmp_path, name, "good.txt")
    assert docs["good.txt"].analysed
    broken = [d for s, d in docs.items() if s.startswith(name)]
    assert broken and any(d.reason.startswith("unreadable file") for d in broken), [d.reason for d in broken]
    assert any("gzip" in d.reason or "breaks off" in d.reason for d in broken)


def test_a_damaged_gzip_stream_raises_zlib_error_without_the_guard():
    with pytest.raises((zlib.error, EOFError, OSError)):
        gzip.decompress(_damaged(UTF8_ARTICLE.encode() * 30))


# ---- what is input -------------------------------------------------------------------------------

def _study(tmp_path, sources, output="corpus/report", **run):
    raw = {"title": "t", "lexicons": [], "outlets": [{"id": "x", "sources": sources}], "output": output,
           "corpus": {"analyse_titles": False}, "run": run}
    from framing.config import load_config

    return load_config(raw, base_dir=tmp_path)


def _write_articles(folder, n=3):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i}.txt").write_text(article(50 + i), encoding="utf-8")


def test_the_output_folder_inside_the_input_folder_is_never_input(tmp_path):
    _write_articles(tmp_path / "corpus")
    out = tmp_path / "corpus" / "report" / "data"
    out.mkdir(parents=True)
    (out / "documents.jsonl").write_text(json.dumps({"text": article(9)}) + "\n", encoding="utf-8")
    (out / "old.txt").write_text(article(8), encoding="utf-8")
    docs = load_corpus(_study(tmp_path, ["corpus"]))
    assert sorted(d.source for d in docs) == ["corpus/a0.txt", "corpus/a1.txt", "corpus/a2.txt"]


def test_the_output_folder_is_not_input_through_a_glob_either(tmp_path):
    _write_articles(tmp_path / "corpus")
    (tmp_path / "corpus" / "report").mkdir()
    (tmp_path / "corpus" / "report" / "x.txt").write_text(article(8), encoding="utf-8")
    docs = load_corpus(_study(tmp_path, ["corpus/**/*.txt"]))
    assert len(docs) == 3


def test_the_cache_folder_is_never_input_wherever_it_is(tmp_path):
    _write_articles(tmp_path / "corpus")
    cache = tmp_path / "corpus" / "cache-here"
    (cache / "corpus" / "ab").mkdir(parents=True)
    (cache / "corpus" / "ab" / "entry.pkl").write_bytes(b"\x80\x05junk")
    docs = load_corpus(_study(tmp_path, ["corpus"], output="out", cache_dir="corpus/cache-here"))
    assert len(docs) == 3


def test_hidden_folders_are_not_input(tmp_path):
    _write_articles(tmp_path / "corpus")
    (tmp_path / "corpus" / ".git").mkdir()
    (tmp_path / "corpus" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "corpus" / ".framing-cache").mkdir()
    (tmp_path / "corpus" / ".framing-cache" / "x.txt").write_text(article(3))
    assert len(load_corpus(_study(tmp_path, ["corpus"]))) == 3


def test_a_symlink_loop_is_walked_once(tmp_path):
    _write_articles(tmp_path / "corpus")
    (tmp_path / "corpus" / "sub").mkdir()
    os.symlink("..", tmp_path / "corpus" / "sub" / "up")
    os.symlink("../sub", tmp_path / "corpus" / "sub" / "again")
    for pattern in (["corpus"], ["corpus/**/*"], ["corpus/**/*.txt"]):
        docs = load_corpus(_study(tmp_path, pattern, output="out"))
        assert sorted(d.source for d in docs) == ["corpus/a0.txt", "corpus/a1.txt", "corpus/a2.txt"], pattern


def test_a_link_to_a_file_is_read_once(tmp_path):
    _write_articles(tmp_path / "corpus", 2)
    os.symlink("a0.txt", tmp_path / "corpus" / "z-link.txt")
    docs = load_corpus(_study(tmp_path, ["corpus"], output="out"))
    assert sorted(d.source for d in docs) == ["corpus/a0.txt", "corpus/a1.txt"]


def test_a_linked_folder_is_followed(tmp_path):
    _write_articles(tmp_path / "elsewhere", 2)
    (tmp_path / "corpus").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "corpus" / "linked")
    docs = load_corpus(_study(tmp_path, ["corpus"], output="out"))
    assert sorted(d.source for d in docs) == ["corpus/linked/a0.txt", "corpus/linked/a1.txt"]


def test_a_file_named_by_two_outlets_is_read_once_and_the_second_is_a_ledger_row(tmp_path):
    _write_articles(tmp_path / "corpus", 1)
    raw = {"title": "t", "lexicons": [], "output": "out", "corpus": {"analyse_titles": False},
           "outlets": [{"id": "x", "sources": ["corpus/a0.txt"]}, {"id": "y", "sources": ["corpus/*.txt"]}]}
    from framing.config import load_config

    docs = load_corpus(load_config(raw, base_dir=tmp_path))
    assert len(docs) == 2
    assert docs[0].analysed and docs[0].outlet == "x"
    assert not docs[1].analysed and docs[1].reason.startswith("the same file as corpus/a0.txt")


# ---- sizes ---------------------------------------------------------------------------------------

def test_a_csv_row_larger_than_the_document_limit_is_skipped_with_its_size(tmp_path):
    big = ("كلمة " * 500_000).strip()  # ~5 MB of text in one field
    (tmp_path / "a.csv").write_text(f'id,text\n1,"{big}"\n2,"{article(3)}"\n', encoding="utf-8")
    docs = _load(tmp_path, "a.csv", max_document_mb=1)
    assert docs["a.csv#row=1"].reason.startswith("document too large: 2 MB of text in this row")
    assert docs["a.csv#row=2"].analysed


def test_a_jsonl_line_larger_than_the_document_limit_is_skipped(tmp_path):
    big = "كلمة " * 300_000
    (tmp_path / "a.jsonl").write_bytes(_line(_jsonl(big, 1), "utf-8") + _line(_jsonl(article(4), 2), "utf-8"))
    docs = _load(tmp_path, "a.jsonl", max_document_mb=1)
    assert "document too large" in docs["a.jsonl#line=1"].reason and "corpus.max_document_mb = 1" in docs["a.jsonl#line=1"].reason
    assert docs["a.jsonl#line=2"].analysed


def test_a_csv_with_a_20_mb_field_is_read(tmp_path):
    big = ("خبر " * 5_000_000).strip()
    (tmp_path / "a.csv").write_text(f'id,text\n1,"{big}"\n', encoding="utf-8")
    [doc] = _load(tmp_path, "a.csv").values()
    assert doc.analysed and len(doc.text) == len(big)


# ---- texts without letters -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "ـــــــ " * 50,  # tatweel
    "\u064e\u064f\u0650\u0651 " * 80,  # diacritics only
    "ـَـُـِـّ ، ؛ ؟ … ١٢٣٤ 2024 !!! " * 20,
    "\u200d\u200c\u200f " * 100,  # joiners and bidi marks
])
def test_a_text_without_letters_is_skipped_with_a_reason(tmp_path, text):
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    [doc] = _load(tmp_path, "a.txt", min_words=0, min_arabic_share=0).values()
    assert not doc.analysed
    assert doc.reason.startswith("no letters"), doc.reason
