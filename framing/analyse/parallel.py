"""Run the per-document analysis over many documents: in process, in joblib worker processes,
or on a Dask cluster. Results come back in input order whatever the backend, so every backend
writes byte-identical data files.

What costs time when going parallel, and what is done about it:

* on Linux the workers are forked (:func:`imap_forked`): they inherit the function (a
  DocumentAnalyser holding the compiled lexicon matcher) and the documents, so only two numbers
  go to a worker per chunk and only the packed results come back;
* elsewhere (loky), the function is pickled once, not once per task, and each worker unpickles it
  once and keeps it (``_WORKER_FUNCS``) so that its per-process caches (vocabulary, per-word
  tables) stay warm from one chunk to the next;
* documents go in chunks of similar word counts, a few per worker, so that the workers finish
  together and the progress bar moves;
* below ``PARALLEL_MIN_WORDS`` words the start-up of worker processes costs more than it saves, and
  the work stays in process.

``dask`` is imported here only, and only for ``backend="dask"``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from framing import background
from framing.runtime import effective_jobs

T = TypeVar("T")
R = TypeVar("R")

# Below this many words (text length / 6), starting worker processes costs more than it saves.
PARALLEL_MIN_WORDS = 500_000
CHUNKS_PER_JOB = 6
_WORKER_FUNCS: dict[str, Callable] = {}  # in a worker: unpickled functions by key
# Linux: fork the workers (no start-up imports, no pickling of the analyser or the documents);
# elsewhere, or with USE_FORK = False: loky's fresh worker processes.
USE_FORK = True


def chunked(items: Sequence[T], n_chunks: int, weight: Callable[[T], int] | None = None) -> list[Sequence[T]]:
    """Split ``items`` into at most ``n_chunks`` consecutive slices, in order. With ``weight``,
    slices have about equal total weight (documents of different lengths); else equal length."""
    if not items:
        return []
    n_chunks = max(1, min(n_chunks, len(items)))
    if weight is None:
        size = -(-len(items) // n_chunks)
        return [items[i:i + size] for i in range(0, len(items), size)]
    weights = [max(1, weight(x)) for x in items]
    target = sum(weights) / n_chunks
    out, start, acc = [], 0, 0
    for i, w in enumerate(weights):
        acc += w
        if acc >= target * (len(out) + 1) and len(out) < n_chunks - 1:
            out.append(items[start:i + 1])
            start = i + 1
    if start < len(items):
        out.append(items[start:])
    return out


def _run_chunk(func: Callable[[str, str], R], chunk: Sequence[tuple[str, str]]):
    """In a worker: a chunk's results, packed by ``func.run_chunk`` when it has one."""
    if hasattr(func, "run_chunk"):
        return func.run_chunk(chunk)
    return [func(doc_id, text) for doc_id, text in chunk]


def _unpack(func, part, chunk) -> list:
    """In the parent: the results of a chunk of items, unpacked by ``func.unpack`` when it has one."""
    return func.unpack(part, chunk) if hasattr(func, "run_chunk") else part


def _run_shipped(key: str, blob: bytes, chunk: Sequence[tuple[str, str]]):
    """In a worker: the function unpickled once per process, then kept warm."""
    func = _WORKER_FUNCS.get(key)
    if func is None:
        if len(_WORKER_FUNCS) > 4:  # a long-lived worker serving several runs
            _WORKER_FUNCS.clear()
        func = _WORKER_FUNCS[key] = pickle.loads(blob)
    return _run_chunk(func, chunk)


def _text_words(item: tuple[str, str]) -> int:
    return len(item[1]) // 6


