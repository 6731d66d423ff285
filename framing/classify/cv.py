"""Seeded k-fold cross-validation with folds fitted in parallel (forked worker processes where
there are, else joblib), and the metrics we report.

Every fold fits a fresh clone of the estimator on its training part only (vocabulary and IDF
included), so no test text informs the features. Metrics are computed on the pooled out-of-fold
predictions; accuracy and macro-F1 are also given per fold (mean and standard deviation).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, precision_recall_fscore_support
from sklearn.model_selection import KFold, StratifiedKFold

from framing import background
from framing.classify.models import fit_lean


@dataclass
class CVResult:
    folds: int
    predictions: np.ndarray  # out-of-fold predictions, same order as y
    fold_of: np.ndarray  # fold index of every sample
    fold_metrics: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, y, labels=None, multilabel: bool = False) -> dict:
        """The metrics of the out-of-fold predictions against ``y`` (per label, micro and macro, per
        fold)."""
        return metrics(y, self.predictions, labels=labels, multilabel=multilabel, fold_metrics=self.fold_metrics)


def splitter(y, folds: int, seed: int, multilabel: bool = False):
    """The seeded k-fold splitter: stratified by label for single-label data, plain shuffled folds
    for multi-label data."""
    if multilabel:
        return KFold(n_splits=folds, shuffle=True, random_state=seed)
    return StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)


def subsample(train, y, fraction: float, seed: int, multilabel: bool):
    """A seeded fraction of the training indices (stratified by class unless multi-label)."""
    if fraction >= 1.0:
        return train
    k = max(2, int(round(fraction * len(train))))
    if not multilabel:
        from sklearn.model_selection import train_test_split

        try:
            part, _ = train_test_split(train, train_size=k, stratify=y[train], random_state=seed)
            return np.sort(part)
        except ValueError:  # a class too small to stratify
            pass
    return np.sort(np.random.default_rng(seed).choice(train, k, replace=False))


def _fit_fold(estimator, X, y, train, test, multilabel):
    t0 = time.perf_counter()
    est = fit_lean(clone(estimator), lambda: X[train], y[train])
    pred = est.predict(X[test])
    yt = y[test]
    if multilabel:
        m = {"f1_micro": f1_score(yt, pred, average="micro", zero_division=0),
             "f1_macro": f1_score(yt, pred, average="macro", zero_division=0)}
    else:
        m = {"accuracy": accuracy_score(yt, pred), "f1_macro": f1_score(yt, pred, average="macro", zero_division=0)}
    m["seconds"] = time.perf_counter() - t0
    m["n_train"] = int(len(train))
    return pred, m


def cross_validate(estimator, X, y, *, folds: int, seed: int, n_jobs: int = 1, multilabel: bool = False,
                   train_fraction: float = 1.0, prefer: str | None = None) -> CVResult:
    """Out-of-fold predictions of ``estimator`` over seeded (stratified) folds, fitted in parallel.
    ``train_fraction`` < 1 fits each fold on a seeded subsample of its training part (learning
    curves); the test parts stay the same. ``prefer="threads"`` fits the folds in threads (for
    estimators that release the GIL), else in worker processes."""
    t0 = time.perf_counter()
    plan = FoldPlan.of(estimator, X, y, folds=folds, seed=seed, multilabel=multilabel, train_fraction=train_fraction)
    jobs = min(n_jobs, len(plan.splits))
    if jobs > 1 and prefer is None and background.can_fork():
        # this process and forked workers, which inherit X: only each fold's predictions travel back
        results = background.share(plan.parts(), jobs=jobs, weights=[len(tr) for tr, _ in plan.splits],
                                   name="the cross-validation folds")
    else:
        results = Parallel(n_jobs=jobs, prefer=prefer)(
            delayed(_fit_fold)(estimator, plan.X, plan.y, tr, te, multilabel) for tr, te in plan.splits
        )
    return plan.result(results, time.perf_counter() - t0)


@dataclass
class FoldPlan:
    """The seeded folds of a cross-validation, as parts that can be fitted anywhere (:meth:`parts`),
    and the result made of their answers (:meth:`result`): what :func:`cross_validate` computes, for
    a caller that schedules the folds itself."""

    estimator: object
    X: object
    y: np.ndarray
    splits: list
    folds: int
    multilabel: bool = False

    @classmethod
    def of(cls, estimator, X, y, *, folds: int, seed: int, multilabel: bool = False,
           train_fraction: float = 1.0) -> "FoldPlan":
        """The folds :func:`cross_validate` fits with these arguments."""
        if not hasattr(X, "tocsr"):  # texts; a sparse feature matrix is indexed as it is
            X = np.asarray(X, dtype=object)
        y = np.asarray(y)
        splits = list(splitter(y, folds, seed, multilabel).split(np.zeros(len(y)), y if not multilabel else None))
        splits = [(subsample(tr, y, train_fraction, seed + i, multilabel), te) for i, (tr, te) in enumerate(splits)]
        return cls(estimator, X, y, splits, folds, multilabel)

    def parts(self) -> list:
        """One call per fold, fitting it: (out-of-fold predictions, the fold's metrics)."""
        return [partial(_fit_fold, self.estimator, self.X, self.y, tr, te, self.multilabel) for tr, te in self.splits]

    def result(self, answers: list, seconds: float) -> CVResult:
        """The CVResult of the folds' answers (in the order of :meth:`parts`)."""
        y = self.y
        pred = np.empty_like(y) if self.multilabel else np.empty(len(y), dtype=y.dtype)
        fold_of = np.empty(len(y), dtype=int)
        fold_metrics = []
        for i, ((_, te), (p, m)) in enumerate(zip(self.splits, answers)):
            pred[te] = p
            fold_of[te] = i
            fold_metrics.append({"fold": i, "n_test": int(len(te)), **m})
        return CVResult(self.folds, pred, fold_of, fold_metrics, seconds)


def metrics(y, pred, *, labels=None, multilabel: bool = False, fold_metrics=None) -> dict:
    """Per-label precision/recall/F1/support, micro and macro averages, accuracy (subset accuracy
    and Hamming loss for multi-label); per-fold mean and sd of the headline figures."""
    y = np.asarray(y)
    pred = np.asarray(pred)
    if labels is None:
        labels = list(range(y.shape[1])) if multilabel else sorted(set(y.tolist()) | set(pred.tolist()), key=str)
    idx = list(range(len(labels))) if multilabel else labels
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=idx, zero_division=0)
    per_label = [
        {"label": str(lab), "precision": float(pp), "recall": float(rr), "f1": float(ff), "support": int(ss)}
        for lab, pp, rr, ff, ss in zip(labels, p, r, f, s)
    ]
    out: dict = {"n": int(len(y)), "per_label": per_label}
    for avg in ("micro", "macro", "weighted"):
        pa, ra, fa, _ = precision_recall_fscore_support(y, pred, labels=idx, average=avg, zero_division=0)
        out[avg] = {"precision": float(pa), "recall": float(ra), "f1": float(fa)}
    if multilabel:
        out["subset_accuracy"] = float(accuracy_score(y, pred))
        out["hamming_loss"] = float(hamming_loss(y, pred))
        out["f1_samples"] = float(f1_score(y, pred, average="samples", zero_division=0))
    else:
        out["accuracy"] = float(accuracy_score(y, pred))
    if fold_metrics:
        out["folds"] = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()} for m in fold_metrics]
        for key in ("accuracy", "f1_macro", "f1_micro"):
            vals = [m[key] for m in fold_metrics if key in m]
            if vals:
                out[f"{key}_fold_mean"] = float(np.mean(vals))
                out[f"{key}_fold_sd"] = float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0
    return out

