"""corpus stage: read scraped articles in any of the supported formats and encodings, clean them,
attribute them, mark duplicates, and account for every input document.

Public API::

    docs = load_corpus(sources)         # list[Document], one per input, analysed or skipped
                                        # sources: a Sources (StudyConfig.corpus_sources())
    ledger_frame(docs, n_tokens=None)   # data/documents.csv as a DataFrame

Modules: ``readers`` (files, rows, streaming), ``encoding`` (BOMs, UTF-8, charset-normalizer),
``sources`` (what the stage reads: resolved sources and outlets), ``html`` (trafilatura), ``dates``, ``clean`` (Unicode and furniture), ``profiles`` (+
``profiles/*.yaml``: outlet furniture, signatures, source lines, agencies), ``attribute`` (source
lines, agencies, outlet inference, wire copy), ``outlets`` (outlet ids for field values and
profiles), ``words`` (numpy word and shingle hashes), ``minhash`` (numpy MinHash signatures, LSH
band index), ``repeated`` (lines repeated across an outlet), ``dedup`` (exact keys, LSH candidates
+ exact Jaccard), ``ledger`` (documents.csv), ``work`` (the per-document steps, run in worker
processes for large inputs), ``load`` (the stage end to end: what runs where).

Config keys (``corpus:``): see ``options.CorpusOptions``.
"""

from __future__ import annotations

# The stage modules (numpy, pandas) are loaded on first use, so that reading a config
# (framing.config imports framing.corpus.options and .sources) stays fast.
_API = {
    "load_corpus": "framing.corpus.load", "read_sources": "framing.corpus.load",
    "clean_documents": "framing.corpus.load", "ledger_frame": "framing.corpus.ledger",
    "ledger_records": "framing.corpus.ledger",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'framing.corpus' has no attribute {name!r}")
