"""The corpus stage end to end: read, clean, attribute, remove cross-document furniture, check
length and language, give stable ids, mark duplicates.

Every input (a file, or a row/line of a multi-document file) comes out as exactly one Document,
analysed or skipped with its reason, in input order.

What runs where: this process reads the inputs (``readers.py``) and groups them into batches of
about ``BATCH_CHARS`` characters. JSONL files are only split into lines here (``readers.Lines``):
the lines are parsed into documents where the batch is worked on. The per-document work
(``work.DocumentWork``: parsing JSONL lines, cleaning, attribution, word counts, shingles, MinHash
signatures) runs on each batch in forked worker processes (``run.jobs`` of them, one per core for
0; ``parallel.imap_forked``) while the next batches are read; they come back in input order, and
the lines of each are counted for the repeated-line check as they come. Below ``PARALLEL_MIN_CHARS`` characters read, with
``run.jobs: 1``, or where processes cannot be forked, the work runs in this process instead. The
steps that need every document (repeated lines, length checks, ids, duplicates) then run here, in
input order, so the output is the same for any number of workers.
"""

from __future__ import annotations

import gc
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from framing.analyse.parallel import PARALLEL_MIN_WORDS, imap_forked
from framing.corpus.dedup import mark_duplicates
from framing.corpus.options import CorpusOptions
from framing.corpus.outlets import UNKNOWN
from framing.corpus.profiles import Rules, load_rules
from framing.corpus.readers import AUTO, FIXED, Lines, Raw, read_spec
from framing.corpus.repeated import RepeatedLines
from framing.corpus.sources import Sources
from framing.corpus.words import WordHasher
from framing.corpus.work import CleanedBatch, DocumentWork, apply_fields, pack_raw, raws_of
from framing.records import Document


def rules_for(options: CorpusOptions) -> Rules:
    """The shipped cleaning profiles and the extra ones of ``options.profiles`` (resolved paths);
    a broken profile raises ``ProfileError`` naming the file."""
    return load_rules(tuple(str(p) for p in options.profiles))


def iter_raw(sources: Sources) -> Iterator[Raw | Lines]:
    """The inputs of ``process``: a ``Raw`` for each document read, except that the lines of JSONL
    files come unparsed, as ``Lines`` of about ``BATCH_CHARS`` characters (``raws_of`` parses them)."""
    chunk = (2 * BATCH_CHARS, BATCH_DOCS)  # about two bytes a character for Arabic in UTF-8
    for spec in sources.specs:
        yield from read_spec(spec, sources.options.max_document_mb, chunk)


def read_sources(sources: Sources) -> Iterator[Document]:
    """Raw documents as read (text not yet cleaned); unreadable input comes out skipped."""
    for spec in sources.specs:
        for raw in read_spec(spec, sources.options.max_document_mb):
            yield raw.doc


def load_corpus(sources: Sources) -> list[Document]:
    """Read, clean and account for every input document of ``sources``."""
    return process(iter_raw(sources), sources)


def clean_documents(docs: Iterable[Document], sources: Sources) -> list[Document]:
    """Clean documents built elsewhere (``doc.outlet`` is a fixed id, or "auto" to infer it),
    with the outlets and options of ``sources`` (its specs are not read)."""
    raws = (Raw(d, d.doc_id, AUTO if d.outlet in ("", AUTO) else FIXED, d.outlet, "#" not in d.source) for d in docs)
    return process(raws, sources)


BATCH_CHARS = 250_000  # characters of raw text per batch of documents sent to a worker
BATCH_DOCS = 512  # ... and at most this many documents
PARALLEL_MIN_CHARS = PARALLEL_MIN_WORDS * 6  # below this many characters read, no worker process


