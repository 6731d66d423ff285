"""Analysis with a token store: the documents it holds are matched again from their stored
tokens, the others tokenised and stored; after a lexicon edit, only the documents the edit can
touch are matched again (the others keep the hits the last run found)."""

from __future__ import annotations

import numpy as np

from framing.analyse.engine import BatchResult, DocAnalysis, DocumentAnalyser, _no_ids


def analyse_documents(analyser: DocumentAnalyser, items: list[tuple[str, str]], *, store=None, jobs: int = 0,
                      backend: str = "local", scheduler: str | None = None, progress=None) -> list[DocAnalysis]:
    """Analyse (doc_id, text) items, results in input order. With a token store
    (:class:`framing.analyse.store.TokenStore`), the documents it holds are matched again from their
    stored tokens; the others are tokenised too, and their tokens are added to the store (written
    as shards by the worker processes themselves on this machine; sent back from a Dask cluster).
    Both go through :func:`framing.analyse.parallel.map_documents`.

    The store also keeps each run's hits. When keyness terms are not counted (the run has them
    already) a stored document none of whose words has a changed part in the lexicons since that
    run (:meth:`framing.lexicon.Matcher.signatures`) keeps the hits it had: after an edit of a
    lexicon, only the documents holding a word the edit touches are matched again."""
    from framing.analyse.parallel import can_fork, map_documents

    options = {"jobs": jobs, "backend": backend, "scheduler": scheduler, "progress": progress}
    if store is None:
        return map_documents(analyser, items, **options)
    hashes = [store.expect(doc_id, text) for doc_id, text in items]
    fresh = [k for k, h in enumerate(hashes) if not store.has(h)]
    results: list = [None] * len(items)
    analyser.sink, analyser.keep_tokens = store.add, True
    analyser.token_writer = store.writer() if backend == "local" else None
    try:
        for k, res in zip(fresh, map_documents(analyser, [items[k] for k in fresh], **options)):
            results[k] = res
    finally:
        analyser.sink, analyser.keep_tokens, analyser.token_writer = None, False, None
    signatures = getattr(analyser.matcher, "signatures", lambda: None)()
    cached = [k for k in range(len(items)) if results[k] is None]
    earlier = None
    if cached:
        store.use([hashes[k] for k in cached])
        earlier = store.earlier(signatures) if not analyser.count_terms else None
        from_store = _FromStore(analyser, store, {items[k][0]: hashes[k] for k in cached}, earlier)
        if backend != "local" or not can_fork():  # forked workers read the shards; others: in process
            options = {**options, "jobs": 1}
        for k, res in zip(cached, map_documents(from_store, [items[k] for k in cached], **{**options, "backend": "local"})):
            results[k] = res
    if signatures is None:
        return results
    if earlier is not None and not earlier.changed and all(res.earlier for res in results):
        store.keep_earlier()  # the same matcher found nothing new: the kept hits stay as they are
    else:  # the hits kept as they were need no packing again
        kept = earlier.docs if earlier is not None else {}
        store.keep_hits(signatures, {h: kept[h] if res.earlier else _packed_hits(res) for h, res in zip(hashes, results)})
    return results


def _packed_hits(analysis: DocAnalysis) -> tuple[list, list]:
    """A document's hits as a token store keeps them: tuples without the surface (it is cut
    from the text again), and their sentences' spans."""
    return analysis.packed, analysis.sentence_spans


class _FromStore:
    """Analysis of documents whose tokens a token store holds: only the matching and counting
    are redone, shard by shard; with ``earlier`` (:class:`framing.analyse.store.Earlier`), a
    document none of whose words changed its part in the lexicons keeps its earlier hits. Used
    like a DocumentAnalyser by :func:`framing.analyse.parallel.map_documents`."""

    def __init__(self, analyser: DocumentAnalyser, store, hash_of: dict[str, str], earlier=None) -> None:
        self.analyser, self.store, self.hash_of, self.earlier = analyser, store, hash_of, earlier
        self._changed: dict[str, np.ndarray] = {}  # shard key -> whether each of its words changed

    def run_chunk(self, items, local: bool = False):
        """Results for runs of consecutive items stored in the same shard: DocAnalysis objects
        (``local``) or a list of compact BatchResults."""
        with self.analyser.lock:
            return self._run_chunk(items, local)

    def _run_chunk(self, items, local: bool):
        from framing.analyse.tokens import TokenBatch

        out: list = []
        where = [self.store.shard_of(self.hash_of[doc_id]) for doc_id, _ in items]
        start = 0
        while start < len(items):
            key = where[start][0]
            end = start
            while end < len(items) and where[end][0] == key:
                end += 1
            vocab, ids, starts, ends = self.store.load_shard(key)
            spans = [slice(off, off + n) for _key, off, n in where[start:end]]
            part = items[start:end]
            kept = self._kept(key, vocab, ids, part, spans)
            todo = [k for k in range(len(part)) if k not in kept]
            result = None
            if todo:
                run = [spans[k] for k in todo]
                bounds = np.concatenate([[0], np.cumsum([s.stop - s.start for s in run], dtype=np.int64)])
                batch = TokenBatch(*(np.concatenate([a[s] for s in run]) for a in (ids, starts, ends)), bounds)
                result = self.analyser.analyse_batch([part[k] for k in todo], batch, vocab)
            if kept:
                result = _merged(part, spans, kept, todo, result.compact() if result is not None else None)
            elif not local:
                result = result.compact()
            out.extend(result.documents([text for _, text in part]) if local else [result])
            start = end
        return out

    def _kept(self, key: str, vocab, ids: np.ndarray, part, spans) -> dict[int, tuple]:
        """The earlier hits of the documents of ``part`` (by their place in it) that keep them."""
        earlier = self.earlier
        if earlier is None:
            return {}
        changed = self._changed.get(key)
        if changed is None:
            changed = self._changed[key] = earlier.changed_words(vocab.norms)
        touched = np.concatenate([[0], np.cumsum(changed[ids], dtype=np.int64)])
        kept = {}
        for k, ((doc_id, _), sl) in enumerate(zip(part, spans)):
            old = earlier.docs.get(self.hash_of[doc_id])
            if old is not None and touched[sl.stop] == touched[sl.start]:
                kept[k] = old
        return kept

    def unpack(self, parts, items) -> list[DocAnalysis]:
        out: list[DocAnalysis] = []
        for part in parts:
            chunk, items = items[:len(part.doc_ids)], items[len(part.doc_ids):]
            out.extend(part.documents([text for _, text in chunk]))
        return out

    def __call__(self, doc_id: str, text: str) -> DocAnalysis:
        return self.run_chunk([(doc_id, text)], local=True)[0]


def _merged(part, spans, kept: dict[int, tuple], todo: list[int], fresh: BatchResult | None) -> BatchResult:
    """One packed result for the documents of ``part``: the earlier hits of those in ``kept``,
    those of ``fresh`` (packed, for the documents ``todo``) for the others; no keyness terms."""
    n = len(part)
    matches: list = [None] * n
    sentences: list = [None] * n
    for k, (found, at) in kept.items():
        matches[k], sentences[k] = found, at
    if fresh is not None:
        for j, k in enumerate(todo):
            matches[k], sentences[k] = fresh.matches[j], fresh.sentence_spans[j]
    return BatchResult([d for d, _ in part], [s.stop - s.start for s in spans], matches, sentences, [], _no_ids(),
                       _no_ids(), np.zeros(n + 1, dtype=np.int64), None, True, frozenset(kept))
