"""Time a whole framing run on real news, stage by stage; prints figures, asserts nothing.

    python benchmarks/bench_pipeline.py [--corpus $FRAMING_DATA/corpora/saudinewsnet/all.jsonl.gz]
        [--sizes 3000,10000,all] [--jobs 0] [--baseline-docs 3000] [--no-topics] [--no-classifiers]
        [--json results.json]

For each size (the first N articles of the corpus, written to a temporary folder; ``all`` is the
file itself) the script runs, each in a fresh child process whose whole process tree (joblib
workers included) is sampled for resident memory and CPU time:

1. a cold run (empty cache) of ``framing.run`` with every shipped lexicon, the conflict lexicon
   copied to the temporary folder: per-stage seconds from manifest.json, words per second,
   peak RSS;
2. for the largest size, re-runs after adding one form to that copied lexicon (the cache warm),
   against the cold run: ``--warm-runs`` of them (default 3), each after adding one more form,
   since a single re-run of 10-20 s moves by a second or two with whatever else the machine does;
   the median is the figure the target is read from;
3. single-process timings of the analysis parts on the cleaned documents (normalise + tokenise,
   lexicon matching, keyness terms, sentences), words per second each;
4. the baseline, on the first ``--baseline-docs`` cleaned documents: camel-tools
   ``simple_word_tokenize``, normalisation, and one regular expression per lexicon form (built
   from the shipped lexicons' forms, inflections, prefix forms and multiword terms).

Words are the analysed documents' tokens (``n_tokens`` in data/documents.csv). The machine is
described at the top of the output (cores, memory, load average: the other processes on a shared
machine slow every figure down, the CPU seconds less than the wall-clock ones).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

DATA = Path(os.environ.get("FRAMING_DATA") or os.environ.get("FRAMING_SHARED") or REPO.parent / "shared")
DEFAULT_CORPUS = DATA / "corpora" / "saudinewsnet" / "all.jsonl.gz"
STAGES = ("lexicons", "read_clean", "analyse", "cache_write", "voice", "wire_stories", "wire", "statistics", "outlet_classifier",
          "classifiers", "topic_model", "topics", "report")
PEER = DATA / "tools" / "camel_peer.py"  # camel-tools alone: normalise + tokenise a JSONL corpus in 2 processes
# the lexicon edits of the warm re-runs: one more form in the conflict lexicon each (none of them in it
# before: colonisers, invaders, usurper)
NEW_FORMS = ("مستعمرين", "غزاة", "الغاصب")


# ---- the child processes ---------------------------------------------------------------------

def _cpu_seconds() -> float:
    """CPU time of this process and of its finished (waited-for) child processes."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child_run(args: argparse.Namespace) -> dict:
    """One framing.run; returns its manifest's timings (wall) and each stage's CPU seconds
    (this process and the worker processes that ended during the stage: the forked analysis
    workers; the classifier's long-lived loky workers are counted in the process-tree CPU only)."""
    from contextlib import contextmanager

    from framing import pipeline

    cpu: dict[str, float] = {}
    original = pipeline.Timings.stage

    @contextmanager
    def stage(self, name, progress):
        c0 = _cpu_seconds()
        with original(self, name, progress):
            yield
        cpu[name] = round(_cpu_seconds() - c0, 3)

    pipeline.Timings.stage = stage
    t0 = time.perf_counter()
    result = pipeline.run(json.loads(args.config), output=args.output, quiet=True,
                          topics=None if args.topics else False, classify=None if args.classifiers else False)
    wall = time.perf_counter() - t0
    docs = result.tables["documents"]
    analysed = docs[docs["status"] == "analysed"]
    stages = result.manifest.get("stages", {})
    inside = {name: stages.get(name, {}).get("timings") for name in ("classify", "topics", "stats")}
    outlet = stages.get("classify", {}).get("outlet_classifier", {})
    sample = {k: v for k, v in outlet.get("sample", {}).items() if k != "curve"}
    sample.update({k: outlet.get(k) for k in ("accuracy", "baseline_accuracy", "hash_seconds", "cv_seconds", "cv_jobs")})
    topics = result.tables.get("topics")
    if topics is not None and "is_outlier" in topics.columns:
        sample["topics"] = int((~topics["is_outlier"].astype(bool)).sum())
    return {"wall_s": wall, "timings": result.manifest["timings"], "cpu": cpu, "run": result.manifest.get("run", {}),
            "documents": result.manifest["documents"], "words": int(analysed["n_tokens"].sum()),
            "matches": int(len(result.tables["matches"])), "inside": inside, "outlet_sample": sample}


