"""The scale benchmark's corpus: perturbed copies are seeded, made of the original's words, and
far enough from the original that the duplicate check (5-word shingles, Jaccard >= 0.8) keeps them."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py"
SENTENCE = ("قالت وزارة الخارجية إن القوات اقتحمت القرية فجر اليوم واعتقلت عددا من الشبان قبل أن تنسحب "
            "من المنطقة بعد ساعات من المواجهات.")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_scale", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def _article(k: int) -> str:
    return "\n".join(" ".join(f"{SENTENCE} {k}{p}{s}" for s in range(4)) for p in range(3))


def test_a_copy_is_seeded_from_the_original_words_and_not_a_near_duplicate():
    bench = _bench()
    text = _article(1)
    a = bench.perturb(text, np.random.default_rng((0, 1, 1)))
    assert a == bench.perturb(text, np.random.default_rng((0, 1, 1)))
    assert a != bench.perturb(text, np.random.default_rng((0, 2, 1)))
    assert set(a.split()) <= set(text.split()) and len(a.split()) < len(text.split())
    one, two = _shingles(text), _shingles(a)
    assert len(one & two) / len(one | two) < 0.8
    assert a.count("\n") <= text.count("\n")
    assert bench.perturb("كلمة واحدة", np.random.default_rng(0)) == "كلمة واحدة"  # nothing to drop


def test_the_corpus_is_the_original_then_copies_with_new_ids(tmp_path):
    bench = _bench()
    rows = [{"outlet": "one", "title": f"t{k}", "date": "2015-07-01", "text": _article(k)} for k in range(3)]
    source = tmp_path / "src.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    path = bench.build_corpus(source, 7, 0, tmp_path / "a")
    again = bench.build_corpus(source, 7, 0, tmp_path / "b")
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(again.read_bytes()).digest()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        got = [json.loads(line) for line in fh]
    assert [r["id"] for r in got] == ["c0-1", "c0-2", "c0-3", "c1-1", "c1-2", "c1-3", "c2-1"]
    assert [r["text"] for r in got[:3]] == [r["text"] for r in rows]
    assert len({r["text"] for r in got}) == 7
