"""Attribution: source lines, signatures, `outlet: auto`, contradictions, wire copy, agencies."""

from __future__ import annotations

import pytest

from framing.config import ConfigError, load_config
from framing.corpus.attribute import agency_mentions, parse_credit
from framing.corpus.profiles import load_rules
from tests.corpus_of_config import load_corpus
from test_corpus_helpers import article, by_source, config, paragraph

RULES = load_rules()


def _mentions(text):
    return agency_mentions(text, RULES)


@pytest.mark.parametrize(
    "line, outlets, agencies, generic",
    [
        ("المصدر : الجزيرة + وكالات", ["aljazeera"], [], True),
        ("(الجزيرة + وكالات)", ["aljazeera"], [], True),
        ("المصدر: الميادين + وكالات", ["almayadeen"], [], True),
        ("المصدر: الجزيرة + رويترز + الفرنسية", ["aljazeera"], ["Reuters", "AFP"], False),
        ("(أ ف ب)", [], ["AFP"], False),
        ("المصدر: رويترز", [], ["Reuters"], False),
        ("المصدر: وكالة الأناضول", [], ["Anadolu"], False),
    ],
)
def test_source_lines(line, outlets, agencies, generic):
    credit = parse_credit(line, RULES)
    assert credit is not None
    assert credit.outlets == outlets and credit.agencies == agencies and credit.generic_agencies == generic


@pytest.mark.parametrize("line", ["(وهو ما نفته الحكومة)", "المصدر: مسؤول رفيع في الوزارة", "(2)", paragraph(1)])
def test_not_source_lines(line):
    assert parse_credit(line, RULES) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال لوكالة فرانس برس إن المعارك مستمرة", ["AFP"]),
        ("ونقلت وكالة تاس للأنباء عن الكرملين قوله", ["TASS"]),
        ("في اليوم التاسع من الشهر قال الوزير", []),
        ("وصل الوفد إلى مدينة قنا في الصعيد", []),
        ("ذكرت وكالة الأنباء القطرية (قنا) أن الأمير", ["QNA"]),
        ("وبحسب الأناضول فإن الجيش تقدم، وقالت رويترز لاحقا", ["Anadolu", "Reuters"]),
        ("وأبلغ مصدران لوكالة رويترز وللأناضول أن", ["Reuters", "Anadolu"]),
        ("وقال المسؤول (أ ف ب) إن", ["AFP"]),
        ("تحدث أ ف ب عن أمور", []),  # an abbreviation outside a credit
        ("فاز مانشستر يونايتد على خصمه", []),
        ("ذكرت AFP أن", ["AFP"]),
    ],
)
def test_agency_mentions(text, expected):
    assert _mentions(text) == expected