def map_documents(
    func: Callable[[str, str], R],
    items: Sequence[tuple[str, str]],
    *,
    jobs: int = 0,
    backend: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """Apply ``func(doc_id, text)`` to every item; results in input order.

    ``jobs``: worker processes (0: one per core); ``backend``: "local" (joblib processes) or
    "dask" (``scheduler``: a dask scheduler address, or None for a LocalCluster on this machine);
    ``progress``: called with the number of documents each time a chunk is done.
    """
    if not items:
        return []
    items = list(items)
    n_jobs = effective_jobs(jobs)
    if backend == "dask":
        return _map_dask(func, items, scheduler, n_jobs, progress)
    words = sum(map(_text_words, items))
    if n_jobs == 1 or words < PARALLEL_MIN_WORDS:
        return _map_serial(func, items, progress)
    if can_fork():
        return _map_forked(func, items, n_jobs, progress)
    return _map_joblib(func, items, n_jobs, progress)


def _map_serial(func, items, progress) -> list:
    out: list = []
    for chunk in chunked(items, 50 if progress is not None else 1, _text_words):
        if hasattr(func, "run_chunk"):
            out.extend(func.run_chunk(chunk, local=True))
        else:
            out.extend(_run_chunk(func, chunk))
        if progress is not None:
            progress(len(chunk))
    return out


def _map_joblib(func, items, n_jobs, progress) -> list:
    from joblib import Parallel, delayed

    blob = pickle.dumps(func, protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha1(blob).hexdigest()
    chunks = chunked(items, n_jobs * CHUNKS_PER_JOB, _text_words)
    run = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")
    out: list = []
    for chunk, part in zip(chunks, run(delayed(_run_shipped)(key, blob, c) for c in chunks)):
        out.extend(_unpack(func, part, chunk))
        if progress is not None:
            progress(len(chunk))
    return out


def can_fork() -> bool:
    """Whether worker processes can be forked here (Linux, and ``USE_FORK`` left on)."""
    return USE_FORK and background.can_fork()


def _map_forked(func, items, n_jobs, progress) -> list:
    """Forked worker processes (Linux, :func:`imap_forked`): they inherit the analyser (compiled
    matcher and warm caches included) and the documents, so a task is two numbers and nothing is
    imported, unpickled or recompiled in the workers; only the packed results travel back."""
    bounds, start = [], 0
    for chunk in chunked(items, n_jobs * CHUNKS_PER_JOB, _text_words):
        bounds.append((start, start + len(chunk)))
        start += len(chunk)

    def work(span: tuple[int, int]):
        return _run_chunk(func, items[span[0]:span[1]])

    out: list = []
    for (a, b), part in zip(bounds, imap_forked(work, iter(bounds), n_jobs)):
        out.extend(_unpack(func, part, items[a:b]))
        if progress is not None:
            progress(b - a)
    return out


def _map_dask(func, items, scheduler, n_jobs, progress) -> list:
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=n_jobs, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        client = Client(cluster)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or n_jobs)
        remote_func = client.scatter(func, broadcast=True)  # one copy per worker, kept warm
        chunks = chunked(items, n_workers * CHUNKS_PER_JOB, _text_words)
        futures = [client.submit(_run_chunk, remote_func, c, pure=False) for c in chunks]
        out: list = []
        for chunk, future in zip(chunks, futures):  # gathered in order
            out.extend(_unpack(func, future.result(), chunk))
            if progress is not None:
                progress(len(chunk))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return out


def imap_forked(func: Callable[[T], R], batches: Iterator[T], jobs: int) -> Iterator[R]:
    """``func(batch)`` for every batch of ``batches``, in order, computed in ``jobs`` forked worker
    processes while the iterator is still being read.

    Batch i goes to worker i mod ``jobs``; a thread of this process reads the iterator and sends
    the batches (the reading overlaps the work), and the answers are read back in order. ``func``
    and whatever it holds are inherited by the workers, never pickled; each batch and each answer
    is. (multiprocessing.Pool is not used: its worker-handler thread spins while large answers
    wait in its result pipe, taking the CPU and the GIL from the threads that read and send.)
    With ``jobs`` <= 1, or where processes cannot be forked (not Linux, or ``USE_FORK`` off), it
    runs in this process, one batch at a time. An exception in a worker is raised here."""
    if jobs <= 1 or not can_fork():
        yield from map(func, batches)
        return
    import multiprocessing as mp
    import threading

    ctx = mp.get_context("fork")
    pipes = [(ctx.Pipe(duplex=False), ctx.Pipe(duplex=False)) for _ in range(jobs)]
    tasks = [task_w for (_, task_w), _ in pipes]  # this process's ends
    answers = [answer_r for _, (answer_r, _) in pipes]
    every_end = [c for pair in pipes for pipe in pair for c in pipe]
    procs = []
    # the workers' garbage collector leaves the inherited objects alone (no scans of them, no
    # copies of their memory pages); this process collects them again once the workers exist
    # (unless something else holds them frozen: background.freeze)
    background.freeze()
    try:
        for (task_r, _), (_, answer_w) in pipes:
            others = [c for c in every_end if c is not task_r and c is not answer_w]
            proc = ctx.Process(target=_forked_worker, args=(func, task_r, answer_w, others), daemon=True)
            proc.start()
            procs.append(proc)
    finally:
        background.thaw()
        for (task_r, _), (_, answer_w) in pipes:
            task_r.close()
            answer_w.close()
    sent: list[int] = []  # how many batches were sent, once the input is read
    failed: list[BaseException] = []  # what reading the input raised

    def feed() -> None:
        n = 0
        try:
            for batch in batches:
                tasks[n % jobs].send(batch)
                n += 1
        except OSError as exc:  # a worker is gone (its answers end early, and that is reported)
            if not isinstance(exc, BrokenPipeError):
                failed.append(exc)
        except BaseException as exc:
            failed.append(exc)
        finally:
            sent.append(n)
            for conn in tasks:  # end of input: each worker stops after its last batch
                conn.close()

    feeder = threading.Thread(target=feed, name="imap_forked-feed", daemon=True)
    feeder.start()
    try:
        i = 0
        while True:
            try:
                ok, value = answers[i % jobs].recv()
            except EOFError:  # the worker stopped: at the end of the input, or too early
                if not sent or sent[0] != i:
                    raise RuntimeError(f"a worker process stopped before answering batch {i}") from None
                if failed:
                    raise failed[0]
                break
            if not ok:
                raise value
            yield value
            i += 1
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join()
        for conn in answers:
            conn.close()


def _forked_worker(func, tasks, answers, others) -> None:
    """In a forked worker: answer (ok, result or exception) for each batch until the input ends."""
    for conn in others:  # other workers' pipe ends: left open, they would hide the end of input
        conn.close()
    keep_freed_memory()
    while True:
        try:
            batch = tasks.recv()
        except EOFError:
            return
        try:
            answer = (True, func(batch))
        except Exception as exc:
            answer = (False, exc)
        try:
            answers.send(answer)
        except Exception as exc:  # an exception that cannot be pickled
            answers.send((False, RuntimeError(f"{type(exc).__name__} in a worker process: {exc}")))


_KEPT: list[int] = []  # the processes where keep_freed_memory ran


def keep_freed_memory() -> None:
    """Once per process, where the C library is glibc: memory freed after a batch stays with the
    process for the next batch. By default glibc gives it back to the system and maps arrays of a
    few MB afresh each time, and the page faults cost the corpus workers ~0.4 s of system time on
    SaudiNewsNet (a worker's heap is only as large as its largest batch needs). Every forked
    worker calls it; the parent process is left as it is."""
    if os.getpid() in _KEPT:
        return
    _KEPT.append(os.getpid())
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (macOS, musl)
        return
    mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: free memory at the top of the heap kept up to 1 GB
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks up to 32 MB (glibc's maximum) come from the heap
