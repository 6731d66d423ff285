"""Units of analysis for topics: paragraphs (default) or whole documents, each a span
``[start, end)`` of its document's cleaned text, the span lexicon matches are mapped into (what a
paragraph is: :mod:`framing.topics.paragraphs`).

Each unit also gets its *content words*: normalised Arabic tokens without stopwords, digits or
one-letter words (Latin-script tokens are mostly furniture here: failed tweet embeds, URLs), the
article and a conjunction or preposition fused to it removed (``strip_article``). They feed the
topic words (c-TF-IDF) and the ``tfidf`` embedding.

Speed and memory: units are built in batches of documents (about two million characters), with
the analysis's numpy tokeniser (:func:`framing.analyse.tokens.token_batches`: word boundaries
from a table of code points, each distinct spelling normalised and classified once) and the lines
of the texts found with numpy too (:func:`framing.topics.paragraphs.unit_spans`). A unit keeps its
content words as counts (a sparse row of word ids, see :class:`WordCounts`), not as text, and its
text is read from its document when asked for (:class:`UnitTexts`), not copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.arabic import WORD_RE, Normaliser
from framing.arabic.clitics import strip_article, strip_articles
from framing.arabic.stopwords import is_stopword, topic_stopword_set
from framing.topics.paragraphs import space_table, unit_spans

_HAS_DIGIT = re.compile(r"\d")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")


class UnitTexts:
    """The units' cleaned texts, read from their documents on demand (a read-only sequence)."""

    def __init__(self, sources: list[str], doc_index: np.ndarray, starts: np.ndarray, ends: np.ndarray):
        self._sources, self._doc, self._starts, self._ends = sources, doc_index, starts, ends

    def __len__(self) -> int:
        return len(self._doc)

    def __getitem__(self, i: int) -> str:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        return self._sources[self._doc[i]][self._starts[i]:self._ends[i]]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


