"""Topic stage: what each outlet writes about (clusters of offline embeddings, c-TF-IDF topic words).

``compute(inputs, options, runtime)`` fits the topics (no lexicon hits needed), ``frames(inputs,
options, runtime)`` crosses them with the matches; ``topic_model(docs, matches, normaliser,
options, seed, cache_dir)`` does both on plain arguments. See ``framing/topics/stage.py`` for the
tables. Imports stay lazy so that reading a config does not load the topic model's dependencies.
"""

from __future__ import annotations

_API = {"compute": "framing.topics.stage", "frames": "framing.topics.stage",
        "topic_model": "framing.topics.stage", "TopicsError": "framing.topics.embed"}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'framing.topics' has no attribute {name!r}")
