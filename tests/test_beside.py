"""Work in a forked process beside the run: its answer or its error comes back, it can be stopped,
and the data tables it writes are the ones the run writes itself."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from framing import beside
from framing.analyse.parallel import can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="processes cannot be forked here")


def _fails() -> None:
    raise ValueError("no such column: tone")


def test_the_answer_comes_back_from_another_process():
    job = beside.start(lambda: (os.getpid(), [1, 2, 3]), "answer")
    pid, value = job.result()
    assert value == [1, 2, 3] and pid != os.getpid()


def test_an_error_in_the_process_is_raised_with_its_message():
    job = beside.start(_fails, "failing")
    with pytest.raises(RuntimeError, match="no such column: tone"):
        job.result()


def test_a_process_still_working_is_stopped():
    job = beside.start(lambda: time.sleep(60), "sleeper")
    t0 = time.perf_counter()
    job.stop()
    assert time.perf_counter() - t0 < 10 and not job._proc.is_alive()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
