"""The word tables of the voice rules (reporting verbs, "according to" cues, source words, speaker
stops, quotation marks), and the spelling folding the rules compare words under."""

from __future__ import annotations

import re

# --- spelling-tolerant matching: the rules run on a folded copy of the text ----------------------
# Diacritics and tatweel are dropped (positions are mapped back); alef, hamza-on-carrier and alef
# maqsura variants are folded, so one spelling in the tables below covers them all. Ta marbuta is
# kept: folded into ه, the noun إضافة would read as the verb أضافه.
_MARKS_RE = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_FOLD_PAIRS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ؤ", "و"), ("ئ", "ي"))
_FOLD = str.maketrans(dict(_FOLD_PAIRS))


def _fold(word: str) -> str:
    return _MARKS_RE.sub("", word).translate(_FOLD)


def _words(spec: str) -> list[str]:
    return [_fold(w) for w in spec.split()]


# Reporting and accusation verbs: past (he, she, they), present (he, she, they) and participle.
REPORTING_VERBS = {
    "say": "قال قالت قالوا قالا يقول تقول يقولون قائلا قائلة",
    "affirm": "أكد أكدت أكدوا يؤكد تؤكد يؤكدون مؤكدا مؤكدة",
    "announce": "أعلن أعلنت أعلنوا يعلن تعلن يعلنون معلنا معلنة",
    "consider": "اعتبر اعتبرت اعتبروا يعتبر تعتبر يعتبرون معتبرا معتبرة رأى رأت رأوا يرى ترى يرون",
    "add": "أضاف أضافت أضافوا يضيف تضيف مضيفا مضيفة أردف أردفت",
    "explain": "أوضح أوضحت أوضحوا يوضح توضح موضحا موضحة مبينا مبينة",
    "claim": "زعم زعمت زعموا يزعم تزعم يزعمون زاعما ادعى ادعت ادعوا يدعي تدعي يدعون مدعيا",
    "accuse": "اتهم اتهمت اتهموا يتهم تتهم يتهمون",
    "describe": "وصف وصفت وصفوا يصف تصف يصفون واصفا واصفة",
    "point": "أشار أشارت أشاروا يشير تشير مشيرا مشيرة لفت لفتت لافتا لافتة نوه نوهت منوها",
    "report": "ذكر ذكرت ذكروا تذكر أفاد أفادت أفادوا يفيد تفيد أورد أوردت أوردوا أبلغ أبلغت صرح صرحت "
              "يصرح مصرحا تحدث تحدثت يتحدث تتحدث",
    "stress": "شدد شددت يشدد تشدد مشددا مشددة",
    "deny": "نفى نفت نفوا ينفي تنفي نافيا",
    "warn": "حذر حذرت حذروا يحذر تحذر محذرا محذرة هدد هددت يهدد تهدد",
    "call": "دعا دعت دعوا يدعو تدعو داعيا داعية طالب طالبت طالبوا يطالب تطالب مطالبا ناشد ناشدت يناشد حث حثت يحث",
    "condemn": "أدان أدانت أدانوا يدين تدين استنكر استنكرت يستنكر تستنكر ندد نددت يندد تندد",
    "expect": "توقع توقعت يتوقع تتوقع رجح رجحت",
    "express": "أعرب أعربت يعرب تعرب معربا معربة",
    "admit": "اعترف اعترفت يعترف تعترف أقر أقرت تعهد تعهدت يتعهد تتعهد تساءل تساءلت",
}
# Verbs common in other senses (followed, crossed, between, revealed): a frame only before a colon or a
# complementiser within a few words.
WEAK_VERBS = "تابع تابعت عبر عبرت بين بينت كشف كشفت كشفوا يكشف تكشف كاشفا"
WEAK_WINDOW_WORDS = 4
OBJECT_PRONOUNS = ("", "ه", "ها", "هم", "هما")

# "According to" cues; the first group takes any source, the second only ما + verb or a source word.
ACCORDING_ANY = "بحسب حسب نقلا على لسان"
ACCORDING_SOURCE_ONLY = "وفق وفقا طبقا استنادا"
SOURCE_WORDS = ("مصدر مصادر وكالة وكالات بيان البيان تقرير التقرير تقارير صحيفة موقع مسؤول مسؤولين مسؤولون "
                "شهود مراقبون مراقبين المرصد وسائل الإعلام وزارة الوزارة المتحدث الناطق تصريح تصريحات "
                "الجيش الشرطة منظمة الأمم هيئة مكتب إحصاءات أرقام معلومات مراسل مراسلة")
ACCORDING_NOT = "المادة القانون قانون الدستور القرار قرار قرارات الاتفاق اتفاق الحاجة الظروف الأصول الشروط المعايير معايير الأولويات الإمكانيات"

