"""Time the statistics stage at SaudiNewsNet scale on synthetic input; prints figures, asserts nothing.

    python benchmarks/bench_stats.py [--docs 30000] [--outlets 14] [--categories 60] [--hits-per-1k 6]

Synthetic corpus: documents of 80-900 words spread over the outlets, lexicon hits drawn as
gamma-Poisson (over-dispersed) counts with category rates that vary over two orders of magnitude,
a few planted outlet differences, one naming axis with two variants, and a Zipfian vocabulary of
100,000 words per outlet for keyness. ``--hits-per-1k`` sets the average number of lexicon hits per
1,000 words over all categories (news text with a conflict lexicon: a handful; 30 is a stress test).
Default options (2,000 bootstrap resamples, 5,000 permutations where simulated).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from framing.stats import StatsOptions, statistics  # noqa: E402


def synthetic(n_docs: int, n_outlets: int, n_cat: int, hits_per_1k: float, seed: int = 1):
    rng = np.random.default_rng(seed)
    outlets = [f"outlet{g:02d}" for g in range(n_outlets)]
    share = rng.dirichlet(np.full(n_outlets, 3.0))
    g = rng.choice(n_outlets, size=n_docs, p=share)
    n_tok = rng.integers(80, 900, n_docs)
    start = pd.Timestamp("2015-01-01")
    dates = (start + pd.to_timedelta(rng.integers(0, 240, n_docs), unit="D")).strftime("%Y-%m-%d")
    doc_ids = np.array([f"d{i}" for i in range(n_docs)])
    docs = pd.DataFrame({"doc_id": doc_ids, "outlet": np.array(outlets)[g], "n_tokens": n_tok, "date": dates})
    base = rng.lognormal(0, 1.2, n_cat)
    base = base / base.sum() * hits_per_1k / 1000.0  # per word
    lam = n_tok[:, None] * base[None, :] * rng.gamma(0.5, 2.0, (n_docs, n_cat))
    for gg, k, f in [(0, 1, 3.0), (1, 2, 0.3), (2, 3, 2.0)]:
        lam[g == gg, k] *= f
    C = rng.poisson(lam)
    di, ki = np.nonzero(C)
    reps = C[di, ki]
    di, ki = np.repeat(di, reps), np.repeat(ki, reps)
    cats = np.array([f"c{k:02d}" for k in range(n_cat)])
    matches = pd.DataFrame({"doc_id": doc_ids[di], "outlet": docs["outlet"].to_numpy()[di], "source": "",
                            "lexicon": "lex", "category": cats[ki], "entry": cats[ki], "surface": "", "start": 0,
                            "end": 0, "sentence": ""})
    mention = np.flatnonzero(rng.random(n_docs) < 0.05)
    pref = np.where(g[mention] == 0, 0.9, 0.4)
    entry = np.where(rng.random(len(mention)) < pref, "variant_a", "variant_b")
    k = rng.integers(1, 4, len(mention))
    naming = pd.DataFrame({"doc_id": np.repeat(doc_ids[mention], k),
                           "outlet": np.repeat(docs["outlet"].to_numpy()[mention], k),
                           "source": "", "lexicon": "names", "category": "axis", "entry": np.repeat(entry, k),
                           "surface": "", "start": 0, "end": 0, "sentence": ""})
    matches = pd.concat([matches, naming], ignore_index=True)
    lex = pd.DataFrame([("lex", "frames", c, c, "", c, "") for c in cats]
                       + [("names", "naming", "axis", "Axis", "", "variant_a", ""),
                          ("names", "naming", "axis", "Axis", "", "variant_b", "")],
                       columns=["lexicon", "kind", "category", "category_label", "category_label_ar", "entry", "gloss"])
    vocab = 100_000
    zipf = 1.0 / np.arange(1, vocab + 1)
    zipf /= zipf.sum()
    terms = {}
    for gi, o in enumerate(outlets):
        cnt = rng.multinomial(int(n_tok[g == gi].sum()), zipf)
        nz = np.flatnonzero(cnt)
        terms[o] = Counter(dict(zip((f"w{j}" for j in nz), cnt[nz].tolist())))
    return docs, matches, lex, terms, {o: o.title() for o in outlets}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=30_000)
    ap.add_argument("--outlets", type=int, default=14)
    ap.add_argument("--categories", type=int, default=60)
    ap.add_argument("--hits-per-1k", type=float, default=6.0)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    docs, matches, lex, terms, names = synthetic(a.docs, a.outlets, a.categories, a.hits_per_1k)
    print(f"input: {len(docs):,} documents, {a.outlets} outlets, {a.categories} categories, {len(matches):,} hits, "
          f"{sum(len(t) for t in terms.values()):,} outlet-term pairs; cores: {os.cpu_count()}")
    for _ in range(a.repeat):
        t, cpu = time.perf_counter(), time.process_time()
        out = statistics(docs, matches, lex, terms, StatsOptions(), 42, names)
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        c = out.tables["contrasts"]
        print(f"statistics stage: {wall:.1f} s wall, {cpu:.1f} s CPU (all threads; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); parts (s, wall): {out.info['timings_s']}")
        print(f"  contrasts: {len(c):,} ({c['p_method'].value_counts().to_dict()}); "
              f"keyness rows: {len(out.tables['keyness']):,}; timeline rows: {len(out.tables['timeline']):,}")


if __name__ == "__main__":
    main()