def process(raws: Iterable[Raw | Lines], sources: Sources,
            advance: Callable[[int], None] | None = None) -> list[Document]:
    """Every raw document (``Raw``, or the lines of ``Lines``) cleaned, checked and accounted for,
    in input order (see the module docstring for what runs where). ``advance(n)`` (a progress
    bar's) is told the number of documents of each batch as it comes back cleaned."""
    opts = sources.options
    work = DocumentWork(opts, sources.outlets, rules_for(opts))
    repeated = RepeatedLines(min_docs=opts.repeated_line_min_docs, share=opts.repeated_line_share,
                             max_words=opts.repeated_line_max_words)
    # The documents kept so far are frozen after each batch, so that the garbage collector does
    # not scan them again and again while later batches are unpickled (they hold no cycles; they
    # are unfrozen at the end, unless the caller had frozen objects of its own).
    frozen_before = gc.get_freeze_count()
    try:
        return _process(raws, sources, work, repeated, advance)
    finally:
        if not frozen_before:
            gc.unfreeze()


def _process(raws: Iterable[Raw | Lines], sources: Sources, work: DocumentWork,
             repeated: RepeatedLines, advance: Callable[[int], None] | None) -> list[Document]:
    opts = sources.options
    docs: list[Document] = []
    hints: list[str] = []
    n_arabic: dict[int, int] = {}  # id(doc) -> Arabic words of the cleaned text
    edge_words: dict[int, int] = {}  # id(doc) -> Arabic words of a text cleaning emptied (CleanedBatch.short_edge_words)
    shingles, signatures, keys = {}, {}, {}  # id(doc) -> what the duplicate check needs
    for batch in cleaned_batches(raws, work, sources.jobs):
        docs += batch.docs
        hints += batch.hints
        if opts.clean:
            repeated.add(batch.docs)
        rows = iter(batch.signatures)  # one per document with shingles
        edge_words.update((id(batch.docs[i]), n) for i, n in batch.short_edge_words.items())
        for doc, n, sh, key in zip(batch.docs, batch.n_arabic, batch.split_shingles(), batch.keys):
            if n >= 0:  # cleaned (not skipped before)
                k = id(doc)
                n_arabic[k], shingles[k], keys[k] = n, sh, key
                if len(sh):
                    signatures[k] = next(rows)
        gc.freeze()
        if advance is not None:
            advance(len(batch.docs))
    if opts.clean:
        changed = repeated.remove(docs)
        for doc, words in zip(changed, WordHasher().analyse_many([d.text for d in changed])):
            k = id(doc)
            n_arabic[k], shingles[k] = words.n_arabic, words.shingles
            signatures.pop(k, None)  # the text changed: recomputed by the duplicate check
            keys.pop(k, None)
    for doc in docs:
        if doc.analysed:
            _check_length(doc, opts, n_arabic[id(doc)], edge_words.get(id(doc)))
    assign_ids(docs, hints)
    mark_duplicates(docs, duplicates=opts.duplicates, shared_wire=opts.shared_wire,
                    threshold=opts.near_duplicate_threshold, num_perm=opts.num_perm,
                    shingles=shingles, signatures=signatures, keys=keys)
    if opts.analyse_titles:
        for doc in docs:
            if doc.analysed and doc.title.strip():
                doc.text = f"{doc.title.strip()}\n\n{doc.text}"
    return docs


def _chars(item: Raw | Lines) -> int:
    """Characters of a raw document's text, or about as many as a chunk of lines holds."""
    return len(item.doc.text) if type(item) is Raw else item.size // 2


def batches_of(raws: Iterable[Raw | Lines]) -> Iterator[list[Raw | Lines]]:
    """Consecutive inputs, about ``BATCH_CHARS`` characters or ``BATCH_DOCS`` documents each (a
    chunk of lines counts its lines)."""
    batch: list[Raw | Lines] = []
    size = docs = 0
    for item in raws:
        batch.append(item)
        size += _chars(item)
        docs += 1 if type(item) is Raw else len(item.lines)
        if size >= BATCH_CHARS or docs >= BATCH_DOCS:
            yield batch
            batch, size, docs = [], 0, 0
    if batch:
        yield batch


