"""Topic stage: guards, recovery of known themes, determinism, shares, frames, examples."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from framing.arabic import Normaliser
from framing.records import Document
from framing.topics import topic_model
from framing.topics.options import TopicsOptions
from framing.topics.paragraphs import paragraph_spans

REPO = Path(__file__).resolve().parents[1]
NO_MATCHES = pd.DataFrame(columns=["doc_id", "outlet", "lexicon", "category", "entry", "start", "end"])

# Three themes, sentences written for these tests. Each paragraph draws three sentences of one
# theme; each document mixes the themes, so every paragraph's true theme is known.
THEMES = {
    "football": [
        "سجل المهاجم هدفين في المباراة النهائية وقاد فريقه إلى الفوز بالكأس.",
        "أعلن المدرب تشكيلة المنتخب قبل مواجهة الفريق المنافس في الملعب الدولي.",
        "تعادل النادي مع ضيفه في الدوري بعد مباراة مثيرة شهدت ضربة جزاء ضائعة.",
        "احتفل اللاعبون والجماهير بالتأهل إلى نصف نهائي البطولة القارية.",
        "تلقى حارس المرمى بطاقة حمراء في الشوط الثاني من المباراة.",
        "وقع النادي عقدا مع لاعب وسط جديد لمدة ثلاثة مواسم.",
        "ارتفع رصيد الفريق إلى ثلاثين نقطة في صدارة جدول الدوري.",
        "أصيب قائد المنتخب في التدريبات وسيغيب عن مباريات التصفيات.",
    ],
    "economy": [
        "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج.",
        "سجل مؤشر البورصة مكاسب قوية مع صعود أسهم البنوك والشركات الصناعية.",
        "أعلن البنك المركزي رفع سعر الفائدة لكبح التضخم وحماية العملة المحلية.",
        "تراجعت قيمة الصادرات غير النفطية خلال الربع الثالث من السنة المالية.",
        "توقع صندوق النقد نمو الناتج المحلي الإجمالي بنسبة معتدلة.",
        "أقرت وزارة المالية ميزانية جديدة تتضمن زيادة الإنفاق على الاستثمار.",
        "انخفض سعر صرف الدولار أمام العملات الرئيسية في تعاملات البورصة.",
        "حققت الشركة أرباحا صافية تفوق توقعات المحللين في الأسواق.",
    ],
    "weather": [
        "هطلت أمطار غزيرة على المناطق الشمالية وتسببت في سيول جارفة.",
        "حذرت هيئة الأرصاد الجوية من موجة حر شديدة ترتفع فيها درجات الحرارة.",
        "غمرت مياه الفيضانات الطرق والمنازل في القرى القريبة من الوادي.",
        "تهب رياح نشطة محملة بالغبار تحد من مدى الرؤية على الطرق السريعة.",
        "تنخفض درجات الحرارة ليلا مع فرصة لتساقط الثلوج على المرتفعات.",
        "سجلت محطات الرصد أعلى كمية أمطار منذ عشرين عاما.",
        "يتوقع خبراء الطقس استمرار الأجواء الغائمة والعواصف الرعدية حتى نهاية الأسبوع.",
        "دعت السلطات السكان إلى الابتعاد عن مجاري السيول خلال العاصفة.",
    ],
}
THEME_NAMES = list(THEMES)
OUTLETS = ["alpha", "beta", "gamma"]


def three_theme_corpus(n_docs: int = 12, seed: int = 0):
    """Documents and the true theme of each paragraph unit (unit id -> theme)."""
    rng = random.Random(seed)
    docs, truth = [], {}
    for d in range(n_docs):
        paragraphs = []
        for p in range(3):
            theme = THEME_NAMES[(d + p) % 3]
            paragraphs.append(" ".join(rng.sample(THEMES[theme], 3)))
            truth[f"doc{d:02d}#p{p}"] = theme
        docs.append(Document(doc_id=f"doc{d:02d}", outlet=OUTLETS[d % 3], source=f"doc{d:02d}.txt",
                             text="\n\n".join(paragraphs)))
    return docs, truth


def run(docs, matches=NO_MATCHES, seed=7, cache_dir=None, **opts):
    return topic_model(docs, matches, Normaliser(), TopicsOptions(bootstrap=200, **opts), seed, cache_dir)


@pytest.fixture(scope="module")
def corpus():
    return three_theme_corpus()


@pytest.fixture(scope="module")
def themed(corpus):
    docs, _ = corpus
    return run(docs)


# --- guards ------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_docs", [1, 2, 3])
def test_tiny_corpus_is_one_topic_with_a_note(corpus, n_docs):
    docs, _ = corpus
    out = run(docs[:n_docs])
    topics = out.tables["topics"]
    assert topics["topic"].tolist() == [0]
    assert topics.loc[0, "size"] == 3 * n_docs
    assert any("one topic" in n and f"{n_docs} document" in n for n in out.notes), out.notes
    assert out.info["k"] == 1 and out.info["guard"] is True
    mix = out.tables["topic_mix"]
    assert np.allclose(mix["share"], 1.0)
    assert out.tables["topic_stability"].empty
    assert set(out.tables) >= {"topics", "topic_mix", "topic_frames", "topic_examples", "topic_stability"}


def test_single_short_document_still_gives_a_topic():
    doc = Document(doc_id="d", outlet="o", source="d.txt", text="خبر قصير جدا")
    out = run([doc])
    assert out.tables["topics"]["size"].tolist() == [1]
    assert out.tables["topic_examples"]["doc_id"].tolist() == ["d"]


def test_no_documents_gives_empty_tables_and_a_note():
    out = run([])
    assert out.tables["topics"].empty and out.tables["topic_mix"].empty
    assert out.notes and "No analysed documents" in out.notes[0]


def test_few_units_guard():
    docs = [Document(doc_id=f"d{i}", outlet="o", source="x", text=THEMES["economy"][i]) for i in range(5)]
    out = run(docs, unit="document")
    assert out.tables["topics"]["topic"].tolist() == [0]
    assert any("Only 5 documents" in n and "one topic" in n for n in out.notes), out.notes


# --- recovery, determinism -------------------------------------------------------------------

def test_three_themes_are_recovered(corpus, themed):
    _, truth = corpus
    units = themed.tables["topic_units"]
    assert themed.info["k"] == 3, themed.info.get("silhouette")
    ari = adjusted_rand_score([truth[u] for u in units["unit_id"]], units["topic"])
    assert ari > 0.9, ari
    # each topic's words come from one theme
    words = themed.tables["topics"].set_index("topic")["top_words"].to_dict()
    markers = {"football": {"المباراة", "النادي", "المنتخب", "الدوري", "الفريق"},
               "economy": {"البورصة", "الأسواق", "النفط", "سعر", "البنك"},
               "weather": {"أمطار", "السيول", "درجات", "الحرارة", "الطرق"}}
    found = {name: [t for t, w in words.items() if set(w.split()) & m] for name, m in markers.items()}
    assert all(len(v) == 1 for v in found.values()), (found, words)
    assert len({v[0] for v in found.values()}) == 3


def test_same_seed_same_topics(corpus, themed):
    docs, _ = corpus
    again = run(docs)
    for name in ["topics", "topic_mix", "topic_units", "topic_examples", "topic_stability"]:
        pd.testing.assert_frame_equal(themed.tables[name], again.tables[name])


def test_stability_table(themed):
    stab = themed.tables["topic_stability"]
    assert len(stab) == 3  # three seeds, all pairs
    assert set(stab["seed_a"]) | set(stab["seed_b"]) == {7, 8, 9}
    assert (stab["ari"] > 0.9).all()
    assert (stab["outlier_share_a"] == 0).all()
    assert any("Stability" in n for n in themed.notes)


def test_fixed_number_of_topics(corpus):
    docs, _ = corpus
    out = run(docs, n_topics=4, stability_seeds=1)
    assert sorted(out.tables["topics"]["topic"]) == [0, 1, 2, 3]
    assert out.tables["topic_stability"].empty


def test_hdbscan_marks_outliers_and_keeps_them_in_the_mix(corpus):
    docs, truth = corpus
    extra = Document(doc_id="odd", outlet="alpha", source="odd.txt",
                     text="افتتح المتحف معرضا للخط العربي والمخطوطات النادرة والزخارف الإسلامية القديمة.")
    out = run(docs + [extra], clustering="hdbscan", min_topic_size=5)
    units = out.tables["topic_units"]
    assert out.info["clustering"] == "hdbscan"
    known = units[units["unit_id"].isin(truth)]
    clustered = known[known["topic"] >= 0]
    assert len(clustered) >= 30
    assert adjusted_rand_score([truth[u] for u in clustered["unit_id"]], clustered["topic"]) > 0.9
    assert units.loc[units["doc_id"] == "odd", "topic"].tolist() == [-1]
    assert out.tables["topics"].set_index("topic").loc[-1, "is_outlier"]
    sums = out.tables["topic_mix"].groupby("outlet")["share"].sum()
    assert np.allclose(sums, 1.0)
    assert out.info["outlier_share"] > 0


def test_document_units(corpus):
    docs, _ = corpus
    out = run(docs, unit="document", stability_seeds=1)
    units = out.tables["topic_units"]
    assert units["unit_id"].tolist() == [d.doc_id for d in docs]
    assert out.tables["topics"]["size"].sum() == len(docs)


# --- shares, frames, examples, words --------------------------------------------------------

def test_shares_sum_to_one_per_outlet_with_cis(themed):
    mix = themed.tables["topic_mix"]
    assert set(mix.columns) >= {"outlet", "topic", "share", "ci_low", "ci_high", "n_units"}
    assert np.allclose(mix.groupby("outlet")["share"].sum(), 1.0)
    assert (mix["ci_low"] <= mix["share"] + 1e-12).all() and (mix["share"] <= mix["ci_high"] + 1e-12).all()
    assert len(mix) == 3 * 3  # every outlet × every topic, zeros included
    # shares are each outlet's units in the topic over its units
    units = themed.tables["topic_units"]
    a = units[units["outlet"] == "alpha"]
    row = mix[(mix["outlet"] == "alpha") & (mix["topic"] == 0)].iloc[0]
    assert row["share"] == pytest.approx((a["topic"] == 0).mean())


def test_topic_frames_maps_hits_to_their_paragraph(corpus, themed):
    docs, truth = corpus
    units = themed.tables["topic_units"].set_index("unit_id")
    doc = docs[0]
    rows = []
    for p, (s, e) in enumerate(paragraph_spans(doc.text, 8)):
        word = doc.text[s:e].split()[1]
        start = doc.text.index(word, s)
        rows.append({"doc_id": doc.doc_id, "outlet": doc.outlet, "lexicon": "demo", "category": f"c{p}",
                     "entry": word, "start": start, "end": start + len(word)})
    rows.append(dict(rows[0], category="c0"))  # a second hit of c0 in the first paragraph
    out = run(docs, matches=pd.DataFrame(rows), stability_seeds=1)
    frames = out.tables["topic_frames"]
    assert frames["count"].sum() == 4
    for p in range(3):
        topic = units.loc[f"{doc.doc_id}#p{p}", "topic"]
        hit = frames[(frames["category"] == f"c{p}")]
        assert hit["topic"].tolist() == [topic] and hit["outlet"].tolist() == [doc.outlet]
        assert hit["share"].tolist() == [1.0]
    c0 = frames[frames["category"] == "c0"].iloc[0]
    assert c0["count"] == 2
    assert c0["per_1k"] == pytest.approx(1000 * 2 / c0["topic_tokens"])


def test_examples_are_paragraphs_of_their_topic(corpus, themed):
    docs, _ = corpus
    texts = {d.doc_id: d.text for d in docs}
    ex = themed.tables["topic_examples"]
    units = themed.tables["topic_units"].set_index("unit_id")
    assert ex.groupby("topic").size().tolist() == [3, 3, 3]
    for _, r in ex.iterrows():
        assert units.loc[r["unit_id"], "topic"] == r["topic"]
        assert texts[r["doc_id"]][r["start"]:r["end"]].startswith(r["text"].rstrip(" …"))
    assert not ex.duplicated(["topic", "doc_id"]).any()


def test_topic_words_drop_stopwords_and_keep_spelling(themed):
    words = " ".join(themed.tables["topics"]["top_words"]).split()
    assert not {"في", "من", "على", "إلى", "بعد", "قال"} & set(words)
    assert any(w.endswith("ة") for w in words)  # shown as written, not as the folded ه
    label = themed.tables["topics"]["label"].iloc[0]
    assert label.startswith("0: ") and " · " in label


def test_paragraph_spans_join_short_lines():
    text = "عنوان قصير\n\nهذه فقرة طويلة بما يكفي لأن تكون وحدة وحدها في التحليل\nسطر\n"
    spans = paragraph_spans(text, 8)
    assert len(spans) == 1 and text[spans[0][0]:spans[0][1]].startswith("عنوان") and text[slice(*spans[0])].endswith("سطر")
    long2 = "كلمة " * 10 + "\n" + "كلمة " * 10
    assert len(paragraph_spans(long2, 8)) == 2


def test_info_is_json_serialisable(themed):
    import json

    json.dumps(themed.info)
    assert themed.info["backend"] == "tfidf" and "scikit-learn" in themed.info["versions"]
    assert themed.info["timings"]["total"] > 0


# --- imports ---------------------------------------------------------------------------------

def test_topic_stage_loads_neither_bertopic_nor_umap():
    users = [p.relative_to(REPO).as_posix() for p in (REPO / "framing").rglob("*.py")
             if "import bertopic" in p.read_text() or "from bertopic" in p.read_text()]
    assert users == []  # c-TF-IDF is computed from the units' counts (tests compare it with BERTopic)
    code = ("import sys, framing.topics, framing.topics.stage; from tests.test_topics import *; "
            "run(three_theme_corpus()[0]); print('bertopic' in sys.modules, 'umap' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["False", "False", "False"]


@pytest.mark.slow
def test_umap_is_opt_in_and_recovers_themes(corpus):
    docs, truth = corpus
    out = run(docs, umap=True, stability_seeds=2)
    assert out.info["reduction"] == "umap"
    units = out.tables["topic_units"]
    assert adjusted_rand_score([truth[u] for u in units["unit_id"]], units["topic"]) > 0.9
    small = run(docs[:4], umap=True, stability_seeds=1)  # 12 units: too few for UMAP, PCA instead
    assert small.info["reduction"].startswith("pca")
    assert any("UMAP" in n for n in small.notes)


def test_article_forms_merge_into_one_topic_word():
    from framing.arabic.clitics import strip_article
    from framing.topics.units import build_units

    assert strip_article("والمنطقه") == strip_article("للمنطقه") == strip_article("المنطقه") == "منطقه"
    assert strip_article("الله") == "الله" and strip_article("بلد") == "بلد"  # too short / no article
    doc = Document(doc_id="d", outlet="o", source="x",
                   text="زار الوفد المنطقة ثم غادر المنطقة إلى منطقة أخرى وعاد للمنطقة والذين رافقوه")
    units = build_units([doc], Normaliser(), "paragraph", 1)
    assert units.content[0].split().count("منطقه") == 4
    assert "ذين" not in units.content[0].split()  # a stopword stays a stopword after the article goes
    off = build_units([doc], Normaliser(), "paragraph", 1, article=False)
    assert "المنطقه" in off.content[0].split()


def test_units_of_matches_finds_the_unit_holding_each_match():
    import numpy as np
    import pandas as pd

    from framing.topics.tables import units_of_matches

    rng = np.random.default_rng(3)
    rows = []
    for d in range(30):
        pos = 0
        for _ in range(rng.integers(0, 5)):
            pos += int(rng.integers(0, 3))  # gaps between units, sometimes none
            length = int(rng.integers(1, 20))
            rows.append((f"doc{d}", pos, pos + length))
            pos += length
    frame = pd.DataFrame(rows, columns=["doc_id", "start", "end"]).sample(frac=1, random_state=1).reset_index(drop=True)
    matches = pd.DataFrame({"doc_id": [f"doc{d}" for d in rng.integers(0, 32, 400)],
                            "start": rng.integers(0, 60, 400)})
    expected = []
    for doc_id, start in zip(matches["doc_id"], matches["start"]):
        hit = frame.index[(frame["doc_id"] == doc_id) & (frame["start"] <= start) & (start < frame["end"])]
        expected.append(int(hit[0]) if len(hit) else -1)
    assert units_of_matches(frame, matches).tolist() == expected
    assert (np.array(expected) == -1).any() and (np.array(expected) >= 0).any()
