"""Time the statistics stage alone on the inputs of a real study; prints figures, asserts nothing.

    python benchmarks/bench_stats_stage.py capture benchmarks/saudinewsnet.yaml INPUTS.pkl
    python benchmarks/bench_stats_stage.py time INPUTS.pkl [--jobs N] [--parallel-above N] [--cache DIR] [--save OUT.pkl] [--compare OUT.pkl] [--trace-intervals]

``capture`` runs the study once (nothing written) and pickles what the statistics stage receives
(its StageInputs, options and seed). ``time`` runs ``framing.stats.stage.compute`` on them and
prints its wall and CPU seconds (its worker processes' included), the load average, the stage's own
parts, the growth of the process's resident memory during the stage and the peak of the process
tree's (with its workers: the sum of their RSS, which counts the pages a forked worker shares with
this process once more per worker, and the proportional set size, which counts them once). ``--jobs N``: the
run's worker processes (default 1); ``--parallel-above N``: the stage's threshold of analysed
documents for using them (default ``framing.stats.parts.PARALLEL_ABOVE``), to measure where it pays. ``--cache DIR``: through a cache in DIR (run twice:
the second run reads the stage's corpus word work back, as a re-run after a lexicon edit does).
``--save`` keeps the stage's output; ``--compare`` checks it against a kept one bit for bit (every
table, float bits included, the notes and the facts except timings), e.g. before and after a
change to the code. ``--trace-intervals`` also prints the peak of memory allocated (Python's
``tracemalloc``, which counts numpy's arrays) while the contrasts' intervals are searched
(``framing.stats.contrasts.add_intervals``), with ``--jobs 1`` the part of the stage that holds
every comparison's search in this process; tracing slows that part down.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import sys
import threading
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))  # bench_pipeline's TreeSampler


def capture(config: str, path: str) -> None:
    """Run the study without writing and pickle the statistics stage's inputs to ``path``."""
    from framing import pipeline

    original = pipeline.STAGES

    def keep(inputs, options, runtime):
        with open(path, "wb") as fh:
            pickle.dump((inputs, options, runtime.seed), fh, protocol=pickle.HIGHEST_PROTOCOL)
        raise SystemExit(f"inputs of the statistics stage written to {path}")

    pipeline.STAGES = tuple(dataclasses.replace(s, compute=keep) if s.name == "statistics" else s for s in original)
    pipeline.run(config, write=False, quiet=True)


def differences(a, b, where: str = "") -> list[str]:
    """Where two stage outputs (or parts of them) differ, float bits included; timings ignored."""
    if isinstance(a, pd.DataFrame):
        if list(a.columns) != list(b.columns) or len(a) != len(b) or not a.index.equals(b.index):
            return [f"{where}: columns, rows or index"]
        out = []
        for col in a.columns:
            x, y = a[col], b[col]
            if x.dtype != y.dtype:
                out.append(f"{where}.{col}: dtype {x.dtype} vs {y.dtype}")
            elif x.dtype.kind == "f":
                if not np.array_equal(x.to_numpy().view(np.int64), y.to_numpy().view(np.int64)):
                    out.append(f"{where}.{col}: float values")
            elif not x.equals(y):
                out.append(f"{where}.{col}: values")
        return out
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{where}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a if k != "timings_s" for d in differences(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return [f"{where}: length"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]")]
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return []
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]


def trace_intervals() -> dict:
    """Wrap ``contrasts.add_intervals`` so that the peak of memory allocated while it runs is
    traced; the returned dict receives ``peak`` (bytes) and ``seconds`` once it has run."""
    import tracemalloc

    from framing.stats import contrasts

    found: dict = {}
    inner = contrasts.add_intervals

    def traced(*args, **kwargs):
        tracemalloc.start()
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            found["seconds"] = time.perf_counter() - t
            found["peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    contrasts.add_intervals = traced
    return found


def time_stage(path: str, cache: str | None, save: str | None, compare: str | None, jobs: int = 1,
               parallel_above: int | None = None, intervals: bool = False) -> None:
    """Run the statistics stage on pickled inputs and print its figures."""
    import resource

    import psutil
    from bench_pipeline import TreeSampler

    from framing.cache import Cache
    from framing.runtime import Runtime
    from framing.stats import stage

    with open(path, "rb") as fh:
        inputs, options, seed = pickle.load(fh)
    runtime = Runtime.of(jobs, seed, Cache(cache) if cache else None)
    traced = trace_intervals() if intervals else None
    proc = psutil.Process()
    before = proc.memory_info().rss
    peak, done = [before], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            done.wait(0.02)

    def children_cpu() -> float:
        use = resource.getrusage(resource.RUSAGE_CHILDREN)
        return use.ru_utime + use.ru_stime

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    tree = TreeSampler(os.getpid(), pss_every=2)
    pss_before = proc.memory_full_info().pss
    wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
    out = stage.compute(inputs, options, runtime, parallel_above=parallel_above)
    wall, cpu = time.perf_counter() - wall, time.process_time() + children_cpu() - cpu
    done.set()
    watcher.join()
    tree.stop()
    print(f"statistics stage, jobs {runtime.jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; resident memory {before / 2**30:.2f} GiB before, "
          f"+{(peak[0] - before) / 2**30:.2f} GiB at the peak (process tree at the peak: RSS sum {tree.peak / 2**30:.2f} GiB, "
          f"PSS {tree.peak_pss / 2**30:.2f} GiB, {pss_before / 2**30:.2f} GiB before); parts (s): {out.info['timings_s']}")
    if traced is not None:
        print(f"the intervals' search: {traced['seconds']:.1f} s traced, peak of allocated memory "
              f"{traced['peak'] / 2**20:.0f} MiB")
    if save:
        with open(save, "wb") as fh:
            pickle.dump(out, fh, protocol=pickle.HIGHEST_PROTOCOL)
    if compare:
        with open(compare, "rb") as fh:
            kept = pickle.load(fh)
        found = (differences(out.tables, kept.tables, "tables") + differences(out.notes, kept.notes, "notes")
                 + differences(out.info, kept.info, "info"))
        print("output: the same, bit for bit" if not found else "output differs: " + "; ".join(found[:20]))


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("config")
    cap.add_argument("inputs")
    tim = sub.add_parser("time")
    tim.add_argument("inputs")
    tim.add_argument("--cache")
    tim.add_argument("--save")
    tim.add_argument("--compare")
    tim.add_argument("--jobs", type=int, default=1)
    tim.add_argument("--parallel-above", type=int)
    tim.add_argument("--trace-intervals", action="store_true")
    a = ap.parse_args()
    if a.mode == "capture":
        capture(a.config, a.inputs)
    else:
        time_stage(a.inputs, a.cache, a.save, a.compare, a.jobs, a.parallel_above, a.trace_intervals)


if __name__ == "__main__":
    main()
