"""Planted-difference check: the demo corpus's planted differences are found.

framing/demo/planted.yaml lists, machine-readably, the framing differences written into the demo
corpus on purpose. Run through the whole pipeline (framing.run), the statistics must find each of
them at q < 0.05 in the planted direction, one-vs-rest and against every other outlet, and flag no
category or naming axis that was not planted. The same checks also run on a direct path (a minimal
reader, the lexicon matcher, framing.stats.statistics) that does not depend on the corpus stage, and on
the contrasts compared within the same topics (the pipeline with the topic stage).
"""

from __future__ import annotations

import math

import pytest

import framing
from framing.demo import DEMO_CONFIG, load_planted

Q = 0.05


@pytest.fixture(scope="module")
def planted() -> dict:
    return load_planted()


class _Tables:
    def __init__(self, tables: dict) -> None:
        self.tables = tables


def _pipeline_run():
    return framing.run(DEMO_CONFIG, write=False, topics=False, classify=False)


def _direct_run(planted):
    """The same check without the corpus stage: a minimal reader of the four demo formats, the
    lexicon matcher and the per-document analyser, then framing.stats.statistics. It keeps the
    statistics guarded when ingestion changes, and tells a statistics failure from a reading one."""
    import csv
    import html
    import json
    import re
    from collections import Counter

    import pandas as pd

    from framing.analyse import DocumentAnalyser
    from framing.arabic import Normaliser
    from framing.config import load_config
    from framing.lexicon import Matcher, lexicon_frame, load_lexicons
    from framing.stats import statistics

    cfg = load_config(DEMO_CONFIG)
    demo = DEMO_CONFIG.parent
    texts = []  # (doc_id, outlet, text, date)
    for p in sorted((demo / "sahil").glob("*.txt")):
        texts.append((p.stem, "sahil_news", p.read_text(encoding="utf-8"), p.stem[:10]))
    for line in (demo / "almanara.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            texts.append((r["id"], "almanara", r["text"], r["date"]))
    with open(demo / "alufuq.csv", encoding="utf-8", newline="") as fh:
        texts += [(r["id"], "alufuq", r["text"], r["date"]) for r in csv.DictReader(fh)]
    for p in sorted((demo / "aljabal").glob("*.html")):
        page = p.read_text(encoding="utf-8")
        body = page.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
        paras = [html.unescape(re.sub(r"<[^>]+>", "", x)) for x in re.findall(r"<p>(.*?)</p>", body, re.S)]
        texts.append((p.stem, "aljabal", "\n".join(paras), p.stem[:10]))
    norm = Normaliser()
    lexicons = load_lexicons(cfg.lexicons, base_dir=cfg.base_dir)
    analyser = DocumentAnalyser(norm, Matcher(lexicons, norm))
    docs, matches, terms = [], [], {}
    for doc_id, outlet, text, date in texts:
        if len(re.findall(r"[\u0600-\u06FF]", text)) < 50:  # the planted empty and English files
            continue
        a = analyser(doc_id, text)
        docs.append((doc_id, outlet, a.n_tokens, date))
        matches += [(doc_id, outlet, "", m.lexicon, m.category, m.entry, m.surface, m.start, m.end, "")
                    for m in a.matches]
        terms.setdefault(outlet, Counter()).update(a.terms)
    docs = pd.DataFrame(docs, columns=["doc_id", "outlet", "n_tokens", "date"])
    matches = pd.DataFrame(matches, columns=["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface",
                                             "start", "end", "sentence"])
    out = statistics(docs, matches, lexicon_frame(lexicons), terms, cfg.stats, cfg.seed, {})
    return _Tables({**out.tables, "documents": docs.assign(status="analysed")})


def _within_topics_run():
    """The pipeline with the topic stage: the contrasts compared within the same topics (columns
    ending in _topic) must find the same planted differences, and nothing else."""
    res = framing.run(DEMO_CONFIG, write=False, topics=True, classify=False)
    c = res.tables["contrasts"]
    assert "q_topic" in c.columns, "the topic stage ran but the contrasts were not adjusted for topic"
    res.tables["contrasts"] = c.assign(**{k: c[f"{k}_topic"] for k in ("ratio", "ci_low", "ci_high", "q")})
    return res


@pytest.fixture(scope="module", params=["pipeline", "direct", "within topics"])
def result(request, planted):
    runs = {"pipeline": _pipeline_run, "direct": lambda: _direct_run(planted), "within topics": _within_topics_run}
    res = runs[request.param]()
    outlets = set(res.tables["documents"].query("status == 'analysed'")["outlet"])
    expected = {d["outlet"] for d in planted["differences"]} | {n["outlet"] for n in planted["naming"]}
    missing = expected - outlets
    assert not missing, f"the demo run analysed no document of {sorted(missing)}: the check cannot run"
    return res


def _higher(direction: str) -> bool:
    assert direction in ("higher", "lower"), direction
    return direction == "higher"


def test_every_planted_rate_difference_is_found_one_vs_rest(result, planted):
    c = result.tables["contrasts"]
    for d in planted["differences"]:
        row = c[(c["family"] == "one-vs-rest") & (c["outlet_a"] == d["outlet"]) & (c["lexicon"] == d["lexicon"])
                & (c["category"] == d["category"])]
        assert len(row) == 1, f"no one-vs-rest contrast for {d}"
        row = row.iloc[0]
        assert row["q"] < Q, f"planted {d['outlet']} {d['lexicon']}/{d['category']} not found: q={row['q']:.3g}"
        assert (row["ratio"] > 1) == _higher(d["direction"]), row.to_dict()
        bound = row["ci_low"] > 1 if _higher(d["direction"]) else row["ci_high"] < 1
        assert bound, f"the rate-ratio interval of {d['outlet']} {d['category']} includes 1: {row.to_dict()}"


def test_every_planted_rate_difference_is_found_against_each_other_outlet(result, planted):
    c = result.tables["contrasts"]
    pw = c[c["family"] == "pairwise"]
    outlets = set(pw["outlet_a"]) | set(pw["outlet_b"])
    for d in planted["differences"]:
        for other in outlets - {d["outlet"]}:
            rows = pw[(pw["lexicon"] == d["lexicon"]) & (pw["category"] == d["category"])
                      & (((pw["outlet_a"] == d["outlet"]) & (pw["outlet_b"] == other))
                         | ((pw["outlet_a"] == other) & (pw["outlet_b"] == d["outlet"])))]
            assert len(rows) == 1, (d, other)
            row = rows.iloc[0]
            ratio = row["ratio"] if row["outlet_a"] == d["outlet"] else (
                math.inf if row["ratio"] == 0 else 1 / row["ratio"])  # a zero side: 0 or unbounded
            assert row["q"] < Q, f"{d['outlet']} vs {other} on {d['category']}: q={row['q']:.3g}"
            assert (ratio > 1) == _higher(d["direction"])


def test_every_planted_naming_preference_is_found(result, planted):
    n = result.tables["naming_shares"]
    for p in planted["naming"]:
        row = n[(n["outlet"] == p["outlet"]) & (n["lexicon"] == p["lexicon"]) & (n["axis"] == p["axis"])
                & (n["entry"] == p["preferred_entry"])]
        assert len(row) == 1, f"no naming share for {p}"
        row = row.iloc[0]
        assert row["q"] < Q, f"planted naming preference {p['outlet']} {p['axis']} not found: q={row['q']:.3g}"
        assert row["share"] > row["share_rest"]


def test_nothing_unplanted_is_flagged(result, planted):
    """No significant contrast on an unplanted category; on a planted category only the planted outlet
    (or, one-vs-rest, another outlet sitting on the other side of it) may differ."""
    c = result.tables["contrasts"]
    sig = c[c["q"] < Q]
    planted_rates = {(d["lexicon"], d["category"]): d for d in planted["differences"]}
    for _, row in sig.iterrows():
        d = planted_rates.get((row["lexicon"], row["category"]))
        where = f"{row['family']} {row['outlet_a']} vs {row['outlet_b']} on {row['lexicon']}/{row['category']}"
        assert d is not None, f"unplanted category flagged: {where} (q={row['q']:.3g})"
        if d["outlet"] in (row["outlet_a"], row["outlet_b"]):
            continue
        # another outlet against the rest, which holds the planted outlet: it must sit on the other side
        assert row["family"] == "one-vs-rest" and (row["ratio"] < 1) == _higher(d["direction"]), \
            f"difference between two unplanted outlets flagged: {where}"
    n = result.tables["naming_shares"]
    planted_axes = {(p["lexicon"], p["axis"]): p for p in planted["naming"]}
    for _, row in n[n["q"] < Q].iterrows():
        p = planted_axes.get((row["lexicon"], row["axis"]))
        assert p is not None, f"unplanted naming axis flagged: {row['outlet']} {row['lexicon']}/{row['axis']}"
        if row["outlet"] != p["outlet"]:
            # another outlet against a rest that holds the planted outlet: on the other side of it
            mine = n[(n["outlet"] == row["outlet"]) & (n["axis"] == row["axis"]) & (n["entry"] == p["preferred_entry"])]
            assert (mine["share"] < mine["share_rest"]).all(), f"naming flagged for {row['outlet']} {row['axis']}"