def _write(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")


def test_outlet_auto_from_source_lines_and_signatures(tmp_path):
    _write(tmp_path, "jz.txt", "عنوان\n" + article(1) + "\nالمصدر : الجزيرة + وكالات")
    _write(tmp_path, "jz2.txt", "عنوان\n" + article(2) + "\n(الجزيرة + وكالات)\nمشاركة الصفحة:")
    _write(tmp_path, "my.txt", "عنوان\n" + article(3) + "\nالمصدر: الميادين + وكالات")
    _write(tmp_path, "a21.txt", "عنوان\n" + article(4) + '\nاقرأ أيضا: خبير لـ"عربي21": كلام\n' + paragraph(9) + "\nالتعليقات (0)")
    _write(tmp_path, "none.txt", "عنوان\n" + article(5))
    docs = by_source(load_corpus(config(tmp_path, [{"path": "*.txt", "outlet": "auto"}])))
    assert {s: d.outlet for s, d in docs.items()} == {
        "a21.txt": "arabi21", "jz.txt": "aljazeera", "jz2.txt": "aljazeera", "my.txt": "almayadeen", "none.txt": "unknown",
    }
    assert docs["jz.txt"].outlet_inferred == "aljazeera" and docs["jz.txt"].source_line == "المصدر : الجزيرة + وكالات"
    assert docs["none.txt"].outlet_inferred == "" and docs["none.txt"].warnings
    assert docs["jz.txt"].doc_id == "aljazeera-jz"


def test_inferred_outlet_maps_to_the_configured_outlet_by_name(tmp_path):
    _write(tmp_path, "jz.txt", "عنوان\n" + article(1) + "\nالمصدر : الجزيرة + وكالات")
    cfg = load_config({"title": "t", "lexicons": [], "outlets": [{"id": "jz", "name": "Al Jazeera"}],
                       "sources": [{"path": "jz.txt", "outlet": "auto"}]}, base_dir=tmp_path)
    [doc] = load_corpus(cfg)
    assert doc.outlet == "jz" and doc.outlet_inferred == "aljazeera" and not doc.warnings


def test_configured_outlet_contradicting_the_signature_warns(tmp_path):
    _write(tmp_path, "a.txt", "عنوان\n" + article(1) + "\nالمصدر: الميادين + وكالات")
    _write(tmp_path, "b.txt", "عنوان\n" + article(2) + "\nالمصدر : الجزيرة + وكالات")
    cfg = load_config({"title": "t", "lexicons": [], "outlets": [
        {"id": "aljazeera", "sources": ["a.txt", "b.txt"]}]}, base_dir=tmp_path)
    docs = by_source(load_corpus(cfg))
    assert docs["a.txt"].outlet == "aljazeera"  # the config decides; the warning says why to check
    assert docs["a.txt"].outlet_inferred == "almayadeen"
    assert any("signs as 'almayadeen'" in w for w in docs["a.txt"].warnings)
    assert docs["b.txt"].warnings == []


def test_field_outlet_contradiction_warns_too(tmp_path):
    import json

    rows = [{"outlet": "arabi21", "text": article(1) + "\nالمصدر : الجزيرة + وكالات"}]
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    [doc] = load_corpus(config(tmp_path, ["r.jsonl"]))
    assert doc.outlet == "arabi21" and doc.outlet_inferred == "aljazeera" and doc.warnings


def test_wire_flags(tmp_path):
    _write(tmp_path, "credit.txt", "عنوان\n" + article(1) + "\n(أ ف ب)")
    _write(tmp_path, "quotes.txt", "عنوان\n" + article(2) + "\nوقال لوكالة فرانس برس إن الوضع خطير.")
    _write(tmp_path, "signed.txt", "عنوان\n" + article(3) + "\nوقال لوكالة فرانس برس إن الوضع خطير.\nالمصدر : الجزيرة + وكالات")
    _write(tmp_path, "plain.txt", "عنوان\n" + article(4))
    docs = by_source(load_corpus(config(tmp_path, [{"path": "*.txt", "outlet": "auto"}])))
    assert docs["credit.txt"].is_wire and docs["credit.txt"].wire_agencies == ["AFP"]
    assert docs["quotes.txt"].is_wire and docs["quotes.txt"].wire_agencies == ["AFP"]
    assert not docs["signed.txt"].is_wire and docs["signed.txt"].wire_agencies == ["AFP"]
    assert not docs["plain.txt"].is_wire and docs["plain.txt"].wire_agencies == []


def test_extra_profile_from_the_config(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "id: mysite\nname: My Site\nnames: [موقعي]\nsignatures:\n  - contains: حصريا لموقعي\n    weight: 2\n"
        "furniture:\n  lines: [تابعونا على موقعي]\n"
        "  suffixes:\n    - pattern: '\\s*رابط هذا الخبر:.*'\n      contains: رابط هذا الخبر\n", encoding="utf-8")
    last = paragraph(8)
    _write(tmp_path, "a.txt", "عنوان\n" + article(1) + "\n" + last + " رابط هذا الخبر: عنوان\nحصريا لموقعي\nتابعونا على موقعي")
    [doc] = load_corpus(config(tmp_path, [{"path": "a.txt", "outlet": "auto"}], profiles=["mine.yaml"]))
    assert doc.outlet == "mysite"
    assert "تابعونا على موقعي" in doc.removed
    assert "رابط هذا الخبر: عنوان" in doc.removed and doc.text.endswith(last)


def test_broken_profile_is_a_config_error_naming_the_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\nfurniture:\n  patterns: ['(unclosed']\n  colour: red\n", encoding="utf-8")
    _write(tmp_path, "a.txt", article(1))
    with pytest.raises(ConfigError) as err:
        load_corpus(config(tmp_path, [{"path": "a.txt", "outlet": "x"}], profiles=["bad.yaml"]))
    text = str(err.value)
    assert "bad.yaml" in text and "not a valid regular expression" in text and "colour" in text
