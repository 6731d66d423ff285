"""Time the writing of a report's data tables: every CSV of a run's ``data/`` folder read back and
written again by ``framing.datafiles.write_csv`` (pyarrow's kernels where installed), by pandas'
``to_csv`` (what the writer did before, and its fallback), the compressed tables at gzip levels
1, 3 and 6, and the cleaned texts as ``framing.datafiles.pack_texts`` writes them (gzip) against
bzip2 -9 (what earlier versions wrote). Prints figures, asserts nothing, writes into a temporary folder.

    python benchmarks/bench_data_tables.py REPORT_FOLDER [--repeat 3]

REPORT_FOLDER: an output folder of ``framing run`` (it holds ``data/``), e.g. one that
``bench_pipeline.py --keep`` leaves, or ``reports/saudinewsnet`` after
``framing run benchmarks/saudinewsnet.yaml``. Each figure is the best of ``--repeat`` runs; the load
average is printed beside them.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    from framing.datafiles import (COMPRESSED, FLOAT_FORMAT, FORMER_TEXTS_FILES, GZIP_LEVEL, TEXTS_FILE, csv_bytes,
                                   pack_texts, write_csv)

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = args.report / "data"
    files = sorted(data.glob("*.csv*"), key=lambda p: -p.stat().st_size)
    if not files:
        raise SystemExit(f"{data}: no CSV tables (run a study first)")
    print(f"data tables of {args.report}; load average {os.getloadavg()} at start")
    print(f"{'table':28} {'rows':>8} {'write_csv s':>12} {'pandas s':>9} {'same bytes':>10}")
    total_new = total_old = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            name = path.name.removesuffix(".gz").removesuffix(".csv")
            frame = pd.read_csv(path)
            plain = Path(tmp) / f"{name}.csv"
            new = best(lambda: write_csv(frame, plain, "utf-8"), args.repeat)
            old = best(lambda: frame.to_csv(plain, index=False, lineterminator="\n", float_format=FLOAT_FORMAT),
                       args.repeat)
            same = csv_bytes(frame) == frame.to_csv(index=False, lineterminator="\n",
                                                    float_format=FLOAT_FORMAT).encode("utf-8")
            total_new, total_old = total_new + new, total_old + old
            print(f"{path.name:28} {len(frame):8,} {new:12.3f} {old:9.3f} {str(same):>10}")
        print(f"{'all (plain CSV)':28} {'':8} {total_new:12.3f} {total_old:9.3f}")
        for name in sorted(COMPRESSED):
            path = data / f"{name}.csv.gz"
            if not path.exists():
                continue
            raw = gzip.open(path).read()
            for level in (1, 3, 6):
                seconds = best(lambda: gzip.compress(raw, compresslevel=level, mtime=0), args.repeat)
                size = len(gzip.compress(raw, compresslevel=level, mtime=0))
                print(f"gzip level {level} {name}: {seconds:.3f} s, {size / 1e6:.2f} MB of {len(raw) / 1e6:.1f} MB")
    texts = next((data / n for n in (TEXTS_FILE, *FORMER_TEXTS_FILES) if (data / n).exists()), None)
    if texts is not None:
        opener = gzip.open if texts.name.endswith(".gz") else bz2.open
        with opener(texts, "rt", encoding="utf-8") as fh:
            rows = [(r["doc_id"], r["text"], r["removed"]) for r in map(json.loads, fh)]
        raw = b"".join(json.dumps({"doc_id": d, "text": t, "removed": r}, ensure_ascii=False).encode("utf-8") + b"\n"
                       for d, t, r in rows)
        seconds = best(lambda: pack_texts(rows), args.repeat)
        print(f"texts, pack_texts (gzip level {GZIP_LEVEL}): {seconds:.2f} s, {len(pack_texts(rows)) / 1e6:.1f} MB "
              f"of {len(raw) / 1e6:.1f} MB")
        seconds = best(lambda: bz2.compress(raw, 9), args.repeat)
        print(f"texts, bzip2 -9 of the same lines: {seconds:.2f} s, {len(bz2.compress(raw, 9)) / 1e6:.1f} MB")
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
