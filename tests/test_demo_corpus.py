"""The bundled demo corpus (framing/demo/): files parse, and the planted differences are in the text.

These tests guard the corpus itself, read with a small reader of their own (not the corpus stage),
so that a change to the articles or to a lexicon that weakens a planted contrast, or that makes an
unplanted category differ between outlets, is caught here. The statistical check (the planted
differences found at q < 0.05, nothing else flagged) belongs to the statistics tests.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

DEMO = Path(__file__).resolve().parents[1] / "framing" / "demo"
OUTLETS = ("sahil_news", "almanara", "alufuq", "aljabal")
ARABIC_RE = re.compile(r"[\u0600-\u06FF]")
FIELDS = ("id", "title", "date", "text", "url")
PERIOD = (date(2024, 3, 1), date(2024, 4, 30))


# --------------------------------------------------------------------------------------------
# a small reader of the four formats


class _ArticlePage(HTMLParser):
    """Collects <h1>, <time datetime> and the <p> of <div class="article-body">, and notes which
    page furniture (header, nav, footer) the page has."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.date = ""
        self.paras: list[str] = []
        self.tags: set[str] = set()
        self._in_body = 0
        self._in_h1 = False
        self._in_p = False
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "div" and "article-body" in (attrs.get("class") or ""):
            self._in_body = 1
        elif tag == "div" and self._in_body:
            self._in_body += 1
        elif tag == "h1":
            self._in_h1, self._buf = True, []
        elif tag == "p" and self._in_body:
            self._in_p, self._buf = True, []
        elif tag == "time":
            self.date = attrs.get("datetime", "")

    def handle_endtag(self, tag):
        if tag == "div" and self._in_body:
            self._in_body -= 1
        elif tag == "h1" and self._in_h1:
            self.title, self._in_h1 = "".join(self._buf).strip(), False
        elif tag == "p" and self._in_p:
            self.paras.append("".join(self._buf).strip())
            self._in_p = False

    def handle_data(self, data):
        if self._in_h1 or self._in_p:
            self._buf.append(data)


