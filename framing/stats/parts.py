"""The statistics stage's independent parts, run side by side in worker processes.

Much of the stage is work that does not wait on the rest: the corpus's words (keyness masks,
written spellings), the bootstrap with the outlet scores, the voice tables, each pair of outlets'
contrasts. A part is a function of no arguments; :class:`Parts` collects them and runs the ones
added since its last run together when a result is first asked for:

* in this process, one after another, in the order they were added, when the run has one job, the
  corpus is small (``PARALLEL_ABOVE``) or large (``PARALLEL_BELOW``: for memory), or where processes
  cannot be forked;
* else in this process and ``jobs - 1`` worker processes forked for the run
  (``framing.background.share``): the workers inherit the parts and everything the parts hold
  (the count matrix, the documents), so nothing but the results of the parts they compute is
  pickled; they take the largest parts left as they become free, and this process the smallest
  ones meanwhile.

Nothing a part computes depends on where it runs: each random stream belongs to one part (see
``stage.statistics``), so the numbers are the same with any number of jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framing import background

# Analysed documents up to which the stage stays in one process. Two jobs cost about 1 CPU-s more
# than one (two forks, the results of the workers' parts pickled back, per-word caches warmed again
# in the worker), which pays where the parts are large. SaudiNewsNet samples, benchmarks/
# bench_stats_stage.py --parallel-above 0, 2 jobs against 1, twice, load average 5-7 from other work:
# 2,000 articles 13.8 / 17.1 s wall against 21.2 / 11.7 s (9.6 / 8.9 CPU-s against 9.0 / 7.8); 5,000:
# 11.6 / 17.3 s against 15.2 / 16.2 s (11.8 / 12.8 CPU-s against 10.8 / 11.2); all 30,157: 23.6 /
# 27.9 s against 29.4 s (21.6 / 21.8 CPU-s against 21.4).
PARALLEL_ABOVE = 5_000
PARALLEL_BELOW = background.READS_ALL_AT_MOST  # analysed documents; above: one process again, for memory


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
        self.jobs = jobs if parallel and background.can_fork() else 1  # not in a daemonic process, either
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
            from framing.analyse.parallel import keep_freed_memory  # freed memory stays for the next part

            values = background.share([part.fn for part in pending], jobs=self.jobs,
                                      weights=[part.weight for part in pending], name="the statistics",
                                      begin=keep_freed_memory)
            self.runs += 1
        for part, value in zip(pending, values):
            part.value, part.fn, part._owner = value, None, None
            if part.then is not None:
                part.then(value)
