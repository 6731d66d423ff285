"""The report in a real browser (Debian's Chromium), offline: it draws every figure, logs no error,
sends no request, marks Arabic right-to-left, filters the concordance, runs no injected code, reads
at phone width and offers its downloads."""

from __future__ import annotations

import json
import re

import pytest

from browser_helpers import INJECT_OUTLET, INJECT_TITLE, open_report

pytestmark = pytest.mark.browser

# Text nodes with Arabic letters that are not inside an element marked dir="rtl". Excluded: <pre>
# (the config shown as YAML code) and plotly's SVG (chart labels: SVG text has no dir attribute; the
# browser's bidi algorithm orders them).
UNMARKED_ARABIC = """() => {
  const ar = /[\\u0600-\\u06FF\\u0750-\\u077F\\u08A0-\\u08FF\\uFB50-\\uFDFF\\uFE70-\\uFEFF]/;
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode, el = n.parentElement;
    if (!ar.test(n.data) || el.closest('script, style, pre, svg')) continue;
    if (!el.closest('[dir="rtl"]')) out.push(el.tagName + ': ' + n.data.trim().slice(0, 60));
  }
  return out;
}"""


def _visible_kwic(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#kwic-rows tr:not([hidden])",
        "rows => rows.map(r => ({outlet: r.dataset.outlet, category: r.dataset.category, entry: r.dataset.entry}))")


def test_opens_offline_without_errors(chromium, report):
    got = open_report(chromium, report)
    assert got.requests == [], f"requests left the page: {got.requests}"
    assert got.errors == []
    assert [m for m in got.console if m[0] in ("error", "warning")] == []
    assert got.dialogs == []
    got.close()


def test_every_figure_rendered(chromium, report):
    got = open_report(chromium, report)
    page = got.page
    figures = page.eval_on_selector_all("figure.chart", "els => els.map(e => e.id)")
    assert len(figures) >= 5
    missing = page.eval_on_selector_all(
        "figure.chart", "els => els.filter(e => !e.querySelector('.plot svg.main-svg')).map(e => e.id)")
    assert missing == []
    assert page.get_attribute("html", "data-figures-drawn") == str(len(figures))
    # and they have content: bars, cells or points
    empty = page.eval_on_selector_all(
        "figure.chart", "els => els.filter(e => !e.querySelector('.plot .trace, .plot .hm, .plot image')).map(e => e.id)")
    assert empty == []
    got.close()


def test_arabic_is_right_to_left(chromium, report):
    got = open_report(chromium, report)
    assert got.page.evaluate(UNMARKED_ARABIC) == []
    n_rtl = got.page.eval_on_selector_all('[dir="rtl"][lang="ar"]', "els => els.length")
    assert n_rtl > 20
    assert got.page.get_attribute("html", "dir") == "ltr" and got.page.get_attribute("html", "lang") == "en"
    got.close()


def test_kwic_filters_and_pages(chromium, report):
    got = open_report(chromium, report)
    page = got.page
    rows = page.eval_on_selector_all("#kwic-rows tr", "rows => rows.length")
    size = int(page.get_attribute("#kwic-table", "data-page-size"))
    assert len(_visible_kwic(page)) == min(rows, size)

    outlets = page.eval_on_selector_all("#kwic-outlet option", "os => os.map(o => o.value).filter(Boolean)")
    counts = {}
    for outlet in outlets:
        page.select_option("#kwic-outlet", outlet)
        shown = _visible_kwic(page)
        assert shown, outlet
        assert {r["outlet"] for r in shown} == {outlet}
        counts[outlet] = int(re.search(r"of (\d+)", page.text_content("#kwic-status")).group(1)) \
            if "matching" in page.text_content("#kwic-status") else rows
    assert sum(counts.values()) == rows  # the outlets partition the lines

    outlet = max(counts, key=counts.get)
    page.select_option("#kwic-outlet", outlet)
    cats = page.eval_on_selector_all("#kwic-category option", "os => os.map(o => o.value).filter(Boolean)")
    some = False
    for cat in cats:
        page.select_option("#kwic-category", cat)
        shown = _visible_kwic(page)
        assert all(r["outlet"] == outlet and r["category"] == cat for r in shown)
        some = some or bool(shown)
    assert some

    page.click("#kwic-reset")
    page.wait_for_function("() => true")  # let the reset handler run
    page.wait_for_timeout(50)
    assert len(_visible_kwic(page)) == min(rows, size)
    if rows > size:
        first = page.text_content("#kwic-rows tr:not([hidden]) td.ctx")
        page.click("#kwic-next")
        assert page.text_content("#kwic-page").startswith("page 2")
        assert page.text_content("#kwic-rows tr:not([hidden]) td.ctx") != first or rows <= size
    got.close()


