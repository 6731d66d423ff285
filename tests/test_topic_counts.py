"""The topic stage's counted units: the same numbers as re-tokenising the units' text with
scikit-learn and as BERTopic's own c-TF-IDF, and silhouettes from precomputed distances."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from framing.arabic import Normaliser
from framing.records import Document
from framing.topics.units import build_units, display_forms
from tests.test_topics import three_theme_corpus


@pytest.fixture(scope="module")
def docs():
    docs, _ = three_theme_corpus(n_docs=24, seed=3)
    # a short title line, a blank document and a digits-only one: joined, empty and content-free units
    docs[0].text = "عنوان\n" + docs[0].text
    docs.append(Document(doc_id="blank", outlet="alpha", source="b", text="  \n "))
    docs.append(Document(doc_id="digits", outlet="beta", source="d", text="2015 123 و في من"))
    return docs


@pytest.fixture(scope="module")
def units(docs):
    return build_units(docs, Normaliser(), "paragraph", 8)


def _same_csr(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(a, part), getattr(b, part)), part


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_units_built_by_two_processes_are_those_of_one(docs, unit, monkeypatch):
    from framing import background
    from framing.topics import units as units_module

    if not background.can_fork():
        pytest.skip("processes cannot be forked here")
    monkeypatch.setattr(units_module, "SPLIT_ABOVE", 2)
    one = build_units(docs, Normaliser(), unit, 8)
    two = build_units(docs, Normaliser(), unit, 8, jobs=2, batch_chars=300)
    assert two.frame.equals(one.frame) and two.content == one.content
    assert list(two.texts) == list(one.texts)
    assert two.spellings.equals(one.spellings)
    assert two.counts.words == one.counts.words  # numbered by first occurrence over the whole corpus
    for part in ("indptr", "ids", "counts"):
        a, b = getattr(two.counts, part), getattr(one.counts, part)
        assert a.dtype == b.dtype and np.array_equal(a, b), part
    assert two.vocabulary.sid == one.vocabulary.sid and two.vocabulary.word_of == one.vocabulary.word_of


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_batches_do_not_change_the_units(docs, unit):
    whole = build_units(docs, Normaliser(), unit, 8)
    small = build_units(docs, Normaliser(), unit, 8, batch_chars=40)  # a batch every document or so
    assert whole.frame.equals(small.frame) and whole.content == small.content
    assert list(whole.texts) == list(small.texts)
    assert whole.spellings.equals(small.spellings)
    for a, b in [(whole.counts.matrix(), small.counts.matrix())]:
        _same_csr(a[0], b[0])
        assert list(a[1]) == list(b[1])


def test_units_keep_text_spans_and_counts(docs, units):
    frame = units.frame
    texts = {d.doc_id: d.text for d in docs}
    for i, r in enumerate(frame.itertuples()):
        assert units.texts[i] == texts[r.doc_id][r.start:r.end]
        assert len(units.content_words(i)) == r.n_content
    assert frame.loc[frame["doc_id"] == "digits", "n_content"].tolist() == [0]
    assert frame.loc[frame["doc_id"] == "blank", "n_tokens"].tolist() == [0]


_AWKWARD = [
    "",  # no text at all
    " \n\t\n ",  # white space only
    "سطر قصير\r\n\n   \n" + "كلمة " * 9 + "\n،،،\n" + "نهاية قصيرة",  # \r, blank lines, a line of punctuation
    "\u00a0\u2003بداية بمسافات غريبة\u2003\n" + "ـــ ًٌ " + "قول " * 12 + "\n\u2028سطر\u2029 آخر",  # tatweel and marks alone
    "\n\nكلمة واحدة\n\n",
    "a b c d e f g h i j 1 2 3\n" + "١٢٣ " * 9,  # Latin and digits: words that are no content words
    "خبر " * 8 + "\n" + "خبر " * 7 + "\n" + "خبر " * 8 + "\n" + "خبر",  # exactly min_words, and one short
]


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_units_are_the_spans_and_words_of_their_text(unit):
    # the units are built for many texts at once with numpy; each must be what reading its own text
    # line by line gives (paragraph_spans, document_span) with every WORD_RE word in it
    from framing.arabic import WORD_RE
    from framing.topics.paragraphs import document_span, paragraph_spans

    docs = [Document(doc_id=f"d{k}", outlet="o", source="s", text=text) for k, text in enumerate(_AWKWARD * 3)]
    normaliser = Normaliser()
    for batch_chars in (None, 30):
        units = build_units(docs, normaliser, unit, 8, batch_chars=batch_chars)
        frame = units.frame
        for doc in docs:
            spans = paragraph_spans(doc.text, 8) if unit == "paragraph" else document_span(doc.text)
            spans = spans or [(0, len(doc.text))]
            rows = frame[frame["doc_id"] == doc.doc_id]
            assert list(zip(rows["start"], rows["end"])) == spans, doc.text
            words = [WORD_RE.findall(doc.text, s, e) for s, e in spans]
            assert rows["n_tokens"].tolist() == [len(w) for w in words]
            assert rows["n_content"].tolist() == [sum(bool(units.content_of(x)) for x in w) for w in words]
    assert units.content_of("ـــ") == ""  # met, and no content word


@pytest.mark.parametrize("subset", [False, True])
def test_count_matrix_is_the_vectorisers(units, subset):
    rows = np.sort(np.random.default_rng(0).choice(len(units), len(units) // 3, replace=False)) if subset else None
    texts = units.content if rows is None else [units.content[i] for i in rows]
    cv = CountVectorizer(analyzer=str.split, dtype=np.float32)
    expected = cv.fit_transform(texts)
    got, words = units.counts.matrix(rows)
    assert list(words) == list(cv.get_feature_names_out())
    _same_csr(got, expected)  # the same entries in the same order: float32 sums downstream agree bit for bit
    if rows is None:
        chunks = list(units.counts.row_chunks(10))
        import scipy.sparse as sp

        _same_csr(sp.vstack(chunks, format="csr"), expected)
        assert list(units.counts.sorted_words()) == list(words)


def test_tfidf_embedding_from_counts_is_the_text_one(units):
    from framing.topics.embed import TfidfEmbedder

    fit = np.arange(0, len(units), 2)
    by_text = TfidfEmbedder(random_state=5, chunk=16)
    by_text.fit([units.content[i] for i in fit])
    expected = by_text.transform(units.content)
    by_count = TfidfEmbedder(random_state=5, chunk=16).fit_counts(*units.counts.matrix(fit))
    got = np.vstack(list(by_count.transform_counts(units.counts.row_chunks(16), units.counts.sorted_words(),
                                                   len(units))))
    assert got.dtype == np.float32 and np.array_equal(got, expected)


def test_display_forms_pick_the_most_frequent_spelling():
    doc = Document(doc_id="d", outlet="o", source="x",
                   text="المدينة مدينة المدينة والمدينة كبيرة جدا وجميلة حقا في الصيف")
    units = build_units([doc], Normaliser(), "paragraph", 1)
    assert display_forms({"مدينه"}, units) == {"مدينه": "المدينة"}
    assert display_forms({"غائبه"}, units) == {"غائبه": "غائبه"}  # never seen: shown as it is


def _bertopic_words(content, labels, top_n):
    """Topic words and labels from BERTopic's own fit (manual mode: given labels, c-TF-IDF words)."""
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer

    model = BERTopic(language="multilingual", embedding_model=None, umap_model=BaseDimensionalityReduction(),
                     hdbscan_model=BaseCluster(), top_n_words=top_n, calculate_probabilities=False,
                     vectorizer_model=CountVectorizer(analyzer=lambda d: [w for w in d.split() if w != "emptydoc"]),
                     ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True))
    model.fit(list(content), embeddings=np.zeros((len(content), 2)), y=np.asarray(labels))
    words = {t: [(w, float(s)) for w, s in (model.get_topic(t) or []) if w and s > 0]
             for t in sorted(set(model.topics_))}
    return np.asarray(model.topics_), words


