"""Voice of a hit (framing/voice/): one positive and one negative example (or more) per rule.

The sentences are written for these tests; ⟦...⟧ marks the hit (the brackets are removed).
"""

from __future__ import annotations

import pytest

from framing.voice import VOICES, hit_voices, title_end


def voice_of(marked: str, title: str = "") -> tuple[str, str, bool]:
    text = marked.replace("⟦", "").replace("⟧", "")
    start = marked.index("⟦")
    end = marked.index("⟧") - 1
    v = hit_voices(text, [(start, end)], title_end(text, title))[0]
    assert v.voice in VOICES
    return v.voice, v.speaker, v.in_title


@pytest.mark.parametrize("marked, voice, speaker", [
    # rule 1-3: quotations with a speaker before or after, every kind of mark
    ('وقال باشينيان إن "هذه سياسة ⟦تطهير⟧ عرقي تمارسها القوات".', "quoted", "باشينيان"),
    ("وأضافت الوزيرة: «لن نقبل ⟦الاحتلال⟧ مهما طال الزمن».", "quoted", "الوزيرة"),
    ("“نرفض ⟦الإرهاب⟧ بكل أشكاله وصوره”، قال المتحدث باسم الحكومة.", "quoted", "المتحدث باسم"),
    ("وأكد الوزير أن ״هذا ⟦العدوان⟧ لن يمر دون رد حاسم״.", "quoted", "الوزير"),
    # a quotation left open runs to the end of its paragraph, over several sentences
    ("وقال القائد: «تقدمنا في الجبهة. وسنواصل ⟦تحرير⟧ القرى حتى النهاية", "quoted", "القائد"),
    # nested quotation: the outer one decides
    ("وقال النائب: «إنهم يسمون ذلك \"⟦مقاومة⟧\" وهو ليس كذلك أبدا».", "quoted", "النائب"),
    # rule 2: scare quotes around a short name, no speaker
    ("وقصفت طائرات \"⟦إسرائيل⟧\" مواقع في الجنوب.", "scare", ""),
    ("وشن «⟦جيش⟧ الاحتلال» غارات على المدينة.", "scare", ""),
    ("وتعهد الائتلاف بـ«⟦تحرير⟧» الأرض كلها.", "quoted", "الائتلاف"),
    ("ووصفهم الوزير بـ\"⟦الإرهابيين⟧\" في كلمته.", "quoted", "الوزير"),
    ("كما أن «⟦إسرائيل⟧» أنشأت وحدة جديدة.", "scare", ""),
    # rule 4: reporting and accusation verbs, with و/ف, feminine and plural forms
    ("وأكدت الوزارة أن ⟦الاحتلال⟧ يواصل خرق الاتفاق.", "attributed", "الوزارة"),
    ("فقالوا إن ⟦الإرهاب⟧ لا دين له.", "attributed", ""),
    ("وتتهم أرمينيا أذربيجان ⟦بالإرهاب⟧ في الإقليم.", "attributed", "أرمينيا أذربيجان"),
    ("واتهمت الحكومة المعارضة بتنفيذ ⟦هجوم إرهابي⟧ على المطار.", "attributed", "الحكومة المعارضة"),
    ("ووصف الرئيس الهجوم بأنه ⟦عدوان⟧ سافر.", "attributed", "الرئيس الهجوم"),
    # the speaker's own name is not his words
    ("وأكد القيادي في ⟦المقاومة⟧ أن القوات تتقدم.", "own", ""),
    # the clause ends with its sentence
    ("وقال الوزير إن القوات انسحبت. وواصل ⟦الاحتلال⟧ قصف القرى.", "own", ""),
    # rule 5: according to
    ("وقتل عشرة ⟦مدنيين⟧ في القصف، بحسب مصادر طبية.", "attributed", "مصادر طبية"),
    ("وقتل عشرة ⟦مدنيين⟧ في القصف، وفق ما ذكرت وكالة الأنباء.", "attributed", "وكالة الأنباء"),
    ("وتواصل قوات ⟦الاحتلال⟧ البناء وفقا لقرارات الحكومة.", "own", ""),
    ("وقصفت القوات مواقع ⟦المتمردين⟧ ليلا وبحسب مصادر قبلية، فقد سقط قتلى.", "own", ""),
    # rule 7: the outlet's own correspondent, and the impersonal يذكر أن
    ("وقال مراسل الجزيرة إن ⟦الاحتلال⟧ قصف المدينة.", "own", ""),
    ("يذكر أن ⟦الاحتلال⟧ قصف المدينة أمس.", "own", ""),
    # plain narration
    ("قصفت قوات ⟦الاحتلال⟧ المدينة صباح اليوم.", "own", ""),
])
def test_voice_rules(marked: str, voice: str, speaker: str) -> None:
    got, who, _ = voice_of(marked)
    assert got == voice, (marked, got, who)
    assert who.startswith(speaker) if speaker else True, (marked, who)


