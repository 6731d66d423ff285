"""How a whole framing run grows with the corpus: time and peak memory at 30k, 100k and 300k
articles; prints figures, asserts nothing.

    python benchmarks/bench_scale.py [--sizes 30000,100000,300000] [--backend local|dask|both]
        [--corpus $FRAMING_DATA/corpora/saudinewsnet/all.jsonl.gz] [--jobs 0] [--seed 0]
        [--work DIR] [--no-topics] [--no-classifiers] [--timeout 7200] [--json figures.json]

The corpus of N articles is built from SaudiNewsNet (30,157 articles): copy 0 is the corpus as it
is, and every further copy of an article is perturbed so that it is not a duplicate of any other
(framing's own duplicate check, Jaccard similarity of 5-word shingles >= 0.8, would drop it): its
sentences are split into pieces of at most 12 words, a third of the pieces dropped (at least one),
and the rest reordered by a few swaps of neighbours; it gets its own id (``c<copy>-<line>``). The
perturbation draws from ``numpy.random.default_rng((seed, copy, line))``, so the same seed gives
the same corpus byte for byte. The corpora are written to ``--work`` (a temporary folder unless
given; reused when they are already there).

For each size, framing runs in a fresh child process with every shipped lexicon, classifiers and
topics on (unless switched off), the default options and an empty cache; a sampler adds up the
resident memory of the child and all its descendants (workers, the Dask cluster) every 50 ms. The
script prints wall time, the stage timings of manifest.json, the peak resident memory (RSS) of the
process tree over the whole run and within each stage (RSS counts the pages forked workers share
with their parent once per process, so it overstates a little), the size of data/ and of the
cache, and each size's time against the smallest. With ``--backend dask`` (or ``both``) the run
uses a Dask ``LocalCluster`` of 2 single-threaded worker processes (``run.backend: dask``) and,
with ``both``, the data files of the two runs are compared byte for byte. The camel-tools peer
(``tools/camel_peer.py`` in the data folder), when present, runs on each corpus in the same
benchmark run, for a reference any machine can reproduce.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from bench_pipeline import TreeSampler, add_shared_arguments, machine, run_peer, run_sampled, sampler_of  # noqa: E402


class StageSampler(TreeSampler):
    """TreeSampler that also keeps every sample's time and resident memory, so that the peak of
    each stage can be found from the stages' start and end times: the sum of the processes' RSS
    (every sample) and their PSS (every ``pss_every``-th sample; forked workers' shared pages
    counted once)."""

    def __init__(self, pid: int, **every) -> None:
        self.samples: list[tuple[float, int, int | None]] = []
        super().__init__(pid, **every)

    def record(self, rss: int, pss: int | None) -> None:
        """Keep the sample with its time."""
        self.samples.append((time.time(), rss, pss))

    def stage_peaks(self, spans: dict[str, list[float]], pss: bool = False) -> dict[str, int]:
        """Peak RSS (or PSS) of the process tree during each stage (``spans``: name -> [start, end],
        epoch seconds)."""
        k = 2 if pss else 1
        return {name: max((s[k] for s in self.samples if a <= s[0] <= b and s[k] is not None), default=0)
                for name, (a, b) in spans.items()}

DATA = Path(os.environ.get("FRAMING_DATA") or os.environ.get("FRAMING_SHARED") or REPO.parent / "shared")
DEFAULT_CORPUS = DATA / "corpora" / "saudinewsnet" / "all.jsonl.gz"
PEER = DATA / "tools" / "camel_peer.py"
PIECE_WORDS = 12  # sentences are cut into pieces of at most this many words
DROP = 1 / 3  # share of the pieces a copy drops
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


# ---- the corpus ------------------------------------------------------------------------------

def pieces(text: str) -> list[list[str]]:
    """The text's paragraphs, each a list of pieces: sentences cut into runs of at most
    PIECE_WORDS words."""
    out = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        cut = []
        for sentence in _SENTENCE_END.split(para.strip()):
            words = sentence.split()
            cut += [" ".join(words[i:i + PIECE_WORDS]) for i in range(0, len(words), PIECE_WORDS)]
        out.append(cut)
    return out


def perturb(text: str, rng) -> str:
    """A copy of ``text`` that drops about a third of its pieces (at least one when it has two or
    more) and reorders the rest by swapping neighbours; paragraphs stay paragraphs."""
    paras = pieces(text)
    flat = [(p, i) for p, para in enumerate(paras) for i in range(len(para))]
    if len(flat) < 2:
        return text
    n_drop = max(1, int(round(len(flat) * DROP)))
    dropped = {flat[k] for k in rng.choice(len(flat), size=n_drop, replace=False)}
    out = []
    for p, para in enumerate(paras):
        kept = [piece for i, piece in enumerate(para) if (p, i) not in dropped]
        for _ in range(len(kept) // 2 if len(kept) > 1 else 0):
            j = int(rng.integers(0, len(kept) - 1))
            kept[j], kept[j + 1] = kept[j + 1], kept[j]
        if kept:
            out.append(" ".join(kept))
    return "\n".join(out)


def build_corpus(source: Path, n: int, seed: int, folder: Path) -> Path:
    """The first ``n`` articles of the copies of ``source`` (copy 0: the corpus as it is), written
    once as ``scale_<n>_seed<seed>.jsonl.gz`` in ``folder``."""
    import numpy as np

    path = folder / f"scale_{n}_seed{seed}.jsonl.gz"
    if path.is_file():
        return path
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    tmp = path.with_suffix(".tmp")
    written = 0
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0, compresslevel=1) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8") as out:  # no name or time in the header: the same bytes
        copy = 0
        while written < n:
            for line_no, row in enumerate(rows, 1):
                if written >= n:
                    break
                row = dict(row, id=f"c{copy}-{line_no}")
                if copy:
                    row["text"] = perturb(row.get("text") or "", np.random.default_rng((seed, copy, line_no)))
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
            copy += 1
    os.replace(tmp, path)
    return path


def study(source: Path, cache: Path, jobs: int, backend: str) -> dict:
    """The benchmark's study: every shipped lexicon, default options, its own cache."""
    from framing.lexicon import shipped_ids

    fields = {"id": "id", "outlet": "outlet", "outlet_name": "outlet_name", "title": "title", "date": "date",
              "text": "text"}
    run: dict = {"jobs": jobs, "cache": True, "cache_dir": str(cache), "backend": backend}
    return {"title": f"scale benchmark {source.name}", "sources": [{"path": str(source), "format": "jsonl",
                                                                  "fields": fields}],
            "lexicons": list(shipped_ids()), "run": run}


