"""Cleaning one text: Unicode clean-up, then page furniture removed line by line.

Rules, in order, for each non-empty line (all removed text goes to ``removed`` for audit):

1. source lines and agency credit lines (``المصدر : الجزيرة + وكالات``, ``(أ ف ب)``): removed and
   kept as credits for attribution;
2. furniture lines of the profiles (``profiles/*.yaml``: exact lines, whole-line patterns);
3. lines in another script with no Arabic letter (failed embeds: "An error occurred while
   retrieving the Tweet"): at least three Latin words and no Arabic letter;
4. photo credits and other tails at the end of a line (``- جيتي``, ``(أ.ف.ب)``, "link to this
   story: ...", profile ``suffixes``) and bylines/datelines at the start of the text (``prefixes``);
5. a line identical to the line kept just before it (captions printed twice), and the headline
   printed again at the top of the text when the title is known (a row's title field);
6. at both ends of the text, short lines (``corpus.short_line_words``) that are not a sentence.

Lines repeated across many documents of one outlet are removed later, across documents
(``repeated.py``). Subheadings inside the text are kept: they are the outlet's own words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from framing.corpus.attribute import LATIN_WORD, Credit, parse_credit
from framing.corpus.profiles import Rules, is_line_key, line_key

ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c\u180e]+")
ODD_SPACES = re.compile("[\xa0\u2000-\u200a\u202f\u205f\u3000\t\v\f]+")
PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")
ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]+")
AR_LETTER = re.compile("[\u0621-\u064A]")
# any character one of the rules below would change: one scan decides whether to run them
_ANY_FIX = re.compile("[\r&\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c\u180e"
                      "\x00-\x08\x0e-\x1f\x7f-\x9f\xa0\u2000-\u200a\u202f\u205f\u3000\t\v\f"
                      "\ufb50-\ufdff\ufe70-\ufefc]")
SENTENCE_END = set(".!?؟…")
CLOSERS = "\"'»”’)]）"

MAX_KEY_WORDS = 12  # lines compared with the furniture line lists
MAX_CREDIT_WORDS = 15
MAX_PATTERN_WORDS = 80
SUFFIX_WINDOW = 100  # photo credits are looked for in the last characters of a line
PREFIX_LINES = 2  # bylines and datelines are looked for in the first lines only
EDGE_SIGN_LINES = (3, 8)  # first and last lines searched for signatures ...
MAX_SIGN_WORDS = 20  # ... when short: a paragraph that mentions an outlet is not its signature


@dataclass
class Cleaned:
    text: str
    title: str = ""
    removed: list[str] = field(default_factory=list)
    sign_lines: list[str] = field(default_factory=list)  # where an outlet signs: edges, furniture
    credits: list[Credit] = field(default_factory=list)  # source and credit lines, in order
    credit_lines: list[str] = field(default_factory=list)  # bylines/datelines removed at the start
    short_edges: list[str] = field(default_factory=list)  # short lines without a sentence, removed at the edges


def fix_unicode(text: str, removed: list[str]) -> str:
    """Line breaks, spaces, zero-width and bidi controls, HTML entities, presentation forms."""
    if not _ANY_FIX.search(text):
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text and ENTITY.search(text):
        text = ENTITY.sub(lambda m: html.unescape(m.group()), text)
    n = 0
    if ZERO_WIDTH.search(text):
        n = sum(len(m.group()) for m in ZERO_WIDTH.finditer(text))
        text = ZERO_WIDTH.sub("", text)
    if CONTROL.search(text):
        n += sum(len(m.group()) for m in CONTROL.finditer(text))
        text = CONTROL.sub(" ", text)
    if n:
        removed.append(f"[unicode] {n} invisible control character{'s' if n != 1 else ''} (zero-width, bidi, soft hyphen, C0/C1)")
    if ODD_SPACES.search(text):
        text = ODD_SPACES.sub(" ", text)
    if PRESENTATION.search(text):
        text = PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text


def is_sentence(line: str) -> bool:
    """Whether a line ends like a sentence (. ! ? ؟ and the like, closing quotes or brackets allowed
    after it)."""
    return line.rstrip(CLOSERS + " ")[-1:] in SENTENCE_END


def _foreign(line: str) -> bool:
    return not AR_LETTER.search(line) and len(LATIN_WORD.findall(line)) >= 3


def clean_text(text: str, rules: Rules, *, take_title: bool = False, short_line_words: int = 4,
               furniture: bool = True, title: str = "") -> Cleaned:
    """A document's text cleaned: Unicode fixed, white space folded, page furniture of the outlet
    profiles and the generic rules removed (what went is kept in ``removed``), the title taken from
    the first line when asked."""
    removed: list[str] = []
    text = fix_unicode(text, removed)
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [" ".join(ln.split()) if "  " in ln else ln for ln in lines if ln]
    out = Cleaned("", removed=removed)
    if not furniture:
        out.text = "\n".join(lines)
        return out
    title_key = line_key(title) if title else ""
    head, tail = EDGE_SIGN_LINES
    out.sign_lines = [ln for ln in lines[:head] + lines[-tail:] if ln.count(" ") < MAX_SIGN_WORDS]
    kept: list[str] = []
    line_keys, line_rx, suffix_rx, prefix_rx, tails = rules.line_keys, rules.line_rx, rules.suffix_rx, rules.prefix_rx, rules.tails
    for line in lines:
        nw = line.count(" ") + 1
        if nw <= MAX_CREDIT_WORDS:
            credit = parse_credit(line, rules)
            if credit is not None:
                out.credits.append(credit)
                removed.append(line)
                out.sign_lines.append(line)
                continue
            if nw <= MAX_KEY_WORDS and line_key(line) in line_keys:
                removed.append(line)
                out.sign_lines.append(line)
                continue
        if nw <= MAX_PATTERN_WORDS and line_rx.fullmatch(line):
            removed.append(line)
            out.sign_lines.append(line)
            if not kept and nw <= MAX_CREDIT_WORDS:  # a dateline or byline above the text
                out.credit_lines.append(line)
            continue
        if _foreign(line):
            removed.append(line)
            continue
        cut = -1
        for needle, tail_rx in tails:
            if needle in line:
                m = tail_rx.search(line)
                if m:
                    cut = m.start()
                    break
        if cut < 0 and suffix_rx is not None and not is_sentence(line):
            window = line[-SUFFIX_WINDOW:]
            m = suffix_rx.search(window)
            if m:
                cut = len(line) - len(window) + m.start()
        if cut == 0:  # the whole line is a credit or a contact box
            removed.append(line)
            out.sign_lines.append(line)
            continue
        if cut > 0:
            removed.append(line[cut:].strip())
            out.sign_lines.append(line[cut:].strip())
            line = line[:cut].rstrip()
        if prefix_rx is not None and len(kept) < PREFIX_LINES:
            m = prefix_rx.match(line)
            if m and m.end() < len(line):
                piece = line[: m.end()].strip()
                removed.append(piece)
                out.sign_lines.append(piece)
                out.credit_lines.append(piece)
                line = line[m.end():].lstrip()
        if kept and line == kept[-1]:
            removed.append(line)
            continue
        if title and len(kept) < 2 and is_line_key(line, title_key):  # the headline printed again
            removed.append(line)
            continue
        if take_title and not out.title and not kept and nw <= 40 and not is_sentence(line):
            out.title = line
            continue
        kept.append(line)
    # short lines without a sentence at both ends of the text: labels, bylines, share bars
    start, end = 0, len(kept)
    while start < end and _short(kept[start], short_line_words):
        start += 1
    while end > start and _short(kept[end - 1], short_line_words):
        end -= 1
    out.short_edges = kept[:start] + kept[end:]
    for line in out.short_edges:
        removed.append(line)
        out.sign_lines.append(line)
    out.text = "\n".join(kept[start:end])
    return out


def _short(line: str, limit: int) -> bool:
    return line.count(" ") + 1 <= limit and not is_sentence(line)


LANGUAGE_SAMPLE = 3000  # characters read from each end of a text for the language check


def _sample(text: str) -> str:
    if len(text) > 2 * LANGUAGE_SAMPLE:
        return text[:LANGUAGE_SAMPLE] + "\n" + text[-LANGUAGE_SAMPLE:]
    return text


def _share(ar: int, latin: int) -> float:
    return ar / (ar + latin) if ar + latin else 0.0


def _letter_flags(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is an Arabic letter, is a Latin letter) for UTF-16 code units."""
    low = a | 0x20
    return (a >= 0x0621) & (a <= 0x064A), (low >= 0x61) & (low <= 0x7A)


def arabic_shares(texts: list[str]) -> list[float]:
    """Share of Arabic letters among Arabic and Latin letters of every text (in a sample of long
    texts), counted in one pass over all of them."""
    parts = [_sample(t).encode("utf-16-le", "surrogatepass") for t in texts]
    if not parts:
        return []
    sizes = np.array([len(p) // 2 for p in parts], dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    # one code unit more than the texts, so that every start (an empty text's too) is an index
    ar, latin = _letter_flags(np.frombuffer(b"".join(parts) + b"\0\0", dtype=np.uint16))
    counts = [np.add.reduceat(flags, starts, dtype=np.int64) for flags in (ar, latin)]
    for c in counts:
        c[sizes == 0] = 0  # reduceat gives an empty segment the value at its start
    return [_share(a, b) for a, b in zip(counts[0].tolist(), counts[1].tolist())]
