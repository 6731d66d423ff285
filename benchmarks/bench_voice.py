"""Time the voice step (framing/voice/) on real news and print what it finds; asserts nothing.

    python benchmarks/bench_voice.py [--corpus $FRAMING_DATA/corpora/saudinewsnet/all.jsonl.gz] [--docs N]

Each article's text is its title, a blank line and its body (as the corpus stage analyses it);
the shipped conflict, naming and attribution lexicons are matched first (not timed), then
:func:`framing.voice.hit_voices` runs over every document with a hit (timed, one process). Prints
the seconds, hits per second, and the share of hits per voice for each outlet. For the step's share
of a whole run, compare with the ``voice`` stage in a run's manifest.json ``timings``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

from framing.arabic import Normaliser, tokenize
from framing.lexicon import Matcher, load_lexicons
from framing.voice import VOICES, hit_voices, title_end

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    data = os.environ.get("FRAMING_DATA") or os.environ.get("FRAMING_SHARED") or str(HERE.parent / "shared")
    ap.add_argument("--corpus", default=str(Path(data) / "corpora/saudinewsnet/all.jsonl.gz"))
    ap.add_argument("--docs", type=int, default=0, help="first N articles (0: all)")
    args = ap.parse_args()
    norm = Normaliser()
    matcher = Matcher(load_lexicons(["conflict", "naming", "attribution"], base_dir=HERE), norm)
    opener = gzip.open if args.corpus.endswith(".gz") else open
    docs = []
    with opener(args.corpus, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if args.docs and n >= args.docs:
                break
            d = json.loads(line)
            title = (d.get("title") or "").strip()
            text = f"{title}\n\n{d['text']}" if title else d["text"]
            hits = matcher.match(tokenize(text, norm), text)
            if hits:
                docs.append((d.get("outlet", "?"), text, title, hits))
    print(f"load average {os.getloadavg()}; {len(docs)} documents with hits, "
          f"{sum(len(h) for *_, h in docs)} hits")
    counts: dict[str, Counter] = defaultdict(Counter)
    scare: Counter = Counter()
    t0 = time.process_time()
    for outlet, text, title, hits in docs:
        for m, v in zip(hits, hit_voices(text, [(m.start, m.end) for m in hits], title_end(text, title))):
            if m.lexicon != "attribution":
                counts[outlet][v.voice] += 1
                if v.voice == "scare" and m.lexicon == "naming":
                    scare[(m.category, m.entry)] += 1
    cpu = time.process_time() - t0
    n_hits = sum(len(h) for *_, h in docs)
    print(f"voice step: {cpu:.2f} CPU s, {n_hits / max(cpu, 1e-9):,.0f} hits/s")
    print("frame and naming hits per voice (share of the outlet's hits):")
    print(f"{'outlet':24} {'hits':>6} " + " ".join(f"{v:>10}" for v in VOICES))
    for outlet in sorted(counts):
        c = counts[outlet]
        total = sum(c.values())
        print(f"{outlet:24} {total:6d} " + " ".join(f"{c[v] / total:10.3f}" for v in VOICES))
    print("naming variants in scare quotes:", ", ".join(f"{a}:{e} {n}" for (a, e), n in scare.most_common(12)))


if __name__ == "__main__":
    main()
