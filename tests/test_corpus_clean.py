"""Cleaning rules: Unicode clean-up, furniture lines, credits, duplicates lines, edges, repeated
lines across an outlet; everything removed is kept in ``removed``."""

from __future__ import annotations

from framing.corpus.clean import clean_text, fix_unicode
from framing.corpus.profiles import line_key, load_rules
from framing.records import Document
from framing.corpus.repeated import RepeatedLines
from tests.corpus_of_config import load_corpus
from test_corpus_helpers import article, outlets_config, paragraph

RULES = load_rules()


def _remove_repeated(docs, **options):
    """Repeated lines removed from ``docs`` as the corpus stage removes them; the changed documents."""
    repeated = RepeatedLines(**options)
    repeated.add(docs)
    return repeated.remove(docs)


def test_unicode_cleanup_zero_width_bidi_presentation_forms_spaces():
    removed: list[str] = []
    raw = "ال\u200bحرب\u200f في \u202bالإقليم\u202c\u00a0\ufefb\ufeeb\ufe8e\ufe98\ufeae\u00ad\r\nسطر"
    out = fix_unicode(raw, removed)
    assert out == "الحرب في الإقليم لاهاتر\nسطر"
    assert removed and "5 invisible" in removed[0]


def test_unicode_cleanup_leaves_clean_text_alone():
    removed: list[str] = []
    text = paragraph(1)
    assert fix_unicode(text, removed) is text and removed == []


def test_html_entities_are_decoded():
    assert fix_unicode("قال&nbsp;الوزير &quot;نعم&quot;", []) == 'قال الوزير "نعم"'


def test_furniture_lines_anywhere_are_removed_and_kept_for_audit():
    body = [paragraph(1), "اقرأ أيضاً: عنوان خبر آخر عن الموضوع نفسه", paragraph(2), "فيديو", paragraph(3),
            "التعليقات (12)", "مشاركة الصفحة:", "اختيار المحرر"]
    out = clean_text("\n\n".join(body), RULES)
    for piece in body[1::2] + ["مشاركة الصفحة:", "اختيار المحرر"]:
        assert piece not in out.text.split("\n")
        assert piece in out.removed
    assert out.text.split("\n") == [paragraph(1), paragraph(2), paragraph(3)]


def test_line_key_ignores_hamza_spelling_and_trailing_punctuation():
    assert line_key("اقرأ أيضاً:") == line_key("اقرا ايضا")
    assert line_key("  مشاركة   الصفحة : ") == line_key("مشاركة الصفحة")


def test_editors_pick_does_not_survive_as_a_lexicon_hit():
    # "اختيار المحرر" (editor's pick) left in the text would fake a hit for محرر
    out = clean_text(paragraph(5) + "\n\nاختيار المحرر", RULES)
    assert "المحرر" not in out.text


def test_embed_error_in_english_is_removed_but_mixed_lines_stay():
    mixed = "وشهدت مدينة ستيباناكرت stepanakert قصفاً ليلياً عنيفا."
    text = "\n".join([paragraph(1), "An error occurred while retrieving the Tweet. It might have been deleted.",
                      mixed, "Your friend shared: look at this thing here now", paragraph(2)])
    out = clean_text(text, RULES)
    assert "retrieving the Tweet" not in out.text
    assert "Your friend shared" not in out.text
    assert mixed in out.text
    assert any("retrieving the Tweet" in r for r in out.removed)


def test_caption_printed_twice_with_credit_appears_once():
    caption = 'دعا الرئيسان إلى وقف فوري لإطلاق النار بإقليم "قره باغ" الانفصالي'
    text = "\n".join([paragraph(1), caption + "- جيتي", caption + "- جيتي", paragraph(2)])
    out = clean_text(text, RULES)
    assert out.text.count(caption) == 1
    assert "جيتي" not in out.text
    assert out.removed.count("- جيتي") == 2 and caption in out.removed


def test_photo_credit_in_parentheses_removed_from_caption_only():
    caption = "• تصاعد الدخان من خلف المنازل بعد قصف المدينة - 7 أكتوبر 2020 (أ.ف.ب)"
    sentence = "وقال المسؤول إن الهجوم استهدف المدنيين (أ.ف.ب)."
    out = clean_text("\n".join([paragraph(1), caption, sentence, paragraph(2)]), RULES)
    assert "(أ.ف.ب)" in out.removed
    assert "تصاعد الدخان من خلف المنازل" in out.text
    assert sentence in out.text  # a sentence keeps its parentheses: not a caption


