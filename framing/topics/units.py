"""Units of analysis for topics: paragraphs (default) or whole documents.

A paragraph is a line of the cleaned text (paragraphs are separated by line breaks or blank
lines). A paragraph shorter than ``min_words`` words (a title, a dateline, «اقرأ أيضا») is joined
to the next one, the last one to the one before, so no text is dropped and every unit is a span
``[start, end)`` of its document's cleaned text, the span lexicon matches are mapped into.

Each unit also gets its *content words*: normalised Arabic tokens without stopwords, digits or
one-letter words (Latin-script tokens are mostly furniture here: failed tweet embeds, URLs), the
article and a conjunction or preposition fused to it removed (``strip_article``). They feed the topic words (c-TF-IDF) and the ``tfidf`` embedding.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.arabic import WORD_RE, Normaliser
from framing.arabic.clitics import strip_article
from framing.arabic.stopwords import is_stopword, topic_stopword_set

LINE_RE = re.compile(r"[^\n]+")
_HAS_DIGIT = re.compile(r"\d")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")


@dataclass
class Units:
    frame: pd.DataFrame  # unit_id, doc_id, outlet, start, end, n_tokens, n_content
    texts: list[str]  # the unit's cleaned text, doc.text[start:end]
    content: list[str]  # normalised content words joined by spaces
    surfaces: Counter = field(default_factory=Counter)  # surface form -> count (content words)
    content_of: dict = field(default_factory=dict)  # surface form -> its content word ("" if none)

    def __len__(self) -> int:
        return len(self.texts)


def paragraph_spans(text: str, min_words: int) -> list[tuple[int, int]]:
    """Spans of paragraphs, short ones joined to the next (the last to the previous)."""
    lines = []
    for m in LINE_RE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            lines.append((s, e, len(WORD_RE.findall(text, s, e))))
    spans: list[list[int]] = []
    pending: list[int] | None = None  # [start, end, words]
    for s, e, n in lines:
        if pending is None:
            pending = [s, e, n]
        else:
            pending[1] = e
            pending[2] += n
        if pending[2] >= min_words:
            spans.append(pending)
            pending = None
    if pending is not None:
        if spans:
            spans[-1][1] = pending[1]
            spans[-1][2] += pending[2]
        else:
            spans.append(pending)
    return [(s, e) for s, e, _ in spans]


def document_span(text: str) -> list[tuple[int, int]]:
    """The whole text as one span, surrounding white space left out (empty for a blank text)."""
    s, e = 0, len(text)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return [(s, e)] if e > s else []


def build_units(docs, normaliser: Normaliser, unit: str = "paragraph", min_words: int = 8,
                article: bool = True) -> Units:
    """The units topics are fitted on (paragraphs or documents of at least ``min_words`` words),
    each with its content words: normalised Arabic words without stopwords or digits, the article
    split off when ``article``."""
    stops = topic_stopword_set(normaliser)
    word = normaliser.word
    content_of: dict[str, str] = {}  # surface -> normalised content word, "" when not a content word

    def classify(surface: str) -> str:
        norm = word(surface)
        ok = (len(norm) >= 2 and _ARABIC_LETTER.search(norm) is not None
              and not _HAS_DIGIT.search(norm) and not is_stopword(norm, stops))
        if ok and article:
            norm = strip_article(norm)
            ok = not is_stopword(norm, stops)
        content_of[surface] = norm if ok else ""
        return content_of[surface]

    surfaces: Counter = Counter()
    rows, texts, content = [], [], []
    for doc in docs:
        text = doc.text or ""
        spans = paragraph_spans(text, min_words) if unit == "paragraph" else document_span(text)
        if not spans:  # an analysed document with no text still gets a (empty) unit
            spans = [(0, len(text))]
        for i, (s, e) in enumerate(spans):
            toks = WORD_RE.findall(text, s, e)
            get = content_of.get
            vals = [get(t) for t in toks]
            if None in vals:
                vals = [v if v is not None else classify(t) for t, v in zip(toks, vals)]
            words = [v for v in vals if v]
            surfaces.update([t for t, v in zip(toks, vals) if v])
            rows.append((f"{doc.doc_id}#p{i}" if unit == "paragraph" else doc.doc_id, doc.doc_id,
                         doc.outlet, s, e, len(toks), len(words)))
            texts.append(text[s:e])
            content.append(" ".join(words))
    frame = pd.DataFrame(rows, columns=["unit_id", "doc_id", "outlet", "start", "end", "n_tokens", "n_content"])
    frame = frame.astype({"start": np.int64, "end": np.int64, "n_tokens": np.int64, "n_content": np.int64})
    return Units(frame=frame, texts=texts, content=content, surfaces=surfaces, content_of=content_of)


def display_forms(norms, units: Units) -> dict[str, str]:
    """The most frequent surface spelling of each content word (ة rather than folded ه; with the
    article when the word is mostly written with it)."""
    wanted = set(norms)
    best: dict[str, tuple[int, str]] = {}
    for surface, count in units.surfaces.items():
        norm = units.content_of.get(surface, "")
        if norm in wanted:
            cur = best.get(norm)
            if cur is None or count > cur[0] or (count == cur[0] and surface < cur[1]):
                best[norm] = (count, surface)
    return {n: best[n][1] if n in best else n for n in wanted}