def test_a_quotation_does_not_cross_paragraphs() -> None:
    text = "وقال الوزير: «نرفض هذا القرار\nوقصفت قوات الاحتلال المدينة."
    start = text.index("الاحتلال")
    assert hit_voices(text, [(start, start + 8)])[0].voice == "own"


def test_a_quotation_continued_in_the_next_paragraph_keeps_its_speaker() -> None:
    text = "وقال الوزير خالد: «نرفض هذا القرار رفضا قاطعا\n«ولن نسمح بالعدوان على أرضنا»"
    start = text.index("بالعدوان")
    v = hit_voices(text, [(start, start + 8)])[0]
    assert (v.voice, v.speaker) == ("quoted", "الوزير خالد")


def test_a_closing_mark_without_an_opening_one_quotes_its_paragraph_only_at_its_end() -> None:
    ended = "وأصاب أعداء الأمة في مقتل وأسقط الإرهاب».\nبقية الخبر."
    inside = "وقصفت قوات الاحتلال» المدينة كلها وما حولها."
    for text, voice in ((ended, "quoted"), (inside, "own")):
        start = text.index("الإرهاب" if text is ended else "الاحتلال")
        assert hit_voices(text, [(start, start + 7)])[0].voice == voice, text


def test_a_headline_with_a_speaker_and_a_colon() -> None:
    title = "لافروف: الإرهاب يهدد المنطقة كلها"
    text = f"{title}\n\nقال الوزير الروسي كلاما كثيرا."
    v = hit_voices(text, [(8, 15)], title_end(text, title))[0]
    assert (v.voice, v.speaker, v.in_title) == ("attributed", "لافروف", True)
    title = "عاجل: الإرهاب يضرب المدينة"
    text = f"{title}\n\nنص الخبر."
    v = hit_voices(text, [(5, 12)], title_end(text, title))[0]
    assert (v.voice, v.in_title) == ("own", True)


def test_in_title_only_for_the_headline_paragraph() -> None:
    title = "قوات الاحتلال تقصف المدينة"
    text = f"{title}\n\nوقصفت قوات الاحتلال المدينة."
    first, second = text.index("الاحتلال"), text.rindex("الاحتلال")
    got = hit_voices(text, [(first, first + 8), (second, second + 8)], title_end(text, title))
    assert [v.in_title for v in got] == [True, False]
    assert title_end("نص بلا عنوان", "") == 0


def test_offsets_survive_diacritics_and_tatweel() -> None:
    text = "وقــالَ الوزيرُ إنّ «الاحتلالَ لن يدومَ طويلا» في كلمته."
    start = text.index("الاحتلال")
    v = hit_voices(text, [(start, start + 8)])[0]
    assert (v.voice, v.speaker) == ("quoted", "الوزيرُ")


def test_quranic_and_introduced_brackets_quote() -> None:
    text = "قال تعالى: {ومن يقتل مؤمنا متعمدا فجزاؤه جهنم}"
    start = text.index("يقتل")
    assert hit_voices(text, [(start, start + 4)])[0].voice == "quoted"
    text = "وقتل المسلحون (وهم من الجماعة) عشرة جنود."
    start = text.index("المسلحون")
    assert hit_voices(text, [(start, start + 8)])[0].voice == "own"


def test_no_hits_no_work() -> None:
    assert hit_voices("نص", []) == []
