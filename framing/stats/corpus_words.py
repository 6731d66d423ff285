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


def corpus_words(inputs: StageInputs, cache, term_of) -> tuple[dict, dict, tuple]:
    """(keyness masks {term: mask string}, self-name keyness counts {outlet: {term: n}}, the
    ``surface_counts`` of the analysed texts) for ``inputs``; ``term_of`` maps a normalised word to
    its keyness term. Through ``cache`` (a :class:`framing.cache.Cache`) when there is one."""
    from framing.masks import build_masker, keyness_masks, phrase_term_counts
    from framing.stats.spelling import surface_counts

    def compute() -> tuple[dict, dict, tuple]:
        masker = build_masker(inputs.all_documents, inputs.outlets, inputs.self_names, inputs.normaliser)
        return (keyness_masks(masker, term_of),
                phrase_term_counts(masker, ((d.outlet, d.text) for d in inputs.documents), term_of),
                surface_counts([d.text for d in inputs.documents], inputs.normaliser))

    if cache is None:
        return compute()
    return cache.memo("stats_words", words_key(inputs, term_of), compute, code=CODE)


def words_key(inputs: StageInputs, term_of) -> str:
    """The cache key of ``corpus_words``: the code, the normaliser, the outlets and extra masks of
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
