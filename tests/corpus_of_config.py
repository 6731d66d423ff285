"""The corpus stage run on a study config as the pipeline runs it: the tests build configs, and
the corpus stage reads what ``StudyConfig.corpus_sources()`` makes of them."""

from __future__ import annotations

from framing.corpus import load
from framing.runtime import effective_jobs


def sources_of(config):
    """The corpus stage's input for ``config`` (workers as its ``run.jobs`` says)."""
    return config.corpus_sources(effective_jobs(config.run.jobs))


def load_corpus(config):
    """Every document of the config's sources, read, cleaned and accounted for."""
    return load.load_corpus(sources_of(config))


def read_sources(config):
    """The config's documents as read, before cleaning."""
    return load.read_sources(sources_of(config))


def clean_documents(docs, config):
    """Documents built elsewhere, cleaned with the config's outlets and options."""
    return load.clean_documents(docs, sources_of(config))
