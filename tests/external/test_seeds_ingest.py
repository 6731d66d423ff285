"""The corpus stage on the five real seed articles read with `outlet: auto`: outlets, furniture,
wire credits and the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from framing.config import load_config
from framing.corpus import ledger_frame
from tests.corpus_of_config import load_corpus

pytestmark = pytest.mark.external

# the page furniture of the seed pages, and where it occurs in them
FURNITURE = {
    "001": ["التعليقات (0)", "خبر عاجل", "اقرأ أيضا:"],
    "002": ["مشاركة الصفحة:", "آخر الأخبار", "اعلان جانبي", "فيديو", "اختيار المحرر", "(الجزيرة + وكالات)"],
    "000": ["المصدر : الجزيرة + وكالات"],
    "004": ["An error occurred while retrieving the Tweet", "المصدر: الميادين + وكالات", "(أ.ف.ب)"],
}
CAPTION_001 = 'دعا بوتين وماكرون إلى وقف فوري لإطلاق النار بإقليم "قره باغ" الانفصالي'


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path):
    # the cleaned body is what these tests look at, so the headline is not put before it
    cfg = load_config({"title": "seeds", "lexicons": [], "sources": [{"path": str(seeds_dir), "outlet": "auto"}],
                       "corpus": {"analyse_titles": False}}, base_dir=seeds_dir.parent)
    docs = load_corpus(cfg)
    return {Path(d.source).name[:3]: d for d in docs}, docs


def test_every_seed_is_analysed(seeds):
    by_seed, docs = seeds
    assert sorted(by_seed) == ["000", "001", "002", "003", "004"]
    assert all(d.analysed for d in docs), [d.reason for d in docs]
    assert len(ledger_frame(docs)) == 5


@pytest.mark.parametrize("seed, outlet", [("000", "aljazeera"), ("002", "aljazeera"), ("004", "almayadeen"), ("001", "arabi21")])
def test_outlet_inferred_from_the_text(seeds, seed, outlet):
    doc = seeds[0][seed]
    assert doc.outlet == outlet and doc.outlet_inferred == outlet
    assert doc.doc_id.startswith(outlet + "-")


def test_source_lines(seeds):
    by_seed = seeds[0]
    assert by_seed["000"].source_line == "المصدر : الجزيرة + وكالات"
    assert by_seed["002"].source_line == "(الجزيرة + وكالات)"
    assert by_seed["004"].source_line == "المصدر: الميادين + وكالات"


def test_003_is_wire_copy_from_afp(seeds):
    doc = seeds[0]["003"]
    assert doc.is_wire and "AFP" in doc.wire_agencies
    assert doc.outlet_inferred == ""
    row = ledger_frame([doc]).iloc[0]
    assert bool(row["is_wire"]) and "AFP" in row["wire_agencies"].split(";")


def test_signed_articles_are_not_wire(seeds):
    assert not any(seeds[0][s].is_wire for s in ("000", "001", "002", "004"))


@pytest.mark.parametrize("seed", sorted(FURNITURE))
def test_furniture_absent_from_text_and_present_in_removed(seeds, seed):
    doc = seeds[0][seed]
    for piece in FURNITURE[seed]:
        assert piece not in doc.text, piece
        assert any(piece in r for r in doc.removed), piece


def test_read_also_line_removed_whole(seeds):
    doc = seeds[0]["001"]
    assert "روسيا تريد ليّ ذراع أرمينيا" not in doc.text
    assert "عربي21" not in doc.text


def test_repeated_caption_of_001_appears_once(seeds):
    doc = seeds[0]["001"]
    assert doc.text.count(CAPTION_001) == 1
    assert "جيتي" not in doc.text


def test_article_text_survives_cleaning(seeds):
    by_seed = seeds[0]
    # first and last sentences of the bodies, and a subheading inside a text, are kept
    assert by_seed["000"].text.startswith("أفادت وزارة الدفاع الأذربيجانية")
    assert by_seed["000"].text.endswith("فضلا عن تلال إستراتيجية.")
    assert "\nحماية المدنيين\n" in by_seed["000"].text
    assert by_seed["002"].text.endswith("لبحث الوضع في قره باغ.")
    assert by_seed["003"].text.endswith("تقارب خمسة آلاف قتيل.")
    assert by_seed["004"].text.endswith("للمشاركة في القتال.")
    assert by_seed["001"].title.startswith("فشل للوساطات")
    assert by_seed["000"].title.startswith("قره باغ.. أذربيجان تحذر")


def test_wire_agencies_quoted(seeds):
    by_seed = seeds[0]
    assert by_seed["001"].wire_agencies == ["TASS", "Reuters"]
    assert by_seed["000"].wire_agencies == ["Anadolu"]
    assert by_seed["004"].wire_agencies == ["AFP"]
