"""Per-document work of the corpus stage: everything a document needs that no other document
does — its outlet from the config or a field, the emptiness and language checks, cleaning,
attribution (source line, agencies, wire flag, inferred outlet), its word count, 5-word shingles,
MinHash signature and exact-copy key.

``DocumentWork(options, outlets, rules)`` is called on a batch of raw documents and returns a ``CleanedBatch``. It
runs in process, or in forked worker processes that inherit it (``load.py``); a document's result
depends neither on the other documents nor on the batching, so both give the same output.
In a worker, ``on_packed`` also parses the JSONL lines sent unparsed (``readers.Lines``) into
documents, with the same code that parses them when the file is read line by line. What needs all the documents (repeated lines, length checks after them, ids, duplicates) is done
afterwards by ``load.process``, in the parent, in input order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter

import numpy as np

from framing.corpus.attribute import SOURCE_LINE_WEIGHT, agency_mentions, decide, signature_scores
from framing.corpus.clean import Cleaned, arabic_shares, clean_text
from framing.corpus.dedup import exact_key
from framing.corpus.minhash import signatures
from framing.corpus.options import CorpusOptions
from framing.corpus.outlets import UNKNOWN, OutletResolver
from framing.corpus.profiles import Rules
from framing.corpus.readers import AUTO, FIXED, FROM_FIELD, Lines, Raw
from framing.corpus.words import WordHasher, Words
from framing.records import Document, Outlet


@dataclass
class CleanedBatch:
    """The documents of a batch after the per-document work, with what the global steps need.
    Per document: Arabic words (-1 when skipped before cleaning), the number of its shingles and
    its exact-copy key (None when skipped); shingles and signatures are packed per batch."""

    docs: list  # Documents (in a worker's answer: their changed fields, ``changed_fields``)
    n_arabic: list[int]
    n_shingles: list[int]
    keys: list[bytes | None]
    shingles: np.ndarray  # every document's sorted unique shingle hashes, one after the other (uint32)
    signatures: np.ndarray  # one MinHash row per document with at least one shingle, in order
    hints: list[str] = field(default_factory=list)  # Raw.id_hint of every document (set in the parent)
    # place in the batch -> Arabic words of the short lines without a sentence that cleaning removed
    # at the edges of a text, for the texts it emptied that way (the length check's reason)
    short_edge_words: dict[int, int] = field(default_factory=dict)

    def split_shingles(self) -> list[np.ndarray]:
        """Each document's shingles (views of ``shingles``)."""
        ends = np.cumsum(self.n_shingles).tolist()
        return [self.shingles[a:b] for a, b in zip([0, *ends[:-1]], ends)]


class DocumentWork:
    """The per-document steps, with the compiled profiles and options they use."""

    def __init__(self, options: CorpusOptions, outlets: tuple[Outlet, ...], rules: Rules) -> None:
        self.opts = options
        self.rules = rules
        self.resolver = OutletResolver(outlets, rules)
        self.hasher = WordHasher()

    def __call__(self, raws: list[Raw]) -> CleanedBatch:
        n = len(raws)
        n_arabic, n_shingles, keys = [-1] * n, [0] * n, [None] * n
        pending = []
        readable = [raw for raw in raws if _has_text(raw, self.resolver)]
        for raw, share in zip(readable, arabic_shares([raw.doc.text for raw in readable])):
            cleaned = _clean_one(raw, share, self.rules, self.opts)
            if cleaned is not None:
                pending.append((raw, cleaned))
        index = {id(raw): i for i, raw in enumerate(raws)}
        shingles = []
        # the words of every text, and of every byline or dateline removed from the texts
        texts = [raw.doc.text for raw, _ in pending]
        lines = [line for _, cleaned in pending for line in cleaned.credit_lines]
        analysed = self.hasher.analyse_many(texts + lines)
        line_words = iter(analysed[len(texts):])
        short_edge_words = {index[id(raw)]: self.hasher.analyse("\n".join(cleaned.short_edges)).n_arabic
                            for raw, cleaned in pending if not cleaned.text and cleaned.short_edges}
        for (raw, cleaned), words in zip(pending, analysed):
            i = index[id(raw)]
            byline_words = [next(line_words).hashes for _ in cleaned.credit_lines]
            _attribute(raw, cleaned, words, byline_words, self.rules, self.resolver)
            n_arabic[i], n_shingles[i], keys[i] = words.n_arabic, len(words.shingles), exact_key(raw.doc.text)
            if len(words.shingles):
                shingles.append(words.shingles)
        return CleanedBatch([r.doc for r in raws], n_arabic, n_shingles, keys,
                            np.concatenate(shingles) if shingles else np.zeros(0, dtype=np.uint32),
                            signatures(shingles, self.opts.num_perm), short_edge_words=short_edge_words)

    def on_packed(self, packed: list) -> CleanedBatch:
        """In a worker process: the work on documents packed by ``pack_raw`` and on the documents
        of ``Lines`` (parsed here). The answer carries, in order, the changed fields
        (``changed_fields``) of each packed document, and each parsed document whole with its
        ``Raw.id_hint`` in ``hints`` ("" for the packed ones)."""
        raws: list[Raw] = []
        parsed: list[bool] = []
        for item in packed:
            if type(item) is tuple:
                raws.append(unpack_raw(item))
                parsed.append(False)
            else:
                n = len(raws)
                raws += item.raws()
                parsed += [True] * (len(raws) - n)
        batch = self(raws)
        batch.docs = [raw.doc if p else changed_fields(raw.doc) for raw, p in zip(raws, parsed)]
        batch.hints = [raw.id_hint if p else "" for raw, p in zip(raws, parsed)]
        return batch


