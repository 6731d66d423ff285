"""Classifier figures on the shared corpora: prints numbers, asserts nothing.

    python benchmarks/bench_classify.py                     # everything (armpro + SaudiNewsNet)
    python benchmarks/bench_classify.py armpro              # `framing train` figures on ArMPro dev
    python benchmarks/bench_classify.py saudi --per-outlet 500 --jobs 2
    python benchmarks/bench_classify.py weak --docs 3000    # weak supervision on SaudiNewsNet

armpro: 5-fold CV of the binary `propagandistic` model (nested-tuned word+char TF-IDF + logistic
regression) against a plain char TF-IDF + LinearSVC baseline on the same folds, then the
multi-label `coarse_labels` model. saudi: the outlet classifier of the study pipeline
(framing.classify.attribution) with outlet names masked (the outlet_name values and their Arabic
spellings, below), accuracy and macro-F1 beside the majority baseline, and the time it took.
Corpora are looked up in $FRAMING_DATA (see CONTRIBUTING.md), else ../shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRAMING_DATA") or os.environ.get("FRAMING_SHARED") or REPO.parent / "shared")
ARMPRO = SHARED / "corpora" / "armpro_dev" / "paragraphs.jsonl"
SAUDI = SHARED / "corpora" / "saudinewsnet" / "all.jsonl.gz"

# Arabic spellings of the SaudiNewsNet outlets' names as they appear in datelines and credits
# (our own list, read off the corpus). Several are also ordinary words or places (اليوم "today",
# المدينة "the city", الرياض Riyadh, الوطن "the homeland", الجزيرة "the peninsula"), so masking
# them removes those words from every outlet's text: the price of a classifier that cannot read
# the outlet's name.
SAUDI_ALIASES = {
    "3alyoum": ["عين اليوم"],
    "aawsat": ["الشرق الأوسط", "الشرق الاوسط"],
    "aleqtisadiya": ["الاقتصادية"],
    "aljazirah": ["الجزيرة"],
    "almadina": ["المدينة"],
    "alriyadh": ["الرياض"],
    "alwatan": ["الوطن"],
    "alweeam": ["الوئام", "صحيفة الوئام"],
    "alyaum": ["اليوم"],
    "arreyadi": ["الرياضي"],
    "arriyadiyah": ["الرياضية"],
    "okaz": ["عكاظ"],
    "sabq": ["سبق"],
    "was": ["واس", "وكالة الأنباء السعودية"],
}


# Site furniture that survives in SaudiNewsNet's text and names the outlet without naming it
# (tag lists, pagers, "link to the story at Al-Weeam", SPA's end marker, SMS subscription lines),
# read off the outlet classifier's top features. `--mask-furniture` masks these too, to show how
# much of the attribution accuracy they carry.
SAUDI_FURNITURE = ["سمات", "next", "previous", "متابعات", "رابط الخبر", "انتهى", "// انتهى //", "ت م",
                   "مقالات أخرى", "عنوان صحفي", "نص الرسالة", "mobily", "zain", "stc"]


def _load():
    sys.path.insert(0, str(REPO))


def bench_armpro(folds: int, jobs: int) -> None:
    from framing.cache import file_sha256
    from framing.classify.train import read_coded, train_model

    df = read_coded(ARMPRO)
    print(f"== ArMPro dev: {len(df)} paragraphs, {folds}-fold CV, jobs={jobs}")
    for label in ("propagandistic", "coarse_labels"):
        t0 = time.perf_counter()
        r = train_model(df, "text", [label], folds=folds, seed=20201027, n_jobs=jobs, source=str(ARMPRO),
                        data_sha256=file_sha256(ARMPRO))
        secs = time.perf_counter() - t0
        print(f"-- {label} ({r.metadata['task']}); chosen on all data: {r.metadata['model']['chosen']}; "
              f"{secs:.1f} s wall (model CV {r.cv['seconds']:.1f} s, baseline CV {r.baseline_cv['seconds']:.1f} s)")
        print(f"   {'metric':14s} {'model':>8s} {'baseline':>9s}")
        for key, value in r.cv["headline"].items():
            print(f"   {key:14s} {value:8.3f} {r.baseline_cv['headline'][key]:9.3f}")
        for key in ("f1_macro", "accuracy", "f1_micro"):
            if f"{key}_fold_mean" in r.cv:
                print(f"   per-fold {key}: model {r.cv[f'{key}_fold_mean']:.3f} ± {r.cv[f'{key}_fold_sd']:.3f}, "
                      f"baseline {r.baseline_cv[f'{key}_fold_mean']:.3f} ± {r.baseline_cv[f'{key}_fold_sd']:.3f}")
        diffs = [m["f1_macro"] - b["f1_macro"] for m, b in zip(r.cv["folds"], r.baseline_cv["folds"])]
        print(f"   macro-F1 higher than the baseline in {sum(d > 0 for d in diffs)} of {len(diffs)} folds "
              f"(differences: {', '.join(f'{d:+.3f}' for d in diffs)})")
        print(f"   {'label':22s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
        for row in r.cv["per_label"]:
            print(f"   {row['label']:22s} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:5d}")


def _saudi_docs(per_outlet: int | None, seed: int):
    import numpy as np
    import pandas as pd

    from framing.records import Document

    df = pd.read_json(SAUDI, lines=True)
    names = dict(zip(df["outlet"], df["outlet_name"]))
    if per_outlet:
        df = df.sample(frac=1.0, random_state=seed).groupby("outlet", sort=False).head(per_outlet)
    docs = [Document(doc_id=f"{r.outlet}-{i}", outlet=r.outlet, source="saudinewsnet", text=r.text, title=r.title)
            for i, r in enumerate(df.itertuples(index=False))]
    return docs, names, np


def _saudi_config(names, jobs: int, folds: int, extra_mask=()):
    from framing.config import load_config

    outlets = [{"id": o, "name": names[o], "aliases": SAUDI_ALIASES.get(o, [])} for o in sorted(names)]
    # the stage is given its documents directly; the config names the corpus as their source (a config
    # whose outlets no source reaches is refused)
    return load_config({"title": "SaudiNewsNet outlet attribution", "outlets": outlets, "lexicons": [],
                        "sources": [{"path": str(SAUDI), "format": "jsonl"}],
                        "run": {"jobs": jobs},
                        "classify": {"folds": folds, "mask": list(extra_mask), "max_docs_per_outlet": None}})


def bench_saudi(per_outlet: int | None, jobs: int, folds: int, furniture: bool = False) -> None:
    from framing.arabic import Normaliser
    from framing.classify import attribution
    from framing.records import StageInputs
    from framing.runtime import Runtime

    t0 = time.perf_counter()
    docs, names, _ = _saudi_docs(per_outlet, 20201027)
    load_s = time.perf_counter() - t0
    cfg = _saudi_config(names, jobs, folds, SAUDI_FURNITURE if furniture else ())
    print(f"== SaudiNewsNet outlet attribution{' (site furniture masked too)' if furniture else ''}: "
          f"{len(docs)} articles, {len(names)} outlets "
          f"({'all' if not per_outlet else f'at most {per_outlet} per outlet, seeded sample'}), {folds}-fold CV, "
          f"jobs={jobs}, read in {load_s:.1f} s; load average {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    inputs = StageInputs(documents=docs, outlets=cfg.outlet_records(), normaliser=Normaliser())
    out = attribution(inputs, cfg.classify_options(), Runtime.of(cfg.run.jobs, 20201027))
    wall = time.perf_counter() - t0
    cv = out.tables["outlet_cv"].set_index("metric")
    info = out.info["outlet_classifier"]
    print(f"   accuracy {cv.loc['accuracy', 'value']:.3f} (majority {cv.loc['accuracy', 'baseline']:.3f}), "
          f"macro-F1 {cv.loc['macro_f1', 'value']:.3f} (majority {cv.loc['macro_f1', 'baseline']:.3f}), "
          f"fold sd of accuracy {cv.loc['accuracy', 'fold_sd']:.3f}")
    print(f"   time: {wall:.1f} s wall in compute (normalise+mask {out.info['timings']['normalise_mask']:.1f} s, "
          f"CV {info['cv_seconds']:.1f} s, final fit {info['final_fit_seconds']:.1f} s); {info['n_features']} features; "
          f"load average now {os.getloadavg()[0]:.1f}")
    mask = out.tables["outlet_mask"]
    print("   masked strings with hits: " + ", ".join(f"{r.string} {r.hits}" for r in mask.itertuples() if r.hits))
    per = out.tables["outlet_cv_per_outlet"]
    print("   per-outlet F1: " + ", ".join(f"{r.outlet} {r.f1:.2f}" for r in per.itertuples()))
    feats = out.tables["outlet_features"]
    words = feats[feats.kind == "word"].sort_values(["outlet", "rank"]).groupby("outlet").head(6)
    for outlet, g in words.groupby("outlet"):
        print(f"   top word features {outlet}: {' | '.join(g.feature)}")


def bench_weak(n_docs: int, jobs: int) -> None:
    import pandas as pd

    from framing.arabic import Normaliser
    from framing.classify.weak import sentences_from_texts, weak_recovery
    from framing.lexicon import Matcher, load_lexicons, shipped_ids

    df = pd.read_json(SAUDI, lines=True).sample(n_docs, random_state=20201027)
    norm = Normaliser()
    t0 = time.perf_counter()
    matcher = Matcher(load_lexicons(shipped_ids()), norm)
    units = sentences_from_texts(df["text"].tolist(), [str(i) for i in range(len(df))], matcher)
    tables, notes, info = weak_recovery(units, norm, seed=20201027, n_jobs=jobs)
    print(f"== weak supervision on {n_docs} SaudiNewsNet articles ({len(units.texts)} sentences), shipped lexicons, "
          f"{time.perf_counter() - t0:.1f} s")
    if "weak_cv" in tables:
        print(tables["weak_cv"].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    for n in notes:
        print("   note:", n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="*", default=["armpro", "saudi"], choices=["armpro", "saudi", "weak"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--per-outlet", type=int, default=None, help="SaudiNewsNet: seeded sample per outlet (default: all)")
    ap.add_argument("--docs", type=int, default=3000, help="weak: articles sampled")
    ap.add_argument("--mask-furniture", action="store_true", help="saudi: also mask leftover site furniture")
    args = ap.parse_args()
    _load()
    if not SHARED.joinpath("corpora").is_dir():
        print(f"shared corpora absent ({SHARED}); nothing to measure")
        return
    for what in args.what:
        if what == "armpro":
            bench_armpro(args.folds, args.jobs)
        elif what == "saudi":
            bench_saudi(args.per_outlet, args.jobs, args.folds, args.mask_furniture)
        elif what == "weak":
            bench_weak(args.docs, args.jobs)


if __name__ == "__main__":
    main()
