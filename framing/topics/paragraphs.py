"""What a unit of topic analysis is, in a text: a paragraph (default) or the whole document.

A paragraph is a line of the cleaned text (paragraphs are separated by line breaks or blank
lines). A paragraph shorter than ``min_words`` words (a title, a dateline, «اقرأ أيضا») is joined
to the next one, the last one to the one before, so no text is dropped and every unit is a span
``[start, end)`` of its document's cleaned text. Its words are ``framing.arabic.WORD_RE``'s.

:func:`paragraph_spans` and :func:`document_span` read one text; :func:`unit_spans` finds the same
spans for a batch of texts at once, from their tokens and arrays of their code points.
"""

from __future__ import annotations

import re

import numpy as np

from framing.arabic import WORD_RE, white_space

LINE_RE = re.compile(r"[^\n]+")


def joined_lines(lines: list[list[int]], min_words: int) -> list[list[int]]:
    """Paragraphs from a text's lines, each ``[start, end, first word, end word]`` (words numbered
    in the text): a line shorter than ``min_words`` words is joined to the next one, the last one
    to the one before."""
    spans: list[list[int]] = []
    pending: list[int] | None = None
    for line in lines:
        if pending is None:
            pending = list(line)
        else:
            pending[1], pending[3] = line[1], line[3]
        if pending[3] - pending[2] >= min_words:
            spans.append(pending)
            pending = None
    if pending is not None:
        if spans:
            spans[-1][1], spans[-1][3] = pending[1], pending[3]
        else:
            spans.append(pending)
    return spans


def _stripped(text: str, s: int, e: int) -> tuple[int, int]:
    """The span ``[s, e)`` of ``text`` without the white space at its ends (empty: ``s == e``)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def paragraph_spans(text: str, min_words: int) -> list[tuple[int, int]]:
    """Spans of paragraphs, short ones joined to the next (the last to the previous), read from
    one text: what :func:`unit_spans` finds for many texts at once."""
    lines, words = [], 0
    for m in LINE_RE.finditer(text):
        s, e = _stripped(text, m.start(), m.end())
        if e > s:
            n = len(WORD_RE.findall(text, s, e))
            lines.append([s, e, words, words + n])
            words += n
    return [(s, e) for s, e, _, _ in joined_lines(lines, min_words)]


def document_span(text: str) -> list[tuple[int, int]]:
    """The whole text as one span, surrounding white space left out (empty for a blank text)."""
    s, e = _stripped(text, 0, len(text))
    return [(s, e)] if e > s else []


_SPACE: np.ndarray | None = None


def space_table() -> np.ndarray:
    """Boolean table over all code points: True for white space (``framing.arabic.white_space``)."""
    global _SPACE
    if _SPACE is None:
        table = np.zeros(0x110000, dtype=bool)
        table[[ord(c) for c in white_space()]] = True
        _SPACE = table
    return _SPACE


def unit_spans(texts: list[str], batch, unit: str, min_words: int) -> tuple[list[tuple], np.ndarray]:
    """The units of a batch of documents (``batch``: their tokens, every ``WORD_RE`` word): the
    spans :func:`paragraph_spans` (or :func:`document_span`) gives, from the lines of the texts found
    with numpy. A line is a run of characters between line breaks, surrounding white space left
    out; its words are the tokens starting in it (a token never crosses a line break). Returns
    (document within the batch, unit number in it, start, end) of each unit, and how many of the
    batch's tokens each holds (the units hold the tokens in order)."""
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(cp)
    doc_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]).astype(np.int64)
    breaks = np.flatnonzero(cp == 10)
    seg_start = np.concatenate([[0], breaks + 1])
    seg_end = np.concatenate([breaks, [n]])
    solid = np.flatnonzero(~space_table()[cp])  # where the characters that are not white space are
    first, end = np.searchsorted(solid, seg_start), np.searchsorted(solid, seg_end)
    kept = end > first  # lines with a character that is not white space
    line_start, line_end = solid[first[kept]], solid[end[kept] - 1] + 1
    tok_doc = np.repeat(np.arange(len(texts)), np.diff(batch.bounds))
    tok_start = batch.starts.astype(np.int64) + doc_starts[tok_doc]
    t0 = np.searchsorted(tok_start, line_start)
    t1 = np.searchsorted(tok_start, line_end)
    line_doc = np.searchsorted(doc_starts, line_start, side="right") - 1
    per_doc = np.searchsorted(line_doc, np.arange(len(texts) + 1))
    bounds = batch.bounds.tolist()
    line_start, line_end = (line_start - doc_starts[line_doc]).tolist(), (line_end - doc_starts[line_doc]).tolist()
    t0, t1 = t0.tolist(), t1.tolist()
    out, n_tokens = [], []
    for k in range(len(texts)):
        a, z = per_doc[k], per_doc[k + 1]
        if a == z:  # no text: one (empty) unit all the same
            spans = [[0, len(texts[k]), bounds[k], bounds[k + 1]]]
        elif unit != "paragraph":
            spans = [[line_start[a], line_end[z - 1], bounds[k], bounds[k + 1]]]
        else:
            spans = joined_lines([[line_start[j], line_end[j], t0[j], t1[j]] for j in range(a, z)], min_words)
        for i, (s, e, ta, tz) in enumerate(spans):
            out.append((k, i, s, e))
            n_tokens.append(tz - ta)
    n_tokens = np.asarray(n_tokens, dtype=np.int64)
    if n_tokens.sum() != len(batch.ids):  # pragma: no cover - the units hold every token
        raise AssertionError("topic units do not hold their documents' tokens")
    return out, n_tokens