# ---- the child: one run ------------------------------------------------------------------------

def child(args: argparse.Namespace) -> dict:
    """One framing.run (in a fresh process); with the dask backend, on a LocalCluster of 2 workers."""
    from contextlib import contextmanager

    from framing import pipeline, run

    spans: dict[str, list[float]] = {}
    original = pipeline.Timings.stage

    @contextmanager
    def stage(self, name, progress):
        t0 = time.time()
        with original(self, name, progress):
            yield
        spans[name] = [t0, time.time()]

    pipeline.Timings.stage = stage
    config = json.loads(args.config)
    cluster = None
    if config["run"]["backend"] == "dask":
        from dask.distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        config["run"]["scheduler"] = cluster.scheduler_address
    try:
        t0 = time.perf_counter()
        result = run(config, output=args.output, topics=args.topics, classify=args.classifiers)
        wall = time.perf_counter() - t0
    finally:
        if cluster is not None:
            cluster.close()
    docs = result.manifest["documents"]
    return {"run_wall_s": round(wall, 2), "timings": result.manifest["timings"], "documents": docs, "spans": spans,
            "words": int(result.tables["documents"]["n_tokens"].fillna(0).sum())}


def run_child(config: dict, output: Path, args: argparse.Namespace) -> dict:
    """framing in a child process, its process tree sampled for memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--config", json.dumps(config),
           "--output", str(output)]
    cmd += [] if args.no_topics else ["--topics"]
    cmd += [] if args.no_classifiers else ["--classifiers"]
    done = run_sampled(cmd, args.timeout, sampler_of(args, StageSampler), cwd=REPO)
    figures = {"process_wall_s": round(done.wall, 2), "peak_rss": done.peak, "peak_pss": done.peak_pss,
               "cpu_s": round(done.cpu, 1), "sampler_cpu_s": round(done.sampler.own_cpu, 1)}
    if done.returncode != 0:
        return {**figures, "error": f"exit {done.returncode}: " + "\n".join(done.err.strip().splitlines()[-15:])}
    got = {**figures, **json.loads(done.out.strip().splitlines()[-1])}
    spans = got.pop("spans")
    got["stage_peak_rss"] = done.sampler.stage_peaks(spans)
    got["stage_peak_pss"] = done.sampler.stage_peaks(spans, pss=True)
    return got


def peer(corpus: Path, timeout: float, sampler=TreeSampler) -> dict:
    """The camel-tools peer on the same corpus (wall seconds), when the data folder has it."""
    if not PEER.is_file():
        return {"error": f"no peer at {PEER}"}
    got = run_peer(PEER, corpus, timeout, sampler)
    return {**got, "wall_s": round(got["wall_s"], 2)}


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path``."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def data_digest(path: Path) -> dict[str, str]:
    """SHA-256 of every file of an output's data/ folder but the manifest (which holds timings)."""
    data = Path(path) / "data"
    return {p.relative_to(data).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.rglob("*")) if p.is_file() and p.name != "manifest.json"}