def cleaned_batches(raws: Iterable[Raw | Lines], work: DocumentWork, jobs: int) -> Iterator[CleanedBatch]:
    """``work`` applied to the batches of ``raws``, in order: in this process for small inputs
    (the first ``PARALLEL_MIN_CHARS`` characters are read before deciding) or ``jobs`` = 1, else in
    forked workers. Either way the batches hold the documents (for a ``Raw``: ``raw.doc``, the
    object read) and their ``Raw.id_hint``."""
    batches = batches_of(raws)
    head, size = [], 0
    if jobs > 1:
        for batch in batches:
            head.append(batch)
            size += sum(map(_chars, batch))
            if size >= PARALLEL_MIN_CHARS:
                break
    if jobs <= 1 or size < PARALLEL_MIN_CHARS:  # all read, and small
        for batch in chain(head, batches):
            parsed = list(raws_of(batch))
            result = work(parsed)
            result.hints = [r.id_hint for r in parsed]
            yield result
        return
    sent: deque[list[Raw]] = deque()  # the Raws of the batches handed to the workers, oldest first

    def packed() -> Iterator[list]:  # runs in imap_forked's feeding thread
        for batch in chain(head, batches):
            sent.append([item for item in batch if type(item) is Raw])
            yield [pack_raw(item) if type(item) is Raw else item for item in batch]

    for result in imap_forked(work.on_packed, packed(), jobs):
        # a tuple: the changed fields of a Raw read here; a Document: one parsed by the worker
        mine = iter(sent.popleft())
        docs, hints = [], []
        for values, hint in zip(result.docs, result.hints):
            if type(values) is tuple:
                raw = next(mine)
                apply_fields(raw.doc, values)
                docs.append(raw.doc)
                hints.append(raw.id_hint)
            else:
                docs.append(values)
                hints.append(hint)
        result.docs, result.hints = docs, hints
        yield result


def _check_length(doc: Document, opts: CorpusOptions, n: int, edge_words: int | None = None) -> None:
    """Skips a document whose cleaned text is empty or has fewer than ``corpus.min_words`` Arabic
    words (``n``). ``edge_words``: for a text cleaning emptied by removing short lines without a
    sentence at its edges, the Arabic words of those lines: too short when they are too few, since
    the text would have been too short with them."""
    if not doc.text.strip():
        if doc.title and not doc.removed:
            doc.skip(f"too short: no text under the title (minimum {opts.min_words} Arabic words, corpus.min_words)")
        elif edge_words is not None and edge_words < opts.min_words:
            doc.skip(f"too short: {edge_words} Arabic words (minimum {opts.min_words}, corpus.min_words), in short "
                     f"lines without a sentence, which cleaning removes at a text's edges (see removed)")
        else:
            doc.skip("empty after cleaning: every line was page furniture (see removed)")
        return
    if n < opts.min_words:
        doc.skip(f"too short: {n} Arabic words (minimum {opts.min_words}, corpus.min_words)")


_ID_UNSAFE = re.compile(r"[^\w.-]+")


def assign_ids(docs: list[Document], hints: list[str]) -> None:
    """doc_id = "<outlet>-<id from the input>" (the id alone when it already starts with the outlet
    id), made unique in input order with -2, -3, ..."""
    used: set[str] = set()
    next_n: dict[str, int] = {}
    for doc, hint in zip(docs, hints):
        outlet = doc.outlet or UNKNOWN
        hint = _ID_UNSAFE.sub("_", hint).strip("_") or "doc"
        # an input id that already names the outlet ("almanara-01") is not prefixed twice
        base = hint if hint.lower().startswith((outlet.lower() + "-", outlet.lower() + "_")) else f"{outlet}-{hint}"
        cand, n = base, next_n.get(base, 1)
        if cand in used:
            n = max(n, 1)
            while cand in used:
                n += 1
                cand = f"{base}-{n}"
        next_n[base] = n
        used.add(cand)
        doc.doc_id = cand
