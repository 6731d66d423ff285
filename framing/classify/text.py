"""Text that classifiers see: normalised, with leaking strings masked (``framing.masks``), cut into units.

Before any training the stage masks, on the normalised text, the strings that name who wrote it
(``framing.masks.build_masker``); the list of masks, with how often each hit, becomes the
``outlet_mask`` table of the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from framing.masks import (AGENCY_NAMES, MaskEntry, Masker, build_masker, mask_table,  # noqa: F401
                           normalise_text, text_hits)

PARAGRAPH_RE = re.compile(r"[^\n]+")


class MaskedTexts:
    """Texts, each normalised and masked when first read: the outlet classifier reads only the
    documents it samples, so the others are never held normalised or masked."""

    def __init__(self, masker: Masker, texts: list[str], normaliser=None):
        self.masker = masker
        self.texts = texts  # normalised already when ``normaliser`` is None
        self.normaliser = normaliser
        self._done: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> str:
        i = int(i)
        if i not in self._done:
            text = self.texts[i]
            if self.normaliser is not None:
                text = normalise_text(text, self.normaliser)
            self._done[i] = self.masker.mask(text)
        return self._done[i]


@dataclass(frozen=True)
class Unit:
    unit_id: str
    doc_id: str
    outlet: str
    start: int
    end: int
    text: str


def split_units(doc, unit: str = "paragraph") -> list[Unit]:
    """Paragraphs (non-empty lines of the cleaned text) or the whole document, with offsets."""
    if unit == "document":
        return [Unit(f"{doc.doc_id}", doc.doc_id, doc.outlet, 0, len(doc.text), doc.text)]
    out = []
    for m in PARAGRAPH_RE.finditer(doc.text):
        s, e = m.start(), m.end()
        while s < e and doc.text[s].isspace():
            s += 1
        while e > s and doc.text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Unit(f"{doc.doc_id}#p{len(out) + 1}", doc.doc_id, doc.outlet, s, e, doc.text[s:e]))
    return out
