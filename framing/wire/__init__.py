"""Same story, different words: documents of different outlets that reuse one source text
(agency copy, most often), each outlet's copy aligned word by word with the reference, and every
edit that touches a lexicon hit classified (a name swapped, a frame term added, a distancing
marker or a quotation added or removed).

Modules: ``stories.py`` (candidates from a shingle index, grouping), ``align.py`` (rapidfuzz
opcodes over word ids, edit classification), ``tables.py`` (rates, swap matrix, lean test,
headlines), ``stage.py`` (``compute``), ``options.py`` (the ``wire:`` config section).
"""

from __future__ import annotations


def compute(*args, **kwargs):
    """The shared-copy stage on plain arguments (:func:`framing.wire.stage.compute`), imported when called."""
    from framing.wire.stage import compute as _compute

    return _compute(*args, **kwargs)
