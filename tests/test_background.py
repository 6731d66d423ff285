"""Work shared with a forked process (framing/background.py): the same answers as in one process,
errors raised where the answer is asked for, and the two places the run uses it (voices, outlet
masks) giving the tables of a run in one process."""

from __future__ import annotations

import os
import signal

import pytest

from framing import background

needs_fork = pytest.mark.skipif(not background.can_fork(), reason="processes cannot be forked here")


def _square_with_pid(items: list) -> list:
    return [(x * x, os.getpid()) for x in items]


@needs_fork
def test_split_map_gives_the_answers_of_one_process_and_uses_a_second_one():
    items = list(range(101))
    got = background.split_map(_square_with_pid, items, jobs=2)
    assert [v for v, _ in got] == [x * x for x in items]
    pids = {p for _, p in got}
    assert os.getpid() in pids and len(pids) == 2  # the first half here, the second in the child


def test_split_map_stays_in_this_process_with_one_job_or_few_items():
    items = list(range(10))
    for kwargs in ({"jobs": 1}, {"jobs": 2, "min_items": 11}):
        got = background.split_map(_square_with_pid, items, **kwargs)
        assert [v for v, _ in got] == [x * x for x in items]
        assert {p for _, p in got} == {os.getpid()}


def test_halves_of_equal_weight():
    assert background._half([1] * 10, 10) == 5
    assert background._half([9, 1, 1, 1], 4) == 1  # the heavy first item alone
    assert background._half([1, 1, 1, 9], 4) == 3  # never an empty part
    assert background._half(None, 7) == 3


@needs_fork
def test_an_exception_in_the_forked_process_is_raised_here():
    def fail(part: list) -> list:
        if 99 in part:
            raise ValueError("item 99 is bad")
        return part

    with pytest.raises(ValueError, match="item 99 is bad"):
        background.split_map(fail, list(range(100)), jobs=2)


@needs_fork
def test_a_forked_process_that_dies_is_reported_by_name():
    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    pending = background.start("the test's work", die)
    with pytest.raises(background.BackgroundError, match="the test's work ended without a result .killed by signal 9"):
        pending.result()


def test_without_fork_the_answer_is_computed_here():
    pending = background.start("sum", lambda: sum(range(10)), fork=False)
    assert pending.result() == 45 and pending.seconds is not None


@needs_fork
def test_voices_and_outlet_masks_are_the_same_when_shared_with_a_forked_process(tmp_path, monkeypatch):
    from framing.analyse import tables
    from framing.classify import stage as classify_stage
    from framing.pipeline import run

    from framing.config import load_config

    config = load_config(os.path.join(os.path.dirname(background.__file__), "demo", "demo.yaml"))
    config = config.model_copy(update={"run": config.run.model_copy(update={"cache": False})})  # all computed
    one = run(config, output=tmp_path / "one", jobs=1, write=False, topics=False)
    forked: list[str] = []
    real_start = background.start

    def counted(name, func, **kwargs):
        forked.append(name)
        return real_start(name, func, **kwargs)

    monkeypatch.setattr(background, "start", counted)
    monkeypatch.setattr(tables, "VOICE_SPLIT_ABOVE", 2)
    monkeypatch.setattr(classify_stage, "MASK_SPLIT_ABOVE", 2)
    two = run(config, output=tmp_path / "two", jobs=2, write=False, topics=False)
    assert {"voices", "outlet masks"} <= set(forked)
    assert two.tables["matches"].equals(one.tables["matches"])
    assert two.tables["outlet_mask"].equals(one.tables["outlet_mask"])
    assert len(two.tables["matches"]) and two.tables["matches"]["voice"].notna().all()


@needs_fork
def test_mask_hits_counted_in_two_processes_are_those_of_one():
    from framing.arabic import Normaliser
    from framing.masks import Masker, MaskEntry, mask_table, text_hits

    masker = Masker([MaskEntry("الجزيرة", "outlet_name", "aj"), MaskEntry("وكالة الأنباء", "agency")], Normaliser())
    texts = [f"قالت وللجزيرة {i} إن وكالة  الأنباء نقلت" if i % 3 else f"خبر {i} من الجزيرة" for i in range(60)]
    one = text_hits(masker, texts)
    two = background.split_map(lambda part: text_hits(masker, part), texts, jobs=2)
    assert two == one and sum(map(len, one)) == 100
    table = mask_table(masker, two)
    assert table["hits"].tolist() == [60, 40] and table["documents"].tolist() == [60, 40]


