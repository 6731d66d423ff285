"""The statistics stage's independent parts, run side by side in worker processes.

Much of the stage is work that does not wait on the rest: the corpus's words (keyness masks,
written spellings), the bootstrap with the outlet scores, the voice tables, each pair of outlets'
contrasts. A part is a function of no arguments; :class:`Parts` collects them and runs the ones
added since its last run together when a result is first asked for:

* in this process, one after another, in the order they were added, when the run has one job or
  the corpus is small (``PARALLEL_ABOVE``), or where processes cannot be forked;
* else in ``jobs`` worker processes forked for the run (``concurrent.futures`` with the fork start
  method): they inherit the parts and everything the parts hold (the count matrix, the documents),
  so nothing but each part's result is pickled, and they take the parts largest first as they
  become free.

Nothing a part computes depends on where it runs: each random stream belongs to one part (see
``stage.statistics``), so the numbers are the same with any number of jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Analysed documents up to which the stage stays in one process: below that, the workers' start (a
# fork of the whole run, twice), the results sent back and the parts' uneven sizes cost about what
# they save (SaudiNewsNet samples, 2 jobs against 1, load average 3-4 on 2 cores from other work:
# 2,000 articles 8.6-12.3 s against 7.1-10.6 s wall, 0.7-1 CPU-s more; 5,000: 9.1 s against 12.0 s).
PARALLEL_ABOVE = 5_000

_PARTS: list[Callable[[], Any]] = []  # in a forked worker: the parts of the run it serves


class Part:
    """A part's result, computed (with the other pending parts) when first asked for."""

    def __init__(self, owner: Parts | None, fn: Callable[[], Any] | None, weight: float, value: Any = None,
                 then: Callable[[Any], None] | None = None) -> None:
        self._owner, self.fn, self.weight, self.value, self.then = owner, fn, weight, value, then

    def result(self) -> Any:
        """The part's result (running the pending parts first when it is one of them)."""
        if self._owner is not None:
            self._owner.run()
        return self.value


class Parts:
    """Parts of the stage to run together (module docstring); ``jobs``: worker processes (1: this
    process); ``parallel``: False keeps every part in this process whatever ``jobs``."""

    def __init__(self, jobs: int = 1, parallel: bool = True) -> None:
        import multiprocessing as mp

        from framing.analyse.parallel import can_fork

        # a daemonic process (another pool's worker) may not start processes of its own
        self.jobs = jobs if parallel and can_fork() and not mp.current_process().daemon else 1
        self._pending: list[Part] = []
        self.runs = 0  # how many times parts ran in worker processes

    def add(self, fn: Callable[[], Any], weight: float = 1.0, then: Callable[[Any], None] | None = None) -> Part:
        """A part to run with the others: ``fn()`` later; ``weight``: its expected cost (parts
        are handed to free workers heaviest first); ``then``: called in this process with the
        result once it is in (e.g. to keep it in the cache)."""
        part = Part(self, fn, weight, then=then)
        self._pending.append(part)
        return part

    @staticmethod
    def done(value: Any) -> Part:
        """A part whose result is already known (read from the cache)."""
        return Part(None, None, 0.0, value)

    def run(self) -> None:
        """Run every part added since the last run (module docstring)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        if self.jobs <= 1 or len(pending) == 1:
            values = [part.fn() for part in pending]
        else:
            values = _run_forked([part.fn for part in pending], [part.weight for part in pending], self.jobs)
            self.runs += 1
        for part, value in zip(pending, values):
            part.value, part.fn, part._owner = value, None, None
            if part.then is not None:
                part.then(value)


def _run_forked(fns: list[Callable[[], Any]], weights: list[float], jobs: int) -> list:
    """``fn()`` for each of ``fns`` in ``jobs`` forked worker processes, heaviest first; results
    in the order of ``fns``. An exception in a part is raised here."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    global _PARTS
    order = sorted(range(len(fns)), key=lambda i: -weights[i])
    _PARTS = fns  # the workers are forked at the first submit and inherit it
    try:
        with ProcessPoolExecutor(min(jobs, len(fns)), mp_context=mp.get_context("fork"),
                                 initializer=_worker_started) as pool:
            futures = {i: pool.submit(_run_part, i) for i in order}
            return [futures[i].result() for i in range(len(fns))]
    finally:
        _PARTS = []


def _worker_started() -> None:
    """In a worker, once: its garbage collector leaves the inherited objects alone (no scans of
    them, no copies of their memory pages), and freed memory stays with it for the next part."""
    import gc

    from framing.analyse.parallel import keep_freed_memory

    gc.freeze()
    keep_freed_memory()


def _run_part(i: int) -> Any:
    return _PARTS[i]()
