"""Whose words is a lexicon hit in: the outlet's, a quoted speaker's, a reported speaker's?

Given a document's cleaned text and the offsets of its hits, :func:`hit_voices` gives each hit

* ``voice``: ``own`` (the outlet's narration), ``quoted`` (inside a direct quotation),
  ``attributed`` (inside indirect speech) or ``scare`` (quotation marks around a short phrase
  that nobody is quoted as saying);
* ``in_title``: whether the hit is in the headline (the first paragraph, when titles are analysed);
* ``speaker``: the named source, as written, when it can be read; else "".

The rules, in the order they are applied (all of them work on one paragraph at a time; a
paragraph is a line of the cleaned text):

1. Quotation marks. « » “ ” „ " ״ and ‘ ’ (and ' next to Arabic letters) are read as opening or
   closing from what stands beside them (a mark after a space and before a word opens; a mark after
   a word and before a space or punctuation closes; a mark with spaces on both sides closes the
   open quotation of its kind, else opens one). Quotations nest; the outermost one decides. A
   quotation still open at the end of its paragraph runs to the end of the paragraph (a quotation
   may hold several sentences) and no further; a closing mark with no opening one closes a
   quotation that began at the start of the paragraph. A paragraph that starts with a quotation
   mark right after a paragraph whose quotation was still open continues that quotation.
2. A quotation of at most four words is a ``scare`` quote unless it is introduced as speech: right
   after a colon, a reporting verb (وصفه بـ«...»، تعهد بـ«...»), or a reporting verb and at most two
   words (وتحدثت أرمينيا عن «...»), the complementiser of a reporting verb (قال إن «...», not كما أن
   «...»), a naming verb (ما أسمته «...»), or followed by its speaker («...»، قال). Introduced, it is
   ``quoted`` like a long one. Marks around a name inside someone's reported words (تؤكد مصادر أن
   إيران تستخدم ورقة «داعش») are the outlet's: ``scare``.
3. A longer quotation is ``quoted``. Its speaker is the subject of the reporting verb before it
   in the same sentence (or in the sentence that ends with a colon just before it), or the one
   named right after it (“...”، قال المتحدث), or, for a continued quotation or a verb without a
   written subject (وأضاف: «...»), the last speaker named before it in the document.
4. Outside quotations, a hit is ``attributed`` when a reporting verb (قال، أكد، أعلن، اعتبر، رأى،
   أضاف، أوضح، زعم، ادعى، اتهم، وصف، أشار، ذكر، أفاد، نفى، حذر، دعا، طالب، أدان، ... with و/ف,
   in past, present and participle forms, with an object pronoun or not) stands before it in the
   same sentence. The governed clause starts at the first complementiser (إن، أن، بأن) or colon
   within sixteen words after the verb (and before any other reporting verb), or, without one,
   after the verb's subject (up to four words, ending at a preposition, a time word or a comma);
   a hit in between is in the speaker's name and stays ``own``. The clause runs to the
   end of the sentence (. ! ? ؟ ؛ or a line break); a later reporting verb in the same sentence
   starts a new clause with its own speaker. Verbs that are also common in other senses (تابع،
   عبر، بين) count only when a complementiser or colon follows them closely.
5. "According to" (بحسب، حسب، وفق ما، طبقا لما، نقلا عن، على لسان، استنادا إلى) followed by a source
   makes its whole sentence ``attributed``, before or after the phrase (وفق ما ذكرت مصادر محلية);
   a hit inside the source's own name stays ``own``. وفق/وفقا/طبقا count only before ما + a
   reporting verb or a source word (مصادر، بيان، وكالة، ...), so وفقا لقرارات الأمم المتحدة does not.
6. A paragraph that opens with one to four words and a colon (a headline's "لافروف: ...") is the
   named speaker's statement, unless those words are a label such as عاجل or بالفيديو.
7. The outlet's own reporters are the outlet's voice: a reporting verb whose subject is a
   correspondent (قال مراسل الجزيرة) or the impersonal يذكر أن / يشار إلى أن does not attribute.

Everything else is ``own``. The rules look at words, not at a parse: they do not see a reporting
verb that comes after the hit in the sentence (except "according to"), nor a speaker whose words
run on without quotation marks into the next sentence. Offsets are those of the text passed in.
"""

from __future__ import annotations

