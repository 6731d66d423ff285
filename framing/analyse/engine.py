"""Per-document analysis: tokenise, match the lexicons, count terms for keyness.

This is the hot loop of a run (millions of words). Documents are analysed in batches: the tokens
of a whole batch come from :func:`framing.analyse.tokens.tokenize_batch` as numpy arrays of vocabulary
ids and offsets, and everything that depends on a word only (its keyness term, whether it can
start a lexicon hit) is worked out once per distinct word of the process and then looked up for
all tokens at once. Python code runs per document and per lexicon candidate, not per token: the
matcher sees only the documents that contain a candidate word, at the candidate positions.

Each document's result keeps only what later stages need: its token count, its matches with their
sentence, and its keyness terms (the normalised words with the article and conjunction clitics
split off) as arrays of term ids and counts, in order of first occurrence.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Protocol

import numpy as np
import pandas as pd

from framing.arabic import SENTENCE_END_RE, Normaliser
from framing.arabic.clitics import keyness_terms
from framing.lexicon.matcher import STARTS_HIT
from framing.limits import sentence_window
from framing.records import Match
from framing.analyse.tokens import TokenBatch, Vocabulary, WordTokens, tokenize_batch

_NO_TERM = ""  # the word is not a keyness term (framing.arabic.clitics.keyness_terms)


class LexiconMatcher(Protocol):
    """What the analyser asks of a lexicon matcher (:class:`framing.lexicon.Matcher` is one): a
    per-word test, answered once per distinct word, and the matching at the candidate positions."""

    @property
    def needs_surfaces(self) -> bool:
        """Whether :meth:`candidate_kind` depends on the surface form, not only the normalised one."""

    def candidate_kind(self, norm: str, surface: str) -> int:
        """STARTS_HIT, STARTS_TERM (starts multiword terms only) or NOT_CANDIDATE."""

    def need_mask(self, norm: str) -> int:
        """Bits of the second words of the multiword terms the word starts."""

    def offer_mask(self, norm: str) -> int:
        """Bits of the second words the word can be."""

    def explain_at(self, positions: list[int], surfaces, norms: list[str], starts: list[int], ends: list[int],
                   text: str) -> tuple[list[Match], list]:
        """Hits starting at the candidate ``positions``, and the hits exclusions removed."""


@dataclass
class WordTables:
    """What the analysis needs of each word, one row a word, worked out once per distinct word:
    its keyness term id (-1: none), what it can start in the lexicons (``candidate_kind``), its
    normalised form (an object array, to pick a document's forms at C speed), and the second-word
    bits it needs and offers (``need_mask``, ``offer_mask``)."""

    term: np.ndarray
    kind: np.ndarray
    norm: np.ndarray
    need: np.ndarray
    offer: np.ndarray

    @classmethod
    def empty(cls) -> WordTables:
        """Tables of no word."""
        return cls(_no_ids(), np.zeros(0, np.int8), np.zeros(0, dtype=object), np.zeros(0, dtype=np.uint64),
                   np.zeros(0, dtype=np.uint64))

    def __len__(self) -> int:
        return len(self.term)

    def rows(self, rows: np.ndarray) -> WordTables:
        """The tables of the words at ``rows``."""
        return WordTables(self.term[rows], self.kind[rows], self.norm[rows], self.need[rows], self.offer[rows])

    def extended(self, more: WordTables) -> WordTables:
        """These tables, then ``more``'s."""
        return WordTables(*(np.concatenate([getattr(self, f), getattr(more, f)])
                            for f in ("term", "kind", "norm", "need", "offer")))


def packed_hits(matches: list[Match]) -> list[tuple]:
    """Hits as they travel between processes and are kept in a token store: tuples without the
    surface, which is cut from the text again (:meth:`BatchResult.documents`)."""
    return [(m.lexicon, m.category, m.entry, m.start, m.end, m.rule, m.distanced) for m in matches]


def _no_ids() -> np.ndarray:
    return np.zeros(0, dtype=np.int32)


@dataclass
class DocAnalysis:
    """One document's analysis: its token count, its lexicon hits with the span of the sentence
    each is in, and its keyness terms."""

    doc_id: str
    n_tokens: int
    # Match objects, or the hits as :func:`packed_hits` packs them until :attr:`matches` is first read
    hits: list = field(default_factory=list)
    sentence_spans: list[tuple[int, int]] = field(default_factory=list)  # of each match, same order
    term_ids: np.ndarray = field(default_factory=_no_ids)  # ids into term_vocab, order of first occurrence
    term_counts: np.ndarray = field(default_factory=_no_ids)
    term_vocab: list[str] = field(default_factory=list)
    text: str = field(default="", repr=False)  # the document's text (the same object, not a copy)
    earlier: bool = False  # its hits are those an earlier run found (framing.analyse.store.Earlier)

    @property
    def matches(self) -> list[Match]:
        """The lexicon hits as Match objects, their surface cut from the text (made from the
        packed hits when first read: a re-run that keeps most documents' earlier hits never reads
        theirs)."""
        found = self.hits
        if found and not isinstance(found[0], Match):
            text = self.text
            found = self.hits = [Match(lx, cat, ent, text[a:z], a, z, rule, far)
                                 for lx, cat, ent, a, z, rule, far in found]
        return found

    @property
    def packed(self) -> list[tuple]:
        """The lexicon hits packed (:func:`packed_hits`)."""
        found = self.hits
        return packed_hits(found) if found and isinstance(found[0], Match) else found

    @property
    def sentences(self) -> list[str]:
        """The sentence of each match, same order (cut from the text when asked: a corpus's
        sentences held for every document at once cost as much as the matches table)."""
        return [self.text[a:z] for a, z in self.sentence_spans]

    @property
    def terms(self) -> Counter:
        """Keyness terms and their counts, in order of first occurrence."""
        return Counter(dict(zip(map(self.term_vocab.__getitem__, self.term_ids.tolist()), self.term_counts.tolist())))


@dataclass
class BatchResult:
    """The analyses of a batch of documents, in arrays: what a worker process sends back.

    Terms are ids into ``term_vocab`` (document k's are ``term_bounds[k]:term_bounds[k + 1]``);
    sentences are (start, end) spans in the document's text; ``tokens`` (for a token store) are
    the batch's tokens with their own word list. A packed result (:meth:`compact`) holds matches
    as tuples without their surface (pickling Match objects costs ten times more); the
    :class:`DocAnalysis` objects of :meth:`documents` make them into Match objects, from their
    texts, when their ``matches`` are first read.
    """

    doc_ids: list[str]
    n_tokens: list[int]
    matches: list[list]
    sentence_spans: list[list[tuple[int, int]]]
    term_vocab: list[str]
    term_ids: np.ndarray
    term_counts: np.ndarray
    term_bounds: np.ndarray
    tokens: "WordTokens | None" = None
    packed: bool = False
    earlier: frozenset = frozenset()  # the documents (by place) whose hits are an earlier run's

    def documents(self, texts: list[str]) -> list[DocAnalysis]:
        """DocAnalysis objects, ``texts`` being the documents' texts in the same order."""
        b = self.term_bounds.tolist()
        ids, counts, vocab = self.term_ids, self.term_counts, self.term_vocab
        out = []
        for k, (doc_id, n, found, spans, text) in enumerate(zip(self.doc_ids, self.n_tokens, self.matches,
                                                                 self.sentence_spans, texts)):
            out.append(DocAnalysis(doc_id, n, found, spans, ids[b[k]:b[k + 1]], counts[b[k]:b[k + 1]], vocab, text,
                                   k in self.earlier))
        return out

    def compact(self) -> "BatchResult":
        """The result packed to leave the process: matches as tuples, a term list of its own
        terms only."""
        used, local = np.unique(self.term_ids, return_inverse=True)
        vocab = [self.term_vocab[i] for i in used.tolist()]
        matches = [packed_hits(found) if found else found for found in self.matches]
        return BatchResult(self.doc_ids, self.n_tokens, matches, self.sentence_spans, vocab,
                           local.astype(np.int32).reshape(-1), self.term_counts, self.term_bounds, self.tokens, True)


class DocumentAnalyser:
    """Callable over (doc_id, text), and over batches (:meth:`run_chunk`): picklable, so that it
    can run in worker processes. Its vocabulary and per-word tables are per process and are not
    pickled."""

    keep_tokens = False  # in a worker: keep each batch's tokens (a token store is filling)
    token_writer = None  # in a worker: writes them as a shard (framing.analyse.store.ShardWriter), else they travel back
    count_terms = True  # False: no keyness terms (the run has the counts per outlet already)
    sink = None  # in the parent: called with (doc_ids, WordTokens or ShardRef) for each batch

    def __init__(self, normaliser: Normaliser, matcher: LexiconMatcher) -> None:
        self.normaliser = normaliser
        self.matcher = matcher
        self.vocab = Vocabulary(normaliser)
        self._terms: list[str] = []  # keyness terms of this process, by id
        self._term_index: dict[str, int] = {}
        self._derived: dict[int, tuple[Vocabulary, WordTables]] = {}  # id(vocabulary) -> its word tables
        self.lock = threading.Lock()  # the vocabulary and tables below grow as batches come
        # per distinct form (normalised word, or (word, surface) for a matcher with lemmas): its
        # row in the tables of every form seen in this process
        self._by_surface = bool(matcher.needs_surfaces)
        self._form_index: dict = {}
        self._forms = WordTables.empty()

    def __getstate__(self):
        return {"normaliser": self.normaliser, "matcher": self.matcher, "keep_tokens": self.keep_tokens,
                "token_writer": self.token_writer, "count_terms": self.count_terms}

    def __setstate__(self, state):
        self.__init__(state["normaliser"], state["matcher"])
        self.keep_tokens, self.token_writer = state["keep_tokens"], state["token_writer"]
        self.count_terms = state.get("count_terms", True)

    def __call__(self, doc_id: str, text: str) -> DocAnalysis:
        return self.run_chunk([(doc_id, text)], local=True)[0]

    def run_chunk(self, items, local: bool = False):
        """Analyse a batch of (doc_id, text): DocAnalysis objects (``local``, in the parent, the
        tokens going to ``self.sink``), or a compact :class:`BatchResult` (in a worker). Batches
        run one at a time per analyser (Dask workers may be threads sharing it)."""
        with self.lock:
            return self._run_chunk(list(items), local)

    def _run_chunk(self, items, local: bool):
        batch = tokenize_batch([text for _, text in items], self.vocab)
        result = self.analyse_batch(items, batch, self.vocab)
        if local:
            if self.sink is not None:
                self.sink(result.doc_ids, WordTokens.of(batch, self.vocab))
            return result.documents([text for _, text in items])
        if self.keep_tokens:
            tokens = WordTokens.of(batch, self.vocab)
            result.tokens = self.token_writer(tokens) if self.token_writer is not None else tokens
        return result.compact()

    def unpack(self, part, items) -> list[DocAnalysis]:
        """In the parent: the DocAnalysis objects of what a worker sent for ``items``; tokens go
        to ``self.sink``."""
        if not isinstance(part, BatchResult):
            return part
        if self.sink is not None and part.tokens is not None:
            self.sink(part.doc_ids, part.tokens)
        return part.documents([text for _, text in items])

    # ---- the analysis of a tokenised batch ---------------------------------------------------

    def analyse_batch(self, items, batch: TokenBatch, vocab: Vocabulary) -> BatchResult:
        """Matches, sentences and keyness terms of documents whose tokens are ``batch`` (ids from
        ``vocab``: this process's vocabulary, or a token store's)."""
        tables = self._derive(vocab)
        n_docs = len(items)
        bounds = batch.bounds.tolist()
        # keyness terms: (document, term) pairs counted, in order of first occurrence
        if self.count_terms:
            pair_doc, term_ids, counts = _term_counts(batch.bounds, tables.term[batch.ids], len(self._terms) + 1)
            term_bounds = np.searchsorted(pair_doc, np.arange(n_docs + 1))
        else:
            term_ids, counts, term_bounds = _no_ids(), _no_ids(), np.zeros(n_docs + 1, dtype=np.int64)
        # lexicon matches, where a document has a candidate word
        matches: list[list[Match]] = [[] for _ in range(n_docs)]
        sentences: list[list[tuple[int, int]]] = [[] for _ in range(n_docs)]
        positions = np.flatnonzero(self._candidates(batch.ids, tables))
        by_doc = np.searchsorted(positions, bounds).tolist()
        for k in [k for k in range(n_docs) if by_doc[k] < by_doc[k + 1]]:
            a, z = bounds[k], bounds[k + 1]
            text = items[k][1]
            norms = tables.norm[batch.ids[a:z]].tolist()
            starts, ends = batch.starts[a:z].tolist(), batch.ends[a:z].tolist()
            at = (positions[by_doc[k]:by_doc[k + 1]] - a).tolist()
            found = self.matcher.explain_at(at, _Surfaces(text, starts, ends), norms, starts, ends, text)[0]
            matches[k] = found
            sentences[k] = _sentence_spans_of(text, found)
        return BatchResult([d for d, _ in items], np.diff(batch.bounds).tolist(), matches, sentences,
                           self._terms, term_ids, counts, term_bounds)

    def _derive(self, vocab: Vocabulary) -> WordTables:
        """The word tables of ``vocab``, extended as the vocabulary grows. All of it depends only
        on the normalised form (and on the surface, for a matcher with lemmas), so it is worked out
        once per distinct form in this process and shared by every vocabulary (the token store has
        one per shard)."""
        held = self._derived.get(id(vocab))
        if held is None or held[0] is not vocab:
            if len(self._derived) > 4:
                self._derived.clear()
            held = (vocab, WordTables.empty())
        tables = held[1]
        have = len(tables)
        if have < len(vocab):
            norms = vocab.norms[have:]
            keys = list(zip(norms, vocab.surfaces[have:])) if self._by_surface else norms
            rows = self._form_rows(keys)  # first: it extends self._forms
            tables = tables.extended(self._forms.rows(rows))
        self._derived[id(vocab)] = (vocab, tables)
        return tables

    def _form_rows(self, keys: list) -> np.ndarray:
        """Rows of ``self._forms`` for these forms (normalised word, or (word, surface)), the
        new ones worked out together and appended."""
        index = self._form_index
        rows = list(map(index.get, keys))  # (a word list read from a token store hashes each word here, once)
        missing = [i for i, r in enumerate(rows) if r is None]
        if missing:
            new = list(dict.fromkeys([keys[i] for i in missing]))
            base = len(index)
            index.update(zip(new, range(base, base + len(new))))
            self._forms = self._forms.extended(self._tables_of(new))
            for i in missing:
                rows[i] = index[keys[i]]
        return np.fromiter(rows, dtype=np.int64, count=len(rows))

    def _tables_of(self, keys: list) -> WordTables:
        norms = [k[0] for k in keys] if self._by_surface else keys
        surfaces = [k[1] for k in keys] if self._by_surface else [""] * len(keys)
        n = len(norms)
        matcher = self.matcher
        objects = np.empty(n, dtype=object)
        objects[:] = norms
        terms = self._term_ids(keyness_terms(norms)) if self.count_terms else np.full(n, -1, dtype=np.int32)
        return WordTables(term=terms,
                          kind=np.fromiter(map(matcher.candidate_kind, norms, surfaces), dtype=np.int8, count=n),
                          norm=objects,
                          need=np.fromiter(map(matcher.need_mask, norms), dtype=np.uint64, count=n),
                          offer=np.fromiter(map(matcher.offer_mask, norms), dtype=np.uint64, count=n))

    @staticmethod
    def _candidates(ids: np.ndarray, tables: WordTables) -> np.ndarray:
        """Tokens that can start a hit: a word with a single-word hit, or the first word of a
        multiword term followed by a word that can be the second word of one of its terms."""
        out = tables.kind[ids] == STARTS_HIT
        need = tables.need[ids]
        term_start = np.flatnonzero(need[:-1])
        if len(term_start):
            offered = tables.offer[ids[term_start + 1]]
            out[term_start[(need[term_start] & offered) != 0]] = True
        return out

    def _term_ids(self, terms: list[str]) -> np.ndarray:
        """Ids of keyness terms in this process's term list (new ones added), -1 for ""."""
        index = self._term_index
        ids = list(map(index.get, terms))
        if None in ids:
            for k, term in enumerate(terms):
                if ids[k] is None:
                    if term == _NO_TERM:
                        ids[k] = -1
                    else:
                        i = index.get(term)
                        if i is None:
                            i = index[term] = len(self._terms)
                            self._terms.append(term)
                        ids[k] = i
        return np.fromiter(ids, dtype=np.int32, count=len(ids))


def _term_counts(bounds: np.ndarray, terms: np.ndarray, width: int,
                 piece: int = 100_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each document's distinct terms in order of first occurrence, with their counts: parallel
    arrays of document index, term id and count. ``terms`` holds a term id per token (-1: none),
    document k's tokens being ``bounds[k]:bounds[k + 1]``; ``width`` exceeds every term id.

    Counted a few hundred thousand tokens at a time, in pieces that end where a document does:
    the small hash tables of :func:`pandas.factorize` (which numbers values in order of first
    occurrence) are much faster than one big one."""
    n_docs = len(bounds) - 1
    cuts = np.unique(np.searchsorted(bounds, np.arange(0, int(bounds[-1]), piece), side="right") - 1)
    cuts = [int(c) for c in cuts if 0 <= c < n_docs] or [0]
    cuts.append(n_docs)
    docs, ids, counts = [], [], []
    for k0, k1 in zip(cuts, cuts[1:]):
        part = terms[bounds[k0]:bounds[k1]]
        local_doc = np.repeat(np.arange(k1 - k0, dtype=np.int64), np.diff(bounds[k0:k1 + 1]))
        has = part >= 0
        codes, pairs = pd.factorize(local_doc[has] * width + part[has])
        docs.append(pairs // width + k0)
        ids.append((pairs % width).astype(np.int32))
        counts.append(np.bincount(codes, minlength=len(pairs)).astype(np.int32))
    return np.concatenate(docs), np.concatenate(ids), np.concatenate(counts)


class _Surfaces:
    """Surface forms of a document's tokens, cut from the text only where the matcher asks."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int], ends: list[int]) -> None:
        self.text, self.starts, self.ends = text, starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]]


