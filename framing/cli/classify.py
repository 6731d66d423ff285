"""`framing annotate` and `framing train`: typer commands over the classify stage.

:func:`register` adds them to an app. Heavy imports happen inside the commands so that
``framing --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from framing.cli.common import fail


def train(
    data: Path = typer.Argument(..., help="coded units: CSV, TSV, JSONL or JSON (one unit a row)", show_default=False),
    text: str = typer.Option("text", "--text", "-t", help="column holding the unit's text"),
    labels: List[str] = typer.Option(
        ["label"], "--label", "-l",
        help="label column(s). One column: binary (two values) or multi-class; a column of lists, or several 0/1 "
        "columns (repeat --label), trains a multi-label model",
    ),
    multilabel: bool = typer.Option(False, "--multilabel", help="read the single label column as lists ('a;b' in CSV)"),
    out: Path = typer.Option(Path("model.skops"), "--out", "-o", help="where to save the model (.skops; metadata and CV metrics beside it as .json)"),
    folds: int = typer.Option(5, "--folds", "-k", min=2, help="cross-validation folds"),
    weak: Optional[List[str]] = typer.Option(
        None, "--weak",
        help="weak supervision: ignore --label, label sentences of the text column with these lexicons (shipped id or "
        "YAML path; repeatable) and report how well held-out lexicon entries are recovered",
    ),
    seed: int = typer.Option(20201027, "--seed", help="random seed (folds, models)"),
    jobs: int = typer.Option(0, "--jobs", "-j", help="parallel CV folds; 0 = one per core"),
    model: str = typer.Option("logreg", "--model", help="linear model: logreg or svm"),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="skip the char TF-IDF + LinearSVC baseline"),
    no_tune: bool = typer.Option(False, "--no-tune", help="fixed C instead of the nested inner-CV choice (faster)"),
) -> None:
    """Train a frame classifier from coded units, report k-fold CV metrics (per-label precision,
    recall and F1, micro and macro, beside a plain char TF-IDF + linear SVM baseline on the same
    folds) and save it (skops) with its metadata."""
    from rich.console import Console

    from framing.classify.cv import n_jobs_of
    from framing.classify.store import save_model
    from framing.classify.train import TrainingDataError, file_sha256, read_coded, train_model

    console = Console()
    n_jobs = n_jobs_of(jobs)
    if model not in ("logreg", "svm"):
        fail(f"--model must be logreg or svm, not {model!r}")
    try:
        df = read_coded(data)
    except TrainingDataError as exc:
        fail(str(exc))
    sha = file_sha256(data)
    if weak:
        _train_weak(df, data, text, weak, out, folds, seed, n_jobs, console, sha)
        return
    try:
        with console.status(f"{folds}-fold cross-validation on {len(df)} rows…"):
            result = train_model(df, text, labels, multilabel=multilabel, folds=folds, seed=seed, n_jobs=n_jobs,
                                 model=model, baseline=not no_baseline, source=str(data), data_sha256=sha,
                                 tune=not no_tune)
    except TrainingDataError as exc:
        fail(str(exc))
    result.metadata["name"] = out.stem
    path = save_model(out, result.pipeline, result.metadata)
    metrics_path = path.with_name(path.stem + ".cv.json")
    metrics_path.write_text(json.dumps({"cv": result.cv, "baseline_cv": result.baseline_cv, "folds": result.metadata["folds"],
                                        "seed": seed, "task": result.metadata["task"], "notes": result.notes},
                                       ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_report(console, result.metadata, result.cv, result.baseline_cv)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    console.print(f"model: {path}\nmetadata: {path.with_suffix('.json')}\nCV metrics: {metrics_path}")


def print_report(console, meta: dict, cv: dict, baseline: dict | None) -> None:
    from rich.table import Table

    title = (f"{meta['task']} · {meta['folds']}-fold CV · {meta['training_data']['used']} units · "
             f"labels from {', '.join(meta['label_columns'])}")
    table = Table(title=title)
    for col in ("label", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for row in cv["per_label"]:
        table.add_row(row["label"], f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]))
    for avg in ("micro", "macro"):
        r = cv[avg]
        table.add_row(f"[bold]{avg} avg[/bold]", f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}", str(cv["n"]))
    console.print(table)
    comp = Table(title="model vs baseline (same folds)")
    comp.add_column("metric")
    comp.add_column("model", justify="right")
    if baseline:
        comp.add_column("baseline: char TF-IDF + LinearSVC", justify="right")
    for key, value in cv["headline"].items():
        cells = [key, f"{value:.3f}"]
        if baseline:
            cells.append(f"{baseline['headline'][key]:.3f}")
        comp.add_row(*cells)
    console.print(comp)


def _train_weak(df, data: Path, text: str, refs: list[str], out: Path, folds: int, seed: int, n_jobs: int, console, sha):
    """Weak supervision from the command line: lexicon-labelled sentences of the data's texts."""
    from rich.table import Table

    from framing.arabic import Normaliser
    from framing.classify.weak import LABEL, sentences_from_texts, weak_recovery
    from framing.lexicon import LexiconError, Matcher, load_lexicons

    if text not in df.columns:
        fail(f"{data}: no text column {text!r}")
    normaliser = Normaliser()
    try:
        lexicons = load_lexicons(list(refs), base_dir=Path.cwd())
    except LexiconError as exc:
        fail(str(exc))
    matcher = Matcher(lexicons, normaliser)
    units = sentences_from_texts(df[text].tolist(), [str(i) for i in range(len(df))], matcher)
    with console.status(f"weak supervision on {len(units.texts)} sentences…"):
        tables, notes, info = weak_recovery(units, normaliser, seed=seed, n_jobs=n_jobs, groups=folds)
    summary = tables.get("weak_cv")
    table = Table(title=f"{LABEL}: recovery of held-out lexicon entries ({folds} entry groups)")
    for col in ("category", "entries", "held-out sentences", "recall", "false-positive rate", "AUC"):
        table.add_column(col, justify="left" if col == "category" else "right")
    if summary is not None:
        for r in summary.itertuples(index=False):
            table.add_row(r.category, str(r.entries), str(r.heldout_sentences), f"{r.recall:.3f}",
                          f"{r.false_positive_rate:.3f}", f"{r.auc:.3f}")
    console.print(table)
    for note in notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    out = out.with_suffix(".weak.json") if out.suffix == ".skops" else out
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"supervision": "weak", "label": LABEL, "data": str(data), "sha256": sha, "lexicons": list(refs),
               "seed": seed, "info": info, "notes": notes,
               "summary": summary.to_dict(orient="records") if summary is not None else [],
               "per_group": tables["weak_recovery"].to_dict(orient="records") if "weak_recovery" in tables else []}
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    console.print(f"weak-supervision results: {out}")


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


def register(app: typer.Typer) -> None:
    """Add `annotate` and `train` as top-level commands of ``app``."""
    app.command("annotate")(annotate)
    app.command("train")(train)
