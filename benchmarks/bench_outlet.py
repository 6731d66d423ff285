"""The outlet classifier stage alone, on a whole corpus: time and memory; prints figures, asserts nothing.

    python benchmarks/bench_outlet.py [CORPUS.jsonl.gz] [--jobs 2] [--cache DIR] [--set key=value ...]

CORPUS defaults to SaudiNewsNet; any JSONL corpus with SaudiNewsNet's fields works (the scale
corpora of ``bench_scale.py``). The study is ``saudinewsnet.yaml`` with its source replaced by
CORPUS, lexicons off and the cache in ``--cache`` (default: a folder under the system's temporary
folder, kept, so that a second run reads the cleaned corpus from it). The documents are read and
cleaned first (not timed); then the outlet classifier stage (``framing.classify.attribution``) runs
in this process while a sampler adds up the resident memory of this process and its worker
processes every 50 ms. Printed: the stage's wall time and its own timings, the resident memory
before the stage and its peak within it, the learning curve, the documents used per outlet and the
cross-validated accuracy. ``--set classify.KEY=VALUE`` (YAML values) changes an option.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_pipeline import TreeSampler, apply_settings, machine  # noqa: E402

SAUDI = Path(os.environ.get("FRAMING_DATA") or HERE.parent.parent / "shared") / "corpora/saudinewsnet/all.jsonl.gz"


def main() -> None:
    import yaml

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path, default=SAUDI)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "framing-bench-outlet-cache")
    ap.add_argument("--set", action="append", default=[], metavar="classify.KEY=VALUE")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus absent ({args.corpus}); nothing to measure")
        return

    from framing.classify import attribution
    from framing.config import load_config
    from framing.pipeline import study_matcher_and_documents
    from framing.records import StageInputs
    from framing.runtime import Runtime

    raw = yaml.safe_load((HERE / "saudinewsnet.yaml").read_text(encoding="utf-8"))
    raw["sources"][0]["path"] = str(args.corpus.resolve())
    raw.update({"lexicons": [], "output": str(args.cache / "report")})
    raw["run"] = {"jobs": args.jobs, "cache_dir": str(args.cache)}
    raw["classify"] = {}
    cfg = load_config(apply_settings(raw, args.set))
    t0 = time.perf_counter()
    _, docs = study_matcher_and_documents(cfg)
    print(f"== outlet classifier on {args.corpus.name}: {len(docs)} documents read and cleaned in "
          f"{time.perf_counter() - t0:.1f} s; machine {machine()}")

    import psutil

    from framing.arabic import Normaliser

    before = psutil.Process().memory_info().rss
    normaliser = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura)
    inputs = StageInputs(documents=docs, outlets=cfg.outlet_records(), normaliser=normaliser)
    sampler = TreeSampler(os.getpid())
    t0 = time.perf_counter()
    out = attribution(inputs, cfg.classify_options(), Runtime.of(cfg.run.jobs, cfg.seed))
    wall = time.perf_counter() - t0
    peak, cpu = sampler.stop()
    info = out.info.get("outlet_classifier", {})
    print(f"   stage {wall:.1f} s wall, {cpu:.1f} s CPU (process tree); timings {out.info['timings']}; "
          f"cv_jobs {info.get('cv_jobs')}, hashing {info.get('hash_seconds')} s, cv {info.get('cv_seconds')} s")
    print(f"   RSS before the stage {before / 2**30:.2f} GiB; peak within it {peak / 2**30:.2f} GiB "
          f"(process tree), {(peak - before) / 2**30:+.2f} GiB; load average now {os.getloadavg()}")
    for name in ("outlet_curve", "outlet_sample", "outlet_cv"):
        if name in out.tables:
            print(f"-- {name}\n{out.tables[name].to_string(index=False)}")
    for note in out.notes:
        print("   note:", note)


if __name__ == "__main__":
    main()
