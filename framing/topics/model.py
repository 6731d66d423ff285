"""Topic words: c-TF-IDF over the topics' content words (the class-based TF-IDF of BERTopic).

c-TF-IDF (Grootendorst 2022, "BERTopic: Neural topic modeling with a class-based TF-IDF
procedure", eq. 1) treats all units of a topic as one document: a word's weight in topic *c* is
its frequency in *c*, L1-normalised per topic, times ``log(1 + A / f_x)``, where *A* is the
average number of words per topic (rounded down) and *f_x* the word's frequency over all topics.
As in BERTopic's ``ClassTfidfTransformer(reduce_frequent_words=True)``, the square root of the
normalised frequency is taken. Topics are numbered by size, 0 the largest, and -1 (HDBSCAN
outliers) keeps its number; equal sizes and equal weights are ordered as BERTopic orders them
(a descending pandas sort of the sizes counted in unit order; a partial sort of each topic's
weights, words from last to first in code-point order, then a sort of the top ones), so that the
topics, their words and the order of the words are BERTopic's.

The counts come from the units' word counts (:class:`framing.topics.units.WordCounts`), summed per
topic: no text is joined or tokenised again, and BERTopic itself (which imports PyTorch and
transformers) is not loaded; tests check the words and weights against BERTopic's own fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TopicWords:
    labels: np.ndarray  # final topic per unit (-1 outliers), 0 = largest topic
    words: dict[int, list[tuple[str, float]]]  # topic -> [(normalised word, c-TF-IDF weight)]


def by_size(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered by topic size, 0 the largest; -1 stays -1. Equal sizes: the topics'
    sizes, counted in the order the topics first occur, sorted by pandas in descending order."""
    import pandas as pd

    labels = np.asarray(labels, dtype=np.int64)
    uniq, first, sizes = np.unique(labels, return_index=True, return_counts=True)
    seen = np.argsort(first, kind="stable")
    table = pd.DataFrame({"topic": uniq[seen], "size": sizes[seen]}).sort_values("size", ascending=False)
    table = table[table["topic"] != -1]
    new = dict(zip(table["topic"].tolist(), range(len(table))))
    new[-1] = -1
    lookup = np.array([new[t] for t in uniq.tolist()], dtype=np.int64)
    return lookup[np.searchsorted(uniq, labels)]


def ctfidf(X):
    """c-TF-IDF weights of a topics × words count matrix (CSR, float64): sqrt of the L1-normalised
    counts times ``log(1 + A / f_x)``."""
    X = X.copy()
    row_sums = np.asarray(X.sum(axis=1)).ravel()  # whole numbers: exact in any order
    avg = int(row_sums.mean())
    df = np.asarray(X.sum(axis=0)).ravel()
    with np.errstate(divide="ignore"):
        idf = np.log((avg / df) + 1)
    lengths = np.diff(X.indptr)
    X.data = np.sqrt(X.data / np.repeat(row_sums, lengths)) * idf[X.indices]
    return X


def top_entries(data: np.ndarray, n: int) -> list[int]:
    """Positions of the ``n`` largest values of ``data``, largest first: the ``n`` largest found by
    a partial sort, then sorted (equal values come in the order these two numpy sorts leave them,
    with the list padded to ``n`` by zeros, as BERTopic does)."""
    k = min(n, len(data))
    if k == 0:
        return []
    part = np.argpartition(data, -k)[-k:]
    scores = np.zeros(n)
    scores[:k] = data[part]
    return [int(part[i]) for i in np.argsort(scores)[::-1] if i < k]


def topic_words(counts, labels: np.ndarray, top_n: int = 10) -> TopicWords:
    """Each topic's top words by c-TF-IDF over the units' content words (``counts``, a
    :class:`~framing.topics.units.WordCounts`), given the cluster labels (at least the top 30
    are ranked, as BERTopic ranks them, before the first ``top_n`` are kept)."""
    final = by_size(labels)
    topics = np.unique(final)
    X, names = counts.by_group(np.searchsorted(topics, final), len(topics))
    W = ctfidf(X)
    words = {}
    for row, topic in enumerate(topics.tolist()):
        a, b = W.indptr[row], W.indptr[row + 1]
        # from the last word to the first: the order of the entries in BERTopic's c-TF-IDF matrix,
        # which equal weights keep through the sorts
        data, idx = W.data[a:b][::-1], W.indices[a:b][::-1]
        best = top_entries(data, max(top_n, 30))
        words[topic] = [(names[idx[i]], float(data[i])) for i in best if data[i] > 0][:top_n]
    return TopicWords(final, words)
