"""A study's declared comparison (``compare:``): groups of outlets pooled and pairs of outlets,
computed with the outlet contrasts' machinery, leading the report; unknown outlets are keyed
config errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

import framing
from framing.config import ConfigError, load_config
from framing.demo import DEMO_DIR

# the demo's planted differences split the outlets in two camps: Sahil News and Al-Jabal TV
# (occupation framing, "martyr") against Al-Manara and Al-Ufuq Daily (terrorism framing, distancing)
GROUPS = {"occupied_side": ["sahil_news", "aljabal"], "government_side": ["almanara", "alufuq"]}


def _study(tmp_path: Path, compare: dict) -> Path:
    shutil.copytree(DEMO_DIR, tmp_path / "demo", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    cfg = yaml.safe_load((tmp_path / "demo" / "demo.yaml").read_text(encoding="utf-8"))
    cfg["compare"] = compare
    cfg["output"] = str(tmp_path / "report")
    path = tmp_path / "demo" / "focus.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def focused(tmp_path_factory):
    path = _study(tmp_path_factory.mktemp("focus"), {"groups": GROUPS, "pairs": [["sahil_news", "almanara"]]})
    return framing.run(path, topics=False, classify=False)


def test_two_groups_end_to_end(focused):
    table = focused.tables["compare"]
    groups = table[table["comparison"] == "occupied_side vs government_side"]
    assert set(groups["outlet_a"]) == {"occupied_side"} and set(groups["outlet_b"]) == {"government_side"}
    assert set(groups["side_a"]) == {"sahil_news;aljabal"}
    docs = focused.tables["documents"]
    analysed = docs[docs["status"] == "analysed"]
    assert groups["n_docs_a"].iloc[0] == analysed["outlet"].isin(GROUPS["occupied_side"]).sum()
    # the pooled counts are the sums of the outlets' counts
    scores = focused.tables["outlet_scores"]
    occ = groups.set_index("category").loc["occupation"]
    mine = scores[(scores["lexicon"] == "conflict") & (scores["category"] == "occupation")].set_index("outlet")["count"]
    assert occ["count_a"] == mine[GROUPS["occupied_side"]].sum() and occ["count_b"] == mine[GROUPS["government_side"]].sum()
    sig = groups[groups["significant"]]
    found = {(c, r > 1) for c, r in zip(sig["category"], sig["ratio"])}
    assert found == {("occupation", True), ("terrorism", False), ("distancing", False)}
    assert ((sig["ci_high"] < 1) | (sig["ci_low"] > 1)).all()
    assert set(table["family"]) == {"declared"}
    pair = table[table["comparison"] == "sahil_news vs almanara"]
    assert len(pair) and set(pair["outlet_a"]) == {"sahil_news"}
    assert pair.set_index("category").loc["occupation", "ratio"] > 1


def test_the_report_leads_with_the_comparison(focused):
    html = (focused.output_dir / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([\w-]+)"', html)
    assert ids[0] == "focus" and ids[1] == "summary"
    heads = focused.tables["compare_headlines"]["text"].tolist()
    assert heads and any("occupation framing" in h for h in heads)
    from framing.report.story import findings

    assert findings(focused)[0] == heads[0]
    assert (focused.output_dir / "data" / "compare.csv").is_file()


def test_comparison_sentences_link_to_their_concordance_lines(focused):
    """Each sentence of the comparison links to the category's concordance lines on each side; the
    lines carry the sides their outlet is on, so the link's filter finds them."""
    html = (focused.output_dir / "index.html").read_text(encoding="utf-8")
    focus = html[html.index('<section id="focus"'):html.index("</section>", html.index('<section id="focus"'))]
    links = re.findall(r'<a class="kwic-link" href="#kwic" data-kwic-outlet="" data-kwic-side="([^"]+)" '
                       r'data-kwic-category="([^"]+)"', focus)
    heads = focused.tables["compare_headlines"]
    assert len(links) == 2 * len(heads) > 0
    wanted = {(side, f"{r.lexicon}:{r.category}") for r in heads.itertuples() for side in (r.outlet_a, r.outlet_b)}
    assert set(links) == wanted
    rows = re.findall(r'<tr data-outlet="([^"]+)" data-lexicon="[^"]*" data-category="([^"]+)" data-entry="[^"]*" '
                      r'data-side="([^"]*)"', html)
    assert rows, "the concordance lines carry their sides"
    for outlet, _, sides in rows:
        assert set(filter(None, sides.split("|"))) == {g for g, members in GROUPS.items() if outlet in members} | (
            {outlet} if outlet in ("sahil_news", "almanara") else set())
    found = {(side, cat) for _, cat, sides in rows for side in sides.split("|")}
    assert wanted & found, "some linked sentence has lines in the embedded sample"
    assert '<select id="kwic-side" data-field="side" data-multi>' in html


def test_without_compare_nothing_changes(tmp_path):
    cfg = load_config(DEMO_DIR / "demo.yaml")
    assert not cfg.compare.declared and cfg.compare.comparisons() == []


def test_unknown_outlets_are_keyed_config_errors(tmp_path):
    path = _study(tmp_path, {"groups": {"one": ["sahil_news", "al_jabal"], "two": ["almanara", "sahil_news"]},
                             "pairs": [["alufuq", "alufuq"]]})
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    text = str(exc.value)
    assert re.search(r"focus\.yaml:\d+: compare\.groups\.one\[1\]: unknown outlet 'al_jabal' \(did you mean 'aljabal'\?\)", text)
    assert "compare.groups.two[1]: outlet 'sahil_news' is already in group 'one'" in text
    assert "compare.pairs[0]: compares 'alufuq' with itself" in text
