"""What the statistics stage reads from the corpus that no lexicon changes, kept in the run's cache.

The keyness terms that name an outlet or an agency (``masks.keyness_masks``), the keyness counts
of multi-word self-names (``masks.phrase_term_counts``) and every written word with its normalised
form and count (``spelling.surface_counts``) depend on the texts, the outlets of the config and the
normaliser alone. The first run computes them and keeps them under a key of all of those and of the
code that computes them; a re-run after a lexicon edit reads them back instead of going through
every text again. So is keyness itself (``keyness``), which reads those and the outlets' word counts.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable

from framing.records import StageInputs

CODE = ("framing.masks", "framing.stats.spelling", "framing.stats.corpus_words", "framing.analyse", "framing.arabic",
        "framing.records")  # what the entry depends on


def masks(inputs: StageInputs, cache, term_of, key: str | None = None) -> tuple[dict, dict]:
    """(keyness masks {term: mask string}, self-name keyness counts {outlet: {term: n}}) for
    ``inputs``; ``term_of`` maps a normalised word to its keyness term. Through ``cache`` (a
    :class:`framing.cache.Cache`) when there is one, under ``key`` (``words_key``; computed when None)."""
    return _memo(cache, "masks", key, inputs, term_of, _computes(inputs, term_of)["masks"])


def spellings(inputs: StageInputs, cache, term_of, key: str | None = None) -> tuple:
    """The ``surface_counts`` of the analysed texts (every written word, its normalised form, its
    count), through ``cache`` as ``masks``."""
    return _memo(cache, "spellings", key, inputs, term_of, _computes(inputs, term_of)["spellings"])


def pending(inputs: StageInputs, cache, term_of, key: str | None, parts,
            unlikely: tuple[str, ...] = ()) -> tuple[Callable, Callable]:
    """``masks`` and ``spellings`` as functions giving them: what the cache holds is read now, the
    rest is computed as one part of ``parts`` (a :class:`framing.stats.parts.Parts`; both one
    after the other, so their working memory is not held at once) and kept in the cache once in.
    ``unlikely``: those of the two that will likely not be asked for (what they serve is known
    already: the keyness, :func:`keyness`, or the written spellings, :func:`displays`); held in the
    cache, they are read only when asked for."""
    computes = _computes(inputs, term_of)
    give: dict[str, Callable] = {}  # name -> a function giving it
    todo, keep = list(computes), None  # keep: what puts computed values in the cache
    if cache is not None:
        from framing.cache import digest

        key = key if key is not None else words_key(inputs, term_of)
        missing = object()
        entries = {name: digest(key, name) for name in computes}
        for name, entry in entries.items():
            if name in unlikely and cache.exists("stats_words", entry):
                give[name] = functools.cache(lambda e=entry, n=name: cache.memo("stats_words", e, computes[n], code=CODE))
            elif (value := cache.get("stats_words", entry, missing)) is not missing:
                give[name] = lambda v=value: v
        todo = [name for name in computes if name not in give]

        def put(values: dict) -> None:
            for name, value in values.items():
                cache.put("stats_words", entries[name], value, code=CODE)
        keep = put
    if todo:
        joint = parts.add(lambda: {name: computes[name]() for name in todo}, weight=WEIGHT * len(todo) * len(inputs.documents),
                          then=keep)
        give.update({name: (lambda n=name: joint.result()[n]) for name in todo})
    return give["masks"], give["spellings"]


def displays(cache, key: str | None, want: tuple) -> tuple[Callable | None, Callable]:
    """(the written spellings, ``spelling.spellings``, of the words ``want`` (``spelling.wanted``)
    found by an earlier run on the same words, or None; a function keeping computed ones in
    ``cache``). They read only the corpus's written words, never a lexicon, so a re-run after a
    lexicon edit, whose keyness and classifier features are those of the run before, reads them
    back instead of going over every written word of the corpus again."""
    if cache is None or key is None:
        return None, lambda value: None
    from framing.cache import code_revision, digest

    entry = digest(key, "displays", code_revision("framing.stats.spelling"), sorted(want[0]), sorted(want[1]))

    def keep(value) -> None:
        cache.put("stats_words", entry, value, code=CODE)

    return cache.get("stats_words", entry, None), keep


def keyness(inputs: StageInputs, cache, key: str | None, options) -> tuple:
    """(the keyness of an earlier run on the same words, or None; a function keeping a computed
    one in ``cache``). Keyness reads the outlets' word counts, the masks, the outlets and their
    names and the keyness options, never a lexicon, so a re-run after a lexicon edit reads it back;
    ``key``: ``words_key`` of ``inputs`` (None: no cache, nothing kept)."""
    if cache is None or key is None:
        return None, None
    from framing.cache import code_revision, digest

    outlets = sorted({str(o) for o in inputs.doc_table["outlet"]})
    names = sorted((str(k), str(v)) for k, v in (inputs.outlet_names or {}).items())
    entry = digest(key, "keyness", code_revision(*KEYNESS_CODE), outlets, names,
                   [options.keyness_prior, options.keyness_top, options.keyness_min_count])

    def keep(value) -> None:
        cache.put("stats_words", entry, value, code=CODE + KEYNESS_CODE)

    return cache.get("stats_words", entry, None), keep


KEYNESS_CODE = ("framing.stats.keyness",)
WEIGHT = 4  # the corpus words' parts cost about four times the bootstrap per document (handed out first)


def _computes(inputs: StageInputs, term_of) -> dict[str, Callable]:
    def masks() -> tuple[dict, dict]:
        from framing.masks import build_masker, keyness_masks, phrase_term_counts

        masker = build_masker(inputs.all_documents, inputs.outlets, inputs.self_names, inputs.normaliser)
        return (keyness_masks(masker, term_of),
                phrase_term_counts(masker, ((d.outlet, d.text) for d in inputs.documents), term_of))

    def spellings() -> tuple:
        from framing.stats.spelling import surface_counts

        return surface_counts([d.text for d in inputs.documents], inputs.normaliser)

    return {"masks": masks, "spellings": spellings}


def _memo(cache, part: str, key: str | None, inputs: StageInputs, term_of, compute):
    if cache is None:
        return compute()
    from framing.cache import digest

    key = key if key is not None else words_key(inputs, term_of)
    return cache.memo("stats_words", digest(key, part), compute, code=CODE)


def words_key(inputs: StageInputs, term_of) -> str:
    """The cache key of ``masks`` and ``spellings``: the code, the normaliser, the outlets and extra masks of
    the config, ``term_of``, and the documents: the key of the cleaned corpus when the inputs have
    one (it changes whenever the documents would), else every document's outlet, source line and
    credited agencies, and the analysed documents' texts."""
    from framing.cache import code_revision, digest

    if inputs.corpus_key is not None:
        documents = inputs.corpus_key
    else:
        h = hashlib.sha256()
        for d in inputs.all_documents:
            h.update(json.dumps([d.doc_id, d.outlet, d.source_line, sorted(d.wire_agencies)],
                                ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\0")
        h.update(b"analysed\0")
        for d in inputs.documents:
            h.update(json.dumps([d.doc_id, d.outlet], ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\0")
            h.update(d.text.encode("utf-8", "surrogatepass") + b"\0")
        documents = h.hexdigest()
    normaliser = inputs.normaliser.version if inputs.normaliser is not None else None
    return digest("stats_words", code_revision(*CODE), normaliser, f"{term_of.__module__}.{term_of.__qualname__}",
                  [(o.id, o.name, list(o.aliases)) for o in inputs.outlets], list(inputs.self_names), documents)
