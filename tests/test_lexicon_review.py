"""`framing lexicon review`: each entry's contexts in a study's corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from framing.cli import app

ARTICLES = {
    "a1": "وصل قائد جيش التحرير الشعبي إلى العاصمة.\nوقال إن تحرير الأرض قريب.",
    "a2": "زار وفد من جيش التحرير الشعبي الميناء.",
    "a3": "أعلن جيش التحرير الشعبي مناورات. وطالب الوزير بتحرير الأموال المجمدة.",
}
LEXICON = """\
id: mini
version: "1"
kind: frames
language: ar
description: one entry, no context rules yet
sources: [{id: ours, cite: "our own test entry"}]
categories:
  - id: liberation
    label: Liberation
    label_ar: تحرير
    description: d
    entries:
      - id: tahrir
        gloss: liberation
        forms: [تحرير]
"""


def _study(tmp_path: Path, lexicons: str = "[mini.yaml]") -> Path:
    (tmp_path / "news").mkdir()
    for name, text in ARTICLES.items():
        (tmp_path / "news" / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "mini.yaml").write_text(LEXICON, encoding="utf-8")
    config = tmp_path / "study.yaml"
    config.write_text(f"title: t\noutlets:\n  - id: paper\n    sources: [news/*.txt]\nlexicons: {lexicons}\n"
                      "output: out\nrun: {cache: false}\ncorpus: {min_words: 1}\n", encoding="utf-8")
    return config


def test_review_counts_the_words_before_and_after_each_hit(tmp_path):
    config = _study(tmp_path)
    res = CliRunner().invoke(app, ["lexicon", "review", str(config), "--csv", str(tmp_path / "r.csv")])
    assert res.exit_code == 0, res.output
    assert "mini.liberation.tahrir: 5 hits" in res.output
    frame = pd.read_csv(tmp_path / "r.csv")
    before = frame[frame.side == "before"].set_index("context")["count"].to_dict()
    after = frame[frame.side == "after"].set_index("context")["count"].to_dict()
    assert before == {"جيش": 3, "إن": 1, "الوزير": 1}
    assert after == {"الشعبي": 3, "الأرض": 1, "الأموال": 1}
    top = frame.iloc[0]
    assert (top.side, top.context, top["count"], top.share, top.doc_id) == ("before", "جيش", 3, 0.6, "paper-a1")
    assert "⟦التحرير⟧ الشعبي" in top.example
    assert frame["hits"].eq(5).all()


def test_review_of_one_entry_top_n_and_excluded_hits(tmp_path):
    config = _study(tmp_path, lexicons="[conflict]")
    res = CliRunner().invoke(app, ["lexicon", "review", str(config), "--entry", "liberation.tahrir",
                                   "--top", "1", "--excluded", "--csv", str(tmp_path / "r.csv"), "-q"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(tmp_path / "r.csv")
    assert set(frame.entry) == {"tahrir"}
    assert frame.groupby(["status", "side"]).size().max() == 1  # --top 1
    assert set(frame.status) == {"counted", "excluded by names", "excluded by money_hostages"}
    counted = frame[frame.status == "counted"]
    assert counted.hits.iloc[0] == 1 and set(counted.context) == {"إن", "الأرض"}


def test_review_rejects_an_unknown_entry(tmp_path):
    config = _study(tmp_path)
    res = CliRunner().invoke(app, ["lexicon", "review", str(config), "--entry", "tahrirr"])
    assert res.exit_code == 2
    assert "no entry 'tahrirr'" in res.output