import re
from itertools import accumulate
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

VOICES = ("own", "quoted", "attributed", "scare")
SCARE_MAX_WORDS = 4
CLAUSE_WINDOW_WORDS = 16
SPEAKER_MAX_WORDS = 4


@dataclass(frozen=True, slots=True)
class Voice:
    voice: str
    in_title: bool
    speaker: str = ""


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

_WORD_RE = re.compile(r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]+")
_SPLIT_RE = re.compile(f"({_WORD_RE.pattern})")
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


@dataclass
class _Quote:
    start: int  # index of the opening mark (or the paragraph start)
    end: int  # index just after the closing mark (or the paragraph end)
    inner: tuple[int, int]  # the quoted text


class _Doc:
    """One document's folded text, its words and sentence ends, and the speakers named so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks = [m.start() for m in _MARKS_RE.finditer(text)]  # dropped: positions map back
        self.marks_folded = [i - n for n, i in enumerate(self.marks)]
        plain = _MARKS_RE.sub("", text) if self.marks else text
        for old, new in _FOLD_PAIRS:
            plain = plain.replace(old, new)
        self.plain = plain
        parts = _SPLIT_RE.split(plain)  # separator, word, separator, ..., word, separator
        bounds = list(accumulate(map(len, parts)))
        self.word_starts = bounds[0:-1:2]
        strings = parts[1::2]
        self.words = list(zip(self.word_starts, bounds[1::2], strings))
        kinds = _WORD_KIND
        marked = [(k, kinds[w]) for k, w in enumerate(strings) if w in kinds]
        self.verbs = [(k, kind) for k, kind in marked if kind != "cue"]
        self.cues = [k for k, kind in marked if kind == "cue"]  # may open an "according to" phrase
        self.sent_ends = [m.start() for m in _SENT_END_RE.finditer(plain)
                          if not (m.group()[0] == "." and _LONE_LETTER_RE.search(plain, max(0, m.start() - 2), m.start()))]

    def pos(self, i: int) -> int:
        """Folded position of original offset ``i``."""
        return i - bisect_left(self.marks, i) if self.marks else i

    def orig(self, i: int) -> int:
        """Original offset of folded position ``i``."""
        return i + bisect_right(self.marks_folded, i) if self.marks else i

    def word_index(self, i: int) -> int:
        """Index of the first word starting at or after folded position ``i``."""
        return bisect_right(self.word_starts, i - 1)

    def surface(self, a: int, z: int) -> str:
        return self.text[self.orig(a):self.orig(z)].rstrip() if z > a else ""


def hit_voices(text: str, spans: list[tuple[int, int]], title_end: int = 0) -> list[Voice]:
    """The voice of each hit (``spans``: (start, end) offsets into ``text``), in the same order.
    ``title_end``: where the headline paragraph ends (0 when the text has no headline)."""
    if not spans:
        return []
    doc = _Doc(text)
    paragraphs = _paragraphs(doc.plain)
    starts = [a for a, _ in paragraphs]
    quotes = _quotations(doc.plain, paragraphs)
    speakers = _Speakers(doc)
    out = []
    for start, end in spans:
        a, z = doc.pos(start), doc.pos(end)
        in_title = start < title_end
        para = paragraphs[max(0, bisect_right(starts, a) - 1)]
        voice, speaker = _voice_of(doc, a, z, para, quotes, speakers, in_title)
        out.append(Voice(voice, in_title, speaker))
    return out


def _paragraphs(plain: str) -> list[tuple[int, int]]:
    out, a = [], 0
    for m in re.finditer("\n", plain):
        out.append((a, m.start()))
        a = m.end()
    out.append((a, len(plain)))
    return out


def _quotations(plain: str, paragraphs: list[tuple[int, int]]) -> list[_Quote]:
    """The outermost quotations of every paragraph (rule 1)."""
    out: list[_Quote] = []
    carried = False  # the previous paragraph ended inside a quotation
    for pa, pz in paragraphs:
        stack: list[tuple[str, int]] = []
        found: list[_Quote] = []
        for m in _QUOTE_RE.finditer(plain, pa, pz):
            i, ch = m.start(), m.group()
            kind, lean = _QUOTES[ch]
            before = plain[i - 1] if i > pa else " "
            after = plain[i + 1] if i + 1 < pz else " "
            if kind == "q" and ch == "'" and not (_arabic(before) or _arabic(after)):
                continue  # an apostrophe in Latin text
            word_before, word_after = _wordish(before), _wordish(after)
            if word_after and not word_before:
                side = "open"
            elif word_before and not word_after:
                side = "close"
            elif any(k == kind for k, _ in stack):
                side = "close"
            else:
                side = lean or "open"
            if side == "close" and lean == "open" and not stack and word_after:
                side = "open"
            if side == "open":
                stack.append((kind, i))
                continue
            if stack:
                k = max((n for n, (knd, _) in enumerate(stack) if knd == kind), default=len(stack) - 1)
                opened = stack[k][1]
                del stack[k:]
                if not stack:
                    found.append(_Quote(opened, i + 1, (opened + 1, i)))
            elif not _WORD_RE.search(plain, i + 1, pz):  # a closing mark that ends the paragraph
                found = [_Quote(pa, i + 1, (pa, i))]  # without an opening one: quoted from its start
        if stack:
            opened = stack[0][1]
            found.append(_Quote(opened, pz, (opened + 1, pz)))
        found = _outermost(found + _bracket_quotes(plain, pa, pz))
        if carried and found and found[0].start == _first_char(plain, pa, pz):
            found[0].start = -1 - found[0].start  # marks a continued quotation (see _speaker_of_quote)
        carried = bool(stack)
        out.extend(found)
    return out


_BRACKETS = {"﴿": "﴾", "{": "}", "(": ")"}
_BRACKET_RE = re.compile("[﴿{(]")


def _bracket_quotes(plain: str, pa: int, pz: int) -> list[_Quote]:
    """Quranic brackets ﴿...﴾ always quote; {...} and (...) quote when a colon or a reporting verb
    stands right before them (قال تعالى: {...}، وقال (...))."""
    out = []
    for m in _BRACKET_RE.finditer(plain, pa, pz):
        i, ch = m.start(), m.group()
        close = plain.find(_BRACKETS[ch], i + 1, pz)
        if close < 0:
            continue
        if ch != "﴿":
            before = plain[pa:i].rstrip()
            last = _WORD_RE.findall(before[-20:])
            if not (before.endswith(":") or (last and _is_verb(last[-1]))):
                continue
        out.append(_Quote(i, close + 1, (i + 1, close)))
    return out


def _outermost(quotes: list[_Quote]) -> list[_Quote]:
    out: list[_Quote] = []
    for q in sorted(quotes, key=lambda q: (q.start, -q.end)):
        if not out or q.start >= out[-1].end:
            out.append(q)
    return out


def _arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def _wordish(ch: str) -> bool:
    return ch.isalnum()  # letters and digits (not tatweel: بـ«...»; not ، or ؟)


def _first_char(plain: str, a: int, z: int) -> int:
    while a < z and plain[a].isspace():
        a += 1
    return a


def _quote_at(quotes: list[_Quote], a: int) -> _Quote | None:
    for q in quotes:
        start = -1 - q.start if q.start < 0 else q.start
        if start <= a < q.end:
            return q
    return None


class _Speakers:
    """Reporting frames of the document, found lazily, and the last speaker named before a point."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.frames: list[tuple[int, int, int, str]] | None = None  # (verb word index, clause start, sentence end, speaker)

    def all(self) -> list[tuple[int, int, int, str]]:
        if self.frames is None:
            self.frames = _frames(self.doc)
        return self.frames

    def last_before(self, a: int) -> str:
        words = self.doc.words
        best = ""
        for k, _clause, _end, speaker in self.all():
            if words[k][0] >= a:
                break
            if speaker:
                best = speaker
        return best


