"""The optional lemma path: entries' `lemmas` matched through a morphological analyzer."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from framing.arabic import Normaliser
from framing.lexicon import Matcher, parse_lexicon
from framing.lexicon.camel_lemma import MorphologyUnavailable, find_database, load_analyzer

LEX = textwrap.dedent("""\
    id: diplomacy
    version: "1"
    kind: markers
    language: ar
    description: d
    sources: []
    categories:
      - id: envoys
        label: Envoys
        label_ar: سفراء
        description: d
        entries:
          - id: safir
            gloss: ambassador
            forms: [سفير]
            lemmas: [سَفِير]
    """)


class FakeAnalyzer:
    """Stands in for camel-tools: knows the broken plural سفراء of سفير."""

    def __init__(self):
        self.calls = []

    def analyze(self, word):
        self.calls.append(word)
        bare = word.lstrip("وفبل").removeprefix("ال").removeprefix("ل")
        return [{"lex": "سَفِير_1"}] if bare.startswith(("سفراء", "سفرائ")) else []


def test_lemma_hits_add_to_form_hits_and_are_cached_per_surface():
    lx = parse_lexicon(LEX, name="diplomacy.yaml")
    analyzer = FakeAnalyzer()
    m = Matcher([lx], Normaliser(), analyzer=analyzer)
    text = "استدعت الوزارة السفير والسفراء ثم السفراء"
    got = [(x.surface, x.rule) for x in m.match_text(text)]
    assert got == [("السفير", "clitic:ال"), ("والسفراء", "lemma"), ("السفراء", "lemma")]
    assert analyzer.calls.count("السفراء") == 1
    # without an analyzer the lemma-only words do not match
    assert [x.surface for x in Matcher([lx], Normaliser()).match_text(text)] == ["السفير"]


def test_no_database_means_no_analyzer(monkeypatch, tmp_path):
    monkeypatch.delenv("CAMELTOOLS_DATA", raising=False)
    assert find_database() is None
    assert load_analyzer() is None
    with pytest.raises(MorphologyUnavailable, match="no such morphology database"):
        load_analyzer(tmp_path / "missing.db")


def test_importing_the_lemma_module_does_not_import_camel_morphology():
    code = ("import sys, framing.lexicon.camel_lemma, framing.lexicon; "
            "sys.exit(1 if 'camel_tools.morphology' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.external
def test_real_camel_database_offline(shared_dir):
    """The tiny real CAMeL database in ../shared (lemma سَفِير): broken plurals and clitics through
    camel-tools, with no catalogue download (run in a fresh process, no network needed)."""
    db = shared_dir / "camel_morph_examples" / "XYZ_msa_safiyr_v1.0.db"
    if not db.is_file():
        pytest.skip(f"{db} is absent")
    code = textwrap.dedent(f"""
        import os, sys
        from framing.arabic import Normaliser
        from framing.lexicon import Matcher, parse_lexicon
        lx = parse_lexicon({LEX!r})
        m = Matcher([lx], Normaliser(), morphology_db={str(db)!r})  # as the pipeline calls it
        assert m.morphology == {str(db)!r}, m.morphology
        got = [(x.surface, x.rule) for x in m.match_text("التقى السفراء وسفيرها وبسفرائهم في السفر")]
        print(got)
        assert got == [("السفراء", "lemma"), ("وسفيرها", "clitic:و+~+ها"), ("وبسفرائهم", "lemma")], got
    """)
    env = {k: v for k, v in __import__("os").environ.items() if k != "CAMELTOOLS_DATA"}
    env["HOME"] = str(shared_dir.parent / "nonexistent-home")  # no ~/.camel_tools catalogue
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
