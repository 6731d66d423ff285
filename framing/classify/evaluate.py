"""Evaluation a researcher can cite: intervals, the baseline on the same folds, a learning curve.

Everything here works on out-of-fold predictions (``cv.cross_validate``), turned into 0/1
indicator matrices (units × labels): the two classes of a binary task (so micro-F1 is accuracy and
macro-F1 averages the F1 of both classes, as scikit-learn's ``average='macro'``), every class of a
multi-class task, every label of a multi-label task.

- ``intervals``: 95% percentile bootstrap intervals (seeded) that resample units (paragraphs), for
  micro- and macro-F1, accuracy (subset accuracy for multi-label), each label's F1 and the
  predicted-positive share; ``paired_difference`` resamples the same units for model and baseline.
- ``confusion``: the confusion matrix (binary, multi-class) or per-label TP/FP/FN/TN counts.
- ``learning_curve``: the same outer folds, each training part subsampled (seeded) to a fraction.
"""

from __future__ import annotations

import numpy as np


def indicators(y, labels: list[str], multilabel: bool) -> np.ndarray:
    """0/1 matrix units × labels of 1-D labels (compared as strings) or an indicator matrix."""
    if multilabel:
        return (np.asarray(y) != 0).astype(np.int8)
    y = np.asarray([str(v) for v in np.asarray(y).tolist()], dtype=object)
    return (y[:, None] == np.asarray(labels, dtype=object)[None, :]).astype(np.int8)


def _f1(tp, fp, fn):
    den = 2 * tp + fp + fn
    return np.where(den > 0, 2 * tp / np.where(den > 0, den, 1), 0.0)


def _stats(W: np.ndarray, Y: np.ndarray, P: np.ndarray) -> dict[str, np.ndarray]:
    """Weighted counts → metrics, for each row of unit weights W (resamples × units)."""
    tp = W @ (Y & P)
    fp = W @ ((1 - Y) & P)
    fn = W @ (Y & (1 - P))
    n = W.sum(axis=1)
    per = _f1(tp, fp, fn)
    exact = (Y == P).all(axis=1).astype(float)
    return {
        "micro_f1": _f1(tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1)),
        "macro_f1": per.mean(axis=1),
        "exact": (W @ exact) / n,
        "per_label_f1": per,
        "predicted_share": (W @ P) / n[:, None],
        "true_share": (W @ Y) / n[:, None],
    }


def _weights(n: int, reps: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=reps).astype(np.float64)


def _ci(values: np.ndarray) -> list[float]:
    lo, hi = np.percentile(values, [2.5, 97.5], axis=0)
    return [float(lo), float(hi)] if np.ndim(lo) == 0 else [lo.tolist(), hi.tolist()]


def intervals(Y: np.ndarray, P: np.ndarray, labels: list[str], *, reps: int = 1000, seed: int = 0) -> dict:
    """Point estimates and 95% bootstrap CIs (units resampled) of the headline metrics."""
    Y = np.asarray(Y, dtype=np.int8)
    P = np.asarray(P, dtype=np.int8)
    point = _stats(np.ones((1, len(Y))), Y, P)
    boot = _stats(_weights(len(Y), reps, seed), Y, P)
    out = {"method": f"percentile bootstrap over units, {reps} resamples, seed {seed}", "level": 0.95}
    for key in ("micro_f1", "macro_f1", "exact"):
        lo, hi = _ci(boot[key])
        out[key] = {"estimate": float(point[key][0]), "ci_low": lo, "ci_high": hi}
    per_lo, per_hi = np.percentile(boot["per_label_f1"], [2.5, 97.5], axis=0)
    sh_lo, sh_hi = np.percentile(boot["predicted_share"], [2.5, 97.5], axis=0)
    out["per_label"] = [
        {"label": lab, "f1": float(point["per_label_f1"][0][j]), "f1_ci": [float(per_lo[j]), float(per_hi[j])],
         "true_share": float(point["true_share"][0][j]), "predicted_share": float(point["predicted_share"][0][j]),
         "predicted_share_ci": [float(sh_lo[j]), float(sh_hi[j])]}
        for j, lab in enumerate(labels)
    ]
    return out


def paired_difference(Y, P_model, P_base, *, reps: int = 1000, seed: int = 0) -> dict:
    """Model minus baseline on the same resampled units: estimate and 95% CI."""
    Y = np.asarray(Y, dtype=np.int8)
    W = _weights(len(Y), reps, seed)
    one = np.ones((1, len(Y)))
    out = {}
    for key in ("micro_f1", "macro_f1"):
        est = _stats(one, Y, np.asarray(P_model, dtype=np.int8))[key][0] - _stats(one, Y, np.asarray(P_base, dtype=np.int8))[key][0]
        diff = _stats(W, Y, np.asarray(P_model, dtype=np.int8))[key] - _stats(W, Y, np.asarray(P_base, dtype=np.int8))[key]
        lo, hi = _ci(diff)
        out[key] = {"estimate": float(est), "ci_low": lo, "ci_high": hi,
                    "share_of_resamples_above_zero": float((diff > 0).mean())}
    return out


def confusion(y, pred, labels: list[str], multilabel: bool) -> dict:
    """Binary / multi-class: {"labels", "matrix"} (rows true, columns predicted). Multi-label:
    per-label counts."""
    if multilabel:
        Y, P = np.asarray(y) != 0, np.asarray(pred) != 0
        return {"per_label": [{"label": lab, "tp": int((Y[:, j] & P[:, j]).sum()), "fp": int((~Y[:, j] & P[:, j]).sum()),
                               "fn": int((Y[:, j] & ~P[:, j]).sum()), "tn": int((~Y[:, j] & ~P[:, j]).sum())}
                              for j, lab in enumerate(labels)]}
    from sklearn.metrics import confusion_matrix

    ys = [str(v) for v in np.asarray(y).tolist()]
    ps = [str(v) for v in np.asarray(pred).tolist()]
    return {"labels": list(labels), "matrix": confusion_matrix(ys, ps, labels=list(labels)).tolist(),
            "rows": "true", "columns": "predicted"}


def learning_curve(estimator, X, y, *, fractions, folds: int, seed: int, n_jobs: int, multilabel: bool,
                   labels: list[str], reps: int = 1000) -> list[dict]:
    """Out-of-fold micro/macro-F1 (with intervals) when each training fold keeps only a seeded
    fraction of its units; the test folds are the full outer folds of the main CV."""
    from framing.classify.cv import cross_validate

    rows = []
    for frac in fractions:
        res = cross_validate(estimator, X, y, folds=folds, seed=seed, n_jobs=n_jobs, multilabel=multilabel,
                             train_fraction=frac)
        ci = intervals(indicators(y, labels, multilabel), indicators(res.predictions, labels, multilabel), labels,
                       reps=reps, seed=seed)
        rows.append({"fraction": float(frac), "train_units": float(np.mean([m["n_train"] for m in res.fold_metrics])),
                     "micro_f1": ci["micro_f1"], "macro_f1": ci["macro_f1"], "seconds": round(res.seconds, 3)})
    return rows
