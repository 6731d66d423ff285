"""The keyness-term counts per outlet equal the documents' own counts added up in input order,
whatever term lists the documents' ids point into (each batch of a forked worker has its own)."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import numpy as np

from framing.analyse.tables import outlet_terms


def _analysis(doc_id, vocab, terms):
    ids = [vocab.index(t) for t in terms]
    uniq = list(dict.fromkeys(ids))  # order of first occurrence, as the analysis numbers them
    return SimpleNamespace(doc_id=doc_id, term_vocab=vocab, term_ids=np.asarray(uniq, dtype=np.int32),
                           term_counts=np.asarray([ids.count(i) for i in uniq], dtype=np.int64))


def _summed(docs, analyses):
    outlet_of = {d.doc_id: d.outlet for d in docs}
    out: dict[str, Counter] = {}
    for a in analyses:
        counts = out.setdefault(outlet_of[a.doc_id], Counter())
        for i, n in zip(a.term_ids.tolist(), a.term_counts.tolist()):
            counts[a.term_vocab[i]] += n
    return out


def test_counts_and_order_equal_the_documents_added_up():
    one = ["احتلال", "تحرير", "قوات", "غزة"]
    two = ["غزة", "مستوطنين", "احتلال"]  # the same words numbered otherwise, and new ones
    three: list[str] = []
    docs = [SimpleNamespace(doc_id=f"d{k}", outlet=o) for k, o in enumerate("abacbd")]
    analyses = [_analysis("d0", one, ["قوات", "احتلال", "قوات"]), _analysis("d1", two, ["مستوطنين", "غزة"]),
                _analysis("d2", two, ["احتلال", "غزة", "احتلال"]), _analysis("d3", three, []),
                _analysis("d4", one, ["غزة", "تحرير"]), _analysis("d5", one, [])]
    got = outlet_terms(docs, analyses)
    want = _summed(docs, analyses)
    assert list(got) == ["a", "b", "c", "d"]  # every outlet, in order of its first document
    for outlet in got:
        assert list(got[outlet].items()) == list(want.get(outlet, Counter()).items()), outlet


def test_no_terms_at_all():
    docs = [SimpleNamespace(doc_id="d0", outlet="a"), SimpleNamespace(doc_id="d1", outlet="b")]
    analyses = [_analysis("d0", [], []), _analysis("d1", ["غزة"], [])]
    assert outlet_terms(docs, analyses) == {"a": Counter(), "b": Counter()}
    assert outlet_terms(docs, []) == {}
