"""Frame classifiers from human codes (or lexicon labels): read coded units, cross-validate, save.

Tasks, from the label columns named by the user:
- binary: one column with two values (true/false, 1/0, yes/no, or any two labels);
- multi-class: one column with more than two values;
- multi-label: one column of lists (JSON lists, or "a;b" strings in CSV), or several 0/1 columns
  (each column a label; what ``framing annotate`` exports), or ``multilabel=True``.

The model is ``models.text_pipeline`` (word + char TF-IDF, class-balanced logistic regression);
``models.baseline_pipeline`` (char TF-IDF + default LinearSVC) is cross-validated on the same folds
so that every report shows how much the model adds over a plain reference.
"""

from __future__ import annotations

import hashlib
import json
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from framing.arabic import Normaliser
from framing.classify.cv import cross_validate, metrics
from framing.classify.models import baseline_pipeline, text_pipeline, tuned_pipeline
from framing.classify.text import normalise_text

TRUE_STRINGS = {"1", "true", "yes", "y", "t", "نعم"}
FALSE_STRINGS = {"0", "false", "no", "n", "f", "لا"}


class TrainingDataError(ValueError):
    """Coded data that cannot be trained on; the message names the file and column."""


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_coded(path: str | Path) -> pd.DataFrame:
    """A coded CSV/TSV, JSONL or JSON file as a DataFrame (all columns kept)."""
    path = Path(path)
    if not path.is_file():
        raise TrainingDataError(f"{path}: no such file")
    suffixes = "".join(path.suffixes).lower()
    try:
        if suffixes.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
            return pd.read_json(path, lines=True, dtype=False)
        if suffixes.endswith(".json"):
            return pd.read_json(path, dtype=False)
        if suffixes.endswith((".tsv", ".tab")):
            return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise TrainingDataError(f"{path}: cannot be read as {suffixes or 'CSV'}: {exc}") from None


