"""Work done in a forked process while this one goes on.

:func:`start` returns a :class:`Pending` whose :meth:`Pending.result` waits for the answer (the run
writes its data tables so while it renders the report: both are work for the interpreter, so
threads would take turns on one core where two processes use two);
:func:`split_map` maps a function over a list in two halves at once, the second in a forked
process; :func:`share` computes many independent parts in this process and forked workers, each
taking the next one as it becomes free; :func:`share_beside` starts such parts in forked workers
before it is known whether they are wanted, while this process computes what decides it. The child is forked, so it inherits what it reads (documents, compiled rules) without
pickling; only the answer travels back, pickled through a pipe. The answers are those of the same
call in this process: the work must not depend on anything the two processes would share (such as
one random generator drawn from in turn).

Where processes cannot be forked (not Linux), everything is computed in this process.

It also keeps the garbage collector off what is shared or kept: :func:`freeze` while a child runs,
and, for a whole run, :func:`held` with :func:`settle` after each step.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any


# Documents above which the run keeps work that reads every document in one process, for memory: a
# forked process copies every memory page it writes to, and reading the run's objects writes to their
# reference counts, so a child that reads every document copies about a page per document. At 289,938
# articles (benchmarks/bench_scale.py --sizes 300000) that took the statistics stage's peak from 6.04 to
# 8.12 GiB PSS, the topic stage's from 5.11 to 6.72 and the report's from 4.96 to 6.61.
READS_ALL_AT_MOST = 100_000


def can_fork() -> bool:
    """Whether a process can be forked here: Linux, and not in a daemonic process (such as another
    pool's worker), which may not start processes of its own."""
    import multiprocessing as mp

    return (sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()
            and not mp.current_process().daemon)


class BackgroundError(RuntimeError):
    """The forked process ended without an answer (killed, perhaps for lack of memory), or raised
    an exception that cannot be pickled (its traceback is in the message)."""


_FROZEN = [0]  # holds on the frozen objects (running children, callers of ``freeze``): thawed when none is left


def freeze() -> None:
    """Leave every object that exists now out of the garbage collector's scans, until as many
    ``thaw`` calls as ``freeze`` calls (the forked children here count their own). While a child
    runs, neither process's collector scans the objects they share: a scan writes to every object
    it visits, and each page written is copied for the writer. A run also holds what it has made
    frozen from one step to the next (``settle``): the modules it imported, the documents, their
    analyses; a collection that scans millions of objects costs about a tenth of a second, and a
    run would make dozens."""
    import gc

    gc.freeze()
    _FROZEN[0] += 1


def thaw() -> None:
    """Undo one ``freeze``: the objects are scanned again when no hold on them is left."""
    import gc

    _FROZEN[0] -= 1
    if not _FROZEN[0]:
        gc.unfreeze()


@contextmanager
def held():
    """For a run that keeps what it makes from one step to the next (the pipeline's): the objects
    that exist when it starts and at each ``settle`` are frozen (``freeze``) until the block ends,
    and the collector's full collections come ten times less often. (Python runs one when its
    long-lived objects have grown by a quarter; frozen objects do not count, so without this it would
    run every ten collections of the middle generation, each scanning everything made since the
    last ``settle``.)"""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], FULL_COLLECTIONS_EVERY))
    freeze()
    try:
        yield
    finally:
        thaw()
        gc.set_threshold(*before)


FULL_COLLECTIONS_EVERY = 100  # middle-generation collections (Python's default: 10)


def before_exit() -> None:
    """For a program about to end after a run (the command line): leave everything it still holds
    out of the collector's last passes. When the interpreter ends, it collects its garbage once
    more over every object left, the modules' too; frozen objects are freed all the same, without
    that scan (0.45 → 0.1 s between the end of a run on 30,000 articles and the end of its
    process). Nothing a run writes is left open by then."""
    import gc

    gc.freeze()


def settle() -> None:
    """While something holds objects frozen (``freeze``): collect the garbage made since the last
    freeze and freeze what is left, so that the collector's scans from here on see only what the
    next step makes. Nothing otherwise."""
    import gc

    if _FROZEN[0]:
        gc.collect()
        gc.freeze()


