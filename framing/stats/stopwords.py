"""The statistics stage's Arabic stopword list (data: ``stopwords_ar.txt``, written for this project).

``STOPWORDS`` holds the words as written (un-normalised), so other stages can normalise them with
their own normaliser (the topic stage does). ``stopword_set()`` gives every normalised spelling
under all ta-marbuta / alef-maqsura foldings, for terms normalised with any run options.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _load() -> tuple[str, ...]:
    text = resources.files("framing.stats").joinpath("stopwords_ar.txt").read_text(encoding="utf-8")
    words: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.extend(line.split())
    return tuple(dict.fromkeys(words))


STOPWORDS: tuple[str, ...] = _load()


@lru_cache(maxsize=1)
def stopword_set() -> frozenset[str]:
    from framing.arabic import Normaliser

    out: set[str] = set()
    for tm in (True, False):
        for am in (True, False):
            norm = Normaliser(ta_marbuta=tm, alef_maqsura=am)
            out.update(norm.text(w) for w in STOPWORDS)
    return frozenset(out)


def is_stopword(term: str, stops: frozenset[str] | None = None) -> bool:
    stops = stopword_set() if stops is None else stops
    if term in stops:
        return True
    return len(term) > 2 and term[0] in "وف" and term[1:] in stops
