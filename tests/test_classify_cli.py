"""`framing annotate` and `framing train` as typer commands (mounted on a throwaway app)."""

from __future__ import annotations

import json
import random
from collections import Counter

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from framing.classify.annotate import annotation_frame
from framing.cli.classify import register
from framing.classify.store import load_model
from framing.records import Document

FILLER = "قال المسؤول في بيان اليوم إن الوضع في المدينة يشهد تطورات جديدة بعد اجتماع الوزراء".split()


@pytest.fixture()
def cli():
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def _coded_csv(path, n=48, seed=0):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        occ = rng.random() < 0.5
        words = rng.sample(FILLER, 8) + (["الاحتلال"] if occ else [])
        rng.shuffle(words)
        rows.append({"text": " ".join(words), "occupation": "yes" if occ else "no"})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_train_command_prints_metrics_and_saves_model_with_metadata(cli, tmp_path):
    data = _coded_csv(tmp_path / "coded.csv")
    res = cli("train", data, "--label", "occupation", "--out", tmp_path / "occ.skops", "--folds", "3",
              "--no-tune", "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert "macro avg" in res.output and "baseline" in res.output and "precision" in res.output
    metrics = json.loads((tmp_path / "occ.cv.json").read_text(encoding="utf-8"))
    assert metrics["cv"]["headline"]["accuracy"] > 0.8 and metrics["baseline_cv"] is not None
    model = load_model(tmp_path / "occ.skops")
    assert model.metadata["task"] == "binary" and model.metadata["positive_label"] == "True"  # yes/no read as true/false
    assert model.label_frame(["قوات الاحتلال في المدينة"])["occupation"].tolist() == [1]


def test_train_command_fails_clearly_on_a_wrong_column(cli, tmp_path):
    data = _coded_csv(tmp_path / "coded.csv")
    res = cli("train", data, "--label", "frame", "--out", tmp_path / "m.skops")
    assert res.exit_code == 2
    assert "no column 'frame'" in res.output
    res = cli("train", tmp_path / "nope.csv", "--label", "frame")
    assert res.exit_code == 2 and "no such file" in res.output


def test_train_weak_from_the_command_line(cli, tmp_path):
    rng = random.Random(0)
    terms = ["احتلال", "استيطان", "مستوطنات", "تهويد", "حصار", "اقتحام"]
    context = "قوات الجنود الأراضي الفلسطينية الضفة القدس".split()
    other = "المباراة الفريق الاقتصاد السوق الأسعار الطقس".split()
    rows = []
    for i in range(150):
        if i % 3 == 0:
            rows.append({"text": " ".join(rng.sample(context, 3) + [rng.choice(terms)]) + "."})
        else:
            rows.append({"text": " ".join(rng.sample(other, 4)) + "."})
    lexicon = tmp_path / "occ.yaml"
    lexicon.write_text(
        "id: occ\nversion: '1'\nkind: frames\nlanguage: ar\ndescription: test\n"
        "sources:\n  - {id: own, cite: \"test lexicon\"}\ncategories:\n"
        "  - id: occupation\n    label: Occupation\n    label_ar: احتلال\n    description: test\n    entries:\n"
        + "".join(f"      - id: e{i}\n        gloss: g\n        forms: [{t}]\n" for i, t in enumerate(terms)),
        encoding="utf-8")
    data = tmp_path / "texts.jsonl"
    pd.DataFrame(rows).to_json(data, orient="records", lines=True, force_ascii=False)
    res = cli("train", data, "--weak", lexicon, "--out", tmp_path / "weak.skops", "--folds", "3", "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert "weak supervision" in res.output.lower()
    meta = json.loads((tmp_path / "weak.json").read_text(encoding="utf-8"))
    assert meta["weak_supervision"] is True and meta["weak"]["recovery"][0]["auc"] > 0.8
    assert (tmp_path / "weak.skops").is_file() and (tmp_path / "weak.cv.json").is_file()


def _docs(seed=0):
    rng = random.Random(seed)
    docs, rows = [], []
    for o, n in (("a", 30), ("b", 10), ("c", 5)):
        for i in range(n):
            paras = [" ".join(rng.sample(FILLER, 6)) for _ in range(3)]
            doc = Document(doc_id=f"{o}{i}", outlet=o, source="s", text="\n".join(paras))
            docs.append(doc)
            if o == "a" and i < 3:  # a rare category, only in three paragraphs of outlet a
                rows.append({"doc_id": doc.doc_id, "lexicon": "conflict", "category": "ethnic_cleansing",
                             "entry": "تطهير عرقي", "start": 0, "end": 3})
            if i % 2 == 0:
                rows.append({"doc_id": doc.doc_id, "lexicon": "attribution", "category": "neutral_reporting",
                             "entry": "قال", "start": len(paras[0]) + 1, "end": len(paras[0]) + 4})
    return docs, pd.DataFrame(rows)


def test_annotation_sample_is_balanced_and_covers_rare_categories():
    docs, matches = _docs()
    frame, notes = annotation_frame(docs, matches, n=24, seed=1)
    assert list(frame.columns[:5]) == ["unit_id", "doc_id", "outlet", "text", "lexicon_suggestions"]
    assert len(frame) == 24 and frame["unit_id"].is_unique
    counts = Counter(frame["outlet"])
    assert max(counts.values()) - min(counts.values()) <= 1, counts  # c has 15 units, enough for 8
    assert frame["lexicon_suggestions"].str.contains("ethnic_cleansing").any()
    assert {"ethnic_cleansing", "neutral_reporting"} <= set(frame.columns)
    assert (frame["ethnic_cleansing"] == "").all()
    again, _ = annotation_frame(docs, matches, n=24, seed=1)
    pd.testing.assert_frame_equal(frame, again)
    big, notes = annotation_frame(docs, matches, n=500, seed=1)
    assert len(big) == 45 * 3 and any("all of them" in n for n in notes)


def test_annotate_command_on_the_demo_config(cli, tmp_path):
    from pathlib import Path

    demo = Path(__file__).resolve().parents[1] / "framing" / "demo" / "demo.yaml"
    if not demo.is_file():
        pytest.skip("demo config absent")
    res = cli("annotate", demo, "--out", tmp_path / "sample.csv", "-n", "20", "--label", "occupation")
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(tmp_path / "sample.csv", keep_default_na=False)
    assert len(frame) == 20 and list(frame.columns) == ["unit_id", "doc_id", "outlet", "text", "lexicon_suggestions",
                                                        "occupation"]
    assert frame["outlet"].nunique() >= 3 and frame["unit_id"].str.contains("#p").all()
