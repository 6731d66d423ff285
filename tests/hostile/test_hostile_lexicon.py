"""Hostile and broken lexicons: refused quickly with file:line, or flagged by `lexicon check`."""

from __future__ import annotations

import time

import pytest

from framing.lexicon import LexiconError
from framing.lexicon.lint import check_files
from framing.lexicon.loader import parse_lexicon

HEAD = """id: t
version: "1.0"
kind: frames
language: ar
description: test
sources:
  - id: s
    cite: "our own"
categories:
  - id: occ
    label: Occ
    label_ar: احتلال
    description: d
    entries:
"""


def _entry(forms: str) -> str:
    return f"      - id: a\n        gloss: g\n        forms: {forms}\n        sources: [s]\n"


def _findings(tmp_path, text: str):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return check_files([str(path)])


@pytest.mark.parametrize("text, expected", [
    ("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"b{i}: &b{i} [" + ",".join(["*a" if i == 0 else f"*b{i - 1}"] * 10)
                                               + "]\n" for i in range(8)), "alias bomb"),
    ("id: &i [*i]\n", "recursive"),
    ("", "the file is empty"),
    ("id: t\nid: u\n", "duplicate key"),
    (HEAD.replace("    entries:\n", "    entries: []\n"), "has no entries"),
    (HEAD + _entry("[]"), ":"),
    ("!!python/object/apply:os.system ['echo x']\n", "must be a mapping"),
    (HEAD.replace("id: t\n", "id: !!python/object/apply:os.system ['echo x']\n"), "t.yaml:1: id"),
])
def test_a_broken_lexicon_is_refused_with_file_and_line(text, expected):
    with pytest.raises(LexiconError) as err:
        parse_lexicon(text, name="t.yaml")
    assert expected in str(err.value)
    assert "t.yaml:" in str(err.value)


def test_a_lexicon_alias_bomb_is_refused_at_once():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"b{i}: &b{i} [" + ",".join(["*a" if i == 0 else f"*b{i - 1}"] * 10) + "]\n" for i in range(9))
    t0 = time.perf_counter()
    with pytest.raises(LexiconError, match="alias bomb"):
        parse_lexicon(bomb, name="t.yaml")
    assert time.perf_counter() - t0 < 5


def test_an_empty_category_is_an_error_with_its_line(tmp_path):
    text = HEAD + _entry('["تحرير"]') + "  - id: empty\n    label: E\n    label_ar: ف\n    description: d\n    entries: []\n"
    [f] = [f for f in _findings(tmp_path, text) if f.level == "error"]
    assert f.key == "categories.empty.entries" and f.line == 23 and "no entries" in f.message


@pytest.mark.parametrize("form, code", [
    ('"اح\u200dتلال"', "invisible-character"),
    ('"احتلال\u200c"', "invisible-character"),
    ('"\u200fاحتلال"', "invisible-character"),
    ('"احتلال\u202b"', "invisible-character"),
    ('".*"', "not-a-word"),
    ('"احتلال("', "not-a-word"),
    ('"[احتلال]"', "not-a-word"),
    ('"احتلال|تحرير"', "not-a-word"),
])
def test_lexicon_check_warns_about_forms_that_are_not_plain_words(tmp_path, form, code):
    findings = _findings(tmp_path, HEAD + _entry(f"[{form}]"))
    hits = [f for f in findings if f.code == code]
    assert hits and hits[0].line == 17 and hits[0].key == "categories.occ.entries.a.forms[0]"


def test_a_prefix_form_is_not_flagged(tmp_path):
    findings = _findings(tmp_path, HEAD + _entry('["احتل*"]'))
    assert not [f for f in findings if f.code in ("not-a-word", "invisible-character")]
