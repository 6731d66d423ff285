"""The report is short enough to read and lays out cleanly at 1,280 px: page-height budgets, no
chart label over another, long tables folded to 10 rows, the contrasts table without a sideways
scroll, a one-line navigation, "Over time" opening on the summary's categories with at most six
lines, the summary's and the declared comparison's sentences linked to their concordance lines, and
the demo's planted-vs-found panel."""

from __future__ import annotations

import json
import os
import re

import pytest

from browser_helpers import LABEL_OVERLAPS, LABELS, open_report

pytestmark = pytest.mark.browser

DEMO_BUDGET = 12_000  # px at 1,280 px wide
LARGE_BUDGET = 20_000  # a study of SaudiNewsNet's size: 14 outlets, every table long


def _height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


@pytest.fixture(params=["demo", "large"])
def study(request):
    return request.param, request.getfixturevalue(f"{request.param}_report")


def test_page_height_budget(chromium, study, artifacts):
    name, report = study
    got = open_report(chromium, report)
    height = _height(got.page)
    sections = got.page.eval_on_selector_all(
        "main > section", "els => Object.fromEntries(els.map(e => [e.id, Math.round(e.getBoundingClientRect().height)]))")
    (artifacts / f"report-height-{name}.json").write_text(json.dumps({
        "report": str(report), "width": 1280, "height": height, "sections": sections,
        "seconds_until_all_figures_drawn": round(got.seconds, 2), "load_average": os.getloadavg()}, indent=2) + "\n")
    budget = DEMO_BUDGET if name == "demo" else LARGE_BUDGET
    assert height <= budget, f"{name}: {height} px tall, budget {budget}: {sections}"
    got.close()


def test_no_chart_label_overlaps_another(chromium, study):
    _, report = study
    got = open_report(chromium, report)
    assert got.page.evaluate(LABEL_OVERLAPS, LABELS) == []
    # the check sees the labels: every visible chart has some
    n = got.page.evaluate("(sel) => Array.from(document.querySelectorAll('figure.chart')).filter(f => f.checkVisibility())"
                          ".map(f => f.querySelectorAll(sel).length)", LABELS)
    assert n and min(n) > 0
    got.close()


def test_long_tables_are_folded_and_unfold(chromium, study):
    _, report = study
    got = open_report(chromium, report)
    page = got.page
    tables = page.eval_on_selector_all("table[data-fold]", "ts => ts.map(t => [t.id, t.tBodies[0].rows.length])")
    assert len(tables) >= 3
    for tid, rows in tables:
        shown = page.eval_on_selector_all(f"#{tid} tbody tr:not([hidden])", "rs => rs.length")
        assert shown == 10 and rows > 10, tid
    # no table shows more than 10 rows unless asked
    long = page.eval_on_selector_all(
        "table.data:not(.kwic):not(.planted)", "ts => ts.filter(t => t.tBodies[0] && "
        "Array.from(t.tBodies[0].rows).filter(r => !r.hidden).length > 10).map(t => t.id)")
    assert long == []
    tid, rows = max(tables, key=lambda t: t[1])
    page.evaluate(f"() => {{ let d = document.getElementById('{tid}').closest('details');"
                  " while (d) { d.open = true; d = d.parentElement.closest('details'); } }")
    page.click(f"button.fold-toggle[aria-controls='{tid}']")
    assert page.eval_on_selector_all(f"#{tid} tbody tr:not([hidden])", "rs => rs.length") == rows
    assert page.get_attribute(f"button.fold-toggle[aria-controls='{tid}']", "aria-expanded") == "true"
    got.close()


def test_contrasts_table_fits_and_navigation_is_one_line(chromium, study):
    _, report = study
    got = open_report(chromium, report, width=1280)
    page = got.page
    page.evaluate("() => document.querySelectorAll('#contrasts details').forEach(d => d.open = true)")
    for tid in page.eval_on_selector_all("#contrasts table.data", "ts => ts.map(t => t.id)"):
        wrap = page.evaluate(f"() => {{ const w = document.getElementById('{tid}').closest('.table-wrap');"
                             " return [w.scrollWidth, w.clientWidth]; }")
        assert wrap[0] <= wrap[1] + 1, f"{tid} scrolls sideways at 1,280 px: {wrap}"
        heads = page.eval_on_selector_all(f"#{tid} thead th", "ths => ths.map(t => t.textContent)")
        assert any(h.startswith("q") for h in heads) and "Warning" in heads
    tops = page.eval_on_selector_all("nav.toc li", "lis => lis.map(l => Math.round(l.getBoundingClientRect().top))")
    assert len(tops) >= 10 and len(set(tops)) == 1, tops
    got.close()