_SENTENCE_SPLIT_RE = re.compile(f"({SENTENCE_END_RE.pattern})")  # keeps the sentence ends between the pieces


def _sentences_of(text: str, matches: list[Match]) -> list[str]:
    """The sentence around each match, in the matches' order (see :func:`_sentence_spans_of`)."""
    return [text[a:z] for a, z in _sentence_spans_of(text, matches)]


def _sentence_spans_of(text: str, matches: list[Match]) -> list[tuple[int, int]]:
    """Where the sentence around each match is, in the matches' order: the stretch of text
    between the sentence ends (as :func:`framing.arabic.sentence_spans` cuts them) that holds the
    match's first character, without surrounding white space. A sentence ending in punctuation
    keeps it; a line break is not part of the sentence before it. A sentence longer than
    :data:`framing.limits.SENTENCE_MAX_CHARS` is cut to a window around the match."""
    if not matches:
        return []
    parts = _SENTENCE_SPLIT_RE.split(text)  # sentence, end, sentence, end, ..., sentence
    pos = [0, *accumulate(map(len, parts))]  # pos[i]: where parts[i] starts
    sentence_starts = pos[0::2]
    out = []
    for match in matches:
        k = 2 * (bisect_right(sentence_starts, match.start) - 1)
        a, z = pos[k], (pos[k + 2] if k + 1 < len(parts) and parts[k + 1][0] != "\n" else pos[k + 1])
        while a < z and text[a].isspace():  # (no slicing: a sentence may be a whole long text)
            a += 1
        while z > a and text[z - 1].isspace():
            z -= 1
        out.append(sentence_window(text, a, z, match.start, match.end))
    return out