def child_parts(args: argparse.Namespace) -> dict:
    """Single-process timings of the analysis parts, and the baseline, on the cleaned documents
    (read back from the cold run's cache)."""
    from framing.analyse.engine import DocumentAnalyser, _sentences_of
    from framing.arabic import Normaliser
    from framing.analyse.tokens import tokenize_batch
    from framing.cache import Cache, cache_dir, corpus_key
    from framing.config import load_config
    from framing.lexicon import Matcher, load_lexicons

    cfg = load_config(json.loads(args.config))
    cfg.output = args.output
    normaliser = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura)
    t = time.perf_counter()
    docs = Cache(cache_dir(cfg)).get("corpus", corpus_key(cfg, normaliser.version))
    load_s = time.perf_counter() - t
    if docs is None:
        raise SystemExit("no cached corpus: run the cold run first")
    texts = [d.text for d in docs if d.analysed]
    out: dict = {"cache_load_s": load_s, "docs": len(texts)}

    t = time.perf_counter()
    lexicons = load_lexicons(cfg.lexicons, base_dir=cfg.base_dir)
    matcher = Matcher(lexicons, normaliser)
    out["compile_s"] = time.perf_counter() - t

    items = [(str(k), x) for k, x in enumerate(texts)]
    analyser = DocumentAnalyser(normaliser, matcher)
    t, c = time.perf_counter(), time.process_time()
    batch = tokenize_batch(texts, analyser.vocab)
    out["tokenise_s"], out["tokenise_cpu"] = time.perf_counter() - t, time.process_time() - c
    out["words"] = len(batch.ids)
    out["distinct_words"] = len(analyser.vocab)
    t, c = time.perf_counter(), time.process_time()
    analyser._derive(analyser.vocab)
    out["tables_s"], out["tables_cpu"] = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    result = analyser.analyse_batch(items, batch, analyser.vocab)
    out["match_s"], out["match_cpu"] = time.perf_counter() - t, time.process_time() - c
    out["matches"] = sum(map(len, result.matches))
    t, c = time.perf_counter(), time.process_time()
    for x, m in zip(texts, result.matches):
        _sentences_of(x, m)
    out["sentences_s"], out["sentences_cpu"] = time.perf_counter() - t, time.process_time() - c
    del batch, result

    n = min(args.baseline_docs, len(texts))
    sample = texts[:n]
    fresh = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura)
    fresh_analyser = DocumentAnalyser(fresh, Matcher(lexicons, fresh))
    t, c = time.perf_counter(), time.process_time()
    ours = [a.matches for a in fresh_analyser.run_chunk([(str(k), x) for k, x in enumerate(sample)], local=True)]
    out["framing_sample_s"], out["framing_sample_cpu"] = time.perf_counter() - t, time.process_time() - c
    out["framing_sample_matches"] = sum(map(len, ours))
    out["baseline"] = baseline(sample, lexicons, Normaliser(ta_marbuta=cfg.normalise.ta_marbuta,
                                                            alef_maqsura=cfg.normalise.alef_maqsura))
    out["sample_docs"] = n
    out["sample_words"] = out["baseline"]["words"]
    return out


def baseline_patterns(lexicons, normaliser) -> list[re.Pattern]:
    """One regular expression per lexicon form: clitics allowed around it, word boundaries."""
    from framing.arabic.clitics import ENCLITICS

    pro = r"(?:[وف]?(?:[بكل]|لل)?(?:ال)?)"
    enc = "(?:" + "|".join(sorted(ENCLITICS, key=len, reverse=True)) + ")?"
    forms: set[str] = set()
    for lex in lexicons:
        for cat in lex.categories:
            for ent in cat.entries:
                for form in ent.forms:
                    for w in form.words():
                        if w.endswith("*"):
                            forms.add(re.escape(normaliser.text(w[:-1])) + r"\w*")
                        elif normaliser.text(w):
                            forms.add(re.escape(normaliser.text(w)) + enc)
                for seq in ent.sequences:
                    words = []
                    for w in seq.split():
                        alts = [normaliser.text(a.rstrip("*")) + (r"\w*" if a.endswith("*") else "")
                                for a in w.split("|") if a.strip()]
                        words.append(pro + "(?:" + "|".join(a if a.endswith(r"\w*") else re.escape(a) for a in alts) + ")" + enc)
                    forms.add(r"\s+".join(words))
    return [re.compile(r"(?<!\w)" + pro + "(?:" + f + r")(?!\w)") for f in sorted(forms)]


