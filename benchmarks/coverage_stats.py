"""Calibration of the statistics on synthetic data: null rejection rates and interval coverage.

    python benchmarks/coverage_stats.py [--datasets 25]

Prints, per scenario, how often contrast p-values fall below 0.05 and 0.01 when no difference was
planted (by test branch: three-moment approximation or Monte-Carlo), how often the rate-ratio interval
covers 1, and how often the per-outlet rate interval covers the true rate. Hits are gamma-Poisson
(clustered in documents) as in tests/test_stats.py. Asserts nothing: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from framing.stats import StatsOptions  # noqa: E402
from test_stats import make_corpus, run  # noqa: E402

OPTS = StatsOptions(bootstrap=500, permutations=1000)


def scenario(name: str, seed: int):
    if name == "longer articles in one outlet":
        d1, m1, lex = make_corpus({"a": 40}, {("a", k): 1.0 for k in range(8)}, n_categories=8, seed=seed,
                                  dispersion=2, length=(600, 1800))
        d2, m2, _ = make_corpus({"b": 40, "c": 40}, {(o, k): 1.0 for o in "bc" for k in range(8)}, n_categories=8,
                                seed=1000 + seed, dispersion=2)
        return pd.concat([d1, d2]), pd.concat([m1, m2]), lex
    if name == "one outlet with 3 documents":
        return make_corpus({"a": 3, "b": 60, "c": 60}, {(o, k): 2.0 for o in "abc" for k in range(8)},
                           n_categories=8, seed=seed, dispersion=2)
    if name == "unequal outlets, mixed rates":
        rates = [0.05, 0.2, 0.5, 1, 3, 8, 0.1, 0.3]
        return make_corpus({"a": 200, "b": 30, "c": 80}, {(o, k): r for o in "abc" for k, r in enumerate(rates)},
                           n_categories=8, seed=seed, dispersion=3)
    rate = 4.0 if name == "40 documents each, common categories" else 0.2
    return make_corpus({"a": 40, "b": 40, "c": 40}, {(o, k): rate for o in "abc" for k in range(8)},
                       n_categories=8, seed=seed, dispersion=2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", type=int, default=25)
    n = ap.parse_args().datasets
    names = ["40 documents each, common categories", "40 documents each, rare categories",
             "longer articles in one outlet", "one outlet with 3 documents", "unequal outlets, mixed rates"]
    print("Null scenarios (no planted difference); nominal: 0.05 / 0.01 / 0.95")
    for name in names:
        ps, meth, cover = [], [], []
        for seed in range(n):
            docs, matches, lex = scenario(name, seed)
            c = run(docs, matches, lex, opts=OPTS, seed=seed).tables["contrasts"]
            c = c[c["p_method"].str.startswith(("permutation", "exact conditional"))]
            ps += list(c["p"])
            meth += list(c["p_method"])
            ok = c["ratio"].notna()
            cover += list(((c["ci_low"] <= 1) & (c["ci_high"] >= 1))[ok])
        ps, meth = np.asarray(ps), np.asarray(meth)
        print(f"- {name}: rate-ratio interval covers 1 in {np.mean(cover):.3f} of {len(cover)}")
        for m in np.unique(meth):
            sel = meth == m
            print(f"    {m}: n={sel.sum()}, p<0.05: {np.mean(ps[sel] < 0.05):.3f}, "
                  f"p<0.01: {np.mean(ps[sel] < 0.01):.3f}")
    print("Rate intervals (20 categories with known rates, clustered hits):")
    true = dict(enumerate(np.linspace(0.5, 6, 20)))
    for n_docs, disp in [(15, 1.0), (40, 2.0), (150, 1.5), (500, 2.0)]:
        hit = tot = 0
        for seed in range(max(3, n // 2)):
            docs, matches, lex = make_corpus({"x": n_docs}, {("x", k): r for k, r in true.items()}, n_categories=20,
                                             seed=seed, dispersion=disp)
            s = run(docs, matches, lex, opts=OPTS).tables["outlet_scores"]
            rate = s["category"].str[1:].astype(int).map(true)
            hit += int(((s["ci_low"] <= rate) & (rate <= s["ci_high"])).sum())
            tot += len(s)
        print(f"- {n_docs} documents, dispersion {disp}: coverage {hit / tot:.3f} of {tot}")


if __name__ == "__main__":
    main()
