"""SaudiNewsNet (30,157 real articles) ingests with a complete ledger.

Time and peak memory of this ingest are measured by benchmarks, not asserted here."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from framing.config import load_config
from framing.corpus import ledger_frame
from tests.corpus_of_config import load_corpus

pytestmark = [pytest.mark.external, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus(shared_dir: Path):
    path = shared_dir / "corpora" / "saudinewsnet" / "all.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        outlets = [json.loads(line)["outlet"] for line in fh if line.strip()]
    cfg = load_config({"title": "snn", "lexicons": [], "sources": [{"path": str(path)}]}, base_dir=path.parent)
    docs = load_corpus(cfg)
    return outlets, docs, ledger_frame(docs)


def test_count_in_equals_count_out(corpus):
    outlets, docs, ledger = corpus
    assert len(docs) == len(outlets) == len(ledger)
    assert ledger["source"].tolist() == [f"all.jsonl.gz#line={i}" for i in range(1, len(outlets) + 1)]
    assert ledger["doc_id"].is_unique
    assert set(ledger["status"]) <= {"analysed", "skipped"}
    skipped = ledger[ledger["status"] == "skipped"]
    assert (skipped["reason"] != "").all()
    assert (ledger.loc[ledger["status"] == "analysed", "reason"] == "").all()


def test_outlets_come_from_the_outlet_field(corpus):
    outlets, docs, _ = corpus
    assert [d.outlet for d in docs] == outlets
    assert Counter(outlets)["alriyadh"] == 4778


def test_most_documents_are_analysed_and_the_skips_are_explained(corpus):
    _, docs, ledger = corpus
    analysed = ledger["status"] == "analysed"
    assert analysed.mean() > 0.95
    kinds = set(ledger.loc[~analysed, "reason_kind"])
    assert kinds <= {"duplicate", "too short", "not Arabic", "empty after cleaning", "empty text"}, kinds
    assert ledger.loc[analysed, "n_tokens"].sum() > 8_000_000


def test_wire_copy_and_furniture_are_found(corpus):
    _, docs, ledger = corpus
    spa = ledger[ledger["outlet"] == "was"]
    assert spa["wire_agencies"].str.contains("SPA").mean() > 0.8
    assert (ledger["duplicate_kind"] == "shared wire copy").sum() > 100
    texts = [d.text for d in docs if d.analysed]
    assert not any("// انتهى //" in t for t in texts)
    assert not any("للتواصل مع الكاتب ارسل رسالة SMS" in t for t in texts)
