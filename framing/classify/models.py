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


def fit_lean(pipeline, features, y):
    """``pipeline.fit(features(), y)``: the same fitted steps and the same numbers, with less memory
    held at once when the pipeline ends in a linear SVM. ``features`` is a call that makes the input,
    so that no caller holds it: the input is let go once transformed, and the transformed features
    are converted to float64 here (the conversion ``LinearSVC`` makes of them), the float32 ones let
    go before liblinear copies them once more. ``Pipeline.fit`` keeps the input, the float32 and the
    float64 features alive through the fit: on hashed n-gram counts (float32 values, int32 column
    numbers) 16 bytes per non-zero entry more."""
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) < 2 or not isinstance(pipeline[-1], LinearSVC):
        return pipeline.fit(features(), y)
    Xt = pipeline[:-1].fit_transform(features(), y)  # fits the pipeline's own transformers, in place
    if hasattr(Xt, "tocsr") and Xt.dtype != np.float64:
        Xt = Xt.astype(np.float64)
    pipeline[-1].fit(Xt, y)
    return pipeline


def linear_model(kind: str = "logreg", *, seed: int = 0, C: float = 1.0, balanced: bool = True):
    """A linear classifier, ``logreg`` (logistic regression) or ``svm`` (linear SVM), seeded, with
    balanced class weights unless ``balanced`` is false."""
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


# ---- hashed features for large corpora (outlet attribution) ---------------------------------
#
# Analysing text is the slow part of a TF-IDF model (every char n-gram of every document). A
# vocabulary-based pipeline repeats it in every CV fold; hashing the n-grams is stateless, so the
# documents are analysed once (``hashing.hashed_text``) without any fold learning anything from
# another: the TF-IDF weights (document frequencies) are still fitted inside each training fold.
# Feature names are recovered afterwards for the few features the report lists.

def hashed_pipeline(*, n_word: int, n_char: int, model: str = "svm", seed: int = 0, C: float | None = None,
                    tol: float | None = None) -> Pipeline:
    """TF-IDF (sublinear tf, idf fitted on the training documents, l2 per block) on hashed word and
    char counts, then a class-balanced linear model (``tol``: its stopping tolerance, if not the
    default)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfTransformer

    C = C if C is not None else (10.0 if model == "logreg" else 0.5)
    tfidf = ColumnTransformer([
        ("word", TfidfTransformer(sublinear_tf=True), slice(0, n_word)),
        ("char", TfidfTransformer(sublinear_tf=True), slice(n_word, n_word + n_char)),
    ], sparse_threshold=1.0)
    clf = linear_model(model, seed=seed, C=C)
    if tol is not None:
        clf.set_params(tol=tol)
    return Pipeline([("tfidf", tfidf), ("model", clf)])


def hashed_top_features(pipeline: Pipeline, parts, labels, *, n_word: int, k: int = 20) -> pd.DataFrame:
    """``top_features`` for a hashed pipeline: the top columns per class, each named by the n-gram
    hashing to it that is most frequent in that class's documents. ``parts``: the (HashedText, rows)
    blocks of the documents, in the order of ``labels``."""
    from framing.classify.hashing import column_names

    clf = pipeline[-1]
    coef = np.asarray(clf.coef_.toarray() if hasattr(clf.coef_, "toarray") else clf.coef_)
    classes = list(clf.classes_)
    per_class = [(classes[0], -coef[0]), (classes[1], coef[0])] if coef.shape[0] == 1 and len(classes) == 2 \
        else list(zip(classes, coef))
    labels = np.asarray(labels, dtype=object)
    rows = []
    for cls, w in per_class:
        order = [int(j) for j in np.argsort(-w, kind="stable")[: 4 * k] if w[j] > 0]
        mine = labels == cls
        at = 0
        chosen = []
        for block, block_rows in parts:
            sel = mine[at:at + len(block_rows)]
            chosen.append((block, np.asarray(block_rows)[sel]))
            at += len(block_rows)
        names = column_names(chosen, order)
        rank = 0
        for j in order:
            if j not in names:
                continue  # in no document of this class
            rank += 1
            rows.append((cls, names[j], "word" if j < n_word else "char", float(w[j]), rank))
            if rank == k:
                break
    return pd.DataFrame(rows, columns=["outlet", "feature", "kind", "weight", "rank"])