def _lost(what: str, why: str = "") -> BackgroundError:
    """The error for a forked process that ended without sending its answer."""
    return BackgroundError(f"{what} ended without a result{f' ({why})' if why else ''}; if it ran out of memory, "
                           "run with run.jobs: 1 to compute it in the main process")


class Pending:
    """The answer of ``func()``, computed in a forked process (or already computed here).
    :meth:`result` waits for it; :meth:`stop` ends the process if it still runs (call it on the way
    out of an error, in a ``finally``)."""

    def __init__(self, name: str, func: Callable[[], Any] | None = None, *, fork: bool = True) -> None:
        self.name = name
        self.seconds: float | None = None  # the computation's own wall time
        self.waited = 0.0  # how long :meth:`result` waited for it
        self._answer: tuple | None = None
        self._process = self._conn = self._reader = None
        self._received: Any = None  # the answer as the reader thread of :meth:`receive` got it
        if func is None:
            return
        if not fork:
            self._answer = _answer(func)
            return
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        freeze()
        try:
            self._process = ctx.Process(target=_child, args=(func, send, receive), name=f"framing-{name}",
                                        daemon=True)
            self._process.start()
        except BaseException:
            thaw()
            raise
        finally:
            send.close()
        self._conn = receive

    def receive(self) -> "Pending":
        """Take the answer in as soon as it is sent, in a thread of this process, so that the forked
        process ends then: an answer larger than a pipe holds keeps it waiting, with every page it
        has copied, until the answer is read. Returns the Pending itself."""
        if self._conn is not None and self._reader is None:
            import threading

            self._reader = threading.Thread(target=self._read, name=f"framing-{self.name}-answer", daemon=True)
            self._reader.start()
        return self

    def _read(self) -> None:
        try:
            self._received = self._conn.recv()
        except EOFError as exc:
            self._received = exc

    def _recv(self) -> tuple:
        if self._reader is None:
            return self._conn.recv()
        self._reader.join()
        if isinstance(self._received, EOFError):
            raise self._received
        return self._received

    def result(self) -> Any:
        """The answer, waiting for it if need be; an exception the computation raised is raised here."""
        if self._answer is None:
            t0 = time.perf_counter()
            try:
                self._answer = self._recv()
            except EOFError:
                self._process.join()
                code = self._process.exitcode
                why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
                self._answer = (False, _lost(f"the process computing {self.name}", why), None)
            finally:
                self.waited = time.perf_counter() - t0
                self.stop()
        ok, value, seconds = self._answer
        self.seconds = seconds
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """End the process if it still runs, and wait for it (nothing when it is done already)."""
        if self._process is None:
            return
        if self._process.is_alive() and self._answer is None:
            self._process.terminate()
        self._process.join()
        if self._reader is not None:
            self._reader.join()  # the pipe ends with the process
        self._conn.close()
        self._process = None
        thaw()


def start(name: str, func: Callable[[], Any], *, fork: bool | None = None) -> Pending:
    """``func()`` in a forked process (``fork`` None: where processes can be forked); ``name``
    says what it computes, in messages."""
    return Pending(name, func, fork=can_fork() if fork is None else fork)


def _answer(func: Callable[[], Any]) -> tuple:
    """(True, value, seconds) or (False, exception, seconds)."""
    t0 = time.perf_counter()
    try:
        value = func()
    except Exception as exc:
        return False, exc, time.perf_counter() - t0
    return True, value, time.perf_counter() - t0


def _send(conn, answer: tuple) -> None:
    """Send ``answer`` (as :func:`_answer` gives it) through ``conn``; one that cannot be pickled is
    sent as a :class:`BackgroundError` with the traceback of what it held."""
    try:
        conn.send(answer)
    except Exception as exc:  # an answer or exception that cannot be pickled
        text = "".join(traceback.format_exception(answer[1])) if not answer[0] else ""
        conn.send((False, BackgroundError(f"{type(exc).__name__} sending the result back: {exc}\n{text}"),
                   answer[2]))


def _child(func: Callable[[], Any], send, receive) -> None:
    """In the forked process: compute, send the answer, end."""
    receive.close()
    try:
        _send(send, _answer(func))
    finally:
        send.close()
    os._exit(0)  # no exit handlers of the parent's: they are the parent's business


