"""The report stage without a browser: escaping, CSP, assets, sections, missing tables, size guard."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from framing.report import write_report
from framing.report.kwic import kwic_lines, locate, sample_matches
from framing.report.render import CSP, bidi_runs, environment
from framing.report.tables import fmt, table_view
from test_report_sample import OUTLETS, XSS_TEXT, XSS_TITLE, sample_result

SECTIONS = ["summary", "frames", "naming", "voice", "markers", "contrasts", "keyness", "topics", "classifiers", "time",
            "wire", "kwic", "ledger", "methods"]


class Page(HTMLParser):
    """Every start tag with its attributes, the text of each <script>, and text outside scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.text: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._script = a
            self.scripts.append((a, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            a, t = self.scripts[-1]
            self.scripts[-1] = (a, t + data)
        else:
            self.text.append(data)


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str, Page]:
    out = tmp_path_factory.mktemp("report")
    path = write_report(sample_result(), out)
    html = path.read_text(encoding="utf-8")
    return out, html, parse(html)


def test_writes_index_and_plotly_once(report):
    out, html, page = report
    assert (out / "index.html").is_file()
    bundles = [p for p in out.rglob("*.js") if "plotly" in p.name]
    assert [p.relative_to(out).as_posix() for p in bundles] == ["assets/plotly.min.js"]
    from plotly.offline import get_plotlyjs

    assert (out / "assets" / "plotly.min.js").read_text(encoding="utf-8") == get_plotlyjs()
    srcs = [a["src"] for t, a in page.tags if t == "script" and "src" in a]
    assert srcs == ["assets/plotly.min.js", "assets/report.js"]
    assert len(html) < 1_000_000 and "Plotly.newPlot" not in html  # the bundle is not inlined
    assert (out / "assets" / "report.css").is_file()


def test_second_write_keeps_one_bundle(tmp_path):
    r = sample_result()
    write_report(r, tmp_path)
    write_report(r, tmp_path)
    assert len([p for p in tmp_path.rglob("*plotly*")]) == 1


def test_content_security_policy(report):
    _, _, page = report
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    assert len(metas) == 1
    policy = {d.split()[0]: d.split()[1:] for d in metas[0]["content"].split("; ")}
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'none'"]
    assert "'unsafe-eval'" not in metas[0]["content"] and "http" not in metas[0]["content"]
    assert metas[0]["content"] == CSP


def test_no_inline_code_and_no_remote_resource(report):
    _, html, page = report
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)  # no inline event handlers
        for key in ("src", "href", "action", "data", "srcset"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:|//|javascript:|data:)", value, re.I), (tag, key, value)
    for attrs, body in page.scripts:
        if "src" in attrs:
            assert body.strip() == ""
        else:  # data only, never code
            assert attrs.get("type") == "application/json", attrs
            json.loads(body)
    assert "<img" not in html.lower().replace("&lt;img", "")


def test_corpus_and_config_text_escaped(report):
    _, html, page = report
    text = "".join(page.text)
    # the injections are shown as text ...
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "Sample study <script>alert('title')</script>" in text
    assert "Ufuq <b>&amp; Co</b>" in text  # an outlet name with markup, shown literally
    # ... and never as markup
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>&amp; Co</b>" not in html
    scripts = [a for t, a in page.tags if t == "script"]
    assert all(a.get("type") == "application/json" or a.get("src", "").startswith("assets/") for a in scripts)
    # figure data cannot close its <script> block
    for attrs, body in page.scripts:
        assert "</" not in body and "<" not in body


def test_plotly_labels_escape_markup(report):
    _, _, page = report
    names = []
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            names += [t.get("name", "") for t in json.loads(body)["figure"]["data"]]
    assert "Ufuq &lt;b&gt;&amp;amp; Co&lt;/b&gt;" in names  # plotly shows entities literally, not <b>
    assert not any("<b>" in n for n in names)


def test_sections_in_reading_order(report):
    _, html, page = report
    ids = [a["id"] for t, a in page.tags if t == "section"]
    assert ids == SECTIONS
    assert "could not be drawn" not in html
    figures = [a["id"] for t, a in page.tags if t == "figure"]
    assert {"fig-frames-conflict", "fig-markers-attribution", "fig-contrast-matrix", "fig-contrast-rest",
            "fig-topic-mix", "fig-confusion", "fig-time", "fig-model-frames-svm"} <= set(figures)
    for t, a in page.tags:
        if t == "figure":
            assert a["data-spec"] == a["id"] + "-spec"


def test_element_ids_unique(tmp_path):
    r = sample_result()
    r.tables["keyness"] = pd.concat([r.tables["keyness"],
                                     r.tables["keyness"].assign(outlet=r.tables["keyness"]["outlet"] + ".")])
    page = parse(write_report(r, tmp_path).read_text(encoding="utf-8"))
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids)) > 50


