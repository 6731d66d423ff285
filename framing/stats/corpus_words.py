"""What the statistics stage reads from the corpus that no lexicon changes, kept in the run's cache.

The keyness terms that name an outlet or an agency (``masks.keyness_masks``), the keyness counts
of multi-word self-names (``masks.phrase_term_counts``) and every written word with its normalised
form and count (``spelling.surface_counts``) depend on the texts, the outlets of the config and the
normaliser alone. The first run computes them and keeps them under a key of all of those and of the
code that computes them; a re-run after a lexicon edit reads them back instead of going through
every text again.
"""

from __future__ import annotations

import hashlib
import json

from framing.records import StageInputs

CODE = ("framing.masks", "framing.stats.spelling", "framing.stats.corpus_words", "framing.analyse", "framing.arabic",
        "framing.records")  # what the entry depends on


def masks(inputs: StageInputs, cache, term_of, key: str | None = None, parts=None):
    """(keyness masks {term: mask string}, self-name keyness counts {outlet: {term: n}}) for
    ``inputs``; ``term_of`` maps a normalised word to its keyness term. Through ``cache`` (a
    :class:`framing.cache.Cache`) when there is one, under ``key`` (``words_key``; computed when None).
    ``parts``: a :class:`framing.stats.parts.Parts`; what is not in the cache is then computed as one
    of its parts, and the answer is that ``Part`` (its ``result()`` is the pair)."""
    from framing.masks import build_masker, keyness_masks, phrase_term_counts

    def compute() -> tuple[dict, dict]:
        masker = build_masker(inputs.all_documents, inputs.outlets, inputs.self_names, inputs.normaliser)
        return (keyness_masks(masker, term_of),
                phrase_term_counts(masker, ((d.outlet, d.text) for d in inputs.documents), term_of))

    return _memo(cache, "masks", key, inputs, term_of, compute, parts)


def spellings(inputs: StageInputs, cache, term_of, key: str | None = None, parts=None):
    """The ``surface_counts`` of the analysed texts (every written word, its normalised form, its
    count), through ``cache`` and ``parts`` as ``masks``."""
    from framing.stats.spelling import surface_counts

    return _memo(cache, "spellings", key, inputs, term_of,
                 lambda: surface_counts([d.text for d in inputs.documents], inputs.normaliser), parts)


WEIGHT = 4  # the corpus words' parts cost about four times the bootstrap per document (sorted first)


def _memo(cache, part: str, key: str | None, inputs: StageInputs, term_of, compute, parts=None):
    if parts is None:
        if cache is None:
            return compute()
        from framing.cache import digest

        key = key if key is not None else words_key(inputs, term_of)
        return cache.memo("stats_words", digest(key, part), compute, code=CODE)
    if cache is None:
        return parts.add(compute, weight=WEIGHT * len(inputs.documents))
    from framing.cache import digest

    entry, missing = digest(key if key is not None else words_key(inputs, term_of), part), object()
    value = cache.get("stats_words", entry, missing)
    if value is not missing:
        return parts.done(value)
    return parts.add(compute, weight=WEIGHT * len(inputs.documents),
                     then=lambda found: cache.put("stats_words", entry, found, code=CODE))


def words_key(inputs: StageInputs, term_of) -> str:
    """The cache key of ``masks`` and ``spellings``: the code, the normaliser, the outlets and extra masks of
    the config, ``term_of``, every document's outlet, source line and credited agencies, and the
    analysed documents' texts."""
    from framing.cache import code_revision, digest

    h = hashlib.sha256()
    for d in inputs.all_documents:
        h.update(json.dumps([d.doc_id, d.outlet, d.source_line, sorted(d.wire_agencies)],
                            ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\0")
    h.update(b"analysed\0")
    for d in inputs.documents:
        h.update(json.dumps([d.doc_id, d.outlet], ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\0")
        h.update(d.text.encode("utf-8", "surrogatepass") + b"\0")
    normaliser = inputs.normaliser.version if inputs.normaliser is not None else None
    return digest("stats_words", code_revision(*CODE), normaliser, f"{term_of.__module__}.{term_of.__qualname__}",
                  [(o.id, o.name, list(o.aliases)) for o in inputs.outlets], list(inputs.self_names), h.hexdigest())