def test_over_time_opens_on_the_summary_with_at_most_six_lines(chromium, study):
    _, report = study
    got = open_report(chromium, report)
    page = got.page
    spec = json.loads(page.text_content("#fig-time-spec"))["figure"]
    shown = [t for t in spec["data"] if t.get("visible") is True and t.get("mode") == "lines+markers"]
    ribbons = [t for t in spec["data"] if t.get("visible") is True and t.get("fill") == "toself"]
    assert 1 <= len(shown) <= 6 and len(ribbons) == len(shown)
    first = page.eval_on_selector_all("#summary a.kwic-link", "as => as.map(a => a.dataset.kwicCategory)")
    assert first, "the summary has linked sentences"
    title = spec["layout"]["title"]["text"]
    labels = page.eval_on_selector_all("#kwic-category option", "os => Object.fromEntries(os.map(o => [o.value, o.textContent]))")
    assert title.endswith(labels[first[0]]), (title, labels[first[0]])
    got.close()


def test_summary_sentences_link_to_their_concordance_lines(chromium, demo_report):
    got = open_report(chromium, demo_report)
    page = got.page
    link = page.query_selector("#summary a.kwic-link")
    outlet, category = link.get_attribute("data-kwic-outlet"), link.get_attribute("data-kwic-category")
    link.click()
    rows = page.eval_on_selector_all("#kwic-rows tr:not([hidden])", "rs => rs.map(r => [r.dataset.outlet, r.dataset.category])")
    assert rows and all(r == [outlet, category] for r in rows)
    assert page.evaluate("() => location.hash") == "#kwic"
    got.close()


def test_comparison_sentences_link_to_their_concordance_lines(chromium, focused_report):
    """A sentence of the declared comparison links to the category's lines on each side: the
    concordance then shows only lines of that category from the outlets of that side."""
    from browser_helpers import FOCUS

    got = open_report(chromium, focused_report)
    page = got.page
    links = page.query_selector_all("#focus a.kwic-link")
    assert links, "the comparison's sentences carry links"
    seen = 0
    for link in links:
        side, category = link.get_attribute("data-kwic-side"), link.get_attribute("data-kwic-category")
        outlets = set(FOCUS["groups"].get(side, [side]))
        link.click()
        assert page.input_value("#kwic-side") == side and page.input_value("#kwic-category") == category
        rows = page.eval_on_selector_all("#kwic-rows tr:not([hidden])",
                                         "rs => rs.map(r => [r.dataset.outlet, r.dataset.category])")
        assert all(o in outlets and c == category for o, c in rows), (side, category, rows[:3])
        seen += len(rows)
    assert seen, "some link finds lines in the embedded sample"
    assert page.evaluate("() => location.hash") == "#kwic" and got.errors == []
    got.close()


def test_demo_shows_planted_vs_found(chromium, demo_report):
    from framing.demo import load_planted

    planted = load_planted()
    got = open_report(chromium, demo_report)
    page = got.page
    rows = page.eval_on_selector_all("#t-planted tbody tr", "rs => rs.map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
    n = len(planted["differences"]) + len(planted["naming"])
    assert len(rows) == n + 1  # and the row for what was found without being planted
    for r in rows[:n]:
        assert r[-1] == "✓ found", r
        assert re.match(r"^\d", r[3]) and "–" in r[4] and r[5]  # measured, interval, q
    assert "25×" in rows[0][2]
    assert page.text_content("#planted .planted-score").startswith(f"{n} of {n}")
    assert page.is_visible("aside.howto") and "How to read this page" in page.text_content("aside.howto")
    got.close()