def baseline(texts: list[str], lexicons, normaliser) -> dict:
    """camel-tools simple_word_tokenize + normalisation + one regex per lexicon form."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    t = time.perf_counter()
    patterns = baseline_patterns(lexicons, normaliser)
    compile_s = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    words = hits = 0
    for text in texts:
        tokens = [tok for tok in simple_word_tokenize(text) if tok[:1].isalnum()]
        words += len(tokens)
        norm = normaliser.text(" ".join(tokens))
        for p in patterns:
            hits += sum(1 for _ in p.finditer(norm))
    return {"patterns": len(patterns), "compile_s": compile_s, "seconds": time.perf_counter() - t,
            "cpu": time.process_time() - c, "words": words, "hits": hits}


# ---- the parent: children, memory sampling, tables -------------------------------------------

class TreeSampler:
    """Peak resident memory (sum over a process and all its descendants) and their CPU time.

    RSS counts the pages forked workers share with their parent once per process, so its sum
    overstates; PSS (proportional set size) shares them out and is what the process tree really
    occupies. PSS is read less often (every ``pss_every``-th sample): reading it walks each
    process's page tables, and the sampler runs on the same cores as the run it measures, so a
    sampler reading it often makes the run it measures slower (the tree's memory peaks are plateaus
    of seconds, which twice a second catches). ``own_cpu`` is the sampler's own CPU time, which the
    benchmark prints; ``--sample-every`` and ``--pss-every`` set how often it reads."""

    def __init__(self, pid: int, every: float = 0.1, pss_every: int = 5) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.every = every
        self.pss_every = pss_every
        self.peak = 0
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self.own_cpu = 0.0
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        t0 = time.thread_time()
        try:
            self._sample()
        finally:
            self.own_cpu = time.thread_time() - t0

    def _sample(self) -> None:
        import psutil

        tick = 0
        while not self._stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            rss = pss = 0
            for p in procs:
                try:
                    rss += p.memory_info().rss
                    if tick % self.pss_every == 0:
                        pss += p.memory_full_info().pss
                    ct = p.cpu_times()
                    self.cpu[p.pid] = ct.user + ct.system
                except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
                    pass
            self.peak = max(self.peak, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.record(rss, pss if tick % self.pss_every == 0 else None)
            tick += 1
            self._stop.wait(self.every)

    def record(self, rss: int, pss: int | None) -> None:
        """Each sample (PSS None when it was not read this time); kept by subclasses that need them."""

    def stop(self) -> tuple[int, float]:
        self._stop.set()
        self._thread.join()
        return self.peak, sum(self.cpu.values())


@dataclass
class Sampled:
    """A finished child process: its exit code, output, wall seconds and its process tree's figures."""

    returncode: int
    out: str
    err: str
    wall: float
    peak: int
    peak_pss: int
    cpu: float
    sampler: TreeSampler


