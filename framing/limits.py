"""Size limits that keep a run's output proportional to its input, whatever the input holds.

A hit's sentence (``data/matches.csv``: ``sentence``, the concordance lines of the report) is the
sentence around it, but at most ``SENTENCE_MAX_CHARS`` characters: in a longer stretch without a
sentence end (a text without punctuation or line breaks), it is a window of that many characters
around the hit, cut at spaces where one is near. So every hit adds at most a few hundred bytes,
however long its document.
"""

from __future__ import annotations

SENTENCE_MAX_CHARS = 400
_SNAP = 40  # a window's ends move to a space at most this many characters inward


def sentence_window(text: str, a: int, z: int, start: int, end: int,
                    limit: int = SENTENCE_MAX_CHARS) -> tuple[int, int]:
    """The span ``(a, z)`` of the sentence around the hit ``text[start:end]``, or, where it is
    longer than ``limit`` characters, a window of at most ``limit`` characters within it that
    holds the hit (its beginning, if the hit itself is longer), ends cut at spaces if near."""
    if z - a <= limit:
        return a, z
    start, end = max(a, min(start, z)), max(a, min(end, z))
    if end - start >= limit:
        return start, start + limit
    room = limit - (end - start)
    wa = max(a, start - room // 2)
    wz = min(z, wa + limit)
    wa = max(a, wz - limit)
    if wa > a:  # cut at the first space after the window's start, if it is before the hit
        s = text.find(" ", wa, min(start, wa + _SNAP))
        if s >= 0:
            wa = s + 1
    if wz < z:  # ... and at the last space before its end, after the hit
        s = text.rfind(" ", max(end, wz - _SNAP), wz)
        if s >= 0:
            wz = s
    return wa, wz
