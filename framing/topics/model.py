"""Topic representations with BERTopic (the only module that imports ``bertopic``, lazily).

Clusters are found in ``cluster.py``; BERTopic is then used in its documented *manual* mode
(``BaseDimensionalityReduction`` + ``BaseCluster`` + ``fit(docs, embeddings=..., y=labels)``): it
orders topics by size and computes c-TF-IDF topic words. It never loads a model: embeddings are
always passed and the representation is plain c-TF-IDF. Documents given to it are the units'
normalised content words (stopwords already removed), tokenised on whitespace; the vectorizer's
``min_df`` stays 1 because c-TF-IDF counts topics, not documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TopicWords:
    labels: np.ndarray  # final topic per unit (-1 outliers), 0 = largest topic
    words: dict[int, list[tuple[str, float]]]  # topic -> [(normalised word, c-TF-IDF weight)]
    version: str


def bertopic_version() -> str:
    """The installed BERTopic version, for the manifest."""
    from importlib.metadata import version

    try:
        return version("bertopic")
    except Exception:  # pragma: no cover
        return "unknown"


def _content_words(doc: str) -> list[str]:
    """Units arrive as normalised content words joined by spaces; BERTopic turns an empty
    document into the placeholder "emptydoc", which is not a word."""
    return [w for w in doc.split() if w != "emptydoc"]


def topic_words(content: list[str], labels: np.ndarray, embeddings: np.ndarray, top_n: int = 10) -> TopicWords:
    """Each topic's top words by c-TF-IDF (BERTopic) over the units' content words, given the
    cluster labels."""
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=_content_words, min_df=1)
    model = BERTopic(
        # Not "english": BERTopic then strips every non-ASCII character before c-TF-IDF. No model is
        # loaded for any language as long as embeddings are passed to fit().
        language="multilingual",
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=top_n,
        calculate_probabilities=False,
        verbose=False,
    )
    model.fit(list(content), embeddings=np.asarray(embeddings), y=np.asarray(labels))
    final = np.asarray(model.topics_, dtype=np.int64)
    words = {}
    for topic in sorted(set(final.tolist())):
        rep = model.get_topic(topic) or []
        words[topic] = [(w, float(s)) for w, s in rep if w and s > 0]
    return TopicWords(final, words, bertopic_version())
