"""Outlet attribution: how distinguishable are the outlets, and by what.

A word + char TF-IDF linear classifier predicts each document's outlet from its masked,
normalised text. Stratified k-fold CV gives accuracy and macro-F1 beside the majority baseline
(always predicting the largest outlet) on the same folds, a confusion matrix of the out-of-fold
predictions, and the heaviest features per outlet of a model refitted on all documents.

Large corpora (``outlet_features: auto`` above 2,000 documents) use hashed n-gram counts, analysed
once for all folds (``hashing.hashed_text``), and are sampled: the documents per outlet are chosen
by a learning curve (``sample.py``, ``curve.py``) that leaves out near-duplicates (``neardup.py``)
and stops within a budget of hashed feature entries, so that time and memory stay flat as the
corpus grows. The chosen sample's cross-validation folds and its model's features are computed on
a second core while the curve's next step finds out whether the sample is chosen (``beside``):
the same folds and numbers as after the curve.

Guards: outlets with fewer than 2 documents are left out (named in a note); fewer than 2 outlets
left, the classifier is skipped with a note; folds are reduced to the smallest outlet's size.
"""

from __future__ import annotations

import time
from collections import Counter
from functools import partial

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.metrics import confusion_matrix

from framing.classify.cv import FoldPlan, cross_validate, metrics
from framing.classify.curve import HashedDocs
from framing.classify.hashing import hashed_text
from framing.classify.models import hashed_pipeline, hashed_top_features, text_pipeline, top_features
from framing.classify.sample import choose_sample, sample_info, sample_tables

HASHING_ABOVE = 2000  # documents; above this, outlet_features='auto' hashes
SVM_TOL = 0.1  # liblinear's own default stopping tolerance for its dual solvers (scikit-learn's is 1e-4)
PARALLEL_ABOVE = 5_000_000  # hashed feature entries; below this, the folds are fitted in one process
# (the cross-validation takes a few seconds there)


def within_budget(entries: int, workers: int, budget: int | None) -> bool:
    """Whether ``workers`` folds fitted at once, each on most of ``entries`` hashed feature entries,
    stay within the feature budget: the workers are forked and share the feature matrix, and fits
    at once cost about what one fit on their entries together would (SaudiNewsNet, 200 documents per
    outlet, 6.5M entries, two at once)."""
    return budget is None or entries * workers <= budget


