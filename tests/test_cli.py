"""The CLI through typer's runner, and its promise to start fast (no heavy import for --help)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.cli import app
from tests.test_config import SEED_CONFIG

HEAVY = ("pandas", "numpy", "sklearn", "bertopic", "torch", "plotly", "camel_tools", "scipy", "trafilatura")


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys, framing.cli\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(framing.cli.app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_python_dash_m_framing_answers() -> None:
    out = subprocess.run([sys.executable, "-m", "framing", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "demo" in out.stdout and "run" in out.stdout


def test_bad_config_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    for n in ("000", "001", "002", "004"):
        (tmp_path / "seeds" / f"{n}_x.txt").write_text("نص", encoding="utf-8")
    text = SEED_CONFIG.replace("    name: Arabi21\n", "    nmae: Arabi21\n").replace("003_*", "009_*") + "seed: abc\n"
    (tmp_path / "study.yaml").write_text(text, encoding="utf-8")
    for command in ("check", "run"):
        res = CliRunner().invoke(app, [command, str(tmp_path / "study.yaml")])
        assert res.exit_code == 2, res.output
        assert "3 problems" in res.output
        assert "unknown key" in res.output and "no file matches 'seeds/009_*.txt'" in res.output
        assert "seed" in res.output
        assert "Traceback" not in res.output
        assert not (tmp_path / "reports").exists()  # nothing ran


def test_check_accepts_a_good_config(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    for n in ("000", "001", "002", "003", "004"):
        (tmp_path / "seeds" / f"{n}_x.txt").write_text("نص", encoding="utf-8")
    (tmp_path / "study.yaml").write_text(SEED_CONFIG, encoding="utf-8")
    res = CliRunner().invoke(app, ["check", str(tmp_path / "study.yaml")])
    assert res.exit_code == 0, res.output
    assert "outlets[0].sources[1]: 1 file(s) for aljazeera" in res.output


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "report"
    res = CliRunner().invoke(app, ["demo", "--output", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    return out


def test_demo_writes_the_output_contract(demo_report: Path) -> None:
    assert (demo_report / "index.html").is_file()
    docs = pd.read_csv(demo_report / "data" / "documents.csv")
    assert {"doc_id", "outlet", "source", "title", "date", "n_tokens", "status", "reason"} <= set(docs.columns)
    assert docs["outlet"].nunique() == 4
    assert (docs["status"] == "analysed").sum() >= 40
    # nothing dropped silently: every skipped document says why
    skipped = docs[docs["status"] == "skipped"]
    assert skipped["reason"].fillna("").str.len().gt(0).all()
    scores = pd.read_csv(demo_report / "data" / "outlet_scores.csv")
    assert {"outlet", "lexicon", "category", "count", "tokens", "per_1k"} <= set(scores.columns)
    assert scores["count"].sum() > 0
    matches = pd.read_csv(demo_report / "data" / "matches.csv")
    # the scores count the hits of the voice set chosen (stats.voice; the demo counts all), each one a row
    voices = {"own": ["own"], "sourced": ["quoted", "attributed"], "all": ["own", "quoted", "attributed", "scare"]}
    counted = matches[matches["voice"].isin(voices[scores["voice"].iloc[0]])]
    assert len(counted) == scores.loc[scores["lexicon"].isin(matches["lexicon"].unique()), "count"].sum()
    assert set(matches["voice"]) >= {"own", "attributed"}
    assert matches["distanced"].dtype == bool  # frame words inside a distancing construction
    manifest = json.loads((demo_report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"]["input"] == len(docs)
    assert isinstance(manifest["seed"], int)


def test_demo_is_deterministic(demo_report: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    res = CliRunner().invoke(app, ["demo", "--output", str(again), "--quiet"])
    assert res.exit_code == 0, res.output
    # every data file, the compressed ones too (their headers carry no timestamp)
    names = sorted(p.name for p in (demo_report / "data").iterdir())
    assert {"documents.jsonl.gz", "wire_edits.csv.gz", "matches.csv"} <= set(names)
    for name in names:
        assert (demo_report / "data" / name).read_bytes() == (again / "data" / name).read_bytes(), name


def test_outlet_names_come_from_the_rows_of_a_multi_outlet_file(tmp_path: Path) -> None:
    import framing

    body = "قالت وزارة الخارجية في بيان اليوم إن المفاوضات بين الطرفين مستمرة وإن الوسطاء يعملون على وقف إطلاق النار في المنطقة بعد أسابيع من القتال العنيف الذي أودى بحياة العشرات من المدنيين وأجبر الآلاف على النزوح من قراهم"
    rows = [{"outlet": o, "outlet_name": name, "text": f"{body} {i}", "title": f"خبر {i}"}
            for i, (o, name) in enumerate([("spa", "Saudi Press Agency"), ("okaz", "Okaz")] * 3)]
    (tmp_path / "all.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = framing.run({"title": "t", "sources": [str(tmp_path / "all.jsonl")], "corpus": {"duplicates": "keep", "min_words": 5}},
                         write=False, topics=False, classify=False)
    assert result.manifest["outlet_names"] == {"spa": "Saudi Press Agency", "okaz": "Okaz"}


def test_run_ends_with_the_story_of_the_run(tmp_path: Path) -> None:
    """The console ends with the strongest findings, the warnings, the skipped documents by kind of
    reason and the report's path."""
    from framing.demo import DEMO_CONFIG

    res = CliRunner().invoke(app, ["run", str(DEMO_CONFIG), "-o", str(tmp_path / "r"), "--no-topics", "--no-classifiers"])
    assert res.exit_code == 0, res.output
    tail = res.output[res.output.index("Strongest findings:"):]
    findings = re.findall(r"^  \d\. (.+)$", tail, re.M)
    assert len(findings) == 3 and all("as often as the other outlets" in f for f in findings)
    assert re.search(r"^Warnings: \d[\d,]* \(", tail, re.M)
    assert "2 skipped (empty file: 1, not Arabic: 1)" in tail
    assert tail.rstrip().endswith(f"Report: {tmp_path / 'r' / 'index.html'}")
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"]["skipped_by_reason"] == {"empty file": 1, "not Arabic": 1}
