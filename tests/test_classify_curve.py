"""The outlet classifier's hashed features and its learning curve, on small synthetic corpora."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from framing.classify.curve import HashedDocs, learning_curve, seeded_order
from framing.classify.hashing import column_names, hashed_text
from framing.classify.models import hashed_pipeline
from framing.classify.options import ClassifyOptions
from framing.classify.outlet import outlet_attribution

WORDS = {
    "a": "احتلال المقاومة تحرير الشهداء العدوان الأراضي المحتلة الصمود".split(),
    "b": "الإرهابيين المسلحين الأمن الاستقرار العمليات الجيش الحكومة التنمية".split(),
    "c": "الاقتصاد الأسواق النفط الأسهم البورصة الاستثمار الشركات الأرباح".split(),
}
SHARED = "قال في من إلى على أن اليوم مدينة الناس الوزير الرئيس بيان مؤتمر العاصمة".split()


def _corpus(per_outlet: int, seed: int = 0, signal: int = 3):
    rng = random.Random(seed)
    texts, outlets = [], []
    for i in range(per_outlet):
        for o, own in WORDS.items():
            words = [rng.choice(SHARED) for _ in range(30)] + [rng.choice(own) for _ in range(signal)]
            words += [rng.choice(WORDS[rng.choice(list(WORDS))]) for _ in range(3)]
            rng.shuffle(words)
            texts.append(" ".join(words) + f" ،{i}.")
            outlets.append(o)
    return texts, outlets


def test_hashed_text_equals_the_hashing_vectorizers():
    texts, _ = _corpus(20)
    texts += ["", "   ", "كلمة", "a\tb\n\nc  d"]
    h = hashed_text(texts, word_ngrams=(1, 2), char_ngrams=(2, 5), n_word=2**10, n_char=2**12)
    common = dict(alternate_sign=False, norm=None, lowercase=False, dtype=np.float32)
    words = HashingVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), n_features=2**10,
                              **common).transform(texts)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=2**12, **common).transform(texts)
    m = h.matrix
    assert m.shape == (len(texts), 2**10 + 2**12)
    assert (m[:, :2**10] != words).nnz == 0
    assert (m[:, 2**10:] != chars).nnz == 0


@pytest.mark.parametrize(("word_ngrams", "char_ngrams"), [((1, 1), (2, 5)), ((1, 3), (4, 5)), ((2, 3), (1, 3))])
def test_hashed_text_equals_the_hashing_vectorizers_for_other_ngrams(word_ngrams, char_ngrams):
    texts, _ = _corpus(15, seed=2)
    # short words (padded shorter than the smallest char n-gram), repeats, digits, Latin, underscores,
    # punctuation, several kinds of white space, one-token and empty documents
    texts += ["و في و في و", "a", "", "ب", "x_y x_y 12 ١٢ ١٢", "«قال» (الوزير): نعم، نعم!",
              "a\u00a0b\u2009c\td", "كلمة كلمة كلمة كلمة", "é É e\u0301"]
    h = hashed_text(texts, word_ngrams=word_ngrams, char_ngrams=char_ngrams, n_word=2**9, n_char=2**11)
    common = dict(alternate_sign=False, norm=None, lowercase=False, dtype=np.float32)
    words = HashingVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b", ngram_range=word_ngrams,
                              n_features=2**9, **common).transform(texts)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=char_ngrams, n_features=2**11, **common).transform(texts)
    m = h.matrix
    assert (m[:, :2**9] != words).nnz == 0
    assert (m[:, 2**9:] != chars).nnz == 0


def test_column_names_are_the_most_frequent_ngram_of_the_rows():
    texts = ["سلام سلام عليكم", "سلام مرحبا", "مرحبا مرحبا مرحبا"]
    h = hashed_text(texts, word_ngrams=(1, 1), char_ngrams=(3, 3), n_word=2**16, n_char=2**16)
    word_col = int(hashed_text(["مرحبا"], word_ngrams=(1, 1), char_ngrams=(3, 3), n_word=2**16,
                               n_char=2**16).words.indices[0])
    assert column_names([(h, [1, 2])], [word_col]) == {word_col: "مرحبا"}
    assert column_names([(h, [0])], [word_col]) == {}  # not in those rows
    # two blocks add up
    h2 = hashed_text(["مرحبا"], word_ngrams=(1, 1), char_ngrams=(3, 3), n_word=2**16, n_char=2**16)
    assert column_names([(h, [1]), (h2, [0])], [word_col]) == {word_col: "مرحبا"}


def test_learning_curve_stops_when_doubling_no_longer_pays_and_is_deterministic():
    texts, outlets = _corpus(300, seed=3, signal=6)
    idx = list(range(len(texts)))

    def run(seed):
        docs = HashedDocs(lambda t: hashed_text(t, n_word=2**12, n_char=2**13), texts)
        pipe = hashed_pipeline(n_word=2**12, n_char=2**13, seed=seed, tol=0.1)
        return learning_curve(seeded_order(idx, outlets, seed), outlets, docs, pipe, start=10, tolerance=0.02,
                              holdout=50, max_size=None), docs

    curve, docs = run(7)
    table = curve.table
    assert list(table["docs_per_outlet"]) == [10 * 2**i for i in range(len(table))]
    assert table["chosen"].sum() == 1
    if curve.size is not None:
        assert table["gain"].iloc[-1] <= 0.02  # the last doubling did not pay
        assert table.loc[table["chosen"], "docs_per_outlet"].item() == curve.size
        assert (table["gain"].iloc[1:-1] > 0.02).all()
    assert len(docs.rows) < len(texts) or curve.size is None  # hashed only what the curve reached
    again, _ = run(7)
    assert again.size == curve.size
    assert again.table.drop(columns="seconds").equals(table.drop(columns="seconds"))


def test_auto_sample_is_said_in_notes_tables_and_info():
    texts, outlets = _corpus(800, seed=1, signal=2)  # 2,400 documents: above the whole-corpus limit
    opts = ClassifyOptions(outlet_curve_start=20, folds=3)
    tables, notes, info = outlet_attribution(texts, outlets, opts, seed=5, n_jobs=1)
    sample = info["sample"]
    assert sample["how"] == "learning curve" and sample["seed"] == 5
    assert {"outlet_curve", "outlet_sample"} <= set(tables)
    used = tables["outlet_sample"].set_index("outlet")
    assert used["available"].tolist() == [800, 800, 800]
    assert used["used"].sum() == sample["n_documents"] == tables["outlet_cv"]["n_documents"].iloc[0]
    if sample["docs_per_outlet"]:
        assert (used["used"] == sample["docs_per_outlet"]).all()
        assert any("chosen by a learning curve" in n for n in notes)
    else:
        assert any("every document used" in n for n in notes)
    assert not tables["outlet_features"].empty


@pytest.mark.parametrize("cap", [None, 50])
def test_fixed_or_no_cap_has_no_curve(cap):
    texts, outlets = _corpus(60, seed=2)
    tables, _, info = outlet_attribution(texts, outlets, ClassifyOptions(max_docs_per_outlet=cap, folds=3),
                                         seed=1, n_jobs=1)
    assert "outlet_curve" not in tables
    assert info["sample"]["how"] == ("fixed cap" if cap else "every document")
    assert tables["outlet_sample"]["used"].sum() == (150 if cap else 180)


@pytest.mark.skipif(not __import__("framing.background").background.can_fork(), reason="processes cannot be forked")
def test_features_named_beside_the_curve_are_those_of_one_process(monkeypatch):
    from framing import background

    texts, outlets = _corpus(800, seed=1, signal=2)
    opts = ClassifyOptions(outlet_curve_start=20, folds=3, outlet_curve_tolerance=0.03)
    one = outlet_attribution(texts, outlets, opts, seed=5, n_jobs=1)
    calls: list[int] = []
    real = background.share_beside

    def counted(lead, funcs, **kwargs):
        calls.append(len(funcs))
        value, answers = real(lead, funcs, **kwargs)
        kept.append(answers)
        return value, answers

    kept: list = []
    monkeypatch.setattr(background, "share_beside", counted)
    two = outlet_attribution(texts, outlets, opts, seed=5, n_jobs=2)
    curve = two[2]["sample"]["curve"]
    # beside every step after the first: the features of the one before, then its 3 folds
    assert calls == [1 + 3] * (len(curve) - 1)
    assert curve[-1]["gain"] <= 0.03 and kept[-1] is not None  # the last step did not pay: its answers were kept
    assert kept[-1][0] is two[0]["outlet_features"]  # and are the tables reported
    assert two[2]["cv_beside"] and not one[2]["cv_beside"]
    for name, table in one[0].items():
        other = two[0][name].drop(columns=["seconds"], errors="ignore")
        assert other.equals(table.drop(columns=["seconds"], errors="ignore")), name
    assert one[1] == two[1]
    assert [{k: v for k, v in f.items() if k != "seconds"} for f in one[2]["fold_metrics"]] == \
        [{k: v for k, v in f.items() if k != "seconds"} for f in two[2]["fold_metrics"]]

    # beyond the feature budget, the folds wait for the curve to end: the features alone beside
    from framing.classify import outlet as outlet_module

    calls.clear()
    monkeypatch.setattr(outlet_module, "within_budget", lambda entries, workers, budget: False)
    three = outlet_attribution(texts, outlets, opts, seed=5, n_jobs=2)
    assert calls == [1] * (len(curve) - 1) and not three[2]["cv_beside"]
    for name, table in one[0].items():
        other = three[0][name].drop(columns=["seconds"], errors="ignore")
        assert other.equals(table.drop(columns=["seconds"], errors="ignore")), name