def _frames(doc: _Doc) -> list[tuple[int, int, int, str]]:
    """Every reporting verb of the document (rules 4 and 7): the verb's word index, where its clause
    starts (folded position), where its sentence ends, and its speaker ("" when not written)."""
    words, out = doc.words, []
    for k, kind in doc.verbs:
        a, z, w = words[k]
        weak = kind == "weak"
        if k and words[k - 1][2] in _IMPERSONAL:
            continue
        end = _sentence_end(doc, a)
        clause = None
        for j in range(k + 1, min(len(words), k + 1 + CLAUSE_WINDOW_WORDS)):
            if words[j][0] >= end or _is_verb(words[j][2]):
                break
            gap = doc.plain[words[j - 1][1]:words[j][0]]
            if ":" in gap:
                clause = words[j - 1][1]
                break
            if COMPLEMENTISER_RE.match(words[j][2]) or (words[j][2] in ("الي", "إلى") and j + 1 < len(words)
                                                          and COMPLEMENTISER_RE.match(words[j + 1][2])):
                clause = words[j][0]
                break
        if ":" in doc.plain[z:z + 2]:
            clause = z
        if weak and (clause is None or doc.word_index(clause) - k > WEAK_WINDOW_WORDS):
            about = [j for j in range(k + 1, min(len(words), k + 1 + WEAK_WINDOW_WORDS)) if words[j][2] == "عن"]
            if not about or words[about[0]][0] >= end:
                continue
            clause = words[about[0]][1]
        if w in _IMPERSONAL and clause is not None and doc.word_index(clause) == k + 1:
            continue
        after = [] if any(x in _PARTICIPLES for x in _strip_proclitic(w)) or _object_next(doc, k) else \
            _speaker_after(doc, k, clause, end)
        if any(x in _REPORTERS for x in (words[i][2] for i in after)) or any(
                x in _REPORTERS for x in _strip_proclitic(w)):
            continue  # the outlet's own correspondent
        speaker_words = after or _speaker_before(doc, k)
        speaker = doc.surface(words[speaker_words[0]][0], words[speaker_words[-1]][1]) if speaker_words else ""
        if clause is None:  # no complementiser: the clause starts after the subject
            subject = [] if w[:1] in "يت" and _speaker_before(doc, k) else _subject(doc, after)
            clause = words[subject[-1]][1] if subject else z
        out.append((k, clause, end, speaker))
    return out


