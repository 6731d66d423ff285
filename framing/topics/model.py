"""Topic words: c-TF-IDF over the topics' content words (the class-based TF-IDF of BERTopic).

c-TF-IDF (Grootendorst 2022, "BERTopic: Neural topic modeling with a class-based TF-IDF
procedure", eq. 1) treats all units of a topic as one document: a word's weight in topic *c* is
its frequency in *c*, L1-normalised per topic, times ``log(1 + A / f_x)``, where *A* is the
average number of words per topic (rounded down) and *f_x* the word's frequency over all topics.
As in BERTopic's ``ClassTfidfTransformer(reduce_frequent_words=True)``, the square root of the
normalised frequency is taken. Topics are numbered by size, 0 the largest (ties keep the order in
which topics first occur), and -1 (HDBSCAN outliers) keeps its number, as BERTopic numbers them.

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
    """Labels renumbered by topic size, 0 the largest; ties in the order topics first occur; -1
    stays -1."""
    labels = np.asarray(labels, dtype=np.int64)
    uniq, first, sizes = np.unique(labels, return_index=True, return_counts=True)
    keep = uniq != -1
    uniq, first, sizes = uniq[keep], first[keep], sizes[keep]
    order = np.lexsort((first, -sizes))
    new = np.empty(len(uniq), dtype=np.int64)
    new[order] = np.arange(len(uniq))
    out = np.full(len(labels), -1, dtype=np.int64)
    known = labels != -1
    out[known] = new[np.searchsorted(uniq, labels[known])]
    return out


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


def topic_words(counts, labels: np.ndarray, top_n: int = 10) -> TopicWords:
    """Each topic's top words by c-TF-IDF over the units' content words (``counts``, a
    :class:`~framing.topics.units.WordCounts`), given the cluster labels; ties between equal
    weights go to the first word in code-point order."""
    final = by_size(labels)
    topics = np.unique(final)
    X, names = counts.by_group(np.searchsorted(topics, final), len(topics))
    W = ctfidf(X)
    words = {}
    for row, topic in enumerate(topics.tolist()):
        a, b = W.indptr[row], W.indptr[row + 1]
        data, idx = W.data[a:b], W.indices[a:b]
        best = np.lexsort((idx, -data))[:top_n]
        words[topic] = [(names[idx[i]], float(data[i])) for i in best if data[i] > 0]
    return TopicWords(final, words)
