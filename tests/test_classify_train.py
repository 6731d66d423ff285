"""Frame classifiers from coded units: tasks, CV metrics, baseline, skops storage and versions."""

from __future__ import annotations

import json
import random
import zipfile

import numpy as np
import pandas as pd
import pytest
import sklearn

from framing.classify.options import TrainOptions
from framing.classify.store import METADATA_MEMBER, ModelLoadError, load_model, read_metadata, save_model
from framing.cache import file_sha256
from framing.classify.train import TrainingDataError, prepare_labels, read_coded, train_model

FILLER = "قال المسؤول في بيان اليوم إن الوضع في المدينة يشهد تطورات جديدة بعد اجتماع الوزراء".split()
OCC = ["الاحتلال", "المحتلة", "قوات الاحتلال", "الاستيطان"]
TER = ["الإرهاب", "الإرهابيين", "الجماعات الإرهابية", "التطرف"]


def _units(n=80, seed=0):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        occ, ter = rng.random() < 0.5, rng.random() < 0.4
        words = rng.sample(FILLER, 8)
        if occ:
            words.insert(rng.randrange(8), rng.choice(OCC))
        if ter:
            words.insert(rng.randrange(8), rng.choice(TER))
        labels = [lab for lab, on in (("occupation", occ), ("terrorism", ter)) if on]
        rows.append({"text": " ".join(words), "occupation": int(occ), "terrorism": int(ter), "frames": labels,
                     "kind": "occupation" if occ and not ter else ("terrorism" if ter and not occ else "mixed")})
    return pd.DataFrame(rows)


def test_prepare_labels_detects_the_task():
    df = _units(20)
    assert prepare_labels(df, ["occupation"]).task == "binary"
    assert prepare_labels(df, ["kind"]).task == "multiclass"
    spec = prepare_labels(df, ["frames"])
    assert spec.task == "multilabel" and spec.labels == ["occupation", "terrorism"]
    assert prepare_labels(df, ["occupation", "terrorism"]).task == "multilabel"
    csv_lists = pd.DataFrame({"text": ["a", "b", "c"], "frames": ["x;y", "", "y"]})
    spec = prepare_labels(csv_lists, ["frames"], multilabel=True)
    assert spec.keep.tolist() == [True, False, True] and spec.y[0].tolist() == [1, 1]
    with pytest.raises(TrainingDataError, match="no column 'nope'"):
        prepare_labels(df, ["nope"])
    with pytest.raises(TrainingDataError, match="single value"):
        prepare_labels(pd.DataFrame({"label": [1, 1, 1]}), ["label"])
    with pytest.raises(TrainingDataError, match="row 2"):
        prepare_labels(pd.DataFrame({"a": ["1", "maybe"], "b": ["0", "1"]}), ["a", "b"])


def test_binary_training_learns_the_frame_and_reports_baseline():
    df = _units(80)
    r = train_model(df, "text", ["occupation"], folds=4, seed=3, tune=False)
    assert r.metadata["task"] == "binary" and r.metadata["positive_label"] == "True"
    assert r.cv["headline"]["accuracy"] > 0.85
    assert {x["label"] for x in r.cv["per_label"]} == {"True", "False"}
    assert r.baseline_cv is not None and "accuracy" in r.baseline_cv["headline"]
    assert len([m for m in r.metadata["cv"]["per_label"]]) == 2
    assert r.cv["n"] == 80 and r.metadata["folds"] == 4


def test_multiclass_and_multilabel_metrics():
    df = _units(90, seed=1)
    mc = train_model(df, "text", ["kind"], folds=3, seed=1, tune=False, baseline=False)
    assert mc.metadata["task"] == "multiclass" and set(mc.metadata["labels"]) == {"occupation", "terrorism", "mixed"}
    assert mc.cv["macro"]["f1"] > 0.6
    ml = train_model(df, "text", ["frames"], folds=3, seed=1, tune=False)
    assert ml.metadata["task"] == "multilabel"
    assert ml.cv["micro"]["f1"] > 0.8 and ml.cv["macro"]["f1"] > 0.8
    assert "subset_accuracy" in ml.cv and "hamming_loss" in ml.cv
    two_cols = train_model(df, "text", ["occupation", "terrorism"], folds=3, seed=1, tune=False, baseline=False)
    assert two_cols.metadata["labels"] == ["occupation", "terrorism"]
    assert two_cols.cv["micro"]["f1"] == pytest.approx(ml.cv["micro"]["f1"])


def test_shuffled_labels_score_near_chance():
    df = _units(80, seed=2)
    df["occupation"] = np.random.default_rng(0).permutation(df["occupation"].to_numpy())
    r = train_model(df, "text", ["occupation"], folds=4, seed=3, tune=False, baseline=False)
    assert r.cv["headline"]["accuracy"] < 0.75


