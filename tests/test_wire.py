"""Same story, different words: stories shared across outlets, word-level edits, their
classification and statistics; the planted agency story of the demo corpus is found edit for edit."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

import framing
from framing.arabic import Normaliser
from framing.demo import DEMO_CONFIG, load_planted
from framing.records import Document
from framing.wire import align, stories, tables
from framing.wire.options import WireOptions
from framing.wire.stage import EDIT_COLUMNS, STORY_COLUMNS, compute


@pytest.fixture(scope="module")
def demo():
    return framing.run(DEMO_CONFIG, write=False, topics=False, classify=False)


def _planted_story(result, planted):
    docs = planted["wire_story"]["documents"]
    st = result.tables["stories"]

    def doc_id(d):
        (hit,) = [x for x in st["doc_id"] if x == d["id"] or x.endswith("-" + d["id"])]
        return hit

    ids = {doc_id(d): d for d in docs}
    (story,) = set(st.loc[st["doc_id"].isin(ids), "story_id"])
    return story, ids


def test_planted_story_is_found_with_its_reference(demo):
    planted = load_planted()
    story, ids = _planted_story(demo, planted)
    st = demo.tables["stories"]
    rows = st[st["story_id"] == story]
    assert set(rows["doc_id"]) == set(ids), "the story holds exactly the four versions"
    roles = dict(zip(rows["doc_id"], rows["role"]))
    assert roles == {k: d["role"] for k, d in ids.items()}
    der = rows[rows["role"] == "derivative"]
    assert (der["share_reused"] > 0.7).all() and (der["reused_words"] > 80).all()


def test_every_planted_edit_is_found_and_no_other(demo):
    planted = load_planted()
    story, _ = _planted_story(demo, planted)
    ed = demo.tables["wire_edits"]
    found = ed[(ed["story_id"] == story) & (ed["kind"] != "")]
    got = Counter(zip(found["outlet"], found["kind"], found["lexicon"], found["category"], found["entry"]))
    want = Counter((e["outlet"], e["kind"], e["lexicon"], e["category"], e["entry"]) for e in planted["wire_story"]["edits"])
    assert got == want
    # offsets point into both cleaned texts
    for r in found.itertuples():
        ref_doc = demo.tables["stories"].query("story_id == @story and role == 'reference'")["doc_id"].iloc[0]
        assert demo.texts[ref_doc][r.ref_start:r.ref_end] == r.ref_text
        assert demo.texts[r.doc_id][r.new_start:r.new_end] == r.new_text


def test_planted_swaps_reach_the_swap_matrix_and_headlines(demo):
    sw = demo.tables["wire_swaps"]
    mine = sw[(sw["outlet"] == "almanara") & (sw["axis"] == "valdoria_capital")]
    row = mine[(mine["from_entry"] == "orovan") & (mine["to_entry"] == "kastelin")]
    assert len(row) == 1 and int(row["swaps"].iloc[0]) >= 1 and int(row["carried"].iloc[0]) >= int(row["swaps"].iloc[0])
    heads = demo.tables["wire_headlines"]
    assert set(heads["outlet"]) >= {"sahil_news", "almanara", "aljabal"}
    assert all(isinstance(t, str) and t for t in heads["text"])


def test_tables_have_their_columns_and_rates_their_intervals(demo):
    assert list(demo.tables["stories"].columns) == STORY_COLUMNS
    assert list(demo.tables["wire_edits"].columns) == EDIT_COLUMNS
    rates = demo.tables["wire_rates"]
    ok = rates.dropna(subset=["ci_low"])
    assert len(ok) and ((ok["ci_low"] <= ok["per_1k"]) & (ok["per_1k"] <= ok["ci_high"])).all()


# ---- alignment and classification ------------------------------------------------------------

def _aligned(ref: str, new: str, ref_hits=(), new_hits=()):
    a, b = align.words_many([("r", "x", ref), ("n", "y", new)], Normaliser())
    align.attach_hits(a, ref_hits)
    align.attach_hits(b, new_hits)
    return align.compare(a, b)


def _hit(text: str, word: str, lexicon: str, kind: str, category: str, entry: str, voice: str = "own"):
    start = text.index(word)
    return (lexicon, kind, category, entry, start, start + len(word), voice)


BASE = "قال المتحدث إن القوات دخلت المدينة صباح الأحد بعد اشتباكات عنيفة استمرت ساعات طويلة في الأحياء الشرقية"


def test_a_short_replacement_of_names_is_a_swap_with_offsets():
    ref = BASE
    new = BASE.replace("المدينة", "البلدة")
    p = _aligned(ref, new, [_hit(ref, "المدينة", "n", "naming", "city", "madina")],
                 [_hit(new, "البلدة", "n", "naming", "city", "balda")])
    (e,) = [e for e in p.edits if e["kind"]]
    assert (e["kind"], e["entry"], e["op"]) == ("naming_swap", "madina → balda", "replace")
    assert ref[e["ref_start"]:e["ref_end"]] == "المدينة"
    assert new[e["new_start"]:e["new_end"]] == "البلدة"
    assert p.carried[("n", "city", "madina")] == 1


def test_a_long_rewrite_is_no_swap_but_a_removal_and_an_addition():
    ref = BASE + " وأضاف أن المدينة هادئة الآن وأن الأسواق فتحت أبوابها من جديد أمام السكان"
    new = BASE + " فيما تحدث شهود عن حركة نزوح واسعة من البلدة نحو القرى المجاورة طوال الليل الماضي"
    p = _aligned(ref, new, [_hit(ref, "المدينة هادئة", "n", "naming", "city", "madina")],
                 [_hit(new, "البلدة", "n", "naming", "city", "balda")])
    kinds = sorted(e["kind"] for e in p.edits if e["kind"])
    assert kinds == ["name_added", "name_removed"]
    assert {e["scope"] for e in p.edits} == {"passage"}


def test_frame_terms_added_removed_and_cancelled():
    ref = BASE
    new = BASE.replace("اشتباكات عنيفة", "اشتباكات عنيفة مع جماعات إرهابية")
    p = _aligned(ref, new, [], [_hit(new, "إرهابية", "c", "frames", "terrorism", "irhab")])
    assert [(e["kind"], e["op"]) for e in p.edits if e["kind"]] == [("frame_added", "insert")]
    # the same term on both sides of an edit is no framing change
    ref2 = BASE.replace("عنيفة", "عنيفة ضد الإرهاب")
    new2 = BASE.replace("عنيفة", "قوية ضد الإرهاب")
    p2 = _aligned(ref2, new2, [_hit(ref2, "الإرهاب", "c", "frames", "terrorism", "irhab")],
                  [_hit(new2, "الإرهاب", "c", "frames", "terrorism", "irhab")])
    assert [e["kind"] for e in p2.edits] == [""]


def test_quote_and_distancing_edits():
    ref = BASE
    new = BASE + " وقال أحد السكان: «لم ننم طوال الليل بسبب القصف»"
    p = _aligned(ref, new)
    assert [e["kind"] for e in p.edits] == ["quote_added"]
    new2 = BASE.replace("قال المتحدث", "زعم المتحدث")
    p2 = _aligned(ref, new2, [_hit(ref, "قال", "a", "markers", "neutral_reporting", "qala")],
                  [_hit(new2, "زعم", "a", "markers", "distancing", "zaam")])
    assert sorted(e["kind"] for e in p2.edits) == ["attribution_removed", "distancing_added"]


def test_short_equal_runs_between_edits_are_folded():
    blocks = align.opcodes([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 9, 4, 10, 6, 7, 8])
    assert blocks == [("equal", 0, 2, 0, 2), ("replace", 2, 5, 2, 5), ("equal", 5, 8, 5, 8)]


# ---- stories ---------------------------------------------------------------------------------

AGENCY = [
    "أعلنت السلطات المحلية صباح اليوم إغلاق الطريق السريع بين المدينتين بسبب انهيارات أرضية ناجمة عن الأمطار الغزيرة التي هطلت طوال الليل",
    "وقالت فرق الدفاع المدني إنها أجلت عشرات الأسر من المنازل القريبة من المنحدرات ونقلتها إلى مراكز إيواء مؤقتة في المدارس الحكومية",
    "وتوقعت هيئة الأرصاد استمرار هطول الأمطار حتى نهاية الأسبوع مع انخفاض ملحوظ في درجات الحرارة على المرتفعات الجبلية في شمال البلاد",
    "وأشار مسؤول في وزارة النقل إلى أن أعمال إزالة الصخور قد تستغرق عدة أيام وأن البدائل المتاحة تمر عبر طرق ريفية ضيقة وطويلة",
]
OWN = [
    "وفي سياق متصل شهدت أسواق الخضار ارتفاعا في الأسعار خلال الأيام الماضية بعد تأخر وصول الشاحنات القادمة من الجنوب إلى العاصمة",
    "ويطالب سكان القرى المتضررة منذ سنوات بإنشاء جدران استنادية على طول الطريق لكن المشروع ظل حبيس الأدراج لأسباب تتعلق بالتمويل",
    "ويقول خبراء في التخطيط العمراني إن البناء العشوائي قرب مجاري السيول يزيد من خطر الكوارث في كل موسم شتاء تقريبا",
    "وتعهد المجلس البلدي بعقد جلسة طارئة الأسبوع المقبل لمناقشة خطة عاجلة لمواجهة آثار العاصفة وتعويض المتضررين",
    "كما دعت جمعيات أهلية المتطوعين إلى التسجيل في حملات لتوزيع البطانيات والوجبات الساخنة على الأسر التي غادرت بيوتها",
]
UNRELATED = ("افتتح المعرض الدولي للكتاب أبوابه أمس بمشاركة مئات دور النشر من أكثر من ثلاثين بلدا وسط إقبال كبير من الزوار "
             "على أجنحة كتب الأطفال والروايات المترجمة والكتب العلمية المبسطة التي خصص لها المنظمون مساحة واسعة هذا العام")


def _doc(doc_id, outlet, text, date="2024-01-01"):
    return Document(doc_id=doc_id, outlet=outlet, source=doc_id, text=text, date=date)


def _run(docs, **opts):
    empty = pd.DataFrame(columns=["doc_id", "lexicon", "category", "entry", "start", "end"])
    lex = pd.DataFrame(columns=["lexicon", "kind", "entry", "gloss"])
    return compute(docs, empty, lex, Normaliser(), WireOptions(**opts), seed=1, bootstrap=200)


def test_partial_reuse_counts_and_the_agency_copy_is_the_reference():
    agency = "\n\n".join(AGENCY)
    partial = "\n\n".join(AGENCY[:2] + OWN + [AGENCY[3]])  # three agency paragraphs and five of its own
    docs = [_doc("b", "outlet_b", partial, "2024-01-02"), _doc("a", "outlet_a", agency, "2024-01-02"),
            _doc("c", "outlet_c", UNRELATED)]
    docs[1].wire_agencies = ["SPA"]
    out = _run(docs)
    st = out.tables["stories"]
    assert list(zip(st["doc_id"], st["role"])) == [("a", "reference"), ("b", "derivative")]
    b = st[st["doc_id"] == "b"].iloc[0]
    assert 0.3 < b["share_reused"] < 0.6 and b["agencies"] == ""
    assert st[st["doc_id"] == "a"]["agencies"].iloc[0] == "SPA"
    # Jaccard of the shingle sets is far below the near-duplicate threshold: containment finds it
    from framing.corpus.dedup import jaccard
    from framing.corpus.words import WordHasher

    sa, sb = (WordHasher().analyse(t).shingles for t in (agency, partial))
    assert jaccard(sa, sb) < 0.5


def test_same_outlet_and_unrelated_texts_make_no_story_and_tables_stay_empty_with_a_note():
    agency = "\n\n".join(AGENCY)
    out = _run([_doc("a", "same", agency), _doc("b", "same", agency + "\n\n" + OWN[0]), _doc("c", "other", UNRELATED)])
    assert out.tables["stories"].empty and out.tables["wire_edits"].empty
    assert list(out.tables["stories"].columns) == STORY_COLUMNS
    assert any("No story" in n for n in out.notes)


def test_candidates_skip_boilerplate_and_same_outlet_pairs():
    sh = [np.array([1, 2, 3, 4], dtype=np.uint32), np.array([1, 2, 3, 9], dtype=np.uint32),
          np.array([1, 2, 3, 4], dtype=np.uint32), np.array([1, 7, 8, 10], dtype=np.uint32)]
    outlet = np.array([0, 1, 0, 2])
    pairs = stories.candidate_pairs(sh, outlet, max_df=3, min_shared=2, min_share=0.3)
    # shingle 1 is in all four documents (over max_df): only 2 and 3 link, and 0-2 share an outlet
    assert pairs.tolist() == [[0, 1], [1, 2]]


def test_group_pairs_are_components():
    assert stories.group_pairs([(3, 5), (1, 2), (5, 7)]) == [[1, 2], [3, 5, 7]]


def test_lean_is_an_exact_sign_test():
    ed = pd.DataFrame({"outlet": ["x"] * 9, "lexicon": ["c"] * 9, "category": ["t"] * 9,
                       "kind": ["frame_added"] * 8 + ["frame_removed"]})
    out = tables.lean(ed, {})
    row = out.iloc[0]
    assert (row["added"], row["removed"], row["leans"]) == (8, 1, "adds")
    assert row["p_value"] == pytest.approx(2 * (1 + 9) / 2 ** 9)


def test_switched_off():
    out = _run([_doc("a", "x", "\n\n".join(AGENCY)), _doc("b", "y", "\n\n".join(AGENCY))], enabled=False)
    assert out.tables["stories"].empty and "switched off" in out.notes[0]


def test_every_run_writes_both_tables_even_without_reuse(tmp_path):
    import json

    from framing.datafiles import csv_name

    rows = [{"outlet": "a", "text": "\n\n".join(AGENCY)}, {"outlet": "b", "text": UNRELATED + " " + OWN[0]}]
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    cfg = {"title": "no reuse", "sources": [{"path": str(src), "format": "jsonl"}], "output": str(tmp_path / "out"),
           "run": {"cache": False, "jobs": 1}}
    result = framing.run(cfg, topics=False, classify=False)
    data = tmp_path / "out" / "data"
    for name, columns in (("stories", STORY_COLUMNS), ("wire_edits", EDIT_COLUMNS)):
        frame = pd.read_csv(data / csv_name(name))
        assert frame.empty and list(frame.columns) == columns
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'id="wire"' in page and "No story shared across outlets" in page
    assert result.notes["wire"]


def test_voice_change_of_a_term_in_identical_words_and_in_an_edit():
    ref = BASE.replace("اشتباكات عنيفة", "«اشتباكات مع الإرهابيين»")
    new = BASE.replace("اشتباكات عنيفة", "اشتباكات مع الإرهابيين")
    p = _aligned(ref, new, [_hit(ref, "الإرهابيين", "c", "frames", "terrorism", "irhab", "quoted")],
                 [_hit(new, "الإرهابيين", "c", "frames", "terrorism", "irhab", "own")])
    (e,) = p.edits
    assert (e["kind"], e["op"], e["voice"], e["entry"]) == ("voice_change", "equal", "quoted → own", "irhab")
    assert new[e["new_start"]:e["new_end"]] == "الإرهابيين"
    # the same voice on both sides is no change
    p2 = _aligned(ref, new, [_hit(ref, "الإرهابيين", "c", "frames", "terrorism", "irhab", "own")],
                  [_hit(new, "الإرهابيين", "c", "frames", "terrorism", "irhab", "own")])
    assert p2.edits == []


def test_words_are_the_tokens_of_the_analysis():
    from framing.arabic import token_arrays

    text = "قال ـــ المتحدث: «القوات دخلت» 12 مرة، والـمدينة هادئة."
    (w,) = align.words_many([("d", "o", text)], Normaliser())
    _, norms, starts, ends = token_arrays(text, Normaliser())
    assert (w.starts.tolist(), w.ends.tolist()) == (starts, ends)
    assert len(set(w.ids)) == len(set(norms))


def test_rates_and_lean_are_kept_in_the_cache_under_what_they_read(tmp_path, monkeypatch):
    from framing.cache import Cache
    from framing.wire import stage

    der = pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d4"], "outlet": ["a", "a", "b", "b"],
                        "reused_words": [120, 80, 100, 60]})
    light = pd.DataFrame({"doc_id": ["d1", "d1", "d3"], "outlet": ["a", "a", "b"],
                          "kind": ["frame_added", "frame_added", "frame_removed"], "lexicon": ["conflict"] * 3,
                          "category": ["occupation"] * 3, "entry": ["ihtilal"] * 3, "scope": ["all"] * 3})
    names = {"a": "A", "b": "B"}
    plain = stage._counts(der, light, names, 200, 3, None)
    calls: list[int] = []
    real = tables.rates
    monkeypatch.setattr(tables, "rates", lambda *a: calls.append(1) or real(*a))
    cache = Cache(tmp_path / "cache")
    first = stage._counts(der, light, names, 200, 3, cache)
    again = stage._counts(der, light, names, 200, 3, Cache(tmp_path / "cache"))  # a later run
    assert calls == [1]  # computed once, then read back
    for kept in (first, again):
        pd.testing.assert_frame_equal(kept[0], plain[0])
        pd.testing.assert_frame_equal(kept[1], plain[1])
    assert plain[1][["added", "removed"]].values.tolist() == [[2, 0], [0, 1]] and plain[0]["edits"].sum() == 3
    stage._counts(der, light.assign(kind=["frame_added", "frame_removed", "frame_removed"]), names, 200, 3, cache)
    stage._counts(der, light, names, 200, 4, cache)  # another seed
    stage._counts(der.assign(reused_words=[121, 80, 100, 60]), light, names, 200, 3, cache)
    assert calls == [1, 1, 1, 1]  # whatever it reads changed, it is computed again


def _hits(doc_id: str, text: str, words: list[tuple[str, str, str, str, str]], voice: str = "own") -> list[dict]:
    """Matches rows of (word, lexicon, kind, category, entry) found in ``text``."""
    rows = []
    for word, lexicon, _kind, category, entry in words:
        start = text.index(word)
        rows.append({"doc_id": doc_id, "lexicon": lexicon, "category": category, "entry": entry, "start": start,
                     "end": start + len(word), "voice": voice})
    return rows


def test_a_rerun_classifies_again_only_the_copies_whose_hits_changed(tmp_path):
    from framing.cache import Cache
    from framing.wire.stage import REUSE, edits, find

    agency, other = "\n\n".join(AGENCY), "\n\n".join(OWN)
    texts = {
        "a": agency, "b": agency.replace("الأمطار الغزيرة", "السيول الجارفة"),
        "c": agency.replace("السلطات المحلية", "سلطات الاحتلال"),
        "d": other, "e": other.replace("المجلس البلدي", "مجلس الاحتلال البلدي"),
    }
    outlets = {"a": "agency", "b": "x", "c": "y", "d": "agency", "e": "x"}
    docs = [_doc(k, outlets[k], t) for k, t in texts.items()]
    docs[0].wire_agencies = docs[3].wire_agencies = ["SPA"]
    lexicons = pd.DataFrame({"lexicon": ["c", "n"], "kind": ["frames", "naming"], "entry": ["ihtilal", "sulta"],
                             "gloss": ["", ""]})
    occupation = ("الاحتلال", "c", "frames", "occupation", "ihtilal")
    rows = (_hits("a", texts["a"], [("السلطات", "n", "naming", "authority", "sulta")])
            + _hits("c", texts["c"], [occupation]) + _hits("e", texts["e"], [occupation]))
    opts = WireOptions()
    found = find(docs, Normaliser(), opts).tables[REUSE]
    assert len(found) == 2 and sum(map(len, found.derivatives)) == 3

    def run(matches, cache=None, key=None):
        return edits(docs, found, pd.DataFrame(matches), lexicons, opts, 1, {}, 200, cache=cache, corpus_key=key)

    def same(a, b):
        for name, table in b.tables.items():
            pd.testing.assert_frame_equal(a.tables[name], table)

    cache = Cache(tmp_path / "cache")
    first = run(rows, cache, "corpus")
    same(first, run(rows))
    assert first.info["classified_again"] == 3 and (first.tables["wire_edits"]["kind"] != "").any()
    again = run(rows, Cache(tmp_path / "cache"), "corpus")  # a later run, nothing changed
    same(again, first)
    assert again.info["classified_again"] == 0

    voiced = [dict(r, voice="quoted") if r["doc_id"] == "e" else r for r in rows]  # one derivative's hit changed
    changed = run(voiced, cache, "corpus")
    same(changed, run(voiced))
    assert changed.info["classified_again"] == 1
    assert not changed.tables["wire_edits"].equals(first.tables["wire_edits"])

    gone = [r for r in voiced if r["doc_id"] != "a"]  # the first story's reference lost its hit: both its copies
    assert run(gone, cache, "corpus").info["classified_again"] == 2
    same(run(gone, cache, "corpus"), run(gone))
    assert run(rows, cache, "another corpus").info["classified_again"] == 3