def _sentence_end(doc: _Doc, a: int) -> int:
    i = bisect_right(doc.sent_ends, a)
    end = doc.sent_ends[i] if i < len(doc.sent_ends) else len(doc.plain)
    nl = doc.plain.find("\n", a)
    return min(end, nl) if nl >= 0 else end


def _speaker_after(doc: _Doc, k: int, clause: int | None, end: int) -> list[int]:
    words, out = doc.words, []
    limit = min(end, clause) if clause is not None else end
    for j in range(k + 1, min(len(words), k + 1 + SPEAKER_MAX_WORDS)):
        a, _z, w = words[j]
        if a >= limit or w in _STOP or COMPLEMENTISER_RE.match(w) or w.startswith(("لل", "بال")) or (
                w[:1] == "ل" and w[1:] in _SOURCE_WORDS):  # قال لوكالة ...: the addressee
            break
        gap = doc.plain[words[j - 1][1]:a]
        if any(ch in gap for ch in "،,:(«\"“-–") and out:
            break
        out.append(j)
    return out


def _object_next(doc: _Doc, k: int) -> bool:
    """A verb of calling or warning followed at once by its preposition (ودعا لوقف القتال، حذر من):
    the subject is not written after it."""
    w = doc.words[k][2]
    if not any(x in _CALLS for x in _strip_proclitic(w)) or k + 1 >= len(doc.words):
        return False
    nxt = doc.words[k + 1][2]
    return nxt in ("الي", "من", "علي", "الى") or (nxt[:1] in "لب" and nxt[:2] not in ("لا", "لي", "بو", "بي", "با"))


def _subject(doc: _Doc, after: list[int]) -> list[int]:
    """The subject among the words after a verb: a head and at most one more word with the
    article (الاتحاد الأوروبي | التصعيد), names without it running on (المستشار الألماني أولاف شولتز)."""
    out, definite = [], 0
    for j in after:
        w = doc.words[j][2]
        if out and w[:1] in "بل" and w != "باسم":  # a preposition: بتنفيذ، لوقف
            break
        if out and w.startswith("ال"):
            definite += 1
            if definite > 1:
                break
        out.append(j)
    return out


def _speaker_before(doc: _Doc, k: int) -> list[int]:
    """A subject written before its verb: "أما X فقال", or a headline's "X يدعو ..."."""
    words = doc.words
    first = doc.word_index(_sentence_start(doc, words[k][0]))
    idx = list(range(first, k))
    for n, j in enumerate(idx):
        if words[j][2] == "اما":
            return idx[n + 1:n + 1 + SPEAKER_MAX_WORDS]
    if 0 < len(idx) <= SPEAKER_MAX_WORDS + 1 and words[k][2][:1] in "يت":
        return idx[-SPEAKER_MAX_WORDS:]
    return []


