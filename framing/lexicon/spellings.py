"""The clitic spellings of a lexicon form: every proclitic chain and pronoun suffix a written form
may carry in a text (the rules of :mod:`framing.arabic.clitics`), with the rule each spelling
matched by ("clitic:و+ال"). The matcher expands its forms with these once, when it is built."""

from __future__ import annotations

from framing.arabic.clitics import (
    MATCH_ENCLITICS,
    MIN_STEM,
    PREFIX_CHAINS,
    PROCLITIC_PARTICLES,
    PROCLITIC_PREPOSITIONS,
    has_article,
    split_clitics,
)


def clitic_rule(prefix: str, suffix: str) -> str:
    """"clitic:و+ال", "clitic:~+ها", "clitic:ب+~+ه"; "" for a bare word."""
    if not prefix and not suffix:
        return ""
    parts: list[str] = []
    p = prefix
    if p[:1] in PROCLITIC_PARTICLES:
        parts.append(p[0])
        p = p[1:]
    if p == "لل":
        parts += ["ل", "ال"]
    elif p:
        if p[:1] in PROCLITIC_PREPOSITIONS:
            parts.append(p[0])
            p = p[1:]
        if p:
            parts.append(p)
    left = "+".join(parts)
    if suffix:
        return f"clitic:{left + '+' if left else ''}~+{suffix}"
    return f"clitic:{left}"


def _clitic_pairs() -> tuple[tuple[str, str, str], ...]:
    out = []
    for prefix in PREFIX_CHAINS:
        for suffix in ("",) + MATCH_ENCLITICS:
            if (prefix or suffix) and not (has_article(prefix) and suffix):
                out.append((prefix, suffix, clitic_rule(prefix, suffix)))
    return tuple(out)


def clitic_pairs(word: str, enclitics: bool = True) -> tuple[tuple[str, str, str, str], ...]:
    """(stem, prefix, suffix, rule) for every allowed clitic spelling of a normalised word,
    the bare word first.

    A word written with the article (الأناضول) takes no second article and no pronoun suffix;
    ل and the article fuse (للأناضول = لل + أناضول). ``enclitics=False`` (names, non-final
    words of a multiword term) allows proclitics only.
    """
    key = (word, enclitics)
    got = _PAIRS_CACHE.get(key)
    if got is not None:
        return got
    out = [(word, "", "", "")]
    if word.startswith("ال") and len(word) - 2 >= MIN_STEM:
        bare = word[2:]
        for prefix, suffix, rule in CLITIC_PAIRS:
            if suffix:
                continue
            if has_article(prefix):
                if prefix.endswith("لل"):  # ل + ال fuse: للأناضول
                    out.append((bare, prefix, "", rule))
            elif not prefix.endswith("ل"):  # *لالأناضول is not written
                out.append((word, prefix, "", rule))
    elif len(word) >= MIN_STEM:
        out += [(word, p, x, r) for p, x, r in CLITIC_PAIRS if enclitics or not x]
    got = _PAIRS_CACHE[key] = tuple(out)
    return got


_PAIRS_CACHE: dict[tuple[str, bool], tuple] = {}


CLITIC_PAIRS = _clitic_pairs()  # (prefix, suffix, rule) for every allowed non-empty combination


def clitic_readings(norm: str) -> list[tuple[str, str, str]]:
    """The (proclitics, stem, enclitic) readings of a text word the matcher tries against prefix
    forms: those of :func:`framing.arabic.clitics.split_clitics` without an article followed by a
    pronoun suffix, and without a stem shorter than ``MIN_STEM`` once a clitic is split off."""
    out = []
    for prefix, stem, suffix in split_clitics(norm):
        if suffix and has_article(prefix):
            continue
        if (prefix or suffix) and len(stem) < MIN_STEM:
            continue
        out.append((prefix, stem, suffix))
    return out
