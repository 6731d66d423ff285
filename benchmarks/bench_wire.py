"""Time the shared-copy stage (framing/wire/) on real news: two cold runs of the same study, with
and without it, and the stage's own wall-clock and CPU seconds per step.

    python benchmarks/bench_wire.py                 # SaudiNewsNet, every article
    python benchmarks/bench_wire.py --limit 5000    # the first 5,000 lines

Each run happens in a fresh child process with an empty cache; topics and classifiers are off
(the stage does not depend on them). The load average is printed beside every figure: on a shared
machine the CPU seconds of the step say what it costs, the wall clock what a user waits.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "saudinewsnet" / "all.jsonl.gz"

CHILD = """
import json, resource, sys, time
import framing
t, c = time.perf_counter(), time.process_time()
r = framing.run(json.loads(sys.argv[1]), quiet=True, topics=False, classify=False)
ch = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall_s": time.perf_counter() - t, "cpu_parent_s": time.process_time() - c,
                  "cpu_workers_s": ch.ru_utime + ch.ru_stime, "timings": r.manifest["timings"],
                  "wire": r.manifest["stages"].get("wire", {})}, default=str))
"""


def run(config: dict) -> dict:
    load = os.getloadavg()
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(config)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got["load_before"], got["load_after"] = load, os.getloadavg()
    return got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="only the first N lines")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    if not args.corpus.is_file():
        print(f"{args.corpus} is absent", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        source = args.corpus
        if args.limit:
            source = Path(tmp) / "subset.jsonl.gz"
            with gzip.open(args.corpus, "rt", encoding="utf-8") as src, gzip.open(source, "wt", encoding="utf-8") as dst:
                dst.writelines(islice(src, args.limit))
        base = {"title": "bench wire", "sources": [{"path": str(source), "format": "jsonl"}],
                "run": {"jobs": args.jobs, "cache": False}}
        with_ = run({**base, "output": str(Path(tmp) / "on")})
        without = run({**base, "output": str(Path(tmp) / "off"), "wire": {"enabled": False}})
    w = with_["wire"]
    print(f"corpus {source.name if not args.limit else f'first {args.limit:,} lines of {args.corpus.name}'}; "
          f"{w.get('stories', 0):,} stories, {w.get('derivatives', 0):,} derivatives, "
          f"{w.get('candidate_pairs', 0):,} candidate pairs, {w.get('confirmed_pairs', 0):,} confirmed")
    for name, r in (("with the stage", with_), ("without", without)):
        print(f"{name:>15}: whole run {r['wall_s']:.1f} s wall, CPU {r['cpu_parent_s']:.1f} s (main process) + "
              f"{r['cpu_workers_s']:.1f} s (workers); load average {r['load_before'][0]:.1f} → {r['load_after'][0]:.1f}")
    for stage in ("wire_stories", "wire"):  # finding the stories, then classifying their edits
        print(f"{stage:>15}: {with_['timings'].get(stage, float('nan')):.2f} s wall")
    for step, t in (w.get("timings") or {}).items():
        print(f"{step:>15}: {t['wall_s']:.2f} s wall, {t['cpu_s']:.2f} s CPU")
    cpu = sum(t["cpu_s"] for t in (w.get("timings") or {}).values())
    print(f"{'stage CPU':>15}: {cpu:.2f} s; added to the run: {with_['wall_s'] - without['wall_s']:+.1f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