def _voice_of(doc: _Doc, a: int, z: int, para: tuple[int, int], quotes: list[_Quote],
              speakers: _Speakers, in_title: bool) -> tuple[str, str]:
    quote = _quote_at(quotes, a)
    if quote is not None:
        return _quote_voice(doc, quote, para, speakers)
    sentence = _sentence_end(doc, a)
    # rule 6: a paragraph (or, in a headline, a part after "..") that opens with "Speaker:"
    seg = para[0]
    if in_title:
        cut = max(doc.plain.rfind("..", para[0], a), doc.plain.rfind("…", para[0], a))
        if cut >= 0:
            seg = cut + (1 if doc.plain[cut] == "…" else 2)
    head = _colon_speaker(doc, (seg, para[1]))
    if head is not None and a > head[1]:
        return "attributed", doc.surface(*head[0])
    # rule 4: the nearest reporting verb before the hit in its sentence
    best = None
    for k, clause, end, speaker in speakers.all():
        if doc.words[k][0] >= a:
            break
        if end >= z and end == sentence:
            best = (k, clause, speaker)
    if best is not None:
        k, clause, speaker = best
        if a >= clause:
            return "attributed", speaker or speakers.last_before(doc.words[k][0])
    # rule 5: "according to" anywhere in the sentence
    got = _according_to(doc, a, z, sentence)
    if got is not None:
        return "attributed", got
    return "own", ""


def _quote_voice(doc: _Doc, quote: _Quote, para: tuple[int, int], speakers: _Speakers) -> tuple[str, str]:
    continued = quote.start < 0
    start = -1 - quote.start if continued else quote.start
    inner = doc.plain[quote.inner[0]:quote.inner[1]]
    n_words = len(_WORD_RE.findall(inner))
    introduced = _introduced(doc, start, para, speakers) or bool(_AFTER_QUOTE_RE.match(doc.plain, quote.end, para[1]))
    if n_words <= SCARE_MAX_WORDS and not introduced and not continued:
        return "scare", ""
    speaker = _speaker_of_quote(doc, start, quote.end, para, speakers, continued)
    return "quoted", speaker


def _introduced(doc: _Doc, start: int, para: tuple[int, int], speakers: "_Speakers") -> bool:
    """Rule 2: the quotation is introduced as speech by what stands right before it."""
    if doc.plain[para[0]:start].rstrip().endswith(":"):
        return True
    k = doc.word_index(start) - 1
    if k < 0 or doc.words[k][0] < para[0]:
        return False
    w = doc.words[k][2]
    if w == "ب" and k > 0 and doc.words[k - 1][0] >= para[0]:  # بـ«...»: the word before بـ
        w = doc.words[k - 1][2]
    near = [x for x in doc.words[max(0, k - 2):k + 1] if x[0] >= max(para[0], _sentence_start(doc, start))]
    if any(_is_verb(x[2]) for x in near):  # وتحدثت أرمينيا عن «...»: a verb, its subject, a preposition
        return True
    if COMPLEMENTISER_RE.match(w):  # قال إن «...»: only as the clause of a reporting verb (not كما أن «...»)
        return any(clause == doc.words[k][0] for _k, clause, _end, _speaker in speakers.all())
    return _is_verb(w) or w in _NAMING


_AFTER_QUOTE_RE = re.compile(r"[\s،,]*(?:[-–—]\s*)?((?:و|ف)?(?:قال|قالت|اضاف|اضافت|تابع|تابعت|اوضح|اوضحت|اكد|اكدت|"
                             r"يقول|تقول|يضيف|تضيف|بحسب|حسب|وفق|حسبما|كما\s+قال|كما\s+قالت))\s")