# ---- what travels between processes ----------------------------------------------------------
# Only what the work reads goes to a worker, and only what it changes comes back: plain tuples
# pickle faster than documents.

CHANGED = ("outlet", "status", "reason", "text", "title", "removed", "warnings", "source_line",
           "wire_agencies", "is_wire", "outlet_inferred")
changed_fields = attrgetter(*CHANGED)


def raws_of(items: list[Raw | Lines]) -> Iterator[Raw]:
    """The raw documents of a batch, the lines of ``Lines`` parsed."""
    for item in items:
        if type(item) is Raw:
            yield item
        else:
            yield from item.raws()


def pack_raw(raw: Raw) -> tuple:
    """A Raw document as a tuple, cheap to send to a worker process."""
    d = raw.doc
    return d.text, d.title, d.outlet, d.status, d.reason, d.source, d.warnings, raw.mode, raw.outlet_value, raw.single


def unpack_raw(packed: tuple) -> Raw:
    """The Raw document :func:`pack_raw` packed (id and hint are set later, in the parent)."""
    text, title, outlet, status, reason, source, warnings, mode, outlet_value, single = packed
    doc = Document("", outlet, source, text, title=title, status=status, reason=reason, warnings=warnings)
    return Raw(doc, "", mode, outlet_value, single)


def apply_fields(doc: Document, values: tuple) -> None:
    """The fields a worker changed, set on the document read in this process."""
    for name, value in zip(CHANGED, values):
        setattr(doc, name, value)


def _has_text(raw: Raw, resolver: OutletResolver) -> bool:
    """The outlet from the config or the row's field; whether the document is still analysed and
    has a text (else it is skipped as empty)."""
    doc = raw.doc
    if raw.mode == FIXED:
        doc.outlet = raw.outlet_value
    elif raw.mode == FROM_FIELD and raw.outlet_value:
        doc.outlet = resolver.from_field(raw.outlet_value)
    if not doc.analysed:
        return False
    if not doc.text.strip():
        doc.text = ""
        doc.skip("empty file" if raw.single else "empty text")
        return False
    if not _LETTER.search(doc.text):
        doc.skip("no letters: the text holds only diacritics, tatweel, digits, punctuation or symbols")
        return False
    return True


_LETTER = re.compile(r"[^\W\d_\u0640]")  # a letter of any script (tatweel is not one)


def _clean_one(raw: Raw, share: float, rules: Rules, opts: CorpusOptions) -> Cleaned | None:
    """The language check (``share``: of letters that are Arabic), then cleaning. None when skipped."""
    doc = raw.doc
    if share < opts.min_arabic_share:
        doc.skip(f"not Arabic: {share:.0%} of letters are Arabic (minimum {opts.min_arabic_share:.0%}, corpus.min_arabic_share)")
        return None
    cleaned = clean_text(doc.text, rules, take_title=raw.single and not doc.title and opts.title_from_first_line,
                         short_line_words=opts.short_line_words, furniture=opts.clean, title=doc.title)
    doc.text = cleaned.text
    doc.removed = cleaned.removed
    if cleaned.title:
        doc.title = cleaned.title
    return cleaned


def _attribute(raw: Raw, cleaned: Cleaned, words: Words, byline_words: list[np.ndarray], rules: Rules,
               resolver: "OutletResolver") -> None:
    """Source line, inferred outlet, agencies, wire flag, and the outlet of `outlet: auto` texts.
    ``byline_words``: the word hashes of each of ``cleaned.credit_lines``."""
    doc = raw.doc
    # attribution
    scores = signature_scores(cleaned.sign_lines, rules)
    credit = None
    for c in cleaned.credits:
        for o in c.outlets:
            scores[o] += SOURCE_LINE_WEIGHT
        if credit is None or c.outlets or not credit.outlets:
            credit = c  # the last credit, preferring one that names an outlet
    inferred, note = decide(scores)
    if note:
        doc.warnings.append(note)
    doc.outlet_inferred = inferred
    credited = []
    if credit is not None:
        doc.source_line = credit.line
    for c in cleaned.credits:
        credited += c.agencies
    body = agency_mentions(doc.text, rules, words.hashes)
    byline = [a for line, hashes in zip(cleaned.credit_lines, byline_words) for a in agency_mentions(line, rules, hashes)]
    signed_agency = rules.agency_outlets.get(inferred, "")
    if signed_agency and raw.mode != AUTO and resolver.profile_of(doc.outlet) != inferred:
        credited.insert(0, signed_agency)  # another outlet's copy of an agency's text: wire copy
        byline.append(signed_agency)
    doc.wire_agencies = list(dict.fromkeys(credited + byline + body))
    agency_credit = any(c.agencies and not c.outlets for c in cleaned.credits) or bool(byline)
    doc.is_wire = agency_credit or (not inferred and bool(doc.wire_agencies))
    # the outlet
    if raw.mode == AUTO:
        doc.outlet = resolver.from_profile(inferred) if inferred else UNKNOWN
        if not inferred:
            doc.warnings.append("outlet: auto found no outlet signature (source line, credit) in the text")
    elif inferred and not signed_agency and resolver.from_profile(inferred) != doc.outlet and not _same(doc.outlet, inferred, resolver):
        evidence = f"source line '{credit.line}'" if credit is not None and inferred in credit.outlets else "its signature"
        doc.warnings.append(
            f"outlet '{doc.outlet}' is configured for {doc.source}, but the text signs as '{inferred}' ({evidence})"
        )


def _same(outlet: str, profile_id: str, resolver: "OutletResolver") -> bool:
    return resolver.profile_of(outlet) == profile_id


