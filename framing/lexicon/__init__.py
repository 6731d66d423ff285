"""Lexicons: YAML files of frame categories, contested-naming axes and markers, and the matcher.

Public API::

    lexicons = load_lexicons(["conflict", "naming", "attribution"], base_dir=Path("."))
    matcher = Matcher(lexicons, normaliser)          # optional analyzer= for camel-tools lemmas
    matches = matcher.match(tokens, text)            # list[framing.records.Match]
    lexicon_frame(lexicons)                          # one row per entry

The format is described in docs/lexicons.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framing.lexicon.loader import (
    LexiconError,
    load_lexicon_file,
    load_lexicons,
    parse_lexicon,
    shipped_dir,
    shipped_ids,
)
from framing.lexicon.matcher import Excluded, Matcher
from framing.lexicon.model import Category, Entry, Form, Lexicon, Source

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LEXICON_FRAME_COLUMNS = [
    "lexicon", "lexicon_version", "kind", "category", "category_label", "category_label_ar",
    "category_description", "entry", "gloss", "forms", "sequences", "n_forms", "sources",
]


def lexicon_frame(lexicons: list[Lexicon]) -> "pd.DataFrame":
    """One row per entry: lexicon, kind, category (+ labels), entry, gloss, forms, sources."""
    import pandas as pd

    rows = []
    for lex in lexicons:
        for cat in lex.categories:
            for ent in cat.entries:
                words = [w for f in ent.forms for w in f.words()]
                rows.append({
                    "lexicon": lex.id,
                    "lexicon_version": lex.version,
                    "kind": lex.kind,
                    "category": cat.id,
                    "category_label": cat.label,
                    "category_label_ar": cat.label_ar,
                    "category_description": cat.description,
                    "entry": ent.id,
                    "gloss": ent.gloss,
                    "forms": " ".join(f.word for f in ent.forms),
                    "sequences": " / ".join(ent.sequences),
                    "n_forms": len(words) + len(ent.sequences) + len(ent.lemmas),
                    "sources": " ".join(ent.sources),
                })
    return pd.DataFrame(rows, columns=LEXICON_FRAME_COLUMNS)


__all__ = [
    "Category", "Entry", "Excluded", "Form", "Lexicon", "LexiconError", "Matcher", "Source",
    "lexicon_frame", "load_lexicon_file", "load_lexicons", "parse_lexicon", "shipped_dir",
    "shipped_ids",
]