def outlet_attribution(texts: list[str], outlets: list[str], options, *, seed: int, n_jobs: int,
                       names: dict[str, str] | None = None) -> tuple[dict, list[str], dict]:
    """Returns (tables, notes, info) for masked normalised ``texts`` labelled with ``outlets``."""
    notes: list[str] = []
    info: dict = {}
    names = names or {}
    counts = Counter(outlets)
    n = len(texts)
    too_small = sorted(o for o, c in counts.items() if c < 2)
    kept = [o for o in counts if counts[o] >= 2]
    if len(kept) < 2:
        why = "need at least 2 documents per outlet for 2-fold CV"
        per = ", ".join(f"{names.get(o, o)}: {c}" for o, c in sorted(counts.items()))
        notes.append(f"Only {n} document{'s' if n != 1 else ''} ({per or 'no outlet'}): outlet classifier skipped: "
                     f"{why}, and at least 2 such outlets.")
        info["skipped"] = why
        return {}, notes, info
    if too_small:
        notes.append("Left out of the outlet classifier (fewer than 2 documents): "
                      + ", ".join(f"{names.get(o, o)} ({counts[o]})" for o in too_small) + ".")
    idx = [i for i, o in enumerate(outlets) if counts[o] >= 2]

    hashing = options.outlet_features == "hashing" or (options.outlet_features == "auto" and len(idx) > HASHING_ABOVE)
    n_word, n_char = 2 ** options.hash_bits_word, 2 ** options.hash_bits_char
    pipe = hashed_pipeline(n_word=n_word, n_char=n_char, model=options.outlet_model, seed=seed, tol=SVM_TOL)
    docs = HashedDocs(lambda t: hashed_text(t, word_ngrams=options.word_ngrams, char_ngrams=options.char_ngrams,
                                            n_word=n_word, n_char=n_char), texts)
    made: dict = {}  # the work started beside the learning curve: its sample, model and folds

    def top(model, train) -> pd.DataFrame:
        """The heaviest features per outlet of ``model``, fitted (hashed) on the documents ``train``."""
        parts, named = docs.naming(train)
        return hashed_top_features(model, parts, [outlets[i] for i in named], n_word=n_word, k=options.top_features)

    def beside(sample, model, train):
        """The work ``sample`` needs if it is chosen, started beside the next step of the curve: the
        features of the model fitted on it (the documents ``train``), then the folds of its
        cross-validation (``FoldPlan``: the same folds :func:`cross_validate` fits after the curve).
        All of it is hashed already, by the step that fitted ``model``. A second core fits one fold
        at a time while the step fits, so the folds go there only while the entries fitted at once
        stay within the feature budget: the step's training documents, twice the sample's, and a
        fold's, (folds - 1) / folds of them (SaudiNewsNet: 6.6M entries in the sample, 18.6M of
        the default 20M)."""
        made.clear()
        y, folds = _labels_and_folds(sample, outlets, options.folds)
        X = docs.matrix(sample)
        made.update(sample=tuple(sample), model=model, plan=None)
        if not within_budget(int(X.nnz * (2 + (folds - 1) / folds)), 1, options.outlet_feature_budget):
            return [partial(top, model, train)]
        made["plan"] = FoldPlan.of(pipe, X, y, folds=folds, seed=seed)
        return [partial(top, model, train), *made["plan"].parts()]

    idx, curve, sample_note = choose_sample(idx, outlets, options, docs, pipe, seed=seed, names=names, n=n,
                                            beside=beside if hashing else None, jobs=n_jobs)
    if sample_note:
        notes.append(sample_note)
    info["sample"] = sample_info(idx, options, curve, seed=seed)
    y, folds = _labels_and_folds(idx, outlets, options.folds)
    if folds < options.folds:
        smallest = min(Counter(y.tolist()).values())
        notes.append(f"Outlet classifier: {folds}-fold instead of {options.folds}-fold cross-validation, as the "
                     f"smallest outlet has {smallest} documents.")

    # what was computed beside the curve for the sample it chose: its model's features, its folds
    ahead = curve.beside if hashing and curve is not None and made.get("sample") == tuple(idx) else None
    if hashing:
        docs.add(idx)
        features_in = docs.matrix(idx) if ahead is None or made["plan"] is None else made["plan"].X
    else:
        smallest = min(Counter(y.tolist()).values())
        features_in = np.asarray([texts[i] for i in idx], dtype=object)
        pipe = text_pipeline(model=options.outlet_model, seed=seed, word_ngrams=options.word_ngrams,
                             char_ngrams=options.char_ngrams, min_df=min(options.min_df, max(1, smallest - 1)),
                             max_features=options.max_features)
    info["features"] = "hashed word+char counts, TF-IDF fitted per fold" if hashing else "TF-IDF vocabulary per fold"
    info["hash_seconds"] = round(docs.seconds, 3) if hashing else 0.0
    cv_jobs = n_jobs if not hashing or (features_in.nnz >= PARALLEL_ABOVE
                                        and within_budget(features_in.nnz, n_jobs, options.outlet_feature_budget)) else 1
    if ahead is not None and made["plan"] is not None:  # the folds were fitted beside the curve's last step
        cv = made["plan"].result(ahead[1][1:], ahead[2])
        info["cv_jobs"], info["cv_beside"] = n_jobs, True
    else:
        info["cv_jobs"], info["cv_beside"] = cv_jobs, False
        # processes, not threads: liblinear seeds one C random generator per process, so folds fitted
        # in threads of one process would share it and give different numbers from run to run
        cv = cross_validate(pipe, features_in, y, folds=folds, seed=seed, n_jobs=cv_jobs)
    base = cross_validate(DummyClassifier(strategy="most_frequent"), np.zeros((len(y), 1)), y, folds=folds, seed=seed, n_jobs=1)
    labels = sorted(set(y.tolist()))
    m = metrics(y, cv.predictions, labels=labels, fold_metrics=cv.fold_metrics)
    b = metrics(y, base.predictions, labels=labels, fold_metrics=base.fold_metrics)
    cv_table = pd.DataFrame(
        [
            ("accuracy", m["accuracy"], b["accuracy"], m.get("accuracy_fold_sd", 0.0)),
            ("macro_f1", m["macro"]["f1"], b["macro"]["f1"], m.get("f1_macro_fold_sd", 0.0)),
            ("weighted_f1", m["weighted"]["f1"], b["weighted"]["f1"], np.nan),
        ],
        columns=["metric", "value", "baseline", "fold_sd"],
    )
    cv_table["folds"] = folds
    cv_table["n_documents"] = len(y)
    cv_table["n_outlets"] = len(labels)
    cv_table["baseline_kind"] = "majority (most frequent outlet)"

    cm = confusion_matrix(y, cv.predictions, labels=labels)
    confusion = pd.DataFrame(
        [(t, p, int(cm[i, j])) for i, t in enumerate(labels) for j, p in enumerate(labels)],
        columns=["true", "predicted", "count"],
    )
    per_outlet = pd.DataFrame(m["per_label"]).rename(columns={"label": "outlet"})

    t0 = time.perf_counter()
    if curve is not None and curve.model is not None and curve.size is not None:
        final, final_docs = curve.model, curve.train  # fitted at the chosen size already
    else:
        final, final_docs = pipe.fit(features_in, y), idx
    fit_seconds = time.perf_counter() - t0
    if hashing:
        named = ahead is not None and made["model"] is final
        features = ahead[1][0] if named else top(final, final_docs)  # named beside the curve
        n_features = int(np.count_nonzero(np.diff(features_in.tocsc().indptr)))
    else:
        features = top_features(final, options.top_features)
        n_features = int(sum(len(v.vocabulary_) for _, v in final.named_steps["features"].transformer_list))

    info.update({
        "folds": folds, "n_documents": int(len(y)), "n_outlets": len(labels), "model": options.outlet_model,
        "accuracy": m["accuracy"], "macro_f1": m["macro"]["f1"], "baseline_accuracy": b["accuracy"],
        "baseline_macro_f1": b["macro"]["f1"], "cv_seconds": round(cv.seconds, 3),
        "final_fit_seconds": round(fit_seconds, 3), "fold_metrics": cv.fold_metrics,
        "n_features": n_features,
    })
    better = m["macro"]["f1"] - b["macro"]["f1"]
    notes.append(
        f"Outlet classifier ({folds}-fold CV, {len(y)} documents, {len(labels)} outlets, self-names and source lines "
        f"masked): accuracy {m['accuracy']:.3f} (majority baseline {b['accuracy']:.3f}), macro-F1 "
        f"{m['macro']['f1']:.3f} (baseline {b['macro']['f1']:.3f}). "
        + ("The outlets are distinguishable from their wording." if better > 0.1 else
           "The outlets are hard to tell apart from their wording alone.")
    )
    tables = {"outlet_cv": cv_table, "outlet_confusion": confusion, "outlet_features": features,
              "outlet_cv_per_outlet": per_outlet, **sample_tables(idx, outlets, counts, curve)}
    return tables, notes, info


def _labels_and_folds(idx, outlets, folds: int) -> tuple[np.ndarray, int]:
    """The outlets of the documents ``idx`` (the classifier's labels) and the folds of their
    cross-validation: ``folds``, or fewer when the smallest outlet has fewer documents."""
    y = np.asarray([outlets[i] for i in idx], dtype=object)
    return y, min(folds, min(Counter(y.tolist()).values()))