@dataclass
class WordCounts:
    """Content-word counts of every unit: for unit ``u``, ``ids[indptr[u]:indptr[u + 1]]`` are its
    distinct content words (ids into ``words``, numbered in the order they first occur in the
    corpus) in the order they first occur in the unit, and ``counts`` how often each occurs."""

    words: list[str]
    indptr: np.ndarray  # int64, one more than the units
    ids: np.ndarray  # int32
    counts: np.ndarray  # float32 (small whole numbers)

    def matrix(self, rows: np.ndarray | None = None):
        """(units × words count matrix, its word list): the matrix scikit-learn's
        ``CountVectorizer(analyzer=str.split, dtype=float32).fit_transform`` gives for the units'
        content words joined by spaces: the words that occur in these ``rows`` (all units when
        None), sorted, and within each row the entries in the order the vectoriser leaves them
        (by first occurrence in these rows). Building it from the counts avoids re-tokenising."""
        import scipy.sparse as sp

        if rows is None:
            indptr, ids, counts = self.indptr, self.ids, self.counts
        else:
            rows = np.asarray(rows, dtype=np.int64)
            lengths = self.indptr[rows + 1] - self.indptr[rows]
            indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            take = np.repeat(self.indptr[rows] - indptr[:-1], lengths) + np.arange(indptr[-1])
            ids, counts = self.ids[take], self.counts[take]
        n_rows = len(indptr) - 1
        if len(ids) == 0:
            return None, np.array([], dtype=object)
        # the vectoriser numbers words by first occurrence in these rows, sorts each row by that
        # number, then renumbers the words alphabetically without re-sorting the rows
        present, first = np.unique(ids, return_index=True)
        local = np.empty(len(self.words), dtype=np.int64)
        local[present[np.argsort(first, kind="stable")]] = np.arange(len(present))
        row_of = np.repeat(np.arange(n_rows), np.diff(indptr))
        order = np.lexsort((local[ids], row_of))
        names = np.array([self.words[i] for i in present], dtype=object)
        alpha = np.empty(len(present), dtype=np.int64)
        alpha[np.argsort(names, kind="stable")] = np.arange(len(present))
        rank = np.empty(len(self.words), dtype=np.int64)
        rank[present] = alpha
        X = sp.csr_matrix((counts[order].astype(np.float32), rank[ids[order]].astype(np.int32), indptr),
                          shape=(n_rows, len(present)))
        return X, np.sort(names)

    def _alphabetical(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted words, each word id's rank among them)."""
        names = np.array(self.words, dtype=object)
        order = np.argsort(names, kind="stable")
        rank = np.empty(len(self.words), dtype=np.int64)
        rank[order] = np.arange(len(self.words))
        return names[order], rank

    def sorted_words(self) -> np.ndarray:
        """Every content word, sorted (the vocabulary of ``matrix()`` over all units)."""
        return self._alphabetical()[0]

    def rows_of_all(self, rows: np.ndarray, rank: np.ndarray | None = None):
        """These rows of ``matrix()`` over all units (the same entries in the same order, without
        building the whole matrix): word ids number words by first occurrence in the corpus,
        which is the vectoriser's order over all units. ``rank``: ``_alphabetical()[1]``."""
        import scipy.sparse as sp

        rank = self._alphabetical()[1] if rank is None else rank
        rows = np.asarray(rows, dtype=np.int64)
        lengths = self.indptr[rows + 1] - self.indptr[rows]
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        take = np.repeat(self.indptr[rows] - indptr[:-1], lengths) + np.arange(indptr[-1])
        ids, counts = self.ids[take], self.counts[take]
        order = np.lexsort((ids, np.repeat(np.arange(len(rows)), lengths)))
        return sp.csr_matrix((counts[order].astype(np.float32), rank[ids[order]].astype(np.int32), indptr),
                             shape=(len(rows), len(self.words)))

    def row_chunks(self, size: int):
        """``matrix()`` over all units, ``size`` rows at a time."""
        rank = self._alphabetical()[1]
        n = len(self.indptr) - 1
        for lo in range(0, n, size):
            yield self.rows_of_all(np.arange(lo, min(n, lo + size)), rank)

    def by_group(self, groups: np.ndarray, n_groups: int, chunk: int = 100_000):
        """(groups × words count matrix as float64 with sorted indices, sorted word list): the
        content words of the units of each group summed (``chunk`` units at a time), over the
        words of every unit."""
        import scipy.sparse as sp

        n = len(self.indptr) - 1
        names, rank = self._alphabetical()
        groups = np.asarray(groups)
        X = sp.csr_matrix((n_groups, len(self.words)), dtype=np.float64)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            a, b = self.indptr[lo], self.indptr[hi]
            rows = groups[lo:hi][np.repeat(np.arange(hi - lo), np.diff(self.indptr[lo:hi + 1]))]
            X = X + sp.csr_matrix((self.counts[a:b].astype(np.float64), (rows, rank[self.ids[a:b]])),
                                  shape=(n_groups, len(self.words)))  # whole numbers: exact in any order
        X.sum_duplicates()
        X.sort_indices()
        return X, names


@dataclass
class Units:
    frame: pd.DataFrame  # unit_id, doc_id, outlet, start, end, n_tokens, n_content
    texts: UnitTexts  # the unit's cleaned text, doc.text[start:end]
    counts: WordCounts  # its content words
    spellings: pd.DataFrame = field(default_factory=pd.DataFrame)  # surface, word, count (content words)
    vocabulary: _Vocabulary | None = None  # every spelling met and its content word

    def content_of(self, surface: str) -> str:
        """The content word of a spelling met in the units ("" if none; None if never met)."""
        sid = self.vocabulary.sid.get(surface) if self.vocabulary is not None else None
        if sid is None:
            return None
        w = self.vocabulary.word_of[sid]
        return self.vocabulary.words[w] if w >= 0 else ""

    def __len__(self) -> int:
        return len(self.frame)

    def content_words(self, i: int) -> list[str]:
        """The content words of unit ``i`` in text order (tokenised again from its text)."""
        return [w for w in map(self.content_of, WORD_RE.findall(self.texts[i])) if w]

    @property
    def content(self) -> list[str]:
        """Every unit's content words joined by spaces (built on demand, for inspection)."""
        return [" ".join(self.content_words(i)) for i in range(len(self))]


class _Vocabulary:
    """Distinct spellings (surface id per spelling) and content words (numbered in the order they
    first occur), each spelling normalised and classified once."""

    def __init__(self, normaliser: Normaliser, article: bool):
        self.normaliser, self.article = normaliser, article
        self.stops = topic_stopword_set(normaliser)
        self.sid: dict[str, int] = {}
        self.surfaces: list[str] = []
        self.word_of: list[int] = []  # surface id -> content word id, -1 when not a content word
        self.cid: dict[str, int] = {}
        self.words: list[str] = []

    def content(self, norm: str) -> str:
        """The content word of a normalised spelling, "" when it is not one."""
        stops = self.stops
        ok = (len(norm) >= 2 and _ARABIC_LETTER.search(norm) is not None
              and not _HAS_DIGIT.search(norm) and not is_stopword(norm, stops))
        if ok and self.article:
            norm = strip_article(norm)
            ok = not is_stopword(norm, stops)
        return norm if ok else ""

    def contents(self, norms: list[str]) -> list[str]:
        """``[self.content(n) for n in norms]``, with column operations (the same tests, in the
        same order)."""
        s = pd.Series(norms, dtype=object)

        def stop(t: pd.Series) -> pd.Series:
            conj = (t.str.len() > 2) & t.str[:1].isin(["و", "ف"]) & t.str[1:].isin(self.stops)
            return t.isin(self.stops) | conj

        ok = ((s.str.len() >= 2) & s.str.contains(_ARABIC_LETTER.pattern, regex=True)
              & ~s.str.contains(_HAS_DIGIT.pattern, regex=True))
        ok &= ~stop(s)
        if self.article:
            s = pd.Series(strip_articles(norms), dtype=object)
            ok &= ~stop(s)
        return s.where(ok, "").tolist()


def build_units(docs, normaliser: Normaliser, unit: str = "paragraph", min_words: int = 8,
                article: bool = True, batch_chars: int | None = None, jobs: int = 1) -> Units:
    """The units topics are fitted on (paragraphs or documents of at least ``min_words`` words),
    each with its content words: normalised Arabic words without stopwords or digits, the article
    split off when ``article``. Documents are tokenised once, ``batch_chars`` characters at a time
    (None: ``framing.analyse.tokens.BATCH_CHARS``).
    ``jobs`` >= 2: the second half of the documents is done by a forked process at the same time
    (from ``SPLIT_ABOVE`` documents to ``background.READS_ALL_AT_MOST``, for memory), and its words
    numbered after the first half's, as they would be in one pass."""
    from framing import background
    from framing.analyse.tokens import word_table

    docs = list(docs)
    args = (normaliser, unit, min_words, article, batch_chars)
    word_table()  # the tables of code points, built once, before a second process is forked
    space_table()
    if jobs > 1 and SPLIT_ABOVE <= len(docs) <= background.READS_ALL_AT_MOST and background.can_fork():
        sizes = np.cumsum([len(d.text or "") for d in docs])
        cut = int(min(max(1, np.searchsorted(sizes, sizes[-1] / 2)), len(docs) - 1))
        second = background.start("topic units", lambda: _part(docs[cut:], *args))
        try:
            parts = [_part(docs[:cut], *args), second.result()]
        finally:
            second.stop()
    else:
        parts = [_part(docs, *args)]
    return _joined(parts, docs, normaliser, article)


SPLIT_ABOVE = 2000  # documents; below this, forking a second process costs more than it saves


@dataclass
class _Part:
    """The units of some documents, their words numbered within the part (:func:`_joined` numbers
    them for the whole corpus)."""

    surfaces: list  # every spelling met, in the order met
    word_of: list  # spelling -> content word (index into words), -1 for none
    words: list  # content words, in the order met
    rows: list  # (unit_id, doc_id, outlet, start, end)
    doc_of: np.ndarray  # each unit's document, within the part
    indptr: np.ndarray
    ids: np.ndarray
    counts: np.ndarray
    n_tokens: np.ndarray
    n_content: np.ndarray
    surface_count: np.ndarray  # content-word occurrences of each spelling
    n_docs: int


def _part(docs, normaliser: Normaliser, unit: str, min_words: int, article: bool, batch_chars: int | None) -> _Part:
    """Tokenise ``docs`` into units with their content words (see :func:`build_units`): the words
    are ``WORD_RE``'s, found and numbered by :func:`framing.analyse.tokens.token_batches` (with
    numpy, ``batch_chars`` characters at a time), so that each distinct spelling goes through
    Python once; spellings and content words are numbered in the order they first occur."""
    from framing.analyse.tokens import Vocabulary, token_batches

    texts = [doc.text or "" for doc in docs]
    spelled = Vocabulary(normaliser)  # every spelling met (token ids), with its normalised form
    vocab = _Vocabulary(normaliser, article)  # content words
    word_of = np.zeros(0, dtype=np.int64)  # spelling -> content word, -1 for none
    rows: list = []
    doc_of: list[int] = []
    indptr_parts, id_parts, count_parts = [np.zeros(1, dtype=np.int64)], [], []
    n_tokens_parts, n_content_parts = [], []
    surface_count = np.zeros(0, dtype=np.int64)  # content-word occurrences of each spelling
    first = 0  # the batch's first document
    for batch in token_batches(texts, spelled, batch_chars=batch_chars, keep_empty=True):
        if len(spelled) > len(word_of):  # new spellings, in the order met: their content words
            new = vocab.contents(spelled.norms[len(word_of):])
            cid, words = vocab.cid, vocab.words
            for w in new:
                if w and w not in cid:
                    cid[w] = len(words)
                    words.append(w)
            word_of = np.concatenate([word_of, np.fromiter((cid[w] if w else -1 for w in new), np.int64, len(new))])
        n_docs = len(batch.bounds) - 1
        spans, lengths = unit_spans(texts[first:first + n_docs], batch, unit, min_words)
        for k, i, s, e in spans:
            doc = docs[first + k]
            rows.append((f"{doc.doc_id}#p{i}" if unit == "paragraph" else doc.doc_id, doc.doc_id, doc.outlet, s, e))
            doc_of.append(first + k)
        first += n_docs
        sids = batch.ids.astype(np.int64)
        cids = word_of[sids]
        nu = len(lengths)
        unit_of = np.repeat(np.arange(nu, dtype=np.int64), lengths)
        keep = cids >= 0
        u, c = unit_of[keep], cids[keep]
        n_content_parts.append(np.bincount(u, minlength=nu))
        n_tokens_parts.append(lengths)
        surface_count = np.concatenate([surface_count, np.zeros(len(spelled) - len(surface_count), np.int64)])
        surface_count += np.bincount(sids[keep], minlength=len(spelled))
        # each (unit, word) pair once, in the order the word first occurs in the unit
        key = u * (len(vocab.words) + 1) + c
        _, at, count = np.unique(key, return_index=True, return_counts=True)
        order = np.argsort(at, kind="stable")
        id_parts.append(c[at[order]].astype(np.int32))
        count_parts.append(count[order].astype(np.float32))
        per_unit = np.bincount(u[at], minlength=nu)
        indptr_parts.append(indptr_parts[-1][-1] + np.cumsum(per_unit))

    def joined(parts, dtype):
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    return _Part(spelled.surfaces, word_of.tolist(), vocab.words, rows, np.asarray(doc_of, dtype=np.int64),
                 np.concatenate(indptr_parts).astype(np.int64), joined(id_parts, np.int32),
                 joined(count_parts, np.float32), joined(n_tokens_parts, np.int64), joined(n_content_parts, np.int64),
                 surface_count, len(docs))


def _joined(parts: list[_Part], docs, normaliser: Normaliser, article: bool) -> Units:
    """One :class:`Units` from the parts of consecutive runs of ``docs``: spellings and words
    numbered in the order they are first met over the parts, as one pass over the documents would."""
    vocab = _Vocabulary(normaliser, article)
    # spellings and words numbered by first occurrence over the parts in order (a word new to the
    # corpus in a part is first met there through a spelling new to the corpus: its parts' order)
    s_codes, surfaces = pd.factorize(pd.Series([x for p in parts for x in p.surfaces], dtype=object), sort=False)
    w_codes, words = pd.factorize(pd.Series([x for p in parts for x in p.words], dtype=object), sort=False)
    vocab.surfaces, vocab.words = list(surfaces), list(words)
    vocab.sid = dict(zip(vocab.surfaces, range(len(vocab.surfaces))))
    vocab.cid = dict(zip(vocab.words, range(len(vocab.words))))
    ids, indptr, doc_of, counts, word_of = [], [np.zeros(1, np.int64)], [], [], []
    surface_count = np.zeros(len(surfaces), np.int64)
    rows: list = []
    n_docs = s_at = w_at = 0
    for part in parts:
        smap = s_codes[s_at: s_at + len(part.surfaces)].astype(np.int64)
        wmap = w_codes[w_at: w_at + len(part.words)].astype(np.int64)
        s_at, w_at = s_at + len(part.surfaces), w_at + len(part.words)
        part_word_of = np.asarray(part.word_of, dtype=np.int64)
        word_of.append(np.where(part_word_of >= 0, wmap[np.maximum(part_word_of, 0)], -1) if len(wmap) else
                       np.full(len(part_word_of), -1, np.int64))
        ids.append(wmap[part.ids].astype(np.int32) if len(part.ids) else part.ids)
        indptr.append(indptr[-1][-1] + part.indptr[1:])
        counts.append(part.counts)
        doc_of.append(part.doc_of + n_docs)
        n_docs += part.n_docs
        rows.extend(part.rows)
        surface_count[smap] += part.surface_count  # each spelling once in a part
    first = np.empty(len(surfaces), np.int64)  # where each spelling first occurs
    first[s_codes[::-1]] = np.arange(len(s_codes))[::-1]
    vocab.word_of = np.concatenate(word_of)[first].tolist() if word_of else []
    frame = pd.DataFrame(rows, columns=["unit_id", "doc_id", "outlet", "start", "end"])
    frame = frame.astype({"start": np.int64, "end": np.int64})
    frame["n_tokens"] = np.concatenate([p.n_tokens for p in parts])
    frame["n_content"] = np.concatenate([p.n_content for p in parts])
    counts_ = WordCounts(list(vocab.words), np.concatenate(indptr).astype(np.int64), np.concatenate(ids),
                         np.concatenate(counts))
    used = np.flatnonzero(surface_count)
    spellings = pd.DataFrame({"surface": [vocab.surfaces[i] for i in used],
                              "word": [vocab.words[vocab.word_of[i]] for i in used], "count": surface_count[used]})
    texts = UnitTexts([d.text or "" for d in docs], np.concatenate(doc_of), frame["start"].to_numpy(),
                      frame["end"].to_numpy())
    return Units(frame=frame, texts=texts, counts=counts_, spellings=spellings, vocabulary=vocab)


def display_forms(norms, units: Units) -> dict[str, str]:
    """The most frequent surface spelling of each content word (ة rather than folded ه; with the
    article when the word is mostly written with it); ties go to the first in code-point order."""
    wanted = set(norms)
    sp = units.spellings
    best: dict[str, tuple[int, str]] = {}
    if len(sp):
        sub = sp[sp["word"].isin(wanted)]
        for surface, norm, count in zip(sub["surface"], sub["word"], sub["count"].tolist()):
            cur = best.get(norm)
            if cur is None or count > cur[0] or (count == cur[0] and surface < cur[1]):
                best[norm] = (count, surface)
    return {n: best[n][1] if n in best else n for n in wanted}
