"""`framing lexicon review` on the five seed articles: the contexts it lists are those of the text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.cli import app

pytestmark = pytest.mark.external


def test_review_lists_the_seeds_contexts_of_karabakh_and_distancing(seeds_dir: Path, tmp_path: Path):
    config = tmp_path / "study.yaml"
    config.write_text(f"title: seeds\noutlets:\n  - id: seeds\n    sources: ['{seeds_dir}/*.txt']\n"
                      "lexicons: [conflict, naming, attribution]\noutput: out\nrun: {cache: false}\n",
                      encoding="utf-8")
    out = tmp_path / "review.csv"
    res = CliRunner().invoke(app, ["lexicon", "review", str(config), "-e", "qarabagh", "-e", "ma_wasafa",
                                   "--top", "3", "--excluded", "--csv", str(out)])
    assert res.exit_code == 0, res.output
    assert "naming.karabakh_name.qarabagh" in res.output and "attribution.distancing.ma_wasafa" in res.output
    frame = pd.read_csv(out)
    # only counted hits: no rule removes a Karabakh or distancing hit in the war coverage
    assert set(frame.status) == {"counted"}
    qarabagh = frame[frame.entry == "qarabagh"]
    before = qarabagh[qarabagh.side == "before"].iloc[0]
    assert before.context in ("إقليم", "في") and before["count"] >= 5
    ma_wasafa = frame[frame.entry == "ma_wasafa"]
    assert ma_wasafa.hits.iloc[0] == 6  # 000: one «مما وصفها», 002: five «ما وصفته»
    texts = "".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    for row in frame.itertuples():
        hit = row.example.split("⟦", 1)[1].split("⟧", 1)[0]
        assert hit in texts