def run_sampled(cmd: list[str], timeout: float, sampler: type[TreeSampler] = TreeSampler,
                cwd: Path | None = None) -> Sampled:
    """Run ``cmd`` with its process tree sampled for memory and CPU; killed after ``timeout`` s."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(cwd) if cwd else None)
    watch = sampler(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    peak, cpu = watch.stop()
    return Sampled(proc.returncode, out, err, wall, peak, watch.peak_pss, cpu, watch)


def add_shared_arguments(ap: argparse.ArgumentParser, timeout: float) -> None:
    """The options every whole-run benchmark takes, and the hidden ones of its child process."""
    ap.add_argument("--no-topics", action="store_true")
    ap.add_argument("--no-classifiers", action="store_true")
    ap.add_argument("--no-peer", action="store_true", help="skip the camel-tools peer")
    ap.add_argument("--timeout", type=float, default=timeout, help="seconds per child run")
    ap.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    ap.add_argument("--sample-every", type=float, default=0.1,
                    help="seconds between two readings of the process tree's resident memory and CPU")
    ap.add_argument("--pss-every", type=int, default=5,
                    help="read the tree's PSS at every n-th reading (it is slow to read, on the cores the run uses)")
    # internal: the child process
    ap.add_argument("--config", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    ap.add_argument("--topics", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--classifiers", action="store_true", help=argparse.SUPPRESS)


def sampler_of(args: argparse.Namespace, kind: type[TreeSampler] = TreeSampler):
    """The sampler the options ask for (``--sample-every``, ``--pss-every``)."""
    return partial(kind, every=args.sample_every, pss_every=args.pss_every)


def run_child(mode: str, args: argparse.Namespace, config: dict, output: Path, timeout: float,
              analysis_only: bool = False) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--config", json.dumps(config),
           "--output", str(output), "--baseline-docs", str(args.baseline_docs)]
    if not args.no_topics and not analysis_only:
        cmd.append("--topics")
    if not args.no_classifiers and not analysis_only:
        cmd.append("--classifiers")
    done = run_sampled(cmd, timeout, sampler_of(args), cwd=REPO)
    figures = {"process_wall_s": done.wall, "peak_rss": done.peak, "peak_pss": done.peak_pss, "cpu_s": done.cpu,
               "sampler_cpu_s": done.sampler.own_cpu}
    if done.returncode != 0:
        tail = "\n".join(done.err.strip().splitlines()[-15:])
        return {"error": f"{mode} child failed (exit {done.returncode}):\n{tail}", **figures}
    return {**json.loads(done.out.strip().splitlines()[-1]), **figures}


def write_subset(corpus: Path, n: int | None, folder: Path) -> tuple[Path, int]:
    if n is None:
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            return corpus, sum(1 for _ in fh)
    path = folder / f"subset_{n}.jsonl.gz"
    count = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as src, gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as dst:
        for line in src:
            if count >= n:
                break
            dst.write(line)
            count += 1
    return path, count


def study(source: Path, lexicon: Path, cache: Path, jobs: int) -> dict:
    from framing.lexicon import shipped_ids

    refs = [str(lexicon) if i == "conflict" else i for i in shipped_ids()]
    return {"title": f"benchmark {source.name}", "sources": [{"path": str(source), "format": "jsonl"}],
            "lexicons": refs, "run": {"jobs": jobs, "cache": True, "cache_dir": str(cache)}}


def apply_settings(config: dict, settings: list[str]) -> dict:
    """``config`` with each ``SECTION.KEY=VALUE`` of ``settings`` set (VALUE read as YAML)."""
    import yaml

    for item in settings:
        name, sep, value = item.partition("=")
        section, dot, key = name.partition(".")
        if not sep or not dot or not section or not key:
            raise SystemExit(f"--set {item!r}: expected SECTION.KEY=VALUE, e.g. classify.folds=3")
        config[section] = {**config.get(section, {}), key: yaml.safe_load(value)}
    return config


def warm_runs(entry: dict) -> list[dict]:
    """The re-runs after a lexicon edit of a size's entry that ended without an error."""
    return [r for r in entry.get("warm_runs", []) if "error" not in r]


def median_share(runs: list[dict], cold: dict, field: str) -> float:
    """The median over ``runs`` of each run's ``field`` (wall or CPU seconds) as a share of the cold run's."""
    import statistics

    return statistics.median(r[field] / cold[field] for r in runs)


