"""The voice rules, applied to one document at a time (the package docstring lists them)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

from framing.arabic import WORD_RE, WORD_SPLIT_RE
from framing.voice._quotes import _Quote, _paragraphs, _quotations, _quote_at
from framing.voice._tables import (
    _CALLS,
    COMPLEMENTISER_RE,
    _CUE_VERBS,
    _FOLD_PAIRS,
    _IMPERSONAL,
    _is_verb,
    _LABELS,
    _LONE_LETTER_RE,
    _MARKS_RE,
    _NAMING,
    _NOT_SOURCES,
    _PARTICIPLES,
    _REPORTERS,
    _SENT_END_RE,
    _SOURCE_ONLY,
    _SOURCE_WORDS,
    _STOP,
    _strip_proclitic,
    WEAK_WINDOW_WORDS,
    _WORD_KIND,
)

VOICES = ("own", "quoted", "attributed", "scare")
SCARE_MAX_WORDS = 4
CLAUSE_WINDOW_WORDS = 16
SPEAKER_MAX_WORDS = 4
# A text without punctuation or line breaks (a scraped page gone wrong) would make one sentence of
# the whole document, and each hit's rules would read all of it: such a run is cut, at a space,
# into pieces of at most this many characters. Real sentences are shorter: the longest stretch
# without a sentence end or line break in all of SaudiNewsNet's 30,157 articles is 3,738.
SENTENCE_MAX_CHARS = 5000


@dataclass(frozen=True, slots=True)
class Voice:
    """The voice of one hit: ``own``, ``quoted``, ``attributed`` or ``scare``; whether it is in the
    headline; its speaker as written ("" when none is named)."""

    voice: str
    in_title: bool
    speaker: str = ""


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
        parts = WORD_SPLIT_RE.split(plain)  # separator, word, separator, ..., word, separator
        bounds = list(accumulate(map(len, parts)))
        self.word_starts = bounds[0:-1:2]
        strings = parts[1::2]
        self.words = list(zip(self.word_starts, bounds[1::2], strings))
        kinds = _WORD_KIND
        marked = [(k, kinds[w]) for k, w in enumerate(strings) if w in kinds]
        self.verbs = [(k, kind) for k, kind in marked if kind != "cue"]
        self.cues = [k for k, kind in marked if kind == "cue"]  # may open an "according to" phrase
        self.newlines = [m.start() for m in re.finditer("\n", plain)]
        ends = [m.start() for m in _SENT_END_RE.finditer(plain)
                if not (m.group()[0] == "." and _LONE_LETTER_RE.search(plain, max(0, m.start() - 2), m.start()))]
        self.sent_ends = _bounded(ends, self.newlines, plain)

    def next_newline(self, a: int) -> int:
        """Folded position of the first line break at or after ``a`` (-1 when none)."""
        i = bisect_left(self.newlines, a)
        return self.newlines[i] if i < len(self.newlines) else -1

    def line_start(self, a: int) -> int:
        """Folded position where the line holding ``a`` starts (after the last line break before it)."""
        i = bisect_left(self.newlines, a) - 1
        return self.newlines[i] + 1 if i >= 0 else 0

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
    quotes = _QuoteIndex(_quotations(doc.plain, paragraphs))
    speakers = _Speakers(doc)
    out = []
    for start, end in spans:
        a, z = doc.pos(start), doc.pos(end)
        in_title = start < title_end
        para = paragraphs[max(0, bisect_right(starts, a) - 1)]
        voice, speaker = _voice_of(doc, a, z, para, quotes, speakers, in_title)
        out.append(Voice(voice, in_title, speaker))
    return out


class _QuoteIndex:
    """The quotations of a document, found by position with a binary search (they do not overlap)."""

    def __init__(self, quotes: list[_Quote]) -> None:
        self.quotes = quotes
        self.starts = [-1 - q.start if q.start < 0 else q.start for q in quotes]
        self.sorted = all(a <= b and q.end <= b for a, b, q in zip(self.starts, self.starts[1:], quotes))

    def at(self, a: int) -> _Quote | None:
        """The quotation holding folded position ``a``, or None."""
        if not self.sorted:
            return _quote_at(self.quotes, a)
        i = bisect_right(self.starts, a) - 1
        return self.quotes[i] if i >= 0 and a < self.quotes[i].end else None


class _Speakers:
    """Reporting frames of the document, found lazily, and the last speaker named before a point."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.frames: list[tuple[int, int, int, str]] | None = None  # (verb word index, clause start, sentence end, speaker)
        self.starts: list[int] = []  # where each frame's verb starts (folded), in order
        self.named: list[str] = []  # the last speaker named up to each frame
        self.clauses: set[int] = set()

    def all(self) -> list[tuple[int, int, int, str]]:
        if self.frames is None:
            self.frames = _frames(self.doc)
            words, last = self.doc.words, ""
            for k, clause, _end, speaker in self.frames:
                self.starts.append(words[k][0])
                last = speaker or last
                self.named.append(last)
                self.clauses.add(clause)
        return self.frames

    def before(self, a: int) -> int:
        """How many frames have their verb before folded position ``a``."""
        self.all()
        return bisect_left(self.starts, a)

    def last_before(self, a: int) -> str:
        i = self.before(a)
        return self.named[i - 1] if i else ""


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
    nl = doc.next_newline(a)
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