@needs_fork
def test_share_gives_the_answers_in_order_from_this_process_and_the_workers():
    import time

    def part(x: int) -> tuple:  # long enough that the workers are busy when this process looks for a part
        time.sleep(0.02)
        return x * x, os.getpid()

    funcs = [lambda x=x: part(x) for x in range(60)]
    got = background.share(funcs, jobs=3, weights=list(range(60)))
    assert [v for v, _ in got] == [x * x for x in range(60)]
    pids = {p for _, p in got}
    assert os.getpid() in pids and len(pids) >= 2
    assert background.share(funcs[:3], jobs=1) == [(x * x, os.getpid()) for x in range(3)]


@needs_fork
@pytest.mark.parametrize("weight", [100, 0])  # the heaviest part goes to a worker, the lightest is computed here
def test_an_exception_in_a_shared_part_is_raised_here(weight):
    funcs = [lambda: 1, lambda: 1 / 0, lambda: 2]
    with pytest.raises(ZeroDivisionError):
        background.share(funcs, jobs=2, weights=[50, weight, 50])


@needs_fork
def test_a_shared_worker_that_dies_is_reported_by_name():
    funcs = [lambda: os.kill(os.getpid(), signal.SIGKILL), lambda: 1]
    with pytest.raises(background.BackgroundError, match="the statistics"):
        background.share(funcs, jobs=2, weights=[10, 1], name="the statistics")


@needs_fork
def test_a_process_still_working_is_stopped():
    import time

    job = background.start("sleeper", lambda: time.sleep(60))
    process = job._process
    t0 = time.perf_counter()
    job.stop()
    assert time.perf_counter() - t0 < 10 and not process.is_alive()
    job.stop()  # twice is harmless


def _slow_part(x: int, marker) -> tuple:
    import time

    nice = os.getpriority(os.PRIO_PROCESS, 0)
    marker.touch()
    time.sleep(0.05)
    return x * x, os.getpid(), nice


def _until(path, seconds: float = 20.0) -> str:
    """Wait until ``path`` exists (a part has begun in a worker)."""
    import time

    t0 = time.perf_counter()
    while not path.exists() and time.perf_counter() - t0 < seconds:
        time.sleep(0.01)
    return "decided"


@needs_fork
def test_parts_started_beside_are_the_answers_of_one_process_when_wanted(tmp_path):
    marker = tmp_path / "begun"
    funcs = [lambda x=x: _slow_part(x, marker) for x in range(12)]
    value, got = background.share_beside(lambda: _until(marker), funcs, wanted=lambda v: v == "decided", jobs=2,
                                         name="test parts")
    assert value == "decided"
    assert [v for v, _, _ in got] == [x * x for x in range(12)]
    pids = [p for _, p, _ in got]
    assert pids[0] != os.getpid() and os.getpid() in pids  # a worker began; this process helped at the end
    assert got[0][2] == background.BESIDE_NICE  # not wanted yet: the worker takes no time from the lead
    value, got = background.share_beside(lambda: 7, funcs[:3], wanted=lambda v: True, jobs=1)
    assert value == 7 and got == [(x * x, os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)) for x in range(3)]


@needs_fork
def test_parts_started_beside_are_stopped_when_not_wanted():
    import time

    ran: list[int] = []
    funcs = [lambda: time.sleep(60)] * 3 + [lambda: ran.append(1)]
    t0 = time.perf_counter()
    value, got = background.share_beside(lambda: 5, funcs, wanted=lambda v: v > 5, jobs=2)
    assert (value, got) == (5, None)
    assert time.perf_counter() - t0 < 10 and not ran  # the worker stopped; nothing computed here
    assert background.share_beside(lambda: 5, funcs, wanted=lambda v: False, jobs=1) == (5, None) and not ran