def test_nested_tuning_picks_from_the_grid_and_is_deterministic():
    df = _units(60, seed=4)
    opts = TrainOptions(C=[0.3, 3.0], char_ngrams=(2, 4), learning_curve=[0.5])
    a = train_model(df, "text", ["occupation"], folds=3, seed=5, baseline=False, options=opts)
    b = train_model(df, "text", ["occupation"], folds=3, seed=5, baseline=False, n_jobs=2, options=opts)
    assert a.metadata["model"]["chosen"]["C"]["True"][0] in (0.3, 3.0)
    assert a.pipeline[-1].char_ngrams == (2, 4) and a.metadata["model"]["options"]["char_ngrams"] == [2, 4]
    curve = [[{k: v for k, v in r.items() if k != "seconds"} for r in m.metadata["learning_curve"]] for m in (a, b)]
    assert a.cv["per_label"] == b.cv["per_label"] and curve[0] == curve[1]
    assert [r["fraction"] for r in a.metadata["learning_curve"]] == [0.5, 1.0]


def test_small_data_guards():
    df = pd.DataFrame({"text": ["الاحتلال هنا", "بيان اليوم", "الاحتلال هناك", "بيان الوزير", "قوات الاحتلال"],
                       "label": [1, 0, 1, 0, 1]})
    r = train_model(df, "text", ["label"], folds=5, tune=False, baseline=False)
    assert r.metadata["folds"] == 2 and any("reduced to 2-fold" in n for n in r.notes)
    with pytest.raises(TrainingDataError, match="single example"):
        train_model(df.head(3), "text", ["label"], folds=5, tune=False)
    with pytest.raises(TrainingDataError, match="no text column"):
        train_model(df, "body", ["occupation"], tune=False)


def test_save_load_roundtrip_metadata_and_predictions(tmp_path):
    df, unseen = _units(80).iloc[:60], _units(80).iloc[60:]
    data = tmp_path / "coded.jsonl"
    df.to_json(data, orient="records", lines=True, force_ascii=False)
    r = train_model(read_coded(data), "text", ["frames"], folds=3, seed=1, tune=False, data_sha256=file_sha256(data))
    path = save_model(tmp_path / "m.skops", r.pipeline, {**r.metadata, "name": "m"})
    meta = read_metadata(path)
    assert meta["training_data"]["sha256"] == file_sha256(data)
    assert meta["labels"] == ["occupation", "terrorism"] and meta["sklearn_version"] == sklearn.__version__
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["cv"]["micro"]["f1"] == meta["cv"]["micro"]["f1"]
    model = load_model(path)
    frame = model.label_frame(unseen["text"].tolist())
    assert list(frame.columns) == ["occupation", "terrorism"]
    correct = (frame.to_numpy() == unseen[["occupation", "terrorism"]].to_numpy()).mean()
    assert correct >= 0.9
    again = load_model(path).label_frame(unseen["text"].tolist())
    pd.testing.assert_frame_equal(frame, again)


def _rewrite_metadata(path, **changes):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    meta = json.loads(members[METADATA_MEMBER])
    meta.update(changes)
    members[METADATA_MEMBER] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)


def test_loading_refuses_other_versions_with_a_clear_message(tmp_path):
    r = train_model(_units(40), "text", ["occupation"], folds=2, tune=False, baseline=False)
    path = save_model(tmp_path / "m.skops", r.pipeline, r.metadata)
    _rewrite_metadata(path, sklearn_version="0.24.2")
    with pytest.raises(ModelLoadError, match=r"scikit-learn 0\.24\.2.*framing train"):
        load_model(path)
    _rewrite_metadata(path, sklearn_version=sklearn.__version__, framing_version="9.0.0")
    with pytest.raises(ModelLoadError, match="framing 9.0.0"):
        load_model(path)
    (tmp_path / "not.skops").write_text("hello")
    with pytest.raises(ModelLoadError, match="not a skops model"):
        load_model(tmp_path / "not.skops")


def test_loading_refuses_foreign_types(tmp_path):
    import skops.io

    path = tmp_path / "evil.skops"
    skops.io.dump({"x": pd.Timestamp("2020-01-01")}, path)  # a type outside sklearn/numpy/scipy
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(METADATA_MEMBER, json.dumps({"format": "framing-model/1", "framing_version": "0.1.0",
                                                 "sklearn_version": sklearn.__version__}))
    with pytest.raises(ModelLoadError, match=r"refusing to load.*pandas"):
        load_model(path)
