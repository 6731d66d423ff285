"""The corpus stage in forked worker processes gives the documents it gives in process; the numpy
MinHash and band index propose what datasketch proposes; line_key is unchanged by its rewrite."""

from __future__ import annotations

import dataclasses
import json
import random
import re

import numpy as np
import pytest

from framing.analyse import parallel
from framing.corpus import load
from framing.corpus.minhash import BandIndex, band_keys, lsh_params, shares_a_bucket, signatures
from framing.corpus.profiles import is_line_key, line_key
from tests.corpus_of_config import clean_documents, load_corpus
from framing.records import Document
from test_corpus_helpers import article, config, paragraph

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="forked worker processes need Linux")

SIGN_OFF = "تابعونا على تويتر وفيسبوك"  # a line repeated across one outlet's documents


def _rows() -> list[dict]:
    """Rows meant to cross batch boundaries: copies far from their originals, repeated lines in
    many batches, and every kind of skip."""
    rows = []
    for i in range(60):
        outlet = ("one", "two", "three")[i % 3]
        text = article(i, paragraphs=3)
        if outlet == "one":
            text += "\n" + SIGN_OFF
        rows.append({"id": str(i), "outlet": outlet, "title": f"عنوان الخبر رقم {i}", "text": text})
    rows[44]["text"] = rows[2]["text"]  # exact copy, same outlet ("three"), batches apart
    rows[41]["text"] = article(5, paragraphs=3) + " وأضاف الوزير كلاما جديدا."  # near copy of row 5 ("three")
    rows[42]["text"] = article(7, paragraphs=3)  # row 7 is "two", row 42 is "one": shared wire copy
    rows[50]["text"] = ""  # empty
    rows[51]["text"] = "This article is written in English only, with no Arabic at all in it."
    rows[52]["text"] = paragraph(9, n_words=8)  # too short
    rows[53]["outlet"] = ""  # missing outlet
    rows[54]["text"] = article(54) + "\nالمصدر : الجزيرة + وكالات"  # another outlet's source line
    rows[55]["text"] = "(أ ف ب)\n" + article(55)  # agency credit
    rows[56]["text"] = "خبر عاجل قصير"  # one short line without a sentence: too short, not page furniture
    rows[57]["text"] = "\n".join(f"وسم رقم {k} هنا" for k in range(12))  # 48 Arabic words of labels: emptied
    return rows


def _corpus(tmp_path):
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _rows()) + "\n{not json\n",
                                         encoding="utf-8")
    auto = tmp_path / "auto"
    auto.mkdir()
    for i in range(6):
        sign = ["المصدر : الجزيرة + وكالات", "المصدر: الميادين + وكالات", "(أ.ف.ب)", ""][i % 4]
        (auto / f"{i:03d}.txt").write_text(f"عنوان مقال {i}\n\n{article(200 + i)}\n{sign}\n", encoding="utf-8")
    (auto / "empty.txt").write_text("", encoding="utf-8")
    return [{"path": "rows.jsonl", "fields": {"title": "title"}}, {"path": "auto/*.txt", "outlet": "auto"}]