@needs_fork
def test_errors_beside_are_raised_here(tmp_path):
    def fail():
        raise ValueError("lead failed")

    with pytest.raises(ValueError, match="lead failed"):
        background.share_beside(fail, [lambda: 1], wanted=lambda v: True, jobs=2)
    with pytest.raises(ZeroDivisionError):
        background.share_beside(lambda: 0, [lambda: 1 / 0, lambda: 1], wanted=lambda v: True, jobs=2)
    marker = tmp_path / "begun"

    def die():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(background.BackgroundError, match="the parts"):
        background.share_beside(lambda: _until(marker), [die], wanted=lambda v: True, jobs=2, name="the parts")


def _files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_fork
def test_tables_written_beside_are_the_tables_written_in_process(tmp_path):
    import framing
    from framing.demo import DEMO_CONFIG
    from framing.outputs import tables_beside, write_data

    result = framing.run(DEMO_CONFIG, write=False, topics=False, classify=False)
    write_data(result, tmp_path / "here")
    write_data(result, tmp_path / "there", tables=tables_beside(result, tmp_path / "there"))
    here, there = _files(tmp_path / "here"), _files(tmp_path / "there")
    assert "data/matches.csv" in here and "data/datapackage.json" in here
    assert here == there


@needs_fork
def test_work_that_reads_every_document_stays_here_on_large_corpora(tmp_path, monkeypatch):
    import framing
    from framing.arabic import Normaliser
    from framing.demo import DEMO_CONFIG
    from framing.outputs import tables_beside
    from framing.topics import units as units_module

    result = framing.run(DEMO_CONFIG, write=False, topics=False, classify=False)
    monkeypatch.setattr(units_module, "SPLIT_ABOVE", 2)
    forked: list[bool] = []
    real = background.Pending.__init__

    def counted(self, name, func=None, *, fork=True):
        forked.append(fork)
        real(self, name, func, fork=fork)

    monkeypatch.setattr(background.Pending, "__init__", counted)
    docs = [d for d in result.texts.items()]
    from framing.records import Document

    documents = [Document(doc_id=i, outlet="o", source="s", text=t) for i, t in docs]
    for limit, expected in ((len(documents), True), (len(documents) - 1, False)):
        monkeypatch.setattr(background, "READS_ALL_AT_MOST", limit)
        forked.clear()
        units_module.build_units(documents, Normaliser(), "paragraph", 8, jobs=2)
        tables_beside(result, tmp_path / str(limit)).result()
        assert forked == ([True, True] if expected else [False]), (limit, forked)


def test_a_held_run_freezes_what_it_keeps_at_each_settle_and_leaves_the_collector_as_it_was():
    import gc

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert frozen == 0
    background.settle()  # no hold: nothing frozen
    assert gc.get_freeze_count() == 0
    with background.held():
        assert gc.get_threshold()[2] >= background.FULL_COLLECTIONS_EVERY
        before = gc.get_freeze_count()
        kept = [[i] for i in range(5000)]  # containers the collector tracks
        cycle = [[]]
        cycle[0].append(cycle)  # garbage in a cycle: collected at the settle, not frozen
        del cycle
        background.settle()
        assert gc.get_freeze_count() >= before + len(kept)
        assert not any(x is kept for x in gc.get_objects())  # frozen: out of the scans
        if background.can_fork():
            assert background.start("a child", lambda: 1).result() == 1  # its own hold leaves the run's on
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == threshold


@needs_fork
def test_an_answer_taken_in_at_once_lets_the_forked_process_end_before_the_result_is_asked_for():
    import time

    big = 8 * 2**20  # far more than a pipe holds: without receive() the child waits for a reader
    waiting = background.start("a large answer", lambda: b"x" * big)
    taken = background.start("a large answer", lambda: b"y" * big).receive()
    deadline = time.monotonic() + 20
    while taken._process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not taken._process.is_alive()
    assert waiting._process.is_alive()  # still blocked on its full pipe
    assert taken.result() == b"y" * big and waiting.result() == b"x" * big


@needs_fork
def test_an_answer_taken_in_at_once_still_raises_where_it_is_asked_for():
    def fail():
        raise ValueError("no stories")

    with pytest.raises(ValueError, match="no stories"):
        background.start("a failing part", fail).receive().result()
    dying = background.start("a dying part", lambda: os.kill(os.getpid(), signal.SIGKILL)).receive()
    with pytest.raises(background.BackgroundError, match="a dying part"):
        dying.result()
