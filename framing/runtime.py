"""How a run runs, as opposed to what it computes: worker processes, seed, cache.

The pipeline resolves these once (:meth:`Runtime.of`) and hands the same frozen :class:`Runtime`
to every stage, so that ``jobs`` has one meaning everywhere: the number of worker processes,
at least 1. Nothing here imports a heavy dependency.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from framing.cache import Cache

DEFAULT_SEED = 20201027


def effective_jobs(jobs: int | None) -> int:
    """Worker processes for ``jobs``: itself when positive, else (0 or None) one per core this
    process may use."""
    if jobs and jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Runtime:
    """Resolved run settings every stage receives.

    ``jobs``: worker processes (at least 1); ``seed``: the study's random seed; ``cache``: the run's
    cache (:class:`framing.cache.Cache`), or None when nothing is cached; ``backend`` and
    ``scheduler``: where the per-document analysis runs (``local`` or ``dask`` and its address).
    """

    jobs: int = 1
    seed: int = DEFAULT_SEED
    cache: Cache | None = None
    backend: str = "local"
    scheduler: str | None = None

    @classmethod
    def of(cls, jobs: int | None = 0, seed: int = DEFAULT_SEED, cache: Cache | None = None,
           backend: str = "local", scheduler: str | None = None) -> Runtime:
        """A Runtime with ``jobs`` resolved (0 or None: one per core); a disabled cache counts as none."""
        if cache is not None and not cache.enabled:
            cache = None
        return cls(effective_jobs(jobs), int(seed), cache, backend, scheduler)

    @property
    def cache_dir(self) -> Path | None:
        """The cache folder, for stages that keep files of their own there; None without a cache."""
        return self.cache.root if self.cache is not None else None
