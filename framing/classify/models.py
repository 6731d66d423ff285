"""The estimators: scikit-learn Pipelines of word + character TF-IDF and a linear model.

Everything here is plain scikit-learn, so a fitted pipeline can be stored in skops format without
trusting any of our own classes. Texts are normalised (``text.normalise_text``) before they reach
a pipeline; the normaliser settings travel in the saved model's metadata.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from sklearn.linear_model import LogisticRegression

WORD_TOKEN = r"(?u)\b\w+\b"


def tfidf_union(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    min_df: int = 1,
    max_features: int | None = None,
) -> FeatureUnion:
    """Word n-grams and character n-grams (inside word boundaries), each TF-IDF with sublinear tf."""
    common = dict(min_df=min_df, max_features=max_features, sublinear_tf=True, lowercase=False, dtype=np.float32)
    return FeatureUnion(
        [
            ("word", TfidfVectorizer(analyzer="word", token_pattern=WORD_TOKEN, ngram_range=tuple(word_ngrams), **common)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(char_ngrams), **common)),
        ]
    )


def linear_model(kind: str = "logreg", *, seed: int = 0, C: float = 1.0, balanced: bool = True):
    weight = "balanced" if balanced else None
    if kind == "svm":
        return LinearSVC(C=C, class_weight=weight, random_state=seed)
    if kind == "logreg":
        return LogisticRegression(C=C, class_weight=weight, solver="lbfgs", random_state=seed, max_iter=2000)
    raise ValueError(f"unknown model kind {kind!r}: use 'svm' or 'logreg'")


def text_pipeline(
    *,
    model: str = "logreg",
    seed: int = 0,
    C: float | None = None,
    multilabel: bool = False,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    min_df: int = 1,
    max_features: int | None = None,
) -> Pipeline:
    """The framing classifier: TF-IDF word + char union, then a class-balanced linear model
    (one-vs-rest for multi-label)."""
    C = C if C is not None else (10.0 if model == "logreg" else 0.5)
    clf = linear_model(model, seed=seed, C=C)
    if multilabel:
        clf = OneVsRestClassifier(clf)
    features = tfidf_union(word_ngrams=word_ngrams, char_ngrams=char_ngrams, min_df=min_df, max_features=max_features)
    return Pipeline([("features", features), ("model", clf)])


# Chosen inside each training fold by an inner CV (nested), never on the test fold.
TUNING_GRID = {"C": [0.1, 0.3, 1.0, 3.0, 10.0], "char_ngrams": [(1, 4), (2, 5)]}


def tuned_pipeline(*, model: str = "logreg", seed: int = 0, multilabel: bool = False, inner_folds: int = 3,
                   grid: dict | None = None, memory: str | None = None, **kwargs):
    """``text_pipeline`` wrapped in a seeded inner grid search over C and the char n-gram range
    (macro-F1). Cross-validating this estimator gives nested CV: the outer test fold never
    informs the choice. ``best_estimator_`` is a plain Pipeline, which is what gets saved."""
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    grid = grid or TUNING_GRID
    prefix = "model__estimator__" if multilabel else "model__"
    param_grid = {}
    if "C" in grid:
        param_grid[prefix + "C"] = list(grid["C"])
    if "char_ngrams" in grid:
        param_grid["features__char__ngram_range"] = [tuple(r) for r in grid["char_ngrams"]]
    from sklearn.metrics import f1_score, make_scorer

    inner = (KFold if multilabel else StratifiedKFold)(n_splits=inner_folds, shuffle=True, random_state=seed)
    base = text_pipeline(model=model, seed=seed, multilabel=multilabel, **kwargs)
    base.memory = memory  # caches the fitted features across the C values of the grid
    scorer = make_scorer(f1_score, average="macro", zero_division=0)
    return GridSearchCV(base, param_grid, scoring=scorer, cv=inner, n_jobs=1, refit=True, error_score="raise")


def baseline_pipeline(*, seed: int = 0, multilabel: bool = False) -> Pipeline:
    """A plain reference: character TF-IDF (2-5 grams within words) and a default LinearSVC."""
    clf = LinearSVC(random_state=seed)
    if multilabel:
        clf = OneVsRestClassifier(clf)
    return Pipeline([("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))), ("model", clf)])


def top_features(pipeline: Pipeline, k: int = 20) -> pd.DataFrame:
    """Largest positive weights per class of a fitted linear pipeline: class, feature, kind,
    weight, rank. For two classes the single weight vector serves both (negated for the first)."""
    features = pipeline[:-1]
    clf = pipeline[-1]
    names = np.asarray(features.get_feature_names_out(), dtype=object)
    kinds = np.array([n.split("__", 1)[0] if "__" in n else "" for n in names], dtype=object)
    terms = np.array([n.split("__", 1)[1] if "__" in n else n for n in names], dtype=object)
    coef = clf.coef_
    coef = coef.toarray() if hasattr(coef, "toarray") else np.asarray(coef)
    classes = list(clf.classes_)
    rows = []
    if coef.shape[0] == 1 and len(classes) == 2:
        per_class = [(classes[0], -coef[0]), (classes[1], coef[0])]
    else:
        per_class = list(zip(classes, coef))
    for cls, w in per_class:
        order = np.argsort(-w, kind="stable")[:k]
        for rank, j in enumerate(order, start=1):
            if w[j] <= 0:
                break
            rows.append((cls, terms[j], kinds[j], float(w[j]), rank))
    return pd.DataFrame(rows, columns=["outlet", "feature", "kind", "weight", "rank"])
