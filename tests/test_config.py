"""Config: the issue's example accepted as written; every problem reported at once with key and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from framing.config import ConfigError, load_config

SEED_CONFIG = """\
title: Karabakh war coverage, autumn 2020
outlets:
  - id: aljazeera
    name: Al Jazeera
    sources: [seeds/000_*.txt, seeds/002_*.txt]
  - id: arabi21
    name: Arabi21
    sources: [seeds/001_*.txt]
  - id: afp
    name: AFP (wire)
    sources: [seeds/003_*.txt]
  - id: almayadeen
    name: Al Mayadeen
    sources: [seeds/004_*.txt]
lexicons: [conflict, naming, attribution]
output: reports/karabakh
"""


@pytest.fixture
def study(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("000_a", "001_b", "002_c", "003_d", "004_e"):
        (seeds / f"{name}.txt").write_text("نص عربي قصير عن الحرب", encoding="utf-8")
    path = tmp_path / "study.yaml"
    path.write_text(SEED_CONFIG, encoding="utf-8")
    return path


def test_issue_config_is_accepted_as_written(study: Path) -> None:
    cfg = load_config(study)
    assert [o.id for o in cfg.outlets] == ["aljazeera", "arabi21", "afp", "almayadeen"]
    specs = cfg.source_specs()
    assert [s.key for s in specs] == [
        "outlets[0].sources[0]", "outlets[0].sources[1]", "outlets[1].sources[0]",
        "outlets[2].sources[0]", "outlets[3].sources[0]",
    ]
    assert [p.name for p in specs[0].paths] == ["000_a.txt"]
    assert all(s.outlet for s in specs)
    # paths resolve against the config file's folder, not the working directory
    assert cfg.output_dir == study.parent / "reports" / "karabakh"
    assert len(cfg.sha256) == 64


def test_unknown_key_missing_file_and_wrong_type_in_one_message(study: Path) -> None:
    text = SEED_CONFIG.replace("    name: Arabi21\n", "    nmae: Arabi21\n")
    text = text.replace("seeds/003_*.txt", "seeds/009_*.txt")
    text += "seed: abc\n"
    study.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(study)
    problems = info.value.problems
    assert len(problems) == 3, problems
    message = str(info.value)
    assert "outlets[1].nmae: unknown key (did you mean 'name'?)" in message
    assert "outlets[2].sources[0]: no file matches 'seeds/009_*.txt'" in message
    assert "seed:" in message and "integer" in message
    # each problem names the file and its line
    lines = text.splitlines()
    assert f"{study}:{lines.index('    nmae: Arabi21') + 1}: outlets[1].nmae" in message
    assert f"{study}:{lines.index('seed: abc') + 1}: seed" in message


def test_missing_required_and_duplicate_ids(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(textwrap.dedent("""\
        outlets:
          - id: a
            sources: [x.txt]
          - id: a
            sources: [x.txt]
        """), encoding="utf-8")
    (tmp_path / "x.txt").write_text("نص", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "title: required key is missing" in message
    assert "outlet ids must be unique: a repeated" in message


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(listing)
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.yaml")


def test_dict_config_resolves_against_given_base(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "one.txt").write_text("نص", encoding="utf-8")
    cfg = load_config(
        {"title": "t", "sources": [{"path": "docs", "outlet": "auto"}], "lexicons": []}, base_dir=tmp_path
    )
    (spec,) = cfg.source_specs()
    assert spec.outlet == "auto"
    assert [p.name for p in spec.paths] == ["one.txt"]
    assert spec.display(spec.paths[0]) == "docs/one.txt"


def test_multi_outlet_source_reads_outlet_from_field(tmp_path: Path) -> None:
    (tmp_path / "all.jsonl").write_text('{"outlet": "a", "text": "نص"}\n', encoding="utf-8")
    cfg = load_config({"title": "t", "sources": ["all.jsonl"], "lexicons": []}, base_dir=tmp_path)
    (spec,) = cfg.source_specs()
    assert spec.outlet is None and spec.fields.outlet == "outlet"


def test_unknown_lexicon_is_reported_with_the_config_problems(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("نص", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config({"title": "t", "outlets": [{"id": "a", "sources": ["x.txt"]}],
                     "lexicons": ["conflict", "no_such_lexicon"]}, base_dir=tmp_path)
    assert any(p.startswith("lexicons[1]") and "no_such_lexicon" in p for p in info.value.problems)