def test_short_lines_at_the_edges_go_subheadings_inside_stay():
    text = "\n".join(["سياسة", "محمد أحمد - الرياض", paragraph(1), "ردود دولية", paragraph(2), "شارك", "طباعة الخبر الآن"])
    out = clean_text(text, RULES, short_line_words=4)
    lines = out.text.split("\n")
    assert lines == [paragraph(1), "ردود دولية", paragraph(2)]
    assert {"سياسة", "محمد أحمد - الرياض", "طباعة الخبر الآن"} <= set(out.removed)


def test_first_line_becomes_the_title_of_a_single_document():
    out = clean_text("عنوان قصير للخبر\n\n" + paragraph(1), RULES, take_title=True)
    assert out.title == "عنوان قصير للخبر" and out.text == paragraph(1)
    out = clean_text(paragraph(2) + "\n" + paragraph(3), RULES, take_title=True)
    assert out.title == "" and out.text.startswith(paragraph(2))  # a sentence is not a headline


def test_source_line_removed_and_parsed():
    out = clean_text(paragraph(1) + "\n\nالمصدر : الجزيرة + وكالات", RULES)
    assert out.text == paragraph(1)
    assert out.removed == ["المصدر : الجزيرة + وكالات"]
    [credit] = out.credits
    assert credit.outlets == ["aljazeera"] and credit.generic_agencies


def test_parenthesis_that_names_nothing_known_is_not_a_source_line():
    line = "(وهو ما نفته الحكومة)"
    out = clean_text(paragraph(1) + "\n" + line + "\n" + paragraph(2), RULES)
    assert line in out.text and not out.credits


def test_clean_false_keeps_text(tmp_path):
    text = paragraph(1) + "\n\nفيديو\n\n" + paragraph(2)
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    [doc] = load_corpus(outlets_config(tmp_path, {"x": ["a.txt"]}, clean=False, title_from_first_line=False))
    assert "فيديو" in doc.text and doc.removed == []


def _doc(i, text, outlet="x"):
    return Document(doc_id=f"d{i}", outlet=outlet, source=f"s{i}", text=text)


def test_lines_repeated_across_an_outlet_are_removed():
    footer = "للتواصل مع الكاتب ارسل رسالة قصيرة"
    docs = [_doc(i, paragraph(i) + "\n" + footer) for i in range(8)]
    docs.append(_doc(99, paragraph(99) + "\n" + footer, outlet="other"))
    changed = _remove_repeated(docs, min_docs=5, share=0.02)
    assert len(changed) == 8
    assert all(footer not in d.text and footer in d.removed for d in docs[:8])
    assert footer in docs[8].text  # another outlet, one document: not repeated there


def test_exact_copies_do_not_erase_themselves():
    text = paragraph(1) + "\n" + paragraph(2)
    docs = [_doc(i, text) for i in range(10)]
    _remove_repeated(docs, min_docs=5, share=0.02, max_words=200)
    assert all(d.text == text for d in docs)


def test_repeated_line_removal_through_load_corpus(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    for i in range(10):
        (folder / f"{i}.txt").write_text(f"عنوان {i}\n" + article(i) + "\nتابعوا آخر أخبارنا عبر قناتنا الرسمية", encoding="utf-8")
    docs = load_corpus(outlets_config(tmp_path, {"x": ["x"]}, repeated_line_min_docs=5))
    assert all(d.analysed for d in docs)
    assert all("تابعوا آخر أخبارنا" not in d.text for d in docs)
    assert all("تابعوا آخر أخبارنا عبر قناتنا الرسمية" in d.removed for d in docs)


def test_headline_repeated_at_the_top_of_a_row_text_is_removed(tmp_path):
    import json

    title = "الجيش يعلن السيطرة على مواقع جديدة"
    row = {"outlet": "one", "title": title, "text": title + "\n\n" + article(1)}
    (tmp_path / "r.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    from test_corpus_helpers import config

    [doc] = load_corpus(config(tmp_path, ["r.jsonl"]))
    assert doc.title == title and not doc.text.startswith(title) and title in doc.removed
    # with analyse_titles (the default) the headline leads the analysed text once, not twice
    [doc] = load_corpus(config(tmp_path, ["r.jsonl"], analyse_titles=True))
    assert doc.text.startswith(title + "\n\n") and doc.text.count(title) == 1
