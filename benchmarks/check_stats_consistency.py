"""Consistency checks of a run's statistics, from its data/ folder alone.

    python benchmarks/check_stats_consistency.py reports/study/data [--config study.yaml]

Prints, for the contrasts (length-stratified, and topic-adjusted when present):
- contrasts whose interval lies wholly on the side opposite to their observed counts (an interval
  wholly above 1 although outlet a has the lower crude rate, or wholly below 1 although it has the
  higher one): those with a side of zero hits (an error), and those where the stratified estimate
  itself lies on that side (length or topic mix reverses the crude comparison: not an error);
  intervals that miss their own estimate (an error);
- how often the interval and the test disagree: "the interval excludes 1" xor "q < 0.05", over the
  tested contrasts, for the FCR-adjusted interval (fcr_low/fcr_high, the one that matches q) and the
  95% interval (ci_low/ci_high; also against p < 0.05, which it matches);
- how many contrasts are flagged (q < 0.05), crude (length only) and adjusted for topic;
- rate intervals with at least one hit whose lower end is 0;
- each outlet's top-10 keyness terms (versus the rest) that are one of its own names or aliases
  (the words of the outlet's name and aliases from the config, normalised as keyness terms).
Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

ALPHA = 0.05


def contrast_checks(c: pd.DataFrame, suffix: str = "") -> dict:
    lo, hi = c["ci_low" + suffix].astype(float), c["ci_high" + suffix].astype(float)
    ra, rb = c["rate_a"].astype(float), c["rate_b"].astype(float)
    wrong = ((lo > 1) & (ra < rb)) | ((hi < 1) & (ra > rb))
    est = c["ratio" + suffix].astype(float)
    # an interval opposite to the crude counts but holding its own stratified estimate is a reversal by
    # the strata (length or topic mix), not an error; one that misses its own estimate is
    misses = (lo > est * (1 + 1e-9)) | (hi < est * (1 - 1e-9))
    tested = c["q" + suffix].notna()
    excl = (lo > 1) | (hi < 1)
    sig = c["q" + suffix] < ALPHA
    psig = c["p" + suffix] < ALPHA
    fam_one = c["family"] == "one-vs-rest"
    out = {}
    if "fcr_low" + suffix in c.columns:
        fexcl = (c["fcr_low" + suffix] > 1) | (c["fcr_high" + suffix] < 1)
        out["disagree_fcr_interval_vs_q"] = int((tested & (fexcl != sig)).sum())
        out["disagree_fcr_interval_vs_q_rate"] = float((tested & (fexcl != sig)).sum() / max(tested.sum(), 1))
    return {
        **out,
        "contrasts": int(len(c)),
        "tested": int(tested.sum()),
        "interval_opposite_to_crude_counts": int(wrong.sum()),
        "of_which_stratified_estimate_on_the_same_side": int((wrong & ~misses & (((est > 1) & (lo > 1)) | ((est < 1) & (hi < 1)))).sum()),
        "interval_missing_its_own_estimate": int(misses.sum()),
        "zero_side_opposite": int((wrong & ((c["count_a"] == 0) | (c["count_b"] == 0))).sum()),
        "disagree_interval_vs_q": int((tested & (excl != sig)).sum()),
        "disagree_interval_vs_q_rate": float((tested & (excl != sig)).sum() / max(tested.sum(), 1)),
        "disagree_interval_vs_p": int((tested & (excl != psig)).sum()),
        "disagree_interval_vs_p_rate": float((tested & (excl != psig)).sum() / max(tested.sum(), 1)),
        "flagged_one_vs_rest": int((sig & fam_one).sum()),
        "flagged_pairwise": int((sig & ~fam_one).sum()),
    }


def alias_terms(config_path: Path | None, manifest: dict) -> dict[str, set[str]]:
    """outlet -> keyness terms of its name's and aliases' words (from the config)."""
    from framing.arabic.clitics import strip_article as keyness_term
    from framing.arabic import Normaliser
    from framing.config import load_config

    if config_path is not None:
        cfg = load_config(config_path)
        outlets = [(o.id, [o.name or ""] + list(o.aliases)) for o in cfg.outlets]
    else:
        cfg_raw = manifest.get("config") or {}
        outlets = [(o["id"], [o.get("name") or ""] + list(o.get("aliases") or [])) for o in cfg_raw.get("outlets", [])]
    norm = Normaliser()
    out = {}
    for oid, names in outlets:
        terms = set()
        for n in names:
            for w in norm.text(n).split():
                t = keyness_term(w)
                if len(t) >= 2:
                    terms.add(t)
        out[oid] = terms
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="a run's data/ folder")
    ap.add_argument("--config", type=Path, default=None, help="the study config (default: the one in manifest.json)")
    args = ap.parse_args(argv)
    c = pd.read_csv(args.data / "contrasts.csv")
    mpath = args.data.parent / "manifest.json"
    manifest = json.loads(mpath.read_text(encoding="utf-8")) if mpath.exists() else {}
    failed = False
    report = {"length_stratified": contrast_checks(c)}
    if "q_topic" in c.columns:
        report["topic_adjusted"] = contrast_checks(c, "_topic")
        one = c["family"] == "one-vs-rest"
        crude, adj = c["q"] < ALPHA, c["q_topic"] < ALPHA
        report["adjustment_changes_one_vs_rest"] = {
            "flagged_crude_only": int((one & crude & ~adj).sum()), "flagged_adjusted_only": int((one & ~crude & adj).sum()),
            "flagged_both": int((one & crude & adj).sum())}
    for key in ("length_stratified", "topic_adjusted"):
        r = report.get(key)
        if r and (r["zero_side_opposite"] or r["interval_missing_its_own_estimate"]
                  or r.get("disagree_fcr_interval_vs_q_rate", r["disagree_interval_vs_q_rate"]) > 0.02):
            failed = True
    s = pd.read_csv(args.data / "outlet_scores.csv")
    zero_low = s[(s["count"] > 0) & (s["ci_low"] <= 0)]
    report["rate_intervals_from_0_with_hits"] = int(len(zero_low))
    failed |= len(zero_low) > 0
    kpath = args.data / "keyness.csv"
    if kpath.exists():
        k = pd.read_csv(kpath)
        own = alias_terms(args.config, manifest)
        top = k[(k["versus"] == "rest") & (k["rank"] <= 10)]
        leaks = [(o, t) for o, t in zip(top["outlet"], top["term"]) if t in own.get(o, set())]
        report["own_name_in_top10_keyness"] = leaks
        report["outlets_with_name_terms_checked"] = sum(1 for v in own.values() if v)
        failed |= bool(leaks)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    stage = (manifest.get("timings") or {}).get("statistics")
    if stage is not None:
        print(f"statistics stage: {stage} s (manifest timings)")
    print("FAILED" if failed else "all checks pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