# ---- the parent ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """Build the corpora, run each size (and backend), print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", default="30000,100000,300000", help="comma-separated article counts")
    ap.add_argument("--backend", choices=["local", "dask", "both"], default="local")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the perturbed copies")
    ap.add_argument("--work", type=Path, help="folder for the corpora and runs (kept); default: a temporary one")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    add_shared_arguments(ap, timeout=7200)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args), default=str))
        from framing.background import before_exit

        before_exit()  # as `framing run` ends
        return 0
    if not args.corpus.is_file():
        print(f"no corpus at {args.corpus} (give --corpus)", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="framing-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    backends = ["local", "dask"] if args.backend == "both" else [args.backend]
    figures: dict = {"machine": machine(), "corpus": str(args.corpus), "seed": args.seed, "sizes": {}}
    m = figures["machine"]
    print(f"framing scale benchmark: {m['usable_cores']} cores, {m['memory_gb']} GB, Python {m['python']}, "
          f"load average {m['load_average']} at start; topics {'off' if args.no_topics else 'on'}, "
          f"classifiers {'off' if args.no_classifiers else 'on'}", flush=True)
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            t0 = time.perf_counter()
            corpus = build_corpus(args.corpus, n, args.seed, work)
            entry: dict = {"corpus": str(corpus), "build_s": round(time.perf_counter() - t0, 1)}
            if not args.no_peer:
                entry["peer"] = peer(corpus, args.timeout, sampler_of(args))
            for backend in backends:
                out = work / f"out_{n}_{backend}"
                cache = work / f"cache_{n}_{backend}"
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                load = [round(x, 2) for x in os.getloadavg()]
                print(f"• {n:,} articles, {backend} backend (load average {load}) …", flush=True)
                got = run_child(study(corpus, cache, args.jobs, backend), out, args)
                got["load_average_start"] = load
                got["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
                if "error" not in got:
                    got["data_bytes"] = folder_bytes(out / "data")
                    got["cache_bytes"] = folder_bytes(cache)
                    got["data_sha256"] = data_digest(out)
                entry[backend] = got
                _print_run(n, backend, got)
            if len(backends) == 2 and all("data_sha256" in entry[b] for b in backends):
                a, b = (entry[x]["data_sha256"] for x in backends)
                entry["identical"] = a == b
                differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                print(f"  local and dask data files identical: {a == b}" + (f" (differ: {differ})" if differ else ""))
            figures["sizes"][str(n)] = entry
            if args.json:
                args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    _print_summary(figures, backends)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


def _print_run(n: int, backend: str, got: dict) -> None:
    if "error" in got:
        print(f"  failed after {got['process_wall_s']:.0f} s, peak RSS {got['peak_rss'] / 2**30:.2f} GiB: {got['error']}")
        return
    t = got["timings"]
    stages = ", ".join(f"{k} {v:.0f}" for k, v in t.items() if v >= 0.5)
    peaks = ", ".join(f"{k} {v / 2**30:.2f}" for k, v in got["stage_peak_rss"].items() if v)
    pss = ", ".join(f"{k} {v / 2**30:.2f}" for k, v in got.get("stage_peak_pss", {}).items() if v)
    print(f"  {got['process_wall_s']:.0f} s wall, {got['cpu_s']:.0f} CPU s, peak RSS {got['peak_rss'] / 2**30:.2f} GiB "
          f"(PSS {got.get('peak_pss', 0) / 2**30:.2f}); "
          f"{got['documents']['analysed']:,} analysed, {got['words']:,} words; "
          f"data/ {got['data_bytes'] / 1e6:.0f} MB, cache {got['cache_bytes'] / 1e6:.0f} MB; "
          f"load average at the end {got['load_average_end']}\n  stages (s): {stages}\n"
          f"  peak RSS by stage (GiB, sum over the process tree): {peaks}\n"
          f"  peak PSS by stage (GiB, forked workers' shared pages counted once): {pss}", flush=True)


def _print_summary(figures: dict, backends: list[str]) -> None:
    print("\nsize      backend  wall s  × smallest  peak RSS GiB  PSS GiB  peer s")
    base: dict[str, float] = {}
    for n, entry in figures["sizes"].items():
        for backend in backends:
            got = entry.get(backend, {})
            if "error" in got or not got:
                print(f"{int(n):>8,}  {backend:<7}  failed")
                continue
            wall = got["process_wall_s"]
            base.setdefault(backend, wall)
            peer_s = entry.get("peer", {}).get("wall_s", "–")
            print(f"{int(n):>8,}  {backend:<7}  {wall:>6.0f}  {wall / base[backend]:>10.1f}  "
                  f"{got['peak_rss'] / 2**30:>12.2f}  {got.get('peak_pss', 0) / 2**30:>7.2f}  {peer_s}")


if __name__ == "__main__":
    sys.exit(main())