def _is_missing(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _as_list(v) -> list[str] | None:
    if _is_missing(v):
        return None
    if isinstance(v, (list, tuple, np.ndarray)):
        return [str(x) for x in v]
    s = str(v).strip()
    if s.startswith("["):
        try:
            return [str(x) for x in json.loads(s)]
        except json.JSONDecodeError:
            pass
    return [p.strip() for p in s.replace("|", ";").split(";") if p.strip()]


def _as_bool(v) -> bool | None:
    if _is_missing(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return bool(v)
    s = str(v).strip().lower()
    if s in TRUE_STRINGS:
        return True
    if s in FALSE_STRINGS:
        return False
    raise ValueError(s)


@dataclass
class LabelSpec:
    task: str  # binary | multiclass | multilabel
    labels: list[str]  # binary: [column] ; multiclass: classes ; multilabel: label names
    y: np.ndarray
    keep: np.ndarray  # boolean mask of usable rows
    positive_label: str | None = None
    dropped: dict = field(default_factory=dict)


def prepare_labels(df: pd.DataFrame, label_columns: list[str], multilabel: bool = False, source: str = "data") -> LabelSpec:
    missing = [c for c in label_columns if c not in df.columns]
    if missing:
        raise TrainingDataError(f"{source}: no column {', '.join(map(repr, missing))} (columns: {', '.join(map(str, df.columns))})")
    if not label_columns:
        raise TrainingDataError(f"{source}: name at least one label column")
    n = len(df)
    if len(label_columns) > 1:  # several 0/1 columns: multi-label
        cols = []
        keep = np.ones(n, dtype=bool)
        for c in label_columns:
            vals = []
            for i, v in enumerate(df[c].tolist()):
                try:
                    b = _as_bool(v)
                except ValueError:
                    raise TrainingDataError(f"{source}: column {c!r} row {i + 1}: {v!r} is not 0/1 or true/false") from None
                if b is None:
                    keep[i] = False
                vals.append(bool(b))
            cols.append(vals)
        y = np.array(cols, dtype=int).T
        return LabelSpec("multilabel", list(label_columns), y, keep, dropped={"uncoded": int((~keep).sum())})
    col = label_columns[0]
    values = df[col].tolist()
    lists = [isinstance(v, (list, tuple, np.ndarray)) for v in values if not _is_missing(v)]
    if multilabel or (lists and all(lists)):
        parsed = [_as_list(v) for v in values]
        keep = np.array([p is not None for p in parsed])
        names = sorted({x for p in parsed if p for x in p})
        if not names:
            raise TrainingDataError(f"{source}: column {col!r} has no labels at all")
        index = {lab: j for j, lab in enumerate(names)}
        y = np.zeros((n, len(names)), dtype=int)
        for i, p in enumerate(parsed):
            for x in p or []:
                y[i, index[x]] = 1
        return LabelSpec("multilabel", names, y, keep, dropped={"uncoded": int((~keep).sum())})
    keep = np.array([not _is_missing(v) for v in values])
    try:
        bools = [_as_bool(v) for v in values]
        y = np.array([bool(b) for b in bools], dtype=bool)
        if len(set(y[keep].tolist())) < 2:
            raise TrainingDataError(f"{source}: column {col!r} has a single value; nothing to learn")
        return LabelSpec("binary", [col], y, keep, positive_label="True", dropped={"uncoded": int((~keep).sum())})
    except ValueError:
        pass
    y = np.array([str(v).strip() if not _is_missing(v) else "" for v in values], dtype=object)
    classes = sorted(set(y[keep].tolist()))
    if len(classes) < 2:
        raise TrainingDataError(f"{source}: column {col!r} has a single value; nothing to learn")
    if len(classes) == 2:
        return LabelSpec("binary", [col], y, keep, positive_label=classes[1], dropped={"uncoded": int((~keep).sum())})
    return LabelSpec("multiclass", classes, y, keep, dropped={"uncoded": int((~keep).sum())})


@dataclass
class TrainResult:
    pipeline: object
    metadata: dict
    cv: dict
    baseline_cv: dict | None
    notes: list[str]


def _headline(summary: dict, task: str, positive: str | None) -> dict:
    out = {"macro_f1": summary["macro"]["f1"], "micro_f1": summary["micro"]["f1"]}
    if task == "multilabel":
        out["subset_accuracy"] = summary["subset_accuracy"]
    else:
        out["accuracy"] = summary["accuracy"]
    if task == "binary":
        pos = next(r for r in summary["per_label"] if r["label"] == str(positive))
        out["positive_f1"] = pos["f1"]
    return out


def train_model(
    df: pd.DataFrame,
    text_column: str,
    label_columns: list[str],
    *,
    multilabel: bool = False,
    folds: int = 5,
    seed: int = 20201027,
    n_jobs: int = 1,
    model: str = "logreg",
    baseline: bool = True,
    normaliser: Normaliser | None = None,
    source: str = "data",
    data_sha256: str | None = None,
    unit: str = "paragraph",
    weak_supervision: bool = False,
    tune: bool = True,
    tuning_grid: dict | None = None,
) -> TrainResult:
    """Cross-validate the frame classifier (and the baseline, same folds), then fit it on all rows."""
    import sklearn

    from framing import __version__

    if text_column not in df.columns:
        raise TrainingDataError(f"{source}: no text column {text_column!r} (columns: {', '.join(map(str, df.columns))})")
    spec = prepare_labels(df, label_columns, multilabel, source)
    texts = df[text_column].tolist()
    has_text = np.array([isinstance(t, str) and bool(t.strip()) for t in texts])
    keep = spec.keep & has_text
    notes = []
    if (~has_text).sum():
        notes.append(f"{int((~has_text).sum())} rows without text left out")
    if spec.dropped.get("uncoded"):
        notes.append(f"{spec.dropped['uncoded']} rows without a code left out")
    normaliser = normaliser or Normaliser()
    X = np.asarray([normalise_text(t, normaliser) for t, k in zip(texts, keep) if k], dtype=object)
    y = spec.y[keep]
    ml = spec.task == "multilabel"
    if ml:
        support = y.sum(axis=0)
        if (support < folds).any():
            rare = [f"{lab} ({int(s)})" for lab, s in zip(spec.labels, support) if s < folds]
            notes.append(f"labels with fewer examples than folds ({folds}) get unreliable scores: {', '.join(rare)}")
        if (support == len(y)).any() or (support == 0).any():
            raise TrainingDataError(f"{source}: some labels are on every row or on none; nothing to learn for them")
    else:
        smallest = min(pd.Series(y.tolist()).value_counts())
        if smallest < folds:
            if smallest < 2:
                raise TrainingDataError(f"{source}: a class has a single example; need at least 2 per class for 2-fold CV")
            notes.append(f"{folds}-fold CV reduced to {smallest}-fold: the smallest class has {smallest} examples")
            folds = int(smallest)
    if len(y) < 2 * folds:
        raise TrainingDataError(f"{source}: only {len(y)} coded rows; need at least {2 * folds} for {folds}-fold CV")

    inner = 3 if ml else max(2, min(3, min(pd.Series(y.tolist()).value_counts()) * (folds - 1) // folds))
    cache = tempfile.TemporaryDirectory(prefix="framing-train-")
    pipe = tuned_pipeline(model=model, seed=seed, multilabel=ml, inner_folds=inner, memory=cache.name,
                          grid=tuning_grid) if tune else \
        text_pipeline(model=model, seed=seed, multilabel=ml)
    cv = cross_validate(pipe, X, y, folds=folds, seed=seed, n_jobs=n_jobs, multilabel=ml)
    labels = spec.labels if ml else sorted({str(v) for v in y.tolist()})
    y_eval = y if ml else np.array([str(v) for v in y.tolist()], dtype=object)
    p_eval = cv.predictions if ml else np.array([str(v) for v in cv.predictions.tolist()], dtype=object)
    summary = metrics(y_eval, p_eval, labels=labels, multilabel=ml, fold_metrics=cv.fold_metrics)
    summary["headline"] = _headline(summary, spec.task, spec.positive_label)
    summary["seconds"] = round(cv.seconds, 3)
    base_summary = None
    if baseline:
        bcv = cross_validate(baseline_pipeline(seed=seed, multilabel=ml), X, y, folds=folds, seed=seed, n_jobs=n_jobs, multilabel=ml)
        bp = bcv.predictions if ml else np.array([str(v) for v in bcv.predictions.tolist()], dtype=object)
        base_summary = metrics(y_eval, bp, labels=labels, multilabel=ml, fold_metrics=bcv.fold_metrics)
        base_summary["headline"] = _headline(base_summary, spec.task, spec.positive_label)
        base_summary["seconds"] = round(bcv.seconds, 3)
        base_summary["model"] = "char_wb 2-5 TF-IDF + LinearSVC (defaults)"
    t0 = time.perf_counter()
    final = pipe.fit(X, y)
    chosen = {}
    if tune:
        chosen = {k.rsplit("__", 1)[-1]: (list(v) if isinstance(v, tuple) else v) for k, v in final.best_params_.items()}
        final = final.best_estimator_
        final.memory = None
    cache.cleanup()
    fit_seconds = time.perf_counter() - t0

    meta = {
        "name": None,
        "framing_version": __version__,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "task": spec.task,
        "labels": spec.labels,
        "positive_label": spec.positive_label,
        "label_columns": list(label_columns),
        "text_column": text_column,
        "unit": unit,
        "weak_supervision": weak_supervision,
        "training_data": {"source": source, "sha256": data_sha256, "rows": int(len(df)), "used": int(len(y))},
        "normaliser": {"ta_marbuta": normaliser.ta_marbuta, "alef_maqsura": normaliser.alef_maqsura,
                       "version": normaliser.version},
        "model": {"kind": model, "pipeline": "word 1-2 + char_wb TF-IDF (sublinear), class-balanced linear model"
                  + (", one-vs-rest" if ml else ""),
                  "tuning": ("nested: C and char n-gram range chosen by inner CV (macro-F1) in each training fold"
                             if tune else "fixed defaults"),
                  "chosen": chosen},
        "seed": seed,
        "folds": folds,
        "cv": summary,
        "baseline_cv": base_summary,
        "fit_seconds": round(fit_seconds, 3),
        "notes": notes,
    }
    return TrainResult(final, meta, summary, base_summary, notes)