CUE_VERBS = "نقل نقلت نقلوا ينقل تنقل"  # reporting only after وفق ما / حسبما ...
# Labels that may open a paragraph with a colon without being a speaker.
COLON_LABELS = ("عاجل بالفيديو فيديو بالصور صور شاهد خاص حوار تقرير رأي تحليل مقال تحديث إنفوغراف انفوجراف "
                "المصدر الصورة المصادر ملاحظة تنويه تابعونا اقرأ أيضا")
# Subjects that are the outlet itself: its correspondents and editors.
OWN_REPORTERS = "مراسل مراسلة مراسلنا مراسلتنا موفد موفدة محرر"
IMPERSONAL = "يذكر ويذكر يشار ويشار"
# Words that end a speaker's name (prepositions, time words, adverbs).
SPEAKER_STOP = ("في فى خلال عبر أمام عن على إلى الى من لـ ل بعد قبل مع اليوم أمس غدا مساء صباح ظهر فجر "
                "السبت الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة بشدة أيضا كذلك إن أن بأن بان إنه أنه "
                "إنها أنها إنهم أنهم ان انه انها الذي التي الذين حيث كما لدى")
NAMING_VERBS = "أسماه أسمته أسموه سماه سمته سموه يسميه تسميه يسمونه يسميها تسميها عليه عليها عليهم عبارة بعبارة تسمية شعار بشعار"
COMPLEMENTISER_RE = re.compile(r"^(?:ب)?ان(?:ه|ها|هم|هما|نا|ني)?$")

# Participles (مؤكدا، داعيا): their subject is the speaker named before them, never a word after.
PARTICIPLES = ("قائلا قائلة مؤكدا مؤكدة معلنا معلنة معتبرا معتبرة مضيفا مضيفة موضحا موضحة مبينا مبينة زاعما "
               "مدعيا واصفا واصفة مشيرا مشيرة لافتا لافتة منوها مصرحا كاشفا مشددا مشددة نافيا محذرا محذرة "
               "داعيا داعية مطالبا معربا معربة")
_VERBS = {v + p for spec in REPORTING_VERBS.values() for v in _words(spec) for p in OBJECT_PRONOUNS}
_PARTICIPLES = set(_words(PARTICIPLES))
_CALLS = set(_words(REPORTING_VERBS["call"] + " " + REPORTING_VERBS["warn"]))
_WEAK = set(_words(WEAK_VERBS))
_ANY = set(_words(ACCORDING_ANY))
_SOURCE_ONLY = set(_words(ACCORDING_SOURCE_ONLY))
_SOURCE_WORDS = set(_words(SOURCE_WORDS))
_NOT_SOURCES = set(_words(ACCORDING_NOT))
_LABELS = set(_words(COLON_LABELS))
_REPORTERS = set(_words(OWN_REPORTERS))
_IMPERSONAL = set(_words(IMPERSONAL))
_STOP = set(_words(SPEAKER_STOP))
_NAMING = set(_words(NAMING_VERBS))
_CUE_VERBS = set(_words(CUE_VERBS))
_CUE_FORMS = {p + w for w in _ANY | _SOURCE_ONLY | {"بحسب", "حسبما", "نقلا", "علي"} for p in ("", "و", "ف")}
# every written form (with و or ف) of a verb, and whether it is weak
_VERB_KIND = {p + v: kind for kind, forms in (("weak", _WEAK), ("strong", _VERBS)) for v in forms
              for p in ("", "و", "ف") if not p or len(v) >= 3}
_WORD_KIND = {**{w: "cue" for w in _CUE_FORMS}, **_VERB_KIND}

# A sentence ends at . ! ? ؟ ؛ … before a space, a closing mark or the end; not at the dot after a
# lone letter (the agency abbreviations أ.ف.ب، د. ب. أ).
_SENT_END_RE = re.compile(r"[.!?؟؛…]+(?=[\s\"'»”)\]]|$)")
_LONE_LETTER_RE = re.compile(r"(?:^|\W)\w$")

# Quotation marks: kind, and whether the mark leans to opening or closing when context is unclear.
_QUOTES = {"«": ("g", "open"), "»": ("g", "close"), "“": ("c", "open"), "”": ("c", "close"),
           "„": ("c", "open"), "‟": ("c", "open"), '"': ("s", ""), "״": ("h", ""),
           "‘": ("q", "open"), "’": ("q", "close"), "'": ("q", "")}
_QUOTE_RE = re.compile("[«»“”„‟\"״‘’']")


def _strip_proclitic(w: str) -> list[str]:
    """The word and the word without a leading و or ف (the forms a verb table is checked against)."""
    return [w, w[1:]] if len(w) > 3 and w[0] in "وف" else [w]


def _is_verb(w: str) -> bool:
    return _VERB_KIND.get(w) == "strong"