def split_map(func: Callable[[list], list], items: list, *, jobs: int, weights=None, name: str = "work",
              min_items: int = 2) -> list:
    """``func(items)`` computed as ``func(first half) + func(second half)``, the second half in a
    forked process while this one does the first, when ``jobs`` >= 2, there are at least
    ``min_items`` items and a process can be forked; else ``func(items)`` here. ``func`` maps a
    list to a list of as many answers, each item's answer depending on that item alone (so the
    answers are the same either way). ``weights``: each item's share of the work (say, its hits),
    so that the halves take about as long."""
    items = list(items)
    if jobs < 2 or len(items) < max(2, min_items) or not can_fork():
        return func(items)
    cut = _half(weights, len(items))
    second = start(name, lambda: func(items[cut:]))
    try:
        first = func(items[:cut])
        return first + second.result()
    finally:
        second.stop()


def _half(weights, n: int) -> int:
    """Where to cut ``n`` items so that both parts weigh about the same (at least one item each)."""
    if weights is None:
        return n // 2
    total, acc = sum(weights), 0
    for i, w in enumerate(weights):
        acc += w
        if acc * 2 >= total:
            return min(max(1, i + 1), n - 1)
    return n // 2


_SHARED: list[Callable[[], Any]] = []  # in a worker of :func:`share`: the parts it may be sent


def share(funcs: list[Callable[[], Any]], *, jobs: int, weights: list[float] | None = None,
          name: str = "work", begin: Callable[[], None] | None = None) -> list:
    """``[f() for f in funcs]`` computed by this process and ``jobs - 1`` forked worker processes
    (``jobs`` < 2, or where a process cannot be forked: all here). The workers take the heaviest
    parts left (``weights``: each part's expected cost), this process the lightest, until none is
    left; this process looks for the workers' answers between its own parts, which are the short
    ones until the end. A worker inherits the parts and what they hold; only the answers of the
    parts it computes are pickled back. Each answer must depend on its part alone (as for
    :func:`split_map`). ``begin``: called once in each worker before its first part. An exception
    in a part is raised here."""
    import multiprocessing as mp
    from collections import deque
    from multiprocessing.connection import wait

    global _SHARED
    weights = list(weights) if weights is not None else [1.0] * len(funcs)
    order = deque(sorted(range(len(funcs)), key=lambda i: -weights[i]))
    n_workers = min(jobs, len(funcs)) - 1 if can_fork() else 0
    workers: list = []
    _SHARED = funcs  # inherited by the workers
    values: dict[int, Any] = {}
    busy: dict[Any, int] = {}  # a worker's pipe end -> the part it is computing

    def hand(conn) -> None:
        if order:
            busy[conn] = order.popleft()
            conn.send(busy[conn])

    if n_workers:
        freeze()  # until the workers are done
    try:
        try:
            ctx = mp.get_context("fork")
            for k in range(n_workers):
                ours, theirs = ctx.Pipe()
                # a worker closes this process's pipe ends it inherits: left open, it would not see its input end
                proc = ctx.Process(target=_serve, args=(theirs, [ours] + [c for _, c in workers], begin),
                                   name=f"framing-{name}-{k + 1}", daemon=True)
                proc.start()
                theirs.close()
                workers.append((proc, ours))
        finally:
            _SHARED = []
        for _, conn in workers:
            hand(conn)
        while busy or order:
            answered = wait(list(busy), timeout=0) if busy else []
            if not answered and order:
                i = order.pop()
                values[i] = funcs[i]()
                continue
            for conn in answered or wait(list(busy)):
                try:
                    ok, value, _ = conn.recv()
                except EOFError:
                    raise _lost(f"a process computing {name}") from None
                if not ok:
                    raise value
                values[busy.pop(conn)] = value
                hand(conn)
        return [values[i] for i in range(len(funcs))]
    finally:
        for _, conn in workers:
            conn.close()  # a worker stops after its part
        for proc, _ in workers:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        if n_workers:
            thaw()


def _serve(conn, others: list, begin: Callable[[], None] | None) -> None:
    """In a worker of :func:`share`: the answer (as :func:`_answer`'s) of each part it is sent (its
    index in ``_SHARED``), until its input ends."""
    for end in others:
        end.close()
    if begin is not None:
        begin()
    while True:
        try:
            i = conn.recv()
        except EOFError:
            break
        _send(conn, _answer(_SHARED[i]))
    conn.close()
    os._exit(0)  # no exit handlers of the parent's: they are the parent's business