@pytest.mark.slow
@pytest.mark.parametrize("case", ["random", "outliers", "equal sizes", "many topics"])
def test_topic_words_are_bertopics(units, case):
    pytest.importorskip("bertopic")
    from framing.topics.model import topic_words

    rng = np.random.default_rng(11)
    n = len(units)
    if case == "equal sizes":  # ties in the numbering by size
        labels = np.repeat([4, 1, 3, 0], -(-n // 4))[:n]
        labels[-1] = 2
    elif case == "many topics":  # more than 16: numpy's sorts are no longer insertion sorts
        labels = rng.integers(0, 20, n)
    else:
        labels = rng.choice([0, 1, 2, 3], size=n, p=[0.1, 0.4, 0.3, 0.2])
    if case == "outliers":
        labels[rng.random(n) < 0.2] = -1
    ours = topic_words(units.counts, labels, top_n=7)
    final, words = _bertopic_words(units.content, labels, 7)
    assert np.array_equal(ours.labels, final)
    assert ours.words == words  # the same words, weights and order, equal weights included
    assert sum(len(w) for w in words.values()) >= 20


def test_topics_are_numbered_by_size():
    from framing.topics.model import by_size

    assert by_size(np.array([5, 5, 2, 2, 2, -1, 7])).tolist() == [1, 1, 0, 0, 0, -1, 2]
    assert by_size(np.array([-1, -1, -1, 8])).tolist() == [-1, -1, -1, 0]  # outliers keep -1, however many


def test_silhouette_from_distances_is_the_same_number():
    from sklearn.metrics import silhouette_score

    from framing.topics.cluster import distances

    rng = np.random.default_rng(2)
    X = rng.standard_normal((600, 12)).astype(np.float32)
    labels = rng.integers(0, 5, 600)
    for metric in ("cosine", "euclidean"):
        D = distances(X, metric)
        assert silhouette_score(D, labels, metric="precomputed") == silhouette_score(X, labels, metric=metric)


def test_group_sums_do_not_depend_on_the_chunk(units):
    groups = np.arange(len(units)) % 3
    whole, words = units.counts.by_group(groups, 3)
    parts, words2 = units.counts.by_group(groups, 3, chunk=5)
    _same_csr(whole, parts)
    assert list(words) == list(words2) and whole.sum() == units.frame["n_content"].sum()


@pytest.mark.parametrize("jobs", [1, 2])
def test_embeddings_a_chunk_at_a_time_are_the_whole_ones(units, jobs):
    from framing import background
    from framing.topics.embed import CountEmbeddings, TfidfEmbedder

    model = TfidfEmbedder(random_state=1, n_components=8).fit_counts(*units.counts.matrix(np.arange(0, len(units), 2)))
    whole = np.vstack(list(model.transform_counts([units.counts.matrix()[0]], units.counts.sorted_words(), len(units))))
    source = CountEmbeddings(model, units.counts, chunk=7)
    keep = np.arange(1, len(units), 3)
    source.keep(keep, jobs)  # jobs 2: half of the rows by a forked process
    assert np.array_equal(source.kept(keep[::2]), whole[keep[::2]])
    # jobs 2: the rows of every other unit but the last ones computed ahead, by a forked process
    ahead = np.setdiff1d(np.arange(len(units) - 5), keep)
    assert source.ahead(ahead, jobs) == (jobs > 1 and background.can_fork())
    try:
        got = np.vstack([e for _, e in source.chunks()])
    finally:
        source.close()
    assert np.array_equal(got, whole) and np.array_equal(source.all(), whole)


def test_ngrams_counted_by_a_second_process_give_the_embeddings_of_one(units, monkeypatch):
    from framing import background
    from framing.topics import embed

    if not background.can_fork():
        pytest.skip("processes cannot be forked here")
    forked = []
    start = background.start
    monkeypatch.setattr(background, "start", lambda name, func, fork=None: forked.append(fork) or start(name, func, fork=fork))
    fit = np.arange(0, len(units), 2)
    one, two = embed.count_embeddings(units.counts, fit, 3), embed.count_embeddings(units.counts, fit, 3, jobs=2)
    assert forked == [False, True]
    _same_csr(two._grams, one._grams)
    assert np.array_equal(two.all(), one.all())


def test_the_topic_model_with_two_processes_gives_the_tables_of_one(monkeypatch):
    from framing import background
    from framing.topics import stage
    from framing.topics.options import TopicsOptions

    if not background.can_fork():
        pytest.skip("processes cannot be forked here")
    docs, _ = three_theme_corpus(n_docs=60, seed=5)
    opts = TopicsOptions(max_fit_units=100, stability_seeds=2)  # some units assigned, not fitted
    one = stage.topic_model(docs, None, Normaliser(), opts, 3, None)
    names = []
    start = background.start
    monkeypatch.setattr(background, "start", lambda name, func, fork=None: names.append(name) or start(name, func,
                                                                                                       fork=fork))
    two = stage.topic_model(docs, None, Normaliser(), opts, 3, None, jobs=2)
    # the n-grams beside the SVD, half the fitted units' embeddings, the others' ahead, the topic mix
    assert {"topic n-grams", "the topic mix"} <= set(names) and names.count("topic embeddings") == 2
    assert one.tables.keys() == two.tables.keys()
    for name, table in one.tables.items():
        assert table.equals(two.tables[name]), name
    assert one.notes == two.notes
    assert {k: v for k, v in one.info.items() if k != "timings"} == {k: v for k, v in two.info.items() if k != "timings"}


def test_topic_counts_tried_by_two_processes_are_those_of_one():
    from threadpoolctl import threadpool_limits

    from framing import background
    from framing.topics.cluster import choose_k

    if not background.can_fork():
        pytest.skip("processes cannot be forked here")
    rng = np.random.default_rng(2)
    centres = rng.standard_normal((5, 6)) * 4
    E = (centres[rng.integers(0, 5, 600)] + rng.standard_normal((600, 6))).astype(np.float32)
    X = E[:, :3].copy()
    ks = [2, 3, 4, 5, 6, 8]
    with threadpool_limits(limits=1):  # as the stage runs it: a forked KMeans may not use OpenMP threads
        one, two = choose_k(X, E, ks, 7), choose_k(X, E, ks, 7, jobs=2)
    assert one[:4] == two[:4] and sorted(one[4]) == sorted(two[4]) == ks
    for k in ks:
        assert np.array_equal(one[4][k].labels_, two[4][k].labels_)
        assert np.array_equal(one[4][k].cluster_centers_, two[4][k].cluster_centers_)


@pytest.mark.parametrize("clustering", ["kmeans", "hdbscan"])
def test_assigning_in_chunks_gives_the_labels_of_one_pass(clustering):
    from framing.topics.cluster import cluster_units
    from framing.topics.options import TopicsOptions

    rng = np.random.default_rng(4)
    centres = rng.standard_normal((4, 20)) * 3
    emb = (centres[rng.integers(0, 4, 900)] + rng.standard_normal((900, 20))).astype(np.float32)
    opts = TopicsOptions(clustering=clustering, min_topic_size=10)
    fit = np.sort(rng.choice(900, 400, replace=False))
    one = cluster_units(emb, fit, opts, 3, chunk=900)
    many = cluster_units(emb, fit, opts, 3, chunk=64)
    assert np.array_equal(one.labels, many.labels)
    # the reduced coordinates are one matrix product per chunk: how many rows a product has may
    # change the last bit BLAS gives a row (seen on some processors), never more
    np.testing.assert_allclose(one.reduced, many.reduced, rtol=1e-5, atol=1e-5)
    assert one.k == many.k and len(set(one.labels.tolist()) - {-1}) >= 3
    if clustering == "hdbscan":  # fitted units keep their own labels
        assert np.array_equal(many.labels[fit], many.fit_labels)
    everything = cluster_units(emb, np.arange(900), opts, 3, chunk=100)
    assert np.array_equal(everything.labels, everything.fit_labels)


@pytest.mark.parametrize("article", [True, False])
def test_content_words_by_columns_are_the_word_by_word_ones(units, article):
    from framing.arabic.clitics import strip_article, strip_articles
    from framing.topics.units import _Vocabulary

    normaliser = Normaliser()
    words = ["وفي", "فمن", "و", "ف", "ال", "والمنطقة", "للمنطقة", "بالله", "والله", "الله", "2015", "ب٣", "a",
             "abc", "ـــ", "كالبيت", "فالمدن", *units.vocabulary.surfaces]
    norms = normaliser.words(words)
    v = _Vocabulary(normaliser, article)
    got = v.contents(norms)
    assert got == [v.content(n) for n in norms]
    assert strip_articles(norms) == [strip_article(n) for n in norms]
    assert ("منطقه" if article else "والمنطقه") in got and "" in got and "2015" not in got


@pytest.mark.parametrize("clustering", ["kmeans", "hdbscan"])
def test_a_sampled_fit_assigns_every_unit_and_says_so(clustering):
    from sklearn.metrics import adjusted_rand_score

    from tests.test_topics import run

    docs, truth = three_theme_corpus(n_docs=50, seed=5)  # 150 paragraphs, fitted on 100
    out = run(docs, max_fit_units=100, clustering=clustering, min_topic_size=8)
    units = out.tables["topic_units"]
    assert out.info["n_units"] == 150 and out.info["n_fit_units"] == 100
    assert any("random sample of 100" in n and "assigned" in n for n in out.notes)
    assert len(units) == 150 and units["topic"].notna().all()
    assert adjusted_rand_score([truth[u] for u in units["unit_id"]], units["topic"]) > 0.8
    assert len(out.tables["topic_stability"]) == 3
    again = run(docs, max_fit_units=100, clustering=clustering, min_topic_size=8)
    assert again.tables["topic_units"].equals(units) and again.tables["topics"].equals(out.tables["topics"])


def test_word_grams_reuse_the_fitted_words_and_match_the_vectoriser(units):
    from framing.topics.embed import TfidfEmbedder

    model = TfidfEmbedder(random_state=2).fit_counts(*units.counts.matrix(np.arange(0, len(units), 3)))
    vocab = units.counts.sorted_words()
    assert 0 < len(model.fit_words_) < len(vocab)  # some words are new
    got = model.word_grams(vocab)
    _same_csr(got, model.char_.transform(list(vocab)).astype(np.float32))
    _same_csr(model.word_grams(model.fit_words_), model.char_.transform(list(model.fit_words_)).astype(np.float32))


def test_a_fresh_process_fits_the_topics_on_one_openmp_thread():
    """The stage limits scikit-learn's OpenMP threads even where scikit-learn is first imported by
    the stage itself (threadpoolctl limits only the libraries already loaded)."""
    import subprocess
    import sys
    from pathlib import Path

    script = """
import random
import sys
import threadpoolctl
from framing.arabic import Normaliser
from framing.topics import cluster, stage
from framing.topics.options import TopicsOptions
from framing.records import Document
assert "sklearn" not in sys.modules
words = ["اقتصاد", "نفط", "أسواق", "مباراة", "فريق", "هدف", "مطر", "طقس", "حرارة", "وزير", "بيان", "مدينة"]
rng = random.Random(0)
docs = [Document(doc_id=f"d{i}", outlet="ab"[i % 2], source="s", text="\\n".join(
    " ".join(rng.choice(words[3 * (i % 4): 3 * (i % 4) + 3] + words[9:]) for _ in range(12)) for _ in range(3)))
    for i in range(40)]
seen = []
fit = cluster.kmeans_fit
def spy(X, k, seed):
    seen.extend(i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "openmp")
    return fit(X, k, seed)
cluster.kmeans_fit = spy
stage.topic_model(docs, None, Normaliser(), TopicsOptions(stability_seeds=1), 0, None)
print(sorted(set(seen)))
"""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[1]"
