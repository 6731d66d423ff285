"""The statistics stage's independent parts, run side by side in worker processes.

Much of the stage is work that does not wait on the rest: the corpus's words (keyness masks,
written spellings), the bootstrap with the outlet scores, the voice tables, each pair of outlets'
contrasts. A part is a function of no arguments; :class:`Parts` collects them and runs the ones
added since its last run together when a result is first asked for:

* in this process, one after another, in the order they were added, when the run has one job or
  the corpus is small (``PARALLEL_ABOVE``), or where processes cannot be forked;
* else in this process and ``jobs - 1`` worker processes forked for the run: the workers inherit
  the parts and everything the parts hold (the count matrix, the documents), so nothing but the
  results of the parts they compute is pickled; they take the largest parts left as they become
  free, and this process the smallest ones meanwhile. (This process works too rather than wait on
  ``jobs`` workers: one process fewer holding pages of the run.)

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
    """``fn()`` for each of ``fns`` by this process and ``jobs - 1`` forked worker processes: the
    workers take the heaviest parts left, this process the lightest, until none is left (this
    process looks for the workers' answers between its parts, which are short until the end).
    Results in the order of ``fns``; an exception in a part is raised here."""
    import gc
    import multiprocessing as mp
    from collections import deque
    from multiprocessing.connection import wait

    global _PARTS
    order = deque(sorted(range(len(fns)), key=lambda i: -weights[i]))
    ctx = mp.get_context("fork")
    workers = []
    _PARTS = fns  # inherited by the workers
    gc.freeze()  # the workers' collector leaves the inherited objects alone (no copies of their pages)
    try:
        for _ in range(min(jobs, len(fns)) - 1):
            ours, theirs = ctx.Pipe()
            # the workers close this process's ends they inherit: left open, the end of input would not reach them
            proc = ctx.Process(target=_serve, args=(theirs, [ours] + [c for _, c in workers]), daemon=True)
            proc.start()
            theirs.close()
            workers.append((proc, ours))
    finally:
        gc.unfreeze()
        _PARTS = []
    values: dict[int, Any] = {}
    busy: dict[Any, int] = {}  # a worker's end of its pipe -> the part it is computing

    def hand(conn) -> None:
        if order:
            busy[conn] = order.popleft()
            conn.send(busy[conn])

    try:
        for _, conn in workers:
            hand(conn)
        while busy or order:
            answered = wait(list(busy), timeout=0) if busy else []
            if not answered and order:
                i = order.pop()
                values[i] = fns[i]()
                continue
            for conn in answered or wait(list(busy)):
                try:
                    ok, value = conn.recv()
                except EOFError:
                    raise RuntimeError(f"a worker process stopped while computing part {busy[conn]}") from None
                if not ok:
                    raise value
                values[busy.pop(conn)] = value
                hand(conn)
        return [values[i] for i in range(len(fns))]
    finally:
        for proc, conn in workers:
            conn.close()  # the worker stops after its part
        for proc, _ in workers:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join()


def _serve(conn, others: list) -> None:
    """In a forked worker: compute the parts it is sent (their index in ``_PARTS``) and answer
    (True, result) or (False, exception) for each, until the pipe closes (``others``: the pipe ends
    it inherited and closes). Memory it frees stays with it for the next part."""
    from framing.analyse.parallel import keep_freed_memory

    for end in others:
        end.close()
    keep_freed_memory()
    while True:
        try:
            i = conn.recv()
        except EOFError:
            return
        try:
            answer = (True, _PARTS[i]())
        except Exception as exc:
            answer = (False, exc)
        try:
            conn.send(answer)
        except Exception as exc:  # an answer or exception that cannot be pickled
            conn.send((False, RuntimeError(f"{type(exc).__name__} in a worker process: {exc}")))