# Scheduling priority (nice value) of the workers of :func:`share_beside` until their parts are known
# to be wanted: work that may be thrown away takes only a core nothing else wants, never time from
# the process that decides (or from other programs)
BESIDE_NICE = 19


def _nice(pid: int, value: int) -> None:
    """Set process ``pid``'s nice value where allowed (lowering it back may need privileges: left as it is)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, value)
    except (OSError, AttributeError):
        pass


def share_beside(lead: Callable[[], Any], funcs: list[Callable[[], Any]], *, wanted: Callable[[Any], bool],
                 jobs: int, name: str = "work") -> tuple[Any, list | None]:
    """``(lead(), [f() for f in funcs])``, or ``(lead(), None)`` when ``wanted(lead())`` is false:
    ``jobs - 1`` forked workers take the parts of ``funcs`` in order while this process computes
    ``lead()``; if the parts are wanted, this process then takes the parts no worker has taken yet,
    else the workers are stopped where they are. So work on the parts uses a second core at once,
    while whether it is needed is still being found out; it costs this process nothing when it is
    not. Until then the workers run at the lowest priority (:data:`BESIDE_NICE`), so that they take
    no time from ``lead`` when the cores are busy. ``jobs`` < 2, or where a process cannot be forked: ``lead()``, then the parts here if
    wanted. Each answer must depend on its part alone (as for :func:`share`); an exception in
    ``lead`` or a part is raised here."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    n_workers = min(jobs - 1, len(funcs)) if can_fork() else 0
    if n_workers < 1:
        value = lead()
        return value, ([f() for f in funcs] if wanted(value) else None)
    ctx = mp.get_context("fork")
    taken, lock = ctx.RawValue("l", 0), ctx.Lock()  # the next part to take, for every process
    known = ctx.RawValue("b", 0)  # 1 once the parts are known to be wanted
    nice = (os.getpriority(os.PRIO_PROCESS, 0), BESIDE_NICE)  # the workers' nice values: wanted, not yet

    def take() -> int:
        with lock:
            i = taken.value
            taken.value = min(i + 1, len(funcs))
        return i

    workers: list = []
    freeze()  # until the workers are done
    try:
        for k in range(n_workers):
            ours, theirs = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_take_parts, args=(funcs, take, theirs, [ours] + [c for _, c in workers],
                                                         known, nice),
                               name=f"framing-{name}-{k + 1}", daemon=True)
            proc.start()
            theirs.close()
            workers.append((proc, ours))
        value = lead()
        if not wanted(value):
            return value, None
        known.value = 1
        for proc, _ in workers:  # wanted now: the workers' parts are no longer put behind anything else
            _nice(proc.pid, nice[0])
        values: dict[int, Any] = {}
        open_ends = [conn for _, conn in workers]
        while len(values) < len(funcs):
            mine = take()
            if mine < len(funcs):
                values[mine] = funcs[mine]()
            if not open_ends:
                if mine >= len(funcs):  # every part taken, and no worker left to send one
                    raise _lost(f"a process computing {name}")
                continue
            for conn in wait(open_ends, timeout=0 if mine < len(funcs) else None):
                try:
                    i = conn.recv()
                    ok, answer, _ = conn.recv()
                except EOFError:  # the worker is done, or died: a part it took and never sent is missed
                    open_ends.remove(conn)
                    continue
                if not ok:
                    raise answer
                values[i] = answer
        return value, [values[i] for i in range(len(funcs))]
    finally:
        for proc, conn in workers:
            if proc.is_alive():
                proc.terminate()
            proc.join()
            conn.close()
        thaw()


def _take_parts(funcs: list[Callable[[], Any]], take: Callable[[], int], conn, others: list, known,
                nice: tuple[int, int]) -> None:
    """In a worker of :func:`share_beside`: the index and answer of each part it takes, until none
    is left, each at the nice value ``nice[0]`` once the parts are ``known`` to be wanted, else
    ``nice[1]``."""
    for end in others:
        end.close()
    while (i := take()) < len(funcs):
        _nice(os.getpid(), nice[0] if known.value else nice[1])
        conn.send(i)
        _send(conn, _answer(funcs[i]))
    conn.close()
    os._exit(0)  # no exit handlers of the parent's: they are the parent's business