def _voice_of(doc: _Doc, a: int, z: int, para: tuple[int, int], quotes: _QuoteIndex,
              speakers: _Speakers, in_title: bool) -> tuple[str, str]:
    quote = quotes.at(a)
    if quote is not None:
        return _quote_voice(doc, quote, para, speakers)
    sentence = _sentence_end(doc, a)
    # rule 6: a paragraph (or, in a headline, a part after "..") that opens with "Speaker:"
    seg = para[0]
    if in_title:
        reach = max(para[0], a - SENTENCE_MAX_CHARS)
        cut = max(doc.plain.rfind("..", reach, a), doc.plain.rfind("…", reach, a))
        if cut >= 0:
            seg = cut + (1 if doc.plain[cut] == "…" else 2)
    head = _colon_speaker(doc, (seg, para[1]))
    if head is not None and a > head[1]:
        return "attributed", doc.surface(*head[0])
    # rule 4: the nearest reporting verb before the hit in its sentence
    best = None
    frames, sentence_start = speakers.all(), _sentence_start(doc, a)
    for i in range(speakers.before(a) - 1, -1, -1):  # the nearest first; none before the sentence counts
        k, clause, end, speaker = frames[i]
        if speakers.starts[i] < sentence_start:
            break
        if end >= z and end == sentence:
            best = (k, clause, speaker)
            break
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
    n_words = len(WORD_RE.findall(inner))
    introduced = _introduced(doc, start, para, speakers) or bool(_AFTER_QUOTE_RE.match(doc.plain, quote.end, para[1]))
    if n_words <= SCARE_MAX_WORDS and not introduced and not continued:
        return "scare", ""
    speaker = _speaker_of_quote(doc, start, quote.end, para, speakers, continued)
    return "quoted", speaker


def _introduced(doc: _Doc, start: int, para: tuple[int, int], speakers: "_Speakers") -> bool:
    """Rule 2: the quotation is introduced as speech by what stands right before it."""
    if _text_before(doc, para[0], start).endswith(":"):
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
        speakers.all()
        return doc.words[k][0] in speakers.clauses
    return _is_verb(w) or w in _NAMING


_AFTER_QUOTE_RE = re.compile(r"[\s،,]*(?:[-–—]\s*)?((?:و|ف)?(?:قال|قالت|اضاف|اضافت|تابع|تابعت|اوضح|اوضحت|اكد|اكدت|"
                             r"يقول|تقول|يضيف|تضيف|بحسب|حسب|وفق|حسبما|كما\s+قال|كما\s+قالت))\s")


def _speaker_of_quote(doc: _Doc, start: int, end: int, para: tuple[int, int], speakers: _Speakers,
                      continued: bool) -> str:
    """Rule 3: who is quoted."""
    words = doc.words
    before = _text_before(doc, para[0], start)
    if continued or (not before and _text_before(doc, 0, max(0, para[0] - 1)).endswith(":")):
        return speakers.last_before(start)
    sent_start = max(para[0], _sentence_start(doc, start))
    if before.endswith(":") and sent_start > para[0]:  # "وأضاف: «...»" after an earlier sentence
        sent_start = max(para[0], _sentence_start(doc, sent_start - 2))
    i = speakers.before(start) - 1
    if i >= 0 and speakers.starts[i] >= sent_start:
        k, _clause, _end, speaker = speakers.all()[i]
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
    return max(s, doc.line_start(a))


def _bounded(ends: list[int], newlines: list[int], plain: str) -> list[int]:
    """Sentence ends, with a cut at a space (or, in a run without spaces, a hard cut) wherever more
    than SENTENCE_MAX_CHARS characters run without a sentence end or a line break."""
    out, last = list(ends), -1
    for b in sorted({*ends, *newlines, len(plain)}):
        while b - last > SENTENCE_MAX_CHARS:
            cut = plain.rfind(" ", last + 2, last + SENTENCE_MAX_CHARS)
            last = cut if cut > last + 1 else last + SENTENCE_MAX_CHARS
            out.append(last)
        last = b
    return sorted(out) if len(out) > len(ends) else ends


def _text_before(doc: _Doc, a: int, z: int) -> str:
    """``doc.plain[a:z].strip()`` as far as its end matters (its last characters, or "" when
    empty): a bounded read, however long the paragraph before a quotation."""
    tail = doc.plain[max(a, z - 200):z].strip()
    return tail if tail or z - a <= 200 else doc.plain[a:z].strip()[-200:]


def title_end(text: str, title: str) -> int:
    """Where the headline ends in an analysed text that begins with it (``title`` + blank line +
    body, as the corpus stage writes it when titles are analysed); 0 when it does not."""
    title = title.strip()
    return len(title) if title and text.startswith(title) else 0
