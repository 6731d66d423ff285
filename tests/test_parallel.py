"""Per-document analysis in process, in forked workers and in loky workers: same results, in
input order."""

from __future__ import annotations

import pytest

from framing.analyse import parallel
from framing.analyse import DocumentAnalyser, analyse_documents
from framing.arabic import Normaliser
from framing.lexicon import Matcher, load_lexicons, shipped_ids
from framing.analyse.parallel import chunked, map_documents
from framing.runtime import effective_jobs

SENTENCES = [
    "قالت وزارة الخارجية إن قوات الاحتلال اقتحمت القرية فجر اليوم.",
    "وأكد شهود أن الجنود اعتقلوا عددا من الشبان خلال المواجهات.",
    "ووصفت الحكومة الهجوم بأنه عمل إرهابي، فيما دعت الأمم المتحدة إلى وقف إطلاق النار.",
    "أعلنت الحكومة عن خطة جديدة لدعم الاقتصاد الوطني وتشجيع الاستثمار.",
    "وقال الوزير إن الخطة تستهدف خلق آلاف فرص العمل للشباب.",
    "واتهم المتحدث الانفصاليين بخرق الهدنة، بحسب ما نقلت وكالة الأنباء.",
]


def _items(n: int = 40) -> list[tuple[str, str]]:
    return [(f"doc{i:03d}", "\n".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 5)))
            for i in range(n)]


def _analyser() -> DocumentAnalyser:
    normaliser = Normaliser()
    return DocumentAnalyser(normaliser, Matcher(load_lexicons(shipped_ids()), normaliser))


def _flat(results):
    return [(a.doc_id, a.n_tokens, a.matches, a.sentences, list(a.terms.items())) for a in results]


def _length(doc_id: str, text: str) -> tuple[str, int]:
    return doc_id, len(text)


def test_chunked_keeps_order_and_balances_weight():
    items = list(range(100))
    for n in (1, 3, 7, 100, 500):
        parts = chunked(items, n)
        assert [x for p in parts for x in p] == items
        assert len(parts) <= n
    weighted = chunked(items, 4, weight=lambda x: x)
    assert [x for p in weighted for x in p] == items
    sums = [sum(p) for p in weighted]
    assert max(sums) < 2 * min(sums)
    assert chunked([], 3) == []


def test_effective_jobs():
    assert effective_jobs(3) == 3
    assert effective_jobs(0) >= 1


@pytest.fixture
def always_parallel(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORDS", 0)


@pytest.mark.parametrize("fork", [True, False], ids=["fork", "loky"])
def test_workers_give_the_in_process_results(always_parallel, monkeypatch, fork):
    monkeypatch.setattr(parallel, "USE_FORK", fork)
    items = _items()
    plain = _analyser()
    expected = _flat(plain(d, t) for d, t in items)
    assert any(a[2] for a in expected), "the sample should have lexicon hits"
    assert _flat(map_documents(_analyser(), items, jobs=1)) == expected
    got = map_documents(_analyser(), items, jobs=2)
    assert _flat(got) == expected
    # a plain function (no run_chunk) works too
    assert map_documents(_length, items, jobs=2) == [_length(d, t) for d, t in items]


def test_progress_counts_every_document(always_parallel):
    items = _items(30)
    seen = []
    map_documents(_analyser(), items, jobs=2, progress=seen.append)
    assert sum(seen) == len(items)
    seen.clear()
    analyse_documents(_analyser(), items, jobs=1, progress=seen.append)
    assert sum(seen) == len(items)


def test_empty_input():
    assert map_documents(_length, [], jobs=2) == []


def _kept_twice(batch):
    import os

    parallel.keep_freed_memory()  # a forked worker has already run it once
    parallel.keep_freed_memory()
    return parallel._KEPT.count(os.getpid())


@pytest.mark.skipif(not parallel.can_fork(), reason="forked worker processes need Linux")
def test_forked_workers_keep_their_freed_memory_once():
    import os

    assert list(parallel.imap_forked(_kept_twice, iter([[0], [1]]), 2)) == [1, 1]
    assert os.getpid() not in parallel._KEPT  # the parent is left as it is
