"""Arabic stopwords, one list for the whole project (data: ``stopwords_ar.txt``, written for it).

Keyness (:mod:`framing.stats.keyness`) and topic words (:mod:`framing.topics.units`) drop the same
function words. Topic words also drop :data:`REPORTING_WORDS`, the reporting verbs that open
almost every news paragraph; keyness keeps them, since the choice between them (قال، زعم، ادعى)
is itself a framing signal. A word carrying the conjunction و or ف is a stopword when the rest is.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _load() -> tuple[str, ...]:
    text = resources.files("framing.arabic").joinpath("stopwords_ar.txt").read_text(encoding="utf-8")
    words: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.extend(line.split())
    return tuple(dict.fromkeys(words))


STOPWORDS: tuple[str, ...] = _load()  # as written (not normalised)

# Verbs and nouns of reporting and news furniture: present in nearly every topic.
REPORTING_WORDS: tuple[str, ...] = tuple("""
قال قالت يقول تقول أضاف أضافت يضيف تضيف أكد أكدت يؤكد تؤكد أشار أشارت يشير تشير أوضح أوضحت يوضح توضح
ذكر ذكرت يذكر تذكر أعلن أعلنت يعلن تعلن أفاد أفادت يفيد تفيد لفت لفتت بين بينت تابع تابعت
مضيفا مشيرا مؤكدا موضحا لافتا وفقا بحسب حسب نقلا طبقا
""".split())


@lru_cache(maxsize=1)
def stopword_set() -> frozenset[str]:
    """Every normalised spelling of the stopwords under all ta-marbuta / alef-maqsura foldings, for
    terms normalised with any run options."""
    from framing.arabic import Normaliser

    out: set[str] = set()
    for tm in (True, False):
        for am in (True, False):
            norm = Normaliser(ta_marbuta=tm, alef_maqsura=am)
            out.update(norm.text(w) for w in STOPWORDS)
    return frozenset(out)


_TOPIC_SETS: dict[str, frozenset[str]] = {}


def topic_stopword_set(normaliser) -> frozenset[str]:
    """The stopwords and the reporting words, normalised by ``normaliser`` (kept per normaliser
    version)."""
    key = normaliser.version
    if key not in _TOPIC_SETS:
        _TOPIC_SETS[key] = frozenset(normaliser.text(w) for w in STOPWORDS + REPORTING_WORDS)
    return _TOPIC_SETS[key]


def is_stopword(term: str, stops: frozenset[str] | None = None) -> bool:
    """Whether a normalised word is in ``stops`` (default: :func:`stopword_set`), alone or after
    the conjunction و or ف."""
    stops = stopword_set() if stops is None else stops
    if term in stops:
        return True
    return len(term) > 2 and term[0] in "وف" and term[1:] in stops