def _read_txt(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return {"id": path.stem, "title": title.strip(), "date": path.name[:10], "text": body.strip(),
            "source": f"sahil/{path.name}"}


def read_outlet(outlet: str) -> list[dict]:
    """Every document of an outlet as a dict (id, title, date, text, source), skipped ones included."""
    if outlet == "sahil_news":
        return [_read_txt(p) for p in sorted((DEMO / "sahil").glob("*.txt"))]
    if outlet == "almanara":
        rows = [json.loads(line) for line in (DEMO / "almanara.jsonl").read_text(encoding="utf-8").splitlines()]
        return [dict(r, source="almanara.jsonl") for r in rows]
    if outlet == "alufuq":
        with open(DEMO / "alufuq.csv", encoding="utf-8", newline="") as fh:
            return [dict(r, source="alufuq.csv") for r in csv.DictReader(fh)]
    docs = []
    for p in sorted((DEMO / "aljabal").glob("*.html")):
        page = _ArticlePage()
        page.feed(p.read_text(encoding="utf-8"))
        docs.append({"id": p.stem, "title": page.title, "date": page.date, "text": "\n\n".join(page.paras),
                     "source": f"aljabal/{p.name}", "tags": page.tags})
    return docs


@pytest.fixture(scope="module")
def planted() -> dict:
    return yaml.safe_load((DEMO / "planted.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((DEMO / "demo.yaml").read_text(encoding="utf-8"))


def _excluded(planted: dict) -> set[tuple[str, str]]:
    """(source, id) of the ledger documents (skipped ones and the duplicated wire story) and of the
    agency story rewritten by every outlet (not one of the events; see wire_story)."""
    out = {(s["source"], Path(s["source"]).stem) for s in planted["ledger"]["skipped"]}
    for dup in planted["ledger"]["duplicates"]:
        out |= {(d["source"], d["id"]) for d in dup["documents"]}
    out |= {(d["source"], d["id"]) for d in planted["wire_story"]["documents"]}
    return out


@pytest.fixture(scope="module")
def articles(planted) -> dict[str, list[dict]]:
    """The analysed articles per outlet: the ledger's skipped and wire documents left out."""
    skip = _excluded(planted)
    return {o: [d for d in read_outlet(o) if (d["source"], d["id"]) not in skip] for o in OUTLETS}


# --------------------------------------------------------------------------------------------
# the files


def test_jsonl_lines_are_valid_records():
    lines = (DEMO / "almanara.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 12
    ids = []
    for n, line in enumerate(lines, 1):
        row = json.loads(line)  # raises on an invalid line
        assert set(FIELDS) <= set(row), f"almanara.jsonl line {n}: fields {sorted(row)}"
        assert all(isinstance(row[f], str) and row[f].strip() for f in FIELDS), f"line {n}: empty field"
        date.fromisoformat(row["date"])
        ids.append(row["id"])
    assert len(ids) == len(set(ids)), "ids repeat in almanara.jsonl"


def test_csv_has_the_columns_and_rows():
    with open(DEMO / "alufuq.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert list(reader.fieldnames) == list(FIELDS)
        rows = list(reader)
    assert len(rows) >= 12
    for row in rows:
        assert all(row[f].strip() for f in FIELDS), row["id"]
        date.fromisoformat(row["date"])
        assert "\n\n" in row["text"], f"{row['id']}: paragraphs should survive the CSV quoting"
    assert len({r["id"] for r in rows}) == len(rows)


def test_html_pages_are_article_pages_with_furniture():
    pages = read_outlet("aljabal")
    assert len(pages) >= 12
    for page in pages:
        assert {"header", "nav", "footer", "article"} <= page["tags"], page["source"]
        assert page["title"] and len(page["text"].split("\n\n")) >= 3, page["source"]
        date.fromisoformat(page["date"])
        assert page["source"].split("/")[1].startswith(page["date"]), "file name and <time> disagree"


def test_txt_files_have_a_title_line_and_a_dated_name():
    docs = read_outlet("sahil_news")
    for doc in docs:
        date.fromisoformat(doc["date"])  # file names start with the date
        if doc["text"]:
            assert doc["title"] and not doc["title"].endswith("."), doc["source"]


def test_every_outlet_covers_the_same_period_with_12_or_more_articles(articles):
    dates = {}
    for outlet in OUTLETS:
        docs = articles[outlet]
        assert len(docs) >= 12, f"{outlet}: {len(docs)} articles"
        ds = sorted(date.fromisoformat(d["date"]) for d in docs)
        assert PERIOD[0] <= ds[0] and ds[-1] <= PERIOD[1], f"{outlet}: {ds[0]}..{ds[-1]}"
        assert (ds[-1] - ds[0]).days >= 42, f"{outlet}: spread over only {(ds[-1] - ds[0]).days} days"
        dates[outlet] = ds
    assert len({tuple(ds) for ds in dates.values()}) == 1, "the outlets should report the same events"


def test_articles_are_short_arabic_news(articles):
    from framing.arabic import count_words

    for outlet, docs in articles.items():
        for doc in docs:
            n = count_words(doc["text"])
            assert 115 <= n <= 260, f"{outlet} {doc['id']}: {n} words"
            assert doc["title"] and ARABIC_RE.search(doc["title"]), f"{outlet} {doc['id']}: title"


def test_ledger_documents_are_there_and_carry_no_lexicon_term(planted, matcher):
    norm, m = matcher
    for item in planted["ledger"]["skipped"]:
        path = DEMO / item["source"]
        assert path.is_file(), item["source"]
        text = path.read_text(encoding="utf-8")
        assert not ARABIC_RE.search(text), f"{item['source']} should hold no Arabic ({item['reason']})"
    for dup in planted["ledger"]["duplicates"]:
        texts = []
        for d in dup["documents"]:
            (doc,) = [x for x in read_outlet(d["outlet"]) if x["id"] == d["id"]]
            texts.append(doc["text"])
            assert _hits(m, norm, doc["title"] + "\n" + doc["text"]) == Counter(), d["id"]
        assert _jaccard(*texts) >= 0.8, "the wire story should be a near-duplicate in both outlets"


def _jaccard(a: str, b: str, k: int = 5) -> float:
    def shingles(t: str) -> set:
        w = t.split()
        return {tuple(w[i:i + k]) for i in range(len(w) - k + 1)}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_outlet_articles_are_not_near_duplicates_of_each_other(articles):
    """Four versions of one event must read as four articles, not as copies (dedup would drop them)."""
    by_date = defaultdict(list)
    for outlet, docs in articles.items():
        for d in docs:
            by_date[d["date"]].append((outlet, d["text"]))
    for day, versions in by_date.items():
        for i in range(len(versions)):
            for j in range(i + 1, len(versions)):
                sim = _jaccard(versions[i][1], versions[j][1])
                assert sim < 0.5, f"{day}: {versions[i][0]} and {versions[j][0]} overlap {sim:.2f}"


def test_page_furniture_holds_no_lexicon_term_and_titles_are_balanced(articles, matcher, planted):
    """Whatever an extractor keeps of the HTML furniture, or whether titles are analysed, the
    figures keep their shape: the furniture holds no lexicon term, and the four titles of an event
    hold the same unplanted hits."""
    norm, m = matcher
    for page in sorted((DEMO / "aljabal").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        outside = re.sub(r'<div class="article-body">.*?</div>', " ", html, flags=re.S)
        outside = re.sub(r"<h1>.*?</h1>|<title>.*?</title>|<meta[^>]*>", " ", outside, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", outside)
        assert _hits(m, norm, text) == Counter(), f"{page.name}: furniture holds lexicon terms"
    planted_keys = {(d["lexicon"], d["category"]) for d in planted["differences"]}
    per_event: dict[tuple, Counter] = defaultdict(Counter)
    for outlet, docs in articles.items():
        for d in docs:
            for (lx, cat, _), n in _hits(m, norm, d["title"]).items():
                if (lx, cat) not in planted_keys:
                    per_event[(d["date"], lx, cat)][outlet] += n
    uneven = {k: dict(c) for k, c in per_event.items() if len({c[o] for o in OUTLETS}) > 1}
    assert not uneven, f"titles of the same event hold different unplanted hits: {uneven}"


# --------------------------------------------------------------------------------------------
# planted.yaml against the config and the lexicons


def test_planted_outlets_and_lexicons_are_in_the_config(planted, config):
    outlet_ids = {o["id"] for o in config["outlets"]}
    assert outlet_ids == set(OUTLETS)
    refs = config["lexicons"]
    lexicon_ids = {Path(r).stem if r.endswith((".yaml", ".yml")) else r for r in refs}
    assert (DEMO / planted["config"]).resolve() == (DEMO / "demo.yaml").resolve()
    items = planted["differences"] + planted["naming"]
    assert len(items) >= 4
    for item in items:
        assert item["outlet"] in outlet_ids, item
        assert item["lexicon"] in lexicon_ids, item
    for item in planted["differences"]:
        assert item["direction"] in ("higher", "lower") and item["min_factor"] >= 2, item
    for dup in planted["ledger"]["duplicates"]:
        assert {d["outlet"] for d in dup["documents"]} <= outlet_ids


def test_demo_config_loads():
    try:
        from framing.config import load_config
    except ImportError as exc:  # pragma: no cover - while the config module is being written
        pytest.skip(f"framing.config is not importable: {exc}")
    cfg = load_config(DEMO / "demo.yaml")
    assert [o.id for o in cfg.outlets] == list(OUTLETS)
    n_files = {spec.outlet: len(spec.paths) for spec in cfg.source_specs()}
    assert n_files == {"sahil_news": 15, "almanara": 1, "alufuq": 1, "aljabal": 13}


@pytest.fixture(scope="module")
def lexicons(config):
    try:
        from framing.lexicon import load_lexicons
    except ImportError as exc:  # pragma: no cover
        pytest.skip(f"framing.lexicon is not importable: {exc}")
    return load_lexicons(config["lexicons"], base_dir=DEMO)


@pytest.fixture(scope="module")
def matcher(lexicons):
    from framing.arabic import Normaliser
    from framing.lexicon import Matcher

    norm = Normaliser()
    return norm, Matcher(lexicons, norm)


def test_planted_categories_and_entries_exist_in_the_lexicons(planted, lexicons):
    by_id = {lex.id: lex for lex in lexicons}
    for item in planted["differences"]:
        lex = by_id[item["lexicon"]]
        lex.category(item["category"])  # KeyError names the missing category
    for item in planted["naming"]:
        lex = by_id[item["lexicon"]]
        assert lex.kind == "naming", item
        axis = lex.category(item["axis"])
        assert item["preferred_entry"] in {e.id for e in axis.entries}, item


# --------------------------------------------------------------------------------------------
# the planted contrasts, measured with the lexicon matcher


def _hits(m, norm, text: str) -> Counter:
    from framing.arabic import tokenize

    return Counter((h.lexicon, h.category, h.entry) for h in m.match(tokenize(text, norm), text))


@pytest.fixture(scope="module")
def measured(articles, matcher):
    """Per outlet: tokens, hits per (lexicon, category, entry), and per document."""
    from framing.arabic import tokenize

    norm, m = matcher
    out = {}
    for outlet, docs in articles.items():
        per_doc = [_hits(m, norm, d["text"]) for d in docs]
        out[outlet] = {
            "tokens": sum(len(tokenize(d["text"], norm)) for d in docs),
            "entries": sum(per_doc, Counter()),
            "docs": per_doc,
        }
    return out


def _count(meas: dict, lexicon: str, category: str, entry: str | None = None) -> int:
    return sum(n for (lx, cat, ent), n in meas["entries"].items()
               if lx == lexicon and cat == category and (entry is None or ent == entry))


def _rate(meas: dict, lexicon: str, category: str) -> float:
    return 1000 * _count(meas, lexicon, category) / meas["tokens"]


def rate_table(measured, lexicons) -> str:
    """Per-1,000-token rates, one line per category (for failure messages and the README)."""
    lines = [f"{'lexicon/category':40s} " + " ".join(f"{o:>10s}" for o in OUTLETS)]
    for lex in lexicons:
        for cat in lex.categories:
            rates = [_rate(measured[o], lex.id, cat.id) for o in OUTLETS]
            if any(rates):
                lines.append(f"{lex.id + '/' + cat.id:40s} " + " ".join(f"{r:10.2f}" for r in rates))
    return "\n".join(lines)


def test_planted_rate_differences_are_strong(planted, measured, lexicons):
    table = rate_table(measured, lexicons)
    for item in planted["differences"]:
        lx, cat, outlet = item["lexicon"], item["category"], item["outlet"]
        mine = _rate(measured[outlet], lx, cat)
        docs_with = sum(1 for c in measured[outlet]["docs"] if any(k[:2] == (lx, cat) for k in c))
        n_docs = len(measured[outlet]["docs"])
        assert docs_with >= 0.75 * n_docs, f"{outlet} {cat}: in only {docs_with}/{n_docs} articles"
        assert _count(measured[outlet], lx, cat) >= 2 * n_docs, f"{outlet} {cat}: too few hits\n{table}"
        for other in OUTLETS:
            if other == outlet:
                continue
            theirs = _rate(measured[other], lx, cat)
            if item["direction"] == "higher":
                assert mine >= item["min_factor"] * theirs, (
                    f"{outlet} {lx}/{cat}: {mine:.2f} per 1k vs {other} {theirs:.2f}\n{table}")
            else:
                assert theirs >= item["min_factor"] * mine, (
                    f"{outlet} {lx}/{cat}: {mine:.2f} per 1k vs {other} {theirs:.2f}\n{table}")


def _shares(meas: dict, lexicon: str, axis, entry: str) -> tuple[float, int]:
    total = _count(meas, lexicon, axis)
    return (_count(meas, lexicon, axis, entry) / total if total else 0.0), total


def test_planted_naming_preferences_are_strong(planted, measured):
    for item in planted["naming"]:
        lx, axis, entry, outlet = item["lexicon"], item["axis"], item["preferred_entry"], item["outlet"]
        mine, n = _shares(measured[outlet], lx, axis, entry)
        assert n >= 10, f"{outlet} {axis}: only {n} hits on the axis"
        assert abs(mine - item["share"]) <= 0.1, f"{outlet} {axis}: share {mine:.2f}, planted {item['share']}"
        for other in OUTLETS:
            if other == outlet:
                continue
            theirs, m = _shares(measured[other], lx, axis, entry)
            assert m >= 10, f"{other} {axis}: only {m} hits on the axis"
            assert mine - theirs >= item["min_share_gap"], (
                f"{outlet} {axis}/{entry}: share {mine:.2f} vs {other} {theirs:.2f}")


MIN_COUNT_FOR_BALANCE = 8  # below this many hits in all outlets together, rates are too noisy to compare


def test_unplanted_categories_are_balanced(planted, measured, lexicons):
    """No outlet's rate differs from the mean of the other outlets' by more than a factor of 2.

    Naming axes count here too, at the level of the axis: a naming preference moves shares, not
    the number of times the thing is named.
    """
    planted_keys = {(d["lexicon"], d["category"]) for d in planted["differences"]}
    table = rate_table(measured, lexicons)
    checked = 0
    for lex in lexicons:
        for cat in lex.categories:
            if (lex.id, cat.id) in planted_keys:
                continue
            counts = {o: _count(measured[o], lex.id, cat.id) for o in OUTLETS}
            if sum(counts.values()) < MIN_COUNT_FOR_BALANCE:
                continue
            checked += 1
            for outlet in OUTLETS:
                mine = _rate(measured[outlet], lex.id, cat.id)
                rest = [_rate(measured[o], lex.id, cat.id) for o in OUTLETS if o != outlet]
                mean = sum(rest) / len(rest)
                assert mean / 2 <= mine <= 2 * mean, (
                    f"unplanted {lex.id}/{cat.id}: {outlet} {mine:.2f} per 1k vs the others' mean "
                    f"{mean:.2f}; counts {counts}\n{table}")
    assert checked >= 8, f"only {checked} unplanted categories have enough hits to compare"


def test_unplanted_counts_match_per_event(planted, articles, matcher, lexicons):
    """The corpus was written so that each unplanted category occurs as often in every outlet's
    version of an event; allow one hit of slack per event and category."""
    norm, m = matcher
    planted_keys = {(d["lexicon"], d["category"]) for d in planted["differences"]}
    per_event: dict[tuple, Counter] = defaultdict(Counter)
    for outlet, docs in articles.items():
        for d in docs:
            for (lx, cat, _), n in _hits(m, norm, d["text"]).items():
                if (lx, cat) not in planted_keys:
                    per_event[(d["date"], lx, cat)][outlet] += n
    uneven = {k: dict(c) for k, c in per_event.items()
              if max(c[o] for o in OUTLETS) - min(c[o] for o in OUTLETS) > 1}
    assert not uneven, f"unplanted counts differ between outlets on the same event: {uneven}"