def test_arabic_marked_rtl(report):
    _, _, page = report
    rtl = [a for t, a in page.tags if a.get("dir") == "rtl"]
    assert rtl and all(a.get("lang") == "ar" for a in rtl if "lang" in a)
    assert 'lang="ar"' in report[1]


def test_headlines_and_stage_notes_shown(report):
    _, _, page = report
    text = "".join(page.text)
    assert "Al-Sahil uses occupation terms 3.1×" in text
    assert "KMeans chose 2 topics." in text
    assert "3 of 27 documents have no date <b>and</b> are left out" in text  # a note, escaped


def test_ledger_counts_in_equals_out(report):
    _, _, page = report
    text = " ".join(" ".join(page.text).split())
    assert "27 documents in = 25 analysed + 2 skipped" in text
    assert "empty document" in text


def test_every_table_is_rendered_or_linked(tmp_path):
    r = sample_result()
    r.tables["mystery_table"] = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    html = write_report(r, tmp_path).read_text(encoding="utf-8")
    for name in r.tables:
        assert f"data/{name}.csv" in html, name


def test_missing_and_empty_tables_explained(tmp_path):
    r = sample_result()
    for name in ("outlet_scores", "contrasts", "keyness", "naming_shares", "timeline", "headlines", "topics",
                 "topic_mix", "outlet_confusion", "outlet_cv", "outlet_features", "model_shares", "agreement"):
        r.tables.pop(name)
    r.tables["keyness"] = pd.DataFrame(columns=["outlet", "versus", "term", "count", "z"])
    r.notes = {"stats": ["The statistics stage failed: bootstrap needs two documents."]}
    r.manifest.pop("stages")
    html = write_report(r, tmp_path).read_text(encoding="utf-8")
    page = parse(html)
    assert [a["id"] for t, a in page.tags if t == "section"] == SECTIONS
    text = " ".join(" ".join(page.text).split())
    assert "could not be drawn" not in text
    assert "No frame scores in this run. The statistics stage noted: The statistics stage failed" in text
    assert "No keyness results in this run (the table is empty)." in text
    assert "topic modelling did not run" in text
    assert "the classifier stage did not run" in text
    assert "No timeline in this run." in text
    assert [a for t, a in page.tags if t == "figure"] == []


def test_broken_table_costs_one_section_only(tmp_path):
    r = sample_result()
    r.tables["contrasts"] = pd.DataFrame({"category": ["x"], "nonsense": [1]})
    html = write_report(r, tmp_path).read_text(encoding="utf-8")
    assert html.count("could not be drawn") == 1
    assert 'id="fig-frames-conflict"' in html


def test_size_guard_shrinks_embedded_rows(tmp_path):
    r = sample_result()
    m = r.tables["matches"]
    big = pd.concat([m] * 400, ignore_index=True)  # ~40k hits
    big["sentence"] = big["sentence"] + " " + "نص طويل " * 60
    r.tables["matches"] = big
    r.config.report.kwic_rows = 20_000
    r.config.report.max_page_mb = 0.8
    html = write_report(r, tmp_path).read_text(encoding="utf-8")
    assert len(html.encode()) <= 800_000
    assert "To keep this page under 0.8 MB" in html
    assert f"of the {len(big):,} hits" in html


