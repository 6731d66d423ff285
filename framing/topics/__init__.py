"""Topic stage: what each outlet writes about (BERTopic on offline embeddings).

``compute(docs, matches, normaliser, options, seed, cache_dir) -> StageOutput``; see
``framing/topics/stage.py`` for the tables. Imports stay lazy so that ``framing --help`` is fast.
"""

from __future__ import annotations


def compute(docs, matches, normaliser, options, seed, cache_dir):
    from framing.topics.stage import compute as _compute

    return _compute(docs, matches, normaliser, options, seed, cache_dir)


def __getattr__(name):
    if name == "TopicsError":
        from framing.topics.embed import TopicsError

        return TopicsError
    raise AttributeError(name)


__all__ = ["compute", "TopicsError"]