def _as_dicts(docs):
    return [dataclasses.asdict(d) for d in docs]


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of three documents, and worker processes from the first batch on."""
    monkeypatch.setattr(load, "BATCH_DOCS", 3)
    monkeypatch.setattr(load, "PARALLEL_MIN_CHARS", 1)
    calls = []
    real = load.imap_forked

    def counted(func, batches, jobs):
        calls.append(jobs)
        return real(func, batches, jobs)

    monkeypatch.setattr(load, "imap_forked", counted)
    return calls


@needs_fork
@pytest.mark.parametrize("titles", [True, False])
def test_workers_give_the_documents_of_the_serial_run(tmp_path, small_batches, titles):
    sources = _corpus(tmp_path)
    serial = load_corpus(config(tmp_path, sources, analyse_titles=titles).model_copy(update={"run": _run(1)}))
    assert small_batches == []
    forked = load_corpus(config(tmp_path, sources, analyse_titles=titles).model_copy(update={"run": _run(2)}))
    assert small_batches == [2]
    assert _as_dicts(forked) == _as_dicts(serial)
    # the corpus exercises what it is meant to
    reasons = " | ".join(d.reason for d in serial)
    for what in ("exact copy", "near-duplicate", "empty text", "not Arabic", "too short", "missing outlet",
                 "parse error", "empty file"):
        assert what in reasons, what
    assert any(d.duplicate_of and d.analysed and d.is_wire for d in serial)  # shared wire copy, kept
    assert serial[56].reason.startswith("too short: 3 Arabic words") and serial[56].removed == ["خبر عاجل قصير"]
    assert serial[57].reason.startswith("empty after cleaning") and len(serial[57].removed) == 12
    assert sum(SIGN_OFF in d.removed for d in serial) >= 5
    assert {d.outlet for d in serial if d.source.startswith("auto/")} >= {"aljazeera", "almayadeen", "unknown"}


def _run(jobs: int):
    from framing.config import RunOptions

    return RunOptions(jobs=jobs)


@needs_fork
def test_documents_built_elsewhere_are_cleaned_in_place_by_the_workers(tmp_path, small_batches):
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    cfg = config(tmp_path, [{"path": "a.txt", "outlet": "x"}]).model_copy(update={"run": _run(2)})
    docs = [Document(doc_id=f"d{i}", outlet="auto" if i % 2 else "x", source=f"mem#{i}",
                     text=article(i) + ("\nالمصدر : الجزيرة + وكالات" if i % 2 else "\nفيديو")) for i in range(12)]
    out = clean_documents(docs, cfg)
    assert small_batches == [2]
    assert all(a is b for a, b in zip(out, docs))
    assert [d.doc_id for d in docs[:2]] == ["x-d0", "aljazeera-d1"]
    assert docs[0].removed == ["فيديو"] and docs[1].source_line == "المصدر : الجزيرة + وكالات"


def test_small_inputs_and_one_job_stay_in_process(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(load, "imap_forked", lambda *a: calls.append(a))
    sources = _corpus(tmp_path)
    load_corpus(config(tmp_path, sources).model_copy(update={"run": _run(2)}))  # under PARALLEL_MIN_CHARS
    monkeypatch.setattr(load, "PARALLEL_MIN_CHARS", 1)
    load_corpus(config(tmp_path, sources).model_copy(update={"run": _run(1)}))
    assert calls == []


def test_imap_forked_keeps_the_order():
    out = list(parallel.imap_forked(_square_all, iter([[1, 2], [3], [4, 5, 6]] * 5), 2))
    assert out == [[1, 4], [9], [16, 25, 36]] * 5
    assert list(parallel.imap_forked(_square_all, iter([[7]]), 1)) == [[49]]


def _square_all(xs):
    return [x * x for x in xs]


# ---- MinHash and the band index against datasketch -------------------------------------------

def _sets(seed: int, n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    base = np.unique(rng.integers(0, 2**32, 400, dtype=np.uint32))
    out = []
    for _ in range(n):  # overlapping sets, so that some share buckets
        extra = rng.integers(0, 2**32, int(rng.integers(1, 200)), dtype=np.uint32)
        keep = base[rng.random(len(base)) < rng.uniform(0.3, 1.0)]
        out.append(np.unique(np.concatenate([keep, extra])))
    return out


def test_signatures_are_datasketch_minhash():
    datasketch = pytest.importorskip("datasketch")
    sets = _sets(0, 40) + [np.array([7], dtype=np.uint32)]
    sigs = signatures(sets, 64)
    for s, row in zip(sets, sigs):
        m = datasketch.MinHash(num_perm=64, seed=1, hashfunc=lambda x: x, scheme="affine32")
        m.update_batch(s.tolist())
        assert np.array_equal(m.hashvalues, row)
    assert signatures([], 64).shape == (0, 64)
    with pytest.raises(ValueError):
        signatures([np.zeros(0, dtype=np.uint32)], 64)


def test_band_index_proposes_what_datasketch_lsh_proposes():
    datasketch = pytest.importorskip("datasketch")
    sets = _sets(1, 80)
    sigs = signatures(sets, 64)
    b, r = lsh_params(0.8 - 0.1, 64, (0.3, 0.7))
    lsh = datasketch.MinHashLSH(threshold=0.8 - 0.1, num_perm=64, weights=(0.3, 0.7))
    assert (lsh.b, lsh.r) == (b, r)
    index = BandIndex(b, r)
    keys = band_keys(sigs, b, r)
    proposed = 0
    for i, (s, row) in enumerate(zip(sets, sigs)):
        m = datasketch.MinHash(num_perm=64, seed=1, hashfunc=lambda x: x, scheme="affine32")
        m.update_batch(s.tolist())
        assert set(lsh.query(m)) == index.query(keys[i])
        proposed += len(index.query(keys[i]))
        lsh.insert(i, m)
        index.insert(i, keys[i])
    assert proposed > 0
    alone = ~shares_a_bucket(sigs, b, r)
    for i in np.flatnonzero(alone):
        assert index.query(keys[i]) == {i}


@pytest.mark.parametrize("threshold, num_perm", [(0.7, 64), (0.5, 32)])
def test_lsh_params_are_datasketch_params(threshold, num_perm):
    datasketch = pytest.importorskip("datasketch")
    lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.3, 0.7))
    assert lsh_params(threshold, num_perm, (0.3, 0.7)) == (lsh.b, lsh.r)


# ---- line_key --------------------------------------------------------------------------------

_OLD_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None,
                           **{chr(k): None for k in [*range(0x064B, 0x0660), 0x0670]}})


def _old_line_key(line: str) -> str:
    """line_key as it was first written (translate, then regexes)."""
    line = re.sub(r"[\s:：.\-–—،,|]+$", "", line.translate(_OLD_FOLD))
    return re.sub(r"\s+", " ", line).strip().lower()


def test_line_key_is_unchanged():
    alphabet = list(" \t\n\xa0\u2003\u2028\x1c\x85:：.-–—،,|أإآٱىةـايبx") + [chr(c) for c in range(0x064A, 0x0672)] + ["İ", "A", "Σ"]
    rng = random.Random(0)
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert line_key(s) == _old_line_key(s), repr(s)
    assert line_key("  المصدر :  الجزيرة + وكالات -- ") == "المصدر : الجزيره + وكالات"


def test_is_line_key_answers_as_line_key_does():
    # keys made from the line itself (equal, a letter short, a prefix), from other lines, and empty
    alphabet = list(" \t\xa0\u2003\x85:：.-–—،,|أإآٱىةـايبx") + [chr(c) for c in range(0x064A, 0x0672)] + ["İ", "A"]
    rng = random.Random(1)
    answers = set()
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        k = line_key(s)
        for key in (k, k[:-1], k[: len(k) // 2], line_key(s[: rng.randint(0, len(s))]), line_key(s + "ـ ،"), ""):
            assert is_line_key(s, key) == (line_key(s) == key), (s, key)
            answers.add(is_line_key(s, key))
    assert answers == {True, False}
    headline = "وزير الخارجية يصل إلى الرياض"
    assert is_line_key("وَزيرُ الخارجيّة  يصل إلى الرياض:", line_key(headline))
    assert not is_line_key(headline + " " + "في زيارة رسمية " * 30, line_key(headline))


def _fail_on_three(xs):
    if 3 in xs:
        raise ValueError("three")
    return xs


def _read_then_fail():
    yield [1]
    yield [2]
    raise KeyError("reading")


def _die_on_three(xs):
    if 3 in xs:
        import os

        os._exit(3)
    return xs


@needs_fork
def test_imap_forked_reports_failures():
    with pytest.raises(ValueError, match="three"):
        list(parallel.imap_forked(_fail_on_three, iter([[1], [2], [3], [4]]), 2))
    got = []
    with pytest.raises(KeyError, match="reading"):
        for x in parallel.imap_forked(_square_all, _read_then_fail(), 2):
            got.append(x)
    assert got == [[1], [4]]
    with pytest.raises(RuntimeError, match="stopped before answering batch 2"):
        list(parallel.imap_forked(_die_on_three, iter([[1], [2], [3], [4], [5], [6]]), 2))
    assert list(parallel.imap_forked(_square_all, iter([]), 2)) == []
    gen = parallel.imap_forked(_square_all, iter([[i] for i in range(100)]), 2)
    assert next(gen) == [0]
    gen.close()  # stopped early: the workers are ended


# ---- a row's text with a lone surrogate is still found when the row skips the search ----------

def test_jsonl_rows_with_surrogates_are_skipped_as_undecodable(tmp_path):
    good = article(1)
    lines = [json.dumps({"id": "a", "outlet": "x", "text": good}, ensure_ascii=False),
             json.dumps({"id": "b", "outlet": "x", "text": article(2) + " @"}, ensure_ascii=False).replace(" @", " \\ud800"),
             json.dumps({"id": "c", "outlet": "x", "text": article(3)}, ensure_ascii=True)]  # escaped, no surrogate
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = load_corpus(config(tmp_path, ["r.jsonl"]))
    assert [d.status for d in docs] == ["analysed", "skipped", "analysed"]
    assert docs[1].reason.startswith("undecodable: line 2")
    raw = (tmp_path / "r.jsonl").read_bytes().replace(b" \\ud800", " \ud800".encode("utf-8", "surrogatepass"))
    (tmp_path / "r.jsonl").write_bytes(raw)  # the surrogate as bytes ED A0 80
    docs = load_corpus(config(tmp_path, [{"path": "r.jsonl", "encoding": "utf-8"}]))
    assert docs[1].status == "skipped" and docs[1].reason.startswith("undecodable")
