"""Run the per-document analysis over many documents: in process, in joblib worker processes,
or on a Dask cluster. Results come back in input order whatever the backend, so every backend
writes byte-identical data files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many words, starting worker processes costs more than it saves.
PARALLEL_MIN_WORDS = 400_000


def effective_jobs(jobs: int) -> int:
    return max(1, jobs or os.cpu_count() or 1)


def chunked(items: Sequence[T], n_chunks: int) -> list[Sequence[T]]:
    size = max(1, -(-len(items) // n_chunks))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _run_chunk(func: Callable[[str, str], R], chunk: Sequence[tuple[str, str]]) -> list[R]:
    return [func(doc_id, text) for doc_id, text in chunk]


def map_documents(
    func: Callable[[str, str], R],
    items: Sequence[tuple[str, str]],
    *,
    jobs: int = 0,
    backend: str = "local",
    scheduler: str | None = None,
) -> list[R]:
    """Apply ``func(doc_id, text)`` to every item; results in input order."""
    if not items:
        return []
    n_jobs = effective_jobs(jobs)
    if backend == "dask":
        return _map_dask(func, items, scheduler, n_jobs)
    words = sum(len(text) for _, text in items) // 6
    if n_jobs == 1 or words < PARALLEL_MIN_WORDS:
        return _run_chunk(func, items)
    from joblib import Parallel, delayed

    chunks = chunked(items, n_jobs * 4)
    parts = Parallel(n_jobs=n_jobs, backend="loky")(delayed(_run_chunk)(func, c) for c in chunks)
    return [r for part in parts for r in part]


def _map_dask(func, items, scheduler, n_jobs):
    from dask.distributed import Client

    client = Client(scheduler) if scheduler else Client(processes=True, n_workers=n_jobs, threads_per_worker=1)
    try:
        remote_func = client.scatter(func, broadcast=True)
        futures = [client.submit(_run_chunk, remote_func, c, pure=False) for c in chunked(items, n_jobs * 4)]
        parts = client.gather(futures)
    finally:
        client.close()
    return [r for part in parts for r in part]