def _speaker_of_quote(doc: _Doc, start: int, end: int, para: tuple[int, int], speakers: _Speakers,
                      continued: bool) -> str:
    """Rule 3: who is quoted."""
    words = doc.words
    before = doc.plain[para[0]:start].strip()
    if continued or (not before and doc.plain[:max(0, para[0] - 1)].rstrip().endswith(":")):
        return speakers.last_before(start)
    sent_start = max(para[0], _sentence_start(doc, start))
    if before.endswith(":") and sent_start > para[0]:  # "وأضاف: «...»" after an earlier sentence
        sent_start = max(para[0], _sentence_start(doc, sent_start - 2))
    frames = [f for f in speakers.all() if sent_start <= words[f[0]][0] < start]
    if frames:
        k, _clause, _end, speaker = frames[-1]
        return speaker or speakers.last_before(words[k][0])
    m = _AFTER_QUOTE_RE.match(doc.plain, end, para[1])
    if m:
        k = bisect_right(doc.word_starts, m.end(1) - 1) - 1  # the verb
        j = _speaker_after(doc, k, None, _sentence_end(doc, m.end()))
        return doc.surface(words[j[0]][0], words[j[-1]][1]) if j else speakers.last_before(start)
    return ""


def _colon_speaker(doc: _Doc, para: tuple[int, int]) -> tuple[tuple[int, int], int] | None:
    """Rule 6: ((start, end) of the speaker, position of the colon) when the paragraph opens with
    one to four words and a colon."""
    colon = doc.plain.find(":", para[0], min(para[1], para[0] + 60))
    if colon < 0:
        return None
    head = [w for w in doc.words[doc.word_index(para[0]):doc.word_index(colon)]]
    if not 1 <= len(head) <= SPEAKER_MAX_WORDS or any(w[2] in _LABELS or _is_verb(w[2]) for w in head):
        return None
    if re.search(r"[.،؟!]", doc.plain[para[0]:colon]):
        return None
    return (head[0][0], head[-1][1]), colon


def _according_to(doc: _Doc, a: int, z: int, end: int) -> str | None:
    """Rule 5: the source named by an "according to" phrase in the hit's sentence, or None (also
    when the hit is in the source's own name)."""
    words = doc.words
    n = len(words)
    first = doc.word_index(_sentence_start(doc, a))
    for k in doc.cues[bisect_left(doc.cues, first):]:
        wa, _wz, w = words[k]
        if wa >= end:
            break
        base = _strip_proclitic(w)
        nxt = words[k + 1][2] if k + 1 < n else ""
        j = k + 1
        if any(x in ("بحسب", "حسب") for x in base):
            kind = "any"
        elif any(x == "حسبما" for x in base):
            kind, j = "verb", k + 1
        elif base[-1] == "نقلا" and nxt == "عن" or base[-1] in ("علي", "على") and nxt == "لسان":
            kind, j = "any", k + 2
        elif any(x in _SOURCE_ONLY for x in base):
            kind = "source"
        else:
            continue
        if j < n and words[j][2] in ("ما", "لما"):
            kind, j = "verb", j + 1
        elif j < n and words[j][2] == "الي":
            kind, j = "source", j + 1
        if j >= n or words[j][0] >= end:
            continue
        head = words[j][2]
        if wa > a and w[0] in "وف" and base[-1] != w:
            continue  # "..., وبحسب X، فقد ...": the phrase opens a clause of its own after the hit
        if kind == "verb":
            if not (_is_verb(head) or head in _CUE_VERBS):
                continue
            j += 1
        elif kind == "source":
            if not any(x in _SOURCE_WORDS for x in (head, head[1:], head[2:])):
                continue
        if any(x in _NOT_SOURCES for x in (head, head[1:], head[2:])):
            continue
        src = _speaker_after(doc, j - 1, None, end)
        if not src:
            continue
        src_a, src_z = words[src[0]][0], words[src[-1]][1]
        if wa <= a < src_z:
            return None  # the hit is in the phrase that names the source
        return doc.surface(src_a, src_z)
    return None


def _sentence_start(doc: _Doc, a: int) -> int:
    i = bisect_right(doc.sent_ends, a - 1) - 1
    s = doc.sent_ends[i] + 1 if i >= 0 else 0
    nl = doc.plain.rfind("\n", 0, a) + 1
    return max(s, nl)


def title_end(text: str, title: str) -> int:
    """Where the headline ends in an analysed text that begins with it (``title`` + blank line +
    body, as the corpus stage writes it when titles are analysed); 0 when it does not."""
    title = title.strip()
    return len(title) if title and text.startswith(title) else 0
