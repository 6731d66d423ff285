"""The statistics stage gives the same tables, bit for bit, whether its parts run in this process
or side by side in worker processes (framing/stats/parts.py)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from framing.analyse.parallel import can_fork
from framing.arabic import Normaliser
from framing.cache import Cache
from framing.records import Document, Outlet, StageInputs
from framing.runtime import Runtime
from framing.stats import StatsOptions, statistics
from framing.stats import stage
from framing.stats.parts import Parts

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes are forked, which this platform cannot do")

OPTS = StatsOptions(bootstrap=200, permutations=300)
WORDS = ["الحرب", "السلام", "الحكومة", "الإرهابية", "المعارضة", "الرياض", "الاقتصاد", "النفط", "المدينة",
         "الشرق", "الأوسط", "مؤتمر", "الوزير", "قال", "أعلن", "صحيفة", "اليوم", "الانتخابات", "الشعب", "الأمن"]
OUTLETS = (Outlet("a", "Outlet A", ("صحيفة اليوم",)), Outlet("b", "Outlet B", ("الرياض",)),
           Outlet("c", "Outlet C", ()))


def _inputs(seed: int = 3) -> StageInputs:
    """Three outlets' documents with texts, frame hits (common and sparse categories, so that both
    the curve and the exact conditional tests run), a naming axis, dominant topics and classifier
    word features."""
    rng = np.random.default_rng(seed)
    docs, rows, matches, terms, units = [], [], [], {}, []
    for outlet, n, lift in (("a", 70, 2.5), ("b", 60, 1.0), ("c", 50, 0.5)):
        for i in range(n):
            doc_id = f"{outlet}{i}"
            words = list(rng.choice(WORDS, size=int(rng.integers(60, 240))))
            docs.append(Document(doc_id, outlet, f"{outlet}.jsonl#line={i}", " ".join(words)))
            rows.append((doc_id, outlet, len(words), f"2024-0{1 + i % 3}-1{i % 9}"))
            terms.setdefault(outlet, Counter()).update(words)
            units.append((doc_id, int(rng.integers(0, 3)), len(words)))
            for k, rate in enumerate((6.0, 3.0, 0.4, 0.1)):
                mean = len(words) / 1000 * rate * (lift if k % 2 == 0 else 1.0) * rng.gamma(1.0, 1.0)
                matches += [(doc_id, outlet, "", "lex", f"c{k}", f"e{k}", "w", 0, 1, "")] * int(rng.poisson(mean))
            if rng.random() < 0.5:
                entry = "x" if rng.random() < {"a": 0.8, "b": 0.5, "c": 0.2}[outlet] else "y"
                matches += [(doc_id, outlet, "", "names", "axis", entry, "w", 0, 1, "")] * int(rng.integers(1, 3))
    lex = [("lex", "frames", f"c{k}", f"Category {k}", "", f"e{k}", "") for k in range(4)]
    lex += [("names", "naming", "axis", "Axis", "", e, e.upper()) for e in ("x", "y")]
    return StageInputs(
        documents=docs, all_documents=docs, normaliser=Normaliser(), outlets=OUTLETS,
        outlet_names={o.id: o.name for o in OUTLETS}, outlet_terms=terms,
        doc_table=pd.DataFrame(rows, columns=["doc_id", "outlet", "n_tokens", "date"]),
        matches=pd.DataFrame(matches, columns=["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface",
                                               "start", "end", "sentence"]),
        lexicon_entries=pd.DataFrame(lex, columns=["lexicon", "kind", "category", "category_label",
                                                   "category_label_ar", "entry", "gloss"]),
        tables={"topic_units": pd.DataFrame(units, columns=["doc_id", "topic", "n_tokens"]),
                "outlet_features": pd.DataFrame({"outlet": ["a", "b"], "feature": ["الحرب الإرهابية", "ال"],
                                                 "kind": ["word", "char"]})})


def _same(a, b, where: str = "") -> None:
    """a and b are equal, floats to the bit (NaNs where the other has them); timings aside."""
    if isinstance(a, pd.DataFrame):
        assert list(a.columns) == list(b.columns) and a.index.equals(b.index), where
        for col in a.columns:
            x, y = a[col], b[col]
            assert x.dtype == y.dtype, f"{where}.{col}"
            if x.dtype.kind == "f":
                assert np.array_equal(x.to_numpy().view(np.int64), y.to_numpy().view(np.int64)), f"{where}.{col}"
            else:
                assert x.equals(y), f"{where}.{col}"
    elif isinstance(a, dict):
        assert set(a) == set(b), where
        for k in a:
            if k != "timings_s":
                _same(a[k], b[k], f"{where}.{k}")
    else:
        assert a == b, where


def test_the_statistics_are_the_same_from_worker_processes():
    inputs = _inputs()
    args = (inputs.doc_table, inputs.matches, inputs.lexicon_entries, inputs.outlet_terms, OPTS, 7,
            inputs.outlet_names)
    topics = stage.dominant_topics(inputs.tables["topic_units"])
    alone = statistics(*args, doc_topics=topics)
    parts = Parts(2)  # in worker processes, however small the corpus
    side_by_side = statistics(*args, doc_topics=topics, parts=parts)
    assert parts.runs == 2  # the contrasts, bootstrap and voice; then the FCR intervals and keyness
    assert alone.info["timings_s"]["parallel_runs"] == 0
    contrasts = alone.tables["contrasts"]
    assert contrasts["p_method"].str.startswith("exact conditional").any()
    assert contrasts["p_method"].str.contains("Pearson III|three-moment").any()
    assert contrasts["fcr_low_topic"].notna().any() and len(alone.tables["keyness"])
    _same(alone.tables, side_by_side.tables, "tables")
    assert alone.notes == side_by_side.notes
    _same(alone.info, side_by_side.info, "info")


@pytest.mark.parametrize("cached", [False, True])
def test_the_stage_is_the_same_with_one_job_and_with_two(tmp_path, cached):
    inputs = _inputs()
    one = stage.compute(inputs, OPTS, Runtime.of(1, 7, Cache(tmp_path / "one") if cached else None))
    for _ in range(2 if cached else 1):  # with a cache: computed and kept, then read back
        two = stage.compute(inputs, OPTS, Runtime.of(2, 7, Cache(tmp_path / "two") if cached else None),
                            parallel_above=0)
        assert two.info["timings_s"]["parallel_runs"] == 2
        assert "display" in two.tables["keyness"] and "display" in two.tables["outlet_features"]
        _same(one.tables, two.tables, "tables")
        assert one.notes == two.notes
        _same(one.info, two.info, "info")


def test_small_corpora_stay_in_one_process():
    out = stage.compute(_inputs(), OPTS, Runtime.of(2, 7))  # 180 documents: below PARALLEL_ABOVE
    assert out.info["timings_s"]["parallel_runs"] == 0


def test_large_corpora_stay_in_one_process(monkeypatch):
    from framing.stats import parts as parts_module

    monkeypatch.setattr(parts_module, "PARALLEL_BELOW", 100)  # 180 documents: "large", for memory
    out = stage.compute(_inputs(), OPTS, Runtime.of(2, 7), parallel_above=0)
    assert out.info["timings_s"]["parallel_runs"] == 0
    monkeypatch.setattr(parts_module, "PARALLEL_BELOW", 1_000)
    assert stage.compute(_inputs(), OPTS, Runtime.of(2, 7), parallel_above=0).info["timings_s"]["parallel_runs"] == 2


def test_the_intervals_search_is_split_by_documents_in_one_process(monkeypatch):
    """Where the comparisons hold more documents than a part of the search may, the search runs in
    several parts one after another (for memory), with the same bounds bit for bit."""
    from framing.stats import contrasts

    whole = stage.compute(_inputs(), OPTS, Runtime.of(1, 7))
    calls = []
    levels = contrasts.levels
    monkeypatch.setattr(contrasts, "levels", lambda searches: calls.append(len(searches)) or levels(searches))
    stage.compute(_inputs(), OPTS, Runtime.of(1, 7))
    assert len(calls) == 1
    calls.clear()
    # 3 outlets (70, 60, 50 documents): 3 x 180 against the rest and 130 + 120 + 110 in pairs, 900
    # documents in six comparisons: five parts of at most 200 each, as near as the weights allow
    monkeypatch.setattr(contrasts, "BOUND_PART_DOCS", 200)
    split = stage.compute(_inputs(), OPTS, Runtime.of(1, 7))
    assert len(calls) == 5
    _same(whole.tables, split.tables, "tables")
    assert whole.notes == split.notes


@pytest.mark.parametrize("heavy", [True, False])
def test_an_error_in_a_part_reaches_the_caller(heavy):
    """The heaviest part goes to the worker process, the lightest is computed here: either way its
    exception is raised by ``result()``."""
    parts = Parts(2)
    fine = parts.add(lambda: 1, weight=5)
    parts.add(lambda: 1 / 0, weight=10 if heavy else 1)
    parts.add(lambda: 2, weight=5)
    with pytest.raises(ZeroDivisionError):
        fine.result()


def test_parts_are_shared_between_this_process_and_the_workers():
    import os

    import time

    def pid() -> int:  # long enough that the workers are busy when this process looks for a part
        time.sleep(0.05)
        return os.getpid()

    parts = Parts(3)
    pids = [parts.add(pid, weight=w) for w in range(40)]
    seen = {p.result() for p in pids}
    assert os.getpid() in seen and len(seen) >= 2 and parts.runs == 1


@pytest.mark.parametrize("weights,n", [([5, 1, 1, 1, 4, 2], 2), ([3], 4), ([1, 1, 1, 1, 1], 3), ([], 2)])
def test_the_intervals_search_is_shared_in_balanced_parts(weights, n):
    from framing.stats.contrasts import _chunks

    chunks = _chunks(weights, n)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(weights)))  # each once
    assert all(chunk == sorted(chunk) for chunk in chunks) and len(chunks) <= max(1, min(n, len(weights)))
    totals = [sum(weights[i] for i in chunk) for chunk in chunks]
    if totals:
        assert max(totals) - min(totals) <= max(weights)