def test_injected_markup_runs_nothing(chromium, demo_report, sample_report):
    for report in (demo_report, sample_report):
        got = open_report(chromium, report)
        page = got.page
        assert got.dialogs == [] and got.errors == []
        assert [m for m in got.console if m[0] == "error"] == []
        assert page.eval_on_selector_all('img[src="x"], img', "els => els.length") == 0
        scripts = page.eval_on_selector_all(
            "script", "els => els.map(s => s.getAttribute('src') || s.getAttribute('type'))")
        assert all(s in ("assets/plotly.min.js", "assets/report.js", "assets/wire.js", "application/json") for s in scripts), scripts
        body = page.text_content("body")  # the text of folded tables and closed details too
        assert "<script>alert(1)</script>" in body  # shown as text
        assert "<img src=x onerror=alert(1)>" in body
        got.close()
    got = open_report(chromium, demo_report)
    text = got.page.text_content("#ledger")
    assert "<script>alert(1)</script>" in text and INJECT_TITLE.split()[0] in text
    assert INJECT_OUTLET in got.page.text_content("#kwic") or INJECT_OUTLET in got.page.text_content("#ledger")
    got.close()


def test_downloads(chromium, sample_report):
    got = open_report(chromium, sample_report)
    page = got.page
    fig = "#fig-frames-conflict"
    with page.expect_download() as d:
        page.click(f"{fig} button[data-action=csv]")
    csv = open(d.value.path(), encoding="utf-8-sig").read().splitlines()
    assert csv[0].startswith("outlet,lexicon,category,count")
    assert len(csv) > 4
    with page.expect_download() as d:
        page.click(f"{fig} button[data-action=svg]")
    assert d.value.suggested_filename.endswith(".svg")
    assert open(d.value.path(), encoding="utf-8").read().lstrip().startswith("<svg")
    with page.expect_download() as d:
        page.click(f"{fig} button[data-action=png]")
    assert d.value.suggested_filename.endswith(".png")
    assert open(d.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert page.get_attribute(f"{fig} a[download]", "href") == "data/outlet_scores.csv"
    assert got.requests == []
    got.close()


def test_phone_width(chromium, report):
    got = open_report(chromium, report, width=390, height=844)
    page = got.page
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at phone width"
    widths = page.eval_on_selector_all("figure.chart .main-svg", "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and max(widths) <= 390
    got.close()


def test_screenshot_and_load_time(chromium, demo_report, artifacts):
    got = open_report(chromium, demo_report)
    got.page.screenshot(path=str(artifacts / "report.png"))
    got.page.screenshot(path=str(artifacts / "report-full.png"), full_page=True)
    timing = got.page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                               " return {domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }")
    (artifacts / "report-load.json").write_text(json.dumps({
        "report": str(demo_report), "bytes_index_html": demo_report.stat().st_size,
        "seconds_until_all_figures_drawn": round(got.seconds, 3), **{k: round(v) for k, v in timing.items()},
    }, indent=2) + "\n")
    assert (artifacts / "report.png").stat().st_size > 10_000
    got.close()
    phone = open_report(chromium, demo_report, width=390, height=844)
    phone.page.screenshot(path=str(artifacts / "report-phone.png"))
    phone.close()


def test_lexicon_entry_links_open_its_concordance(chromium, demo_report):
    """An entry of a lexicon's glossary table leads to the concordance filtered to that entry."""
    got = open_report(chromium, demo_report)
    page = got.page
    href = page.get_attribute("a[href^='#kwic/conflict/']", "href")
    _, lexicon, entry = href.split("/")
    page.eval_on_selector(f"a[href='{href}']", "a => { a.closest('details').open = true; }")  # the glossary is folded
    page.click(f"a[href='{href}']")
    page.wait_for_function("() => window.location.hash.startsWith('#kwic/')")
    assert page.input_value("#kwic-lexicon") == lexicon
    assert page.input_value("#kwic-entry") == entry
    shown = _visible_kwic(page)
    assert shown and all(r["entry"] == entry for r in shown)
    assert got.errors == []
    got.close()


def test_same_story_section_shows_copies_side_by_side_and_filters(chromium, demo_report):
    got = open_report(chromium, demo_report)
    page = got.page
    pairs = page.eval_on_selector_all("#wire-pairs .wire-pair", "ps => ps.map(p => p.dataset.outlet)")
    assert len(pairs) >= 3
    assert page.get_attribute("#wire-pairs .wire-cols", "dir") == "rtl"
    assert page.eval_on_selector_all("#wire-pairs .w-framing", "els => els.length") >= 6
    page.evaluate("() => document.querySelector('details.wire-side').open = true")  # the copies are folded
    page.select_option("#wire-outlet", "aljabal")
    shown = page.eval_on_selector_all("#wire-pairs .wire-pair:not([hidden])", "ps => ps.map(p => p.dataset.outlet)")
    assert shown and set(shown) == {"aljabal"}
    page.select_option("#wire-kind", "quote_added")
    kinds = page.eval_on_selector_all("#wire-pairs .wire-pair:not([hidden])", "ps => ps.map(p => p.dataset.kinds)")
    assert kinds and all("quote_added" in k.split() for k in kinds)
    assert page.text_content("#wire-status").startswith(f"{len(kinds)} of {len(pairs)}")
    page.click("#wire-filters button[type=reset]")
    page.wait_for_timeout(50)
    assert page.eval_on_selector_all("#wire-pairs .wire-pair:not([hidden])", "ps => ps.length") == len(pairs)
    got.close()
