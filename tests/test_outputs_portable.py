"""The data folder travels and explains itself: paths relative to the config, a codebook and a
Frictionless Data Package descriptor that validates, Parquet copies, CSVs Excel reads, and every
hit traceable to its sentence in the texts stored once."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import framing
from framing.codebook import describe
from framing.datafiles import csv_name
from framing.demo import DEMO_DIR


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory) -> Path:
    """The demo, with Parquet beside CSV and the CSVs marked for Excel, its corpus one folder away
    from its config (paths that leave the config's folder)."""
    root = tmp_path_factory.mktemp("portable")
    shutil.copytree(DEMO_DIR, root / "corpus", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    cfg = yaml.safe_load((root / "corpus" / "demo.yaml").read_text(encoding="utf-8"))
    for o in cfg["outlets"]:
        o["sources"] = [{**s, "path": "../corpus/" + s["path"]} if isinstance(s, dict) else "../corpus/" + s
                        for s in o["sources"]]
    cfg["lexicons"] = [lx if not lx.endswith(".yaml") else "../corpus/" + lx for lx in cfg["lexicons"]]
    cfg["report"] = {"planted": "../corpus/planted.yaml", "formats": ["csv", "parquet"], "excel_bom": True}
    cfg["output"] = "../out"
    (root / "study").mkdir()
    path = root / "study" / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    framing.run(path)
    return root / "out"


def test_the_descriptor_validates_with_frictionless(demo_out):
    from frictionless import validate

    report = validate(str(demo_out / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["title", "message"])[:5]
    package = json.loads((demo_out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in package["resources"]}
    assert {"documents", "matches", "outlet_scores", "contrasts", "documents_text"} <= names
    for res in package["resources"]:
        assert res.get("description")
        for f in res.get("schema", {}).get("fields", []):
            assert f["description"] and "not described" not in f["description"], (res["name"], f["name"])


def test_codebook_lists_every_table_and_column(demo_out):
    book = (demo_out / "data" / "README.md").read_text(encoding="utf-8")
    files = sorted((demo_out / "data").glob("*.csv")) + sorted((demo_out / "data").glob("*.csv.gz"))
    assert {"topic_units.csv.gz", "wire_edits.csv.gz"} <= {p.name for p in files}
    for csv in files:
        frame = pd.read_csv(csv, encoding="utf-8-sig", nrows=1)
        table = csv.name.split(".")[0]
        assert f"### {table} (" in book
        for column in frame.columns:
            assert f"| `{column}` |" in book and "not described" not in describe(table, column), (table, column)
    assert "```python" in book and "```r" in book


def test_paths_are_relative_to_the_config(demo_out):
    docs = pd.read_csv(demo_out / "data" / "documents.csv", encoding="utf-8-sig")
    assert docs["source"].str.startswith("../corpus/").all(), docs["source"].head()
    manifest = (demo_out / "manifest.json").read_text(encoding="utf-8")
    assert str(demo_out.parent) not in manifest and "/tmp" not in manifest
    assert json.loads(manifest)["config_path"] == "../study/study.yaml"


def test_parquet_copies_and_excel_csv(demo_out):
    data = demo_out / "data"
    assert (data / "matches.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    for name in ("matches", "documents", "outlet_scores", "topic_units"):
        csv = pd.read_csv(data / csv_name(name), encoding="utf-8-sig")
        pq = pd.read_parquet(data / f"{name}.parquet")
        assert list(pq.columns) == list(csv.columns) and len(pq) == len(csv)
    # the texts are written once, whatever the formats
    assert not list(data.glob("documents_text*")) and len(list(data.glob("documents.jsonl*"))) == 1
    texts = pd.read_json(data / "documents.jsonl.gz", lines=True)
    assert list(texts["doc_id"]) == list(pd.read_csv(data / "documents.csv", encoding="utf-8-sig")["doc_id"])


def test_the_texts_file_is_gzip_with_the_same_bytes_each_time_and_replaces_an_earlier_bzip2_one(tmp_path):
    """documents.jsonl.gz: the same rows give the same bytes (no timestamp in the gzip header); a
    data folder written again loses the documents.jsonl.bz2 of an earlier version of framing."""
    from framing.datafiles import pack_texts

    rows = [("a-1", "نص أول\nسطر", ["فيديو"]), ("a-2", "", [])] * 700  # more than one chunk
    first, second = pack_texts(rows, chunk=1000), pack_texts(list(rows))
    assert first == second and first[:2] == b"\x1f\x8b"
    assert [json.loads(line) for line in gzip.decompress(first).decode("utf-8").splitlines()][:2] == \
        [{"doc_id": "a-1", "text": "نص أول\nسطر", "removed": ["فيديو"]}, {"doc_id": "a-2", "text": "", "removed": []}]
    result = framing.run(DEMO_DIR / "demo.yaml", write=False, topics=False, classify=False)
    from framing.outputs import write_data

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "documents.jsonl.bz2").write_bytes(b"BZh9")
    write_data(result, tmp_path)
    assert not (tmp_path / "data" / "documents.jsonl.bz2").exists()
    assert len(pd.read_json(tmp_path / "data" / "documents.jsonl.gz", lines=True)) == len(result.tables["documents"])


def test_a_documents_own_columns_are_written_once(demo_out):
    """matches leaves out the document's source and topic_units its outlet: documents.csv holds them
    (one value per document), and the codebook says so."""
    data = demo_out / "data"
    docs = pd.read_csv(data / "documents.csv", encoding="utf-8-sig")
    matches = pd.read_csv(data / "matches.csv", encoding="utf-8-sig")
    units = pd.read_csv(data / "topic_units.csv.gz", encoding="utf-8-sig")
    assert "source" not in matches.columns and "outlet" in matches.columns and "outlet" not in units.columns
    joined = matches.merge(docs[["doc_id", "source", "outlet"]], on="doc_id", suffixes=("", "_doc"), validate="m:1")
    assert len(joined) == len(matches) and (joined["outlet"] == joined["outlet_doc"]).all()
    assert joined["source"].str.startswith("../corpus/").all()
    assert set(units["doc_id"]) <= set(docs["doc_id"])
    book = (data / "README.md").read_text(encoding="utf-8")
    assert "`matches` leaves out `source`; `topic_units` leaves out `outlet`" in book


def test_every_hit_is_traceable_to_its_sentence(demo_out):
    with gzip.open(demo_out / "data" / "documents.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts = {r["doc_id"]: r["text"] for r in map(json.loads, fh)}
    matches = pd.read_csv(demo_out / "data" / "matches.csv", encoding="utf-8-sig")
    assert "sentence" not in matches.columns and len(matches) > 100
    for r in matches.itertuples():
        text = texts[r.doc_id]
        assert text[r.start:r.end] == r.surface
        assert r.sentence_start <= r.start < r.end <= r.sentence_end <= len(text)


def test_parquet_only_the_page_links_the_files_written(tmp_path):
    """With ``report.formats: [parquet]`` every link of the page to data/ names a file the run
    wrote, the console names the Parquet file, and the descriptor still validates."""
    from frictionless import validate

    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO_DIR, corpus, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    cfg = yaml.safe_load((corpus / "demo.yaml").read_text(encoding="utf-8"))
    cfg["report"] = {"planted": "planted.yaml", "formats": ["parquet"]}
    cfg["output"] = str(tmp_path / "out")
    path = corpus / "demo.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = framing.run(path, topics=False, classify=False)
    out = tmp_path / "out"
    assert not list((out / "data").glob("*.csv")) and (out / "data" / "matches.parquet").is_file()
    page = (out / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="(data/[^"#]+)"', page))
    assert "data/matches.parquet" in links
    assert [link for link in links if not (out / link).exists()] == []
    assert not re.search(r"data/\w+\.csv", page)
    from framing.report.story import console_story

    assert "data/documents.parquet" in console_story(result)
    assert validate(str(out / "data" / "datapackage.json")).valid