def test_kwic_sample_is_balanced_and_seeded():
    r = sample_result()
    m = r.tables["matches"]
    groups = m.groupby(["outlet", "lexicon", "category"]).ngroups
    s1 = sample_matches(m, groups, seed=1)
    assert len(s1) == groups
    assert s1.groupby(["outlet", "lexicon", "category"]).ngroups == groups  # one of each
    assert s1.index.tolist() == sample_matches(m, groups, seed=1).index.tolist()


def test_kwic_hit_located_in_sentence():
    text = "الجملة الأولى. قالت المصادر إن الاحتلال مستمر. ثم قالت المصادر إن الاحتلال انتهى."
    second = text.rindex("الاحتلال")
    sentence = "ثم قالت المصادر إن الاحتلال انتهى."
    a, b = locate(sentence, "الاحتلال", second, second + len("الاحتلال"), text)
    assert sentence[a:b] == "الاحتلال"
    # without the document text, the surface is found in the sentence
    assert locate(sentence, "الاحتلال", 0, 0, None) == (a, b)
    assert locate(sentence, "غائب", 0, 0, None) is None


def test_kwic_lines_split_left_hit_right():
    r = sample_result()
    lines = kwic_lines(r.tables["matches"], r.texts, 1000, 0, OUTLETS, {})
    assert lines and all(ln.located for ln in lines)
    for ln in lines:
        assert ln.hit == ln.entry or ln.hit in ln.entry or ln.entry in ln.hit
    xss = [ln for ln in lines if ln.doc_id == "ufuq-xss"]
    assert xss and any("<script>" in (ln.left + ln.right) for ln in xss)
    assert XSS_TEXT and XSS_TITLE


def test_page_is_deterministic(tmp_path):
    r = sample_result()
    a = write_report(r, tmp_path / "a").read_text(encoding="utf-8")
    b = write_report(sample_result(), tmp_path / "b").read_text(encoding="utf-8")
    strip = re.compile(r"Generated [^·]*·")
    assert strip.sub("", a) == strip.sub("", b)


def test_autoescape_is_on():
    env = environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.get_template("macros.html").module  # templates compile


def test_bidi_runs():
    assert bidi_runs("plain") == [("plain", False)]
    assert bidi_runs("نص عربي كامل") == [("نص عربي كامل", True)]
    runs = bidi_runs("Outlet الجزيرة uses the term احتلال often")
    assert ("الجزيرة", True) in runs and ("احتلال", True) in runs
    assert "".join(p for p, _ in runs) == "Outlet الجزيرة uses the term احتلال often"


def test_table_view_limits_and_formats():
    df = pd.DataFrame({"outlet": ["a", "b", "c"], "term": ["احتلال", "x", "y"], "z": [1.23456, float("nan"), 12345.6]})
    t = table_view(df, id="t", caption="c", name="keyness", max_rows=2, sort_by="z", ascending=False)
    assert t.total == 3 and t.shown == 2 and t.truncated
    assert "all 3 rows are in data/keyness.csv" in t.note
    assert [c.text for c in t.rows[0]] == ["c", "y", "12,346"]
    assert t.rows[1][1].rtl and not t.rows[0][1].rtl
    assert fmt(float("nan")) == "" and fmt(0.000123) == "1.2e-04" and fmt(True) == "yes"


def test_plotly_imported_by_figures_only():
    root = Path(__file__).resolve().parents[1] / "framing"
    importers = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")
                       if re.search(r"^\s*(import plotly|from plotly)", p.read_text(encoding="utf-8"), re.M))
    assert importers == ["report/figures.py"]
    code = "import sys, framing.report; from framing.report import render; assert 'plotly' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_voice_section_shows_own_beside_sourced_and_the_speakers(report):
    _, html, page = report
    text = " ".join(" ".join(page.text).split())
    assert "own voice per 1k words" in text and "sourced per 1k words" in text
    assert "Who is quoted using these frames" in text and "الوزير" in text
    assert "the outlet's own voice" in text  # which hits the rates above count (stats.voice: own)
