"""`framing lexicon check | test | import`, the linter and the dictionary importers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import yaml
from typer.testing import CliRunner

from framing.lexicon import load_lexicons
from framing.cli.lexicon import lexicon_app
from framing.lexicon.importers import import_dictionary
from framing.lexicon.lint import check_files

runner = CliRunner()

LEX = """\
id: mine
version: "1"
kind: frames
language: ar
description: d
sources: [{id: s, cite: ours}]
categories:
  - id: occupation
    label: Occupation
    label_ar: احتلال
    description: d
    entries:
      - id: a
        gloss: g
        forms: [احتلال]
        sequences: ["قوات الاحتلال"]
        examples: {positive: ["إنهاء الاحتلال"], negative: ["احتلال المركز الأول"]}
      - id: b
        gloss: g
        forms: [الاحتلال, هدنة, هدنه]
  - id: other
    label: Other
    label_ar: أخرى
    description: d
    entries:
      - id: c
        gloss: g
        sequences: ["قوات الاحتلال الأجنبية"]
        examples: {positive: ["قوات الاحتلال الأجنبية"], negative: ["قوات الأمن"]}
"""


def test_shipped_lexicons_have_no_lint_errors():
    errors = [str(f) for f in check_files() if f.level == "error"]
    assert errors == []


def test_lint_finds_collisions_duplicates_unreachable_overlaps_and_failing_examples(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text(LEX, encoding="utf-8")
    findings = check_files([str(path)])
    text = "\n".join(map(str, findings))
    # الاحتلال is a clitic spelling of a's احتلال: b can never match it
    assert "form-in-two-entries" in text and "'الاحتلال'" in text
    # هدنة / هدنه normalise to the same string
    assert "duplicate-form" in text
    # the negative example matches (no exclusion for المركز)
    assert "negative-example" in text and "احتلال المركز الأول" in text
    # c's term contains a's term, in another category
    assert "overlapping-terms" in text
    assert "no-examples" in text  # entry b
    assert all(f.file == str(path) and f.line > 0 for f in findings), text


def test_check_command_exit_codes(tmp_path: Path):
    good = runner.invoke(lexicon_app, ["check", "conflict", "naming", "attribution"])
    assert good.exit_code == 0, good.output
    assert "0 errors" in good.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(LEX.replace("gloss: g\n        forms: [احتلال]", "glos: g\n        forms: [احتلال]"),
                   encoding="utf-8")
    res = runner.invoke(lexicon_app, ["check", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:14: error: categories.occupation.entries.a.glos: unknown key 'glos'" in res.output


def test_test_command_shows_matches_rules_and_exclusions():
    res = runner.invoke(lexicon_app, ["test", "وبالاحتلال قال رئيس التحرير إن ما وصفته بالعدوان"])
    assert res.exit_code == 0, res.output
    assert "وبالاحتلال\tconflict.occupation.ihtilal\tclitic:و+ب+ال" in res.output
    assert "ما وصفته\tattribution.distancing.ma_wasafa\tsequence" in res.output
    assert "التحرير\tconflict.liberation.tahrir\tEXCLUDED by entry rule 'newsroom' (left: رئيس)" in res.output
    res = runner.invoke(lexicon_app, ["test", "احتلال المركز الأول"])
    assert "EXCLUDED by entry phrase '* المرتبة|المركز" in res.output
    bad = runner.invoke(lexicon_app, ["test", "نص", "-l", "no_such"])
    assert bad.exit_code == 2 and "no shipped lexicon" in bad.output


def test_import_liwc(tmp_path: Path):
    dic = tmp_path / "frames.dic"
    dic.write_text(textwrap.dedent("""\
        %
        1\tterrorism
        2\tseparatism
        %
        إرهاب*\t1
        انفصالي\t2
        تطهير عرقي\t1
        مشترك\t1\t2
        """), encoding="utf-8")
    out = tmp_path / "frames.yaml"
    res = runner.invoke(lexicon_app, ["import", str(dic), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "counts it once per lexicon" in res.output  # مشترك is in both categories
    (lx,) = load_lexicons([str(out)])
    assert [c.id for c in lx.categories] == ["terrorism", "separatism"]
    from framing.arabic import Normaliser
    from framing.lexicon import Matcher

    m = Matcher([lx], Normaliser())
    got = [(x.category, x.surface) for x in m.match_text("الإرهابيون والانفصالي والتطهير العرقي")]
    assert got == [("terrorism", "الإرهابيون"), ("separatism", "والانفصالي"),
                   ("terrorism", "والتطهير العرقي")]
    again = runner.invoke(lexicon_app, ["import", str(dic), "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_import_quanteda_nested_and_bad_input(tmp_path: Path):
    src = tmp_path / "dict.yml"
    src.write_text(yaml.safe_dump({"conflict": {"occupation": ["احتلال", "محتل*"],
                                                "truce": "هدنة"},
                                   "مقاومة": ["مقاومة", "مقاوم?"]}, allow_unicode=True),
                   encoding="utf-8")
    result = import_dictionary(src)
    ids = [c["id"] for c in result.data["categories"]]
    assert ids == ["conflict_occupation", "conflict_truce", "cat_3"]
    assert result.data["categories"][2]["label_ar"] == "مقاومة"
    assert any("'?' wildcards" in n for n in result.notes)
    broken = tmp_path / "broken.dic"
    broken.write_text("no percent lines\n", encoding="utf-8")
    res = runner.invoke(lexicon_app, ["import", str(broken), "--out", str(tmp_path / "x.yaml")])
    assert res.exit_code == 2 and "not a LIWC .dic file" in res.output


def test_cli_module_imports_no_heavy_dependency():
    code = ("import sys, framing.cli.lexicon; "
            "bad = [m for m in sys.modules if m.startswith(('camel_tools.morphology', 'pandas', 'torch'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