def edit_lexicon(path: Path, form: str = NEW_FORMS[0]) -> None:
    """Add ``form`` to the first entry's forms, as a researcher refining a lexicon would."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.strip() == "forms:":
            item = lines[i + 1]
            indent = item[: len(item) - len(item.lstrip())]
            lines.insert(i + 1, f"{indent}- {form}\n")
            path.write_text("".join(lines), encoding="utf-8")
            return
    raise SystemExit(f"{path}: no 'forms:' block to edit")


def run_peer(peer: Path, corpus: Path, timeout: float, sampler=TreeSampler) -> dict:
    """The camel-tools peer on ``corpus``: its wall time (process tree), peak RSS and the tokens/s it prints."""
    done = run_sampled([sys.executable, str(peer), str(corpus)], timeout, sampler)
    if done.returncode != 0:
        return {"error": f"peer failed (exit {done.returncode}): {done.err.strip()[-500:]}", "wall_s": done.wall}
    found = re.search(r"(\d+) docs, (\d+) tokens", done.out)
    tokens = int(found.group(2)) if found else None
    return {"wall_s": done.wall, "cpu_s": done.cpu, "peak_rss": done.peak, "tokens": tokens, "output": done.out.strip()}


def machine() -> dict:
    import psutil

    return {"cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "cpu": platform.processor() or platform.machine(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def rate(words: float, seconds: float | None) -> str:
    if not seconds:
        return "–"
    r = words / seconds
    return f"{r / 1e6:.2f} M" if r >= 1e6 else f"{r / 1e3:.0f} k"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", default="3000,10000,all", help="comma-separated document counts; all = the whole file")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core)")
    ap.add_argument("--baseline-docs", type=int, default=3000, help="documents the baseline and the part timings use")
    ap.add_argument("--no-warm", action="store_true", help="skip the re-runs after a lexicon edit")
    ap.add_argument("--warm-runs", type=int, default=3, choices=range(1, len(NEW_FORMS) + 1),
                    help="re-runs after a lexicon edit, each adding one more form (the median is compared with "
                         "the cold run)")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                    help="a study option other than its default, e.g. classify.folds=3 (repeatable)")
    ap.add_argument("--no-parts", action="store_true",
                    help="skip the single-process part timings, the baseline and the corpus-cached run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--peer", type=Path, default=PEER, help="the camel-tools peer script, run on the largest size's "
                    "corpus in the same run (skipped with a message when absent)")
    # internal: child processes
    ap.add_argument("--child", choices=["run", "parts"], help=argparse.SUPPRESS)
    add_shared_arguments(ap, timeout=1800)
    args = ap.parse_args(argv)

    if args.child:
        data = child_run(args) if args.child == "run" else child_parts(args)
        print(json.dumps(data, default=str))
        from framing.background import before_exit

        before_exit()  # as `framing run` ends
        return 0

    from rich.console import Console

    from framing.lexicon import shipped_dir

    console = Console()
    if not args.corpus.is_file():
        console.print(f"[red]no corpus at {args.corpus}[/red] (give --corpus)")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="framing-bench-"))
    figures: dict = {"machine": machine(), "corpus": str(args.corpus), "jobs": args.jobs, "sizes": {},
                     "topics": not args.no_topics, "classifiers": not args.no_classifiers, "settings": args.set}
    m = figures["machine"]
    console.print(f"[bold]framing pipeline benchmark[/bold] — {m['usable_cores']} cores, {m['memory_gb']} GB, "
                  f"Python {m['python']}, load average {m['load_average']} at start")
    sizes = [None if s.strip() == "all" else int(s) for s in args.sizes.split(",")]
    try:
        for n in sizes:
            source, count = write_subset(args.corpus, n, tmp)
            label = str(count)
            lexicon = tmp / f"lex_{label}" / "conflict.yaml"
            lexicon.parent.mkdir()
            shutil.copy(shipped_dir() / "conflict.yaml", lexicon)
            cache = tmp / f"cache_{label}"
            config = apply_settings(study(source, lexicon, cache, args.jobs), args.set)
            output = tmp / f"out_{label}"
            console.print(f"• {count:,} documents: cold run …")
            entry: dict = {"documents": count, "cold": run_child("run", args, config, output, args.timeout)}
            if n is sizes[-1] and not args.no_peer:
                if args.peer.is_file():
                    console.print(f"  … the camel-tools peer ({args.peer.name}) on the same corpus …")
                    entry["peer"] = run_peer(args.peer, source, args.timeout, sampler_of(args))
                else:
                    console.print(f"[yellow]no camel-tools peer at {args.peer}: its figures are skipped[/yellow]")
            if "error" not in entry["cold"]:
                if not args.no_parts:
                    console.print("  … analysis parts and baseline (single process) …")
                    entry["parts"] = run_child("parts", args, config, output, args.timeout)
                    # the corpus cached, the tokens not: reading (from the cache) to matches, all the work
                    tokens = cache / "tokens"
                    shutil.move(str(tokens), str(tmp / f"tokens_{label}"))
                    console.print("  … reading → matches with the cleaned corpus cached, tokens not …")
                    entry["corpus_cached"] = run_child("run", args, config, tmp / f"out_{label}_cc", args.timeout,
                                                       analysis_only=True)
                    shutil.rmtree(tokens, ignore_errors=True)
                    shutil.move(str(tmp / f"tokens_{label}"), str(tokens))
                if not args.no_warm and n is sizes[-1]:
                    entry["warm_runs"] = []
                    for k, form in enumerate(NEW_FORMS[:args.warm_runs]):
                        edit_lexicon(lexicon, form)
                        console.print(f"  … re-run after a lexicon edit (warm cache), {k + 1} of {args.warm_runs} …")
                        entry["warm_runs"].append(run_child("run", args, config, tmp / f"out_{label}_warm{k + 1}",
                                                            args.timeout))
                    entry["warm"] = entry["warm_runs"][0]
            for part in [entry.get(name, {}) for name in ("cold", "parts", "corpus_cached")] + entry.get("warm_runs", []):
                if "error" in part:
                    console.print(f"[red]{part['error']}[/red]")
            figures["sizes"][label] = entry
            if args.json:  # after every size, so that a long run leaves its figures so far
                args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    figures["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report(console, figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
        console.print(f"figures written to {args.json}")
    return 0


def _rm(run: dict, key: str = "timings") -> float:
    """Reading → matches: the read_clean and analyse stages."""
    t = run.get(key, {})
    return t.get("read_clean", 0) + t.get("analyse", 0)


def _rm_cpu(run: dict) -> float | None:
    """CPU seconds of reading → matches, every process of the tree (parent and workers)."""
    c = run.get("cpu", {})
    return (c.get("read_clean", 0) + c.get("analyse", 0)) or None


def report(console, figures: dict) -> None:
    from rich.table import Table

    sizes = figures["sizes"]
    ok = {k: v for k, v in sizes.items() if "error" not in v["cold"]}
    if not ok:
        return
    cores = figures["machine"]["usable_cores"]
    largest = max(ok, key=lambda k: ok[k]["cold"]["words"])
    big = ok[largest]
    cold = big["cold"]
    words = cold["words"]

    t = Table(title=f"Stages, cold run, {int(largest):,} documents, {words:,} words "
                    f"({cores} cores, jobs={figures['jobs'] or 'one per core'})")
    for col in ("stage", "wall s", "words/s (wall)", "CPU s", "words per CPU-second"):
        t.add_column(col, justify="right" if col != "stage" else "left")
    for st in STAGES:
        if st in cold["timings"]:
            w, c = cold["timings"][st], cold.get("cpu", {}).get(st)
            t.add_row(st, f"{w:.1f}", rate(words, w), f"{c:.1f}" if c is not None else "–", rate(words, c))
    parts = big.get("parts", {})
    if "tokenise_s" in parts:
        for key, name in (("tokenise", "  tokenise + normalise distinct words (1 process)"),
                          ("tables", "  per-word tables: keyness term, lexicon candidate (1 process)"),
                          ("match", "  matching + keyness counts + sentences (1 process)"),
                          ("sentences", "    of which match sentences (1 process)")):
            t.add_row(name, f"{parts[key + '_s']:.1f}", rate(parts["words"], parts[key + "_s"]),
                      f"{parts.get(key + '_cpu', 0):.1f}", rate(parts["words"], parts.get(key + "_cpu")))
    t.add_row("[bold]reading → matches[/bold]", f"{_rm(cold):.1f}", rate(words, _rm(cold)), f"{_rm(cold, 'cpu'):.1f}",
              rate(words, _rm(cold, "cpu")))
    t.add_row("[bold]whole run (process tree)[/bold]", f"{cold['process_wall_s']:.1f}", rate(words, cold["process_wall_s"]),
              f"{cold['cpu_s']:.1f}", rate(words, cold["cpu_s"]))
    console.print(t)

    s = Table(title="Scaling (cold runs; reading → matches also with the cleaned corpus cached)")
    for col in ("documents", "words", "read+clean s", "analyse s", "reading → matches (wall)",
                "reading → matches CPU s", "corpus cached (wall)", "whole run s", "CPU s", "peak RSS / PSS"):
        s.add_column(col, justify="right")
    for label, e in sizes.items():
        c = e["cold"]
        if "error" in c:
            s.add_row(f"{int(label):,}", "failed", *[""] * 5, f"{c['process_wall_s']:.0f}", "", "")
            continue
        tm = c["timings"]
        cc = e.get("corpus_cached", {})
        s.add_row(f"{int(label):,}", f"{c['words']:,}", f"{tm.get('read_clean', 0):.1f}", f"{tm.get('analyse', 0):.1f}",
                  rate(c["words"], _rm(c)), f"{_rm_cpu(c) or 0:.1f}",
                  rate(c["words"], _rm(cc)) if "timings" in cc else "–",
                  f"{c['process_wall_s']:.1f}", f"{c['cpu_s']:.0f}",
                  f"{c['peak_rss'] / 2**30:.2f} / {c.get('peak_pss', 0) / 2**30:.2f} GiB")
    console.print(s)
    console.print("words/s: M = million, k = thousand. Reading → matches: the read_clean and analyse stages, wall "
                  f"clock; their CPU seconds add up every process (the parent and its {cores} workers).")

    base_x = None
    if "baseline" in parts:
        b = parts["baseline"]
        bt = Table(title=f"Baseline vs framing, first {parts['sample_docs']:,} documents ({parts['sample_words']:,} words), one process")
        for col in ("method", "wall s", "CPU s", "words per CPU-second", "hits"):
            bt.add_column(col, justify="right" if col != "method" else "left")
        bt.add_row(f"simple_word_tokenize + {b['patterns']:,} regexes (one per form)", f"{b['seconds']:.1f}",
                   f"{b.get('cpu', 0):.1f}", rate(b["words"], b.get("cpu")), f"{b['hits']:,}")
        bt.add_row("framing tokenise + match, fresh caches", f"{parts['framing_sample_s']:.1f}",
                   f"{parts.get('framing_sample_cpu', 0):.1f}", rate(b["words"], parts.get("framing_sample_cpu")),
                   f"{parts['framing_sample_matches']:,}")
        console.print(bt)
        base_rate = b["words"] / (b.get("cpu") or b["seconds"])
        one = (b["words"] / (parts.get("framing_sample_cpu") or parts["framing_sample_s"])) / base_rate
        base_x = (words / _rm(cold)) / (b["words"] / b["seconds"])
        console.print(f"framing / baseline, same documents, one process, CPU seconds: {one:.0f}×; pipeline reading → "
                      f"matches ({int(largest):,} documents, wall) / baseline (wall): {base_x:.0f}×")

    warm = big.get("warm")
    if warm and "error" not in warm:
        w = Table(title="Re-run after adding one form to a lexicon (warm cache) vs the cold run")
        for col in ("stage", "cold wall s", "warm wall s", "cold CPU s", "warm CPU s"):
            w.add_column(col, justify="right" if col != "stage" else "left")
        for st in STAGES:
            if st in cold["timings"]:
                w.add_row(st, f"{cold['timings'][st]:.1f}", f"{warm['timings'].get(st, 0):.1f}",
                          f"{cold.get('cpu', {}).get(st, 0):.1f}", f"{warm.get('cpu', {}).get(st, 0):.1f}")
        w.add_row("[bold]whole run (process tree)[/bold]", f"{cold['process_wall_s']:.1f}", f"{warm['process_wall_s']:.1f}",
                  f"{cold['cpu_s']:.1f}", f"{warm['cpu_s']:.1f}")
        console.print(w)
        console.print(f"warm / cold: {warm['process_wall_s'] / cold['process_wall_s']:.0%} wall, "
                      f"{warm['cpu_s'] / cold['cpu_s']:.0%} CPU (cache hits {warm['run'].get('cache', {}).get('hits')})")
        runs = warm_runs(big)
        if len(runs) > 1:
            console.print("re-runs after a lexicon edit, one more form each (process tree): " + "; ".join(
                f"{r['process_wall_s']:.1f} s wall ({r['process_wall_s'] / cold['process_wall_s']:.1%}), "
                f"{r['cpu_s']:.1f} CPU-s, statistics {r['timings'].get('statistics', 0):.1f} s" for r in runs)
                + f"; median {median_share(runs, cold, 'process_wall_s'):.1%} of the cold run's wall")

    for name, steps in (cold.get("inside") or {}).items():
        if steps:
            console.print(f"inside {name} (wall s): " + ", ".join(
                f"{k} {v:.1f}" for k, v in steps.items() if isinstance(v, (int, float))))
    sample = cold.get("outlet_sample") or {}
    if sample:
        console.print(f"outlet classifier sample: {sample.get('how')}, {sample.get('docs_per_outlet') or 'all'} documents "
                      f"per outlet ({sample.get('n_documents')} documents; {sample.get('reason', '')}); accuracy "
                      f"{sample.get('accuracy') or 0:.3f} (majority {sample.get('baseline_accuracy') or 0:.3f}), hashing "
                      f"{sample.get('hash_seconds')} s, CV {sample.get('cv_seconds')} s on {sample.get('cv_jobs')} job(s)"
                      + (f"; {sample['topics']} topics" if sample.get("topics") is not None else ""))

    peak = max(e["cold"]["peak_rss"] for e in ok.values())
    peak_pss = max(e["cold"].get("peak_pss", 0) for e in ok.values())
    cc = big.get("corpus_cached", {})
    peer = big.get("peer")
    rm_rate = words / _rm(cold)
    console.print(f"[bold]Headline, {int(largest):,} documents[/bold]: cold full report "
                  f"({'classifiers' if figures['classifiers'] else 'no classifiers'}, "
                  f"{'topics' if figures['topics'] else 'no topics'}, "
                  f"{', '.join(figures.get('settings') or []) or 'defaults'}, empty cache) "
                  f"{cold['process_wall_s']:.1f} s wall, {cold['cpu_s']:.0f} CPU-s; reading → matches "
                  f"{rate(words, _rm(cold))} words/s; peak PSS {peak_pss / 2**30:.2f} GiB "
                  f"({peak_pss / 1e9:.2f} GB; RSS summed over the processes {peak / 2**30:.2f} GiB); the memory "
                  f"sampler's own CPU {cold.get('sampler_cpu_s', 0):.1f} s")
    lines = []
    if peer and "error" not in peer:
        wall_x = cold["process_wall_s"] / peer["wall_s"]
        rm_x = peer["wall_s"] / _rm(cold)  # same corpus, same words: the ratio of words/s
        peer_rate = (peer["tokens"] or 0) / peer["wall_s"]
        console.print(f"camel peer: {peer['wall_s']:.1f} s wall, {peer['cpu_s']:.0f} CPU-s, {rate(words, peer['wall_s'])} "
                      f"words/s on framing's word count ({rate(peer['tokens'] or 0, peer['wall_s'])} of its own tokens/s, "
                      f"punctuation included), peak RSS {peer['peak_rss'] / 2**30:.2f} GiB. Ratios: full report / peer "
                      f"{wall_x:.1f}× wall; reading → matches / peer {rm_x:.2f}× words/s "
                      f"({rm_rate / peer_rate if peer_rate else 0:.2f}× counting the peer's own tokens)")
        lines += [("cold full report ≤ 2× the camel peer's wall", wall_x <= 2, f"{wall_x:.1f}×"),
                  ("reading → matches ≥ 2.5× the camel peer's words/s", rm_x >= 2.5, f"{rm_x:.2f}×")]
    elif peer:
        console.print(f"[red]{peer['error']}[/red]")
    lines = [("cold full report ≤ 60 s (wall)", cold["process_wall_s"] <= 60, f"{cold['process_wall_s']:.0f} s")] + lines
    lines += [("reading → matches ≥ 1M words/s, cold, wall", rm_rate >= 1e6, f"{rate(words, _rm(cold))} words/s")]
    if "timings" in cc:
        lines += [("reading → matches ≥ 1M words/s, cleaned corpus cached, wall", words / _rm(cc) >= 1e6,
                   f"{rate(words, _rm(cc))} words/s")]
    lines += [
        # PSS: a page the forked workers share with their parent counts once, shared out between them
        # (their RSS, summed, counts it once per process)
        ("peak memory ≤ 2.5 GB (process tree, PSS)", 0 < peak_pss <= 2.5e9,
         f"PSS {peak_pss / 1e9:.2f} GB = {peak_pss / 2**30:.2f} GiB (RSS sum {peak / 2**30:.2f} GiB)"),
    ]
    if base_x is not None:
        lines.append(("≥ 5× the regex baseline (wall)", base_x >= 5, f"{base_x:.0f}×"))
    runs = warm_runs(big)
    if runs:
        r, rc = median_share(runs, cold, "process_wall_s"), median_share(runs, cold, "cpu_s")
        lines.append(("re-run after a lexicon edit ≤ 15% of cold", r <= 0.15,
                      f"{r:.1%} wall, {rc:.0%} CPU" + (f" (median of {len(runs)} re-runs)" if len(runs) > 1 else "")))
    tt = Table(title="Targets")
    for col in ("target", "met", "measured"):
        tt.add_column(col)
    for name, met, val in lines:
        tt.add_row(name, "[green]yes[/green]" if met else "[red]no[/red]", val)
    console.print(tt)
    la = figures["machine"]
    console.print(f"load average at start {la['load_average']}, at end {la.get('load_average_end')} "
                  f"(on {cores} cores: above {cores}, other processes were competing for them)")


if __name__ == "__main__":
    sys.exit(main())
