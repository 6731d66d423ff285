"""The analysis engine: what runs per document at scale.

* :mod:`framing.analyse.tokens`: tokenise a batch of documents into numpy arrays of word ids and
  offsets (:func:`tokenize_batch`);
* :mod:`framing.analyse.engine`: match the lexicons and count keyness terms, batch by batch
  (:class:`DocumentAnalyser`);
* :mod:`framing.analyse.stored`: the analysis of a corpus, with a token store
  (:func:`analyse_documents`);
* :mod:`framing.analyse.parallel`: the worker processes (or a Dask cluster) the batches go to;
* :mod:`framing.analyse.store`: every document's tokens kept on disk between runs (:class:`TokenStore`).
"""

from framing.analyse.engine import DocumentAnalyser
from framing.analyse.stored import analyse_documents
from framing.analyse.store import TokenStore

__all__ = ["DocumentAnalyser", "TokenStore", "analyse_documents"]
