"""Outlet attribution and the leakage guard, on small synthetic Arabic corpora."""

from __future__ import annotations

from pathlib import Path

import json
import random

import pandas as pd
import pytest

from framing.arabic import Normaliser
from framing.classify import attribution
from framing.classify.options import ClassifyOptions
from framing.classify.outlet import outlet_attribution
from framing.classify.text import MaskEntry, Masker, build_masker, normalise_text
from framing.config import load_config
from framing.records import Document, StageInputs
from framing.runtime import Runtime

SHARED = "قال في من إلى على أن اليوم مدينة الناس الوزير الرئيس بيان مؤتمر العاصمة".split()
A_WORDS = "احتلال المقاومة تحرير الشهداء العدوان الأراضي المحتلة الصمود".split()
B_WORDS = "الإرهابيين المسلحين الأمن الاستقرار العمليات الجيش الحكومة التنمية".split()


def _config(**classify):
    # the stage is given its documents directly; the config still names a source for its outlets
    # (an outlet that no source reaches is a config error)
    return load_config({
        "title": "t",
        "outlets": [
            {"id": "jazeera", "name": "الجزيرة", "aliases": ["قناة الجزيرة"]},
            {"id": "arabiya", "name": "العربية"},
        ],
        "sources": [str(Path(__file__))],
        "run": {"jobs": 1},
        "classify": classify,
    })


def attribute(docs, cfg, normaliser, seed):
    """The outlet-attribution stage as the pipeline runs it."""
    inputs = StageInputs(documents=docs, outlets=cfg.outlet_records(), normaliser=normaliser)
    return attribution(inputs, cfg.classify_options(), Runtime.of(cfg.run.jobs, seed))


def _doc(i, outlet, words, rng, n=40, suffix=""):
    text = " ".join(rng.choice(words) for _ in range(n)) + suffix
    return Document(doc_id=f"d{i}", outlet=outlet, source="synthetic", text=text)


def _framed_corpus(n=40, seed=0):
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        outlet = "jazeera" if i % 2 else "arabiya"
        words = (A_WORDS if outlet == "jazeera" else B_WORDS) + SHARED * 2
        docs.append(_doc(i, outlet, words, rng))
    return docs


def test_masker_matches_names_with_clitics_and_multiword_aliases():
    norm = Normaliser()
    masker = Masker([MaskEntry("الجزيرة", "outlet_name"), MaskEntry("قناة العربية", "alias"),
                     MaskEntry("Reuters", "agency")], norm)
    text = normalise_text("قالت وللجزيرة وبالجزيرة إن قناة  العربية نقلت عن REUTERS أن جزيرة العرب", norm)
    masked = masker.mask(text)
    assert "جزير" not in masked.replace("جزيره العرب", "")  # every form of the name is gone
    assert "جزيره العرب" in masked  # a different word that merely contains it stays
    assert "قناه" not in masked and "reuters" not in masked
    assert masker.hits(text).count(0) == 2


def test_masker_tree_of_forms_matches_as_one_alternative_per_form_longest_first():
    """The masker's regex holds its forms as a tree of letters; it must find what one alternative
    per form, longest first, finds: forms that start other forms, forms of several words (any run
    of white space between them), clitics that are also a form's first letter."""
    import re

    from framing.masks import _alternation

    forms = ["وكاله", "وكاله الانباء", "وكاله الانباء السعوديه", "وام", "واس", "ال", "الانباء", "ب ب", "بب",
             "كالة"]
    plain = "|".join(r"\s+".join(re.escape(w) for w in f.split(" ")) for f in sorted(forms, key=len, reverse=True))
    wrap = r"(?<!\w)[وف]?[بلك]?(?P<core>{})(?!\w)"
    one, tree = re.compile(wrap.format(plain)), re.compile(wrap.format(_alternation(forms)))
    rng = random.Random(3)
    pieces = forms + ["و", "ف", "ب", "ل", "ك", "وال", "فوكاله", "بوام", "السعوديه", "الانبا", "x", "كاله"]
    texts = [" ".join(rng.choice(pieces) for _ in range(12)).replace("  ", rng.choice([" ", "  ", "\n"]))
             for _ in range(400)]
    texts += ["وكاله   الانباء\nالسعوديه", "ووكاله الانباء", "لبب ب ب", "الانباء السعوديه"]
    for text in texts:
        assert [(m.span(), m.group("core")) for m in tree.finditer(text)] == \
            [(m.span(), m.group("core")) for m in one.finditer(text)], text
    assert any(one.search(t) for t in texts) and any(not one.search(t) for t in texts)


def test_normalised_text_collapses_white_space_as_the_regular_expression_does():
    """normalise_text folds white space by splitting: the same text as replacing every run of the
    regular expression's white space (``\\s+``) by one space and stripping the ends."""
    import re
    import sys

    from framing.arabic import Normaliser
    from framing.masks import normalise_text

    space = [c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\s", c)]
    assert space == [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    norm = Normaliser()
    rng = random.Random(5)
    pieces = space + ["الجزيرة", "وكالةُ", "x", "ـ", "\u200b", "،", ""]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 20)))
        assert normalise_text(text, norm) == re.sub(r"\s+", " ", norm.text(text)).strip(), repr(text)


def test_build_masker_collects_names_source_lines_agencies_and_config_mask():
    cfg = _config(mask=["سبق"])
    docs = [Document(doc_id="1", outlet="jazeera", source="s", text="نص",
                     source_line="المصدر : الجزيرة + وكالات", wire_agencies=["AFP"])]
    masker = build_masker(docs, cfg.outlet_records(), cfg.classify.mask, Normaliser())
    kinds = {e.string: e.kind for e in masker.entries}
    assert kinds["سبق"] == "config"
    assert kinds["الجزيرة"] == "outlet_name"
    assert kinds["قناة الجزيرة"] == "alias"
    assert kinds["المصدر : الجزيرة + وكالات"] == "source_line"
    assert kinds["فرانس برس"] == "agency"
    masked = masker.mask(normalise_text("وقالت وكالة فرانس برس إن سبق نشرت", Normaliser()))
    assert "فرانس" not in masked and "سبق" not in masked


def test_compute_outlet_classifier_beats_majority_and_reports_tables():
    docs = _framed_corpus()
    out = attribute(docs, _config(folds=4), Normaliser(), seed=7)
    cv = out.tables["outlet_cv"].set_index("metric")
    assert cv.loc["accuracy", "value"] > cv.loc["accuracy", "baseline"] + 0.3
    assert cv.loc["macro_f1", "value"] > 0.8
    assert cv.loc["accuracy", "folds"] == 4
    conf = out.tables["outlet_confusion"]
    assert conf["count"].sum() == len(docs)
    feats = out.tables["outlet_features"]
    top_j = set(feats[(feats.outlet == "jazeera") & (feats.kind == "word")].nsmallest(8, "rank").feature)
    assert top_j & {normalise_text(w, Normaliser()) for w in A_WORDS}
    assert out.info["seed"] == 7 and "الجزيرة" in out.info["mask"]
    assert set(out.tables["outlet_mask"].columns) >= {"string", "kind", "outlet", "hits", "documents"}


def test_masking_removes_a_classifier_that_only_reads_the_name():
    """Both outlets draw from the same words; only the self-name differs. Unmasked the classifier
    is perfect, masked it must fall to chance level."""
    rng = random.Random(3)
    docs = []
    for i in range(60):
        outlet = "jazeera" if i % 2 else "arabiya"
        name = " المصدر: الجزيرة" if outlet == "jazeera" else " (العربية)"
        doc = _doc(i, outlet, SHARED + A_WORDS + B_WORDS, rng, suffix=name)
        doc.source_line = name.strip()  # as ingestion records it
        docs.append(doc)
    norm = Normaliser()
    texts = [normalise_text(d.text, norm) for d in docs]
    outlets = [d.outlet for d in docs]
    opts = ClassifyOptions(folds=5)
    leaky, _, _ = outlet_attribution(texts, outlets, opts, seed=1, n_jobs=1)
    assert leaky["outlet_cv"].set_index("metric").loc["accuracy", "value"] == 1.0
    out = attribute(docs, _config(), norm, seed=1)
    masked_acc = out.tables["outlet_cv"].set_index("metric").loc["accuracy", "value"]
    assert masked_acc < 0.75
    mask = out.tables["outlet_mask"].set_index("string")
    assert mask.loc["المصدر: الجزيرة", "documents"] == 30 and mask.loc["(العربية)", "documents"] == 30
    assert mask.loc["المصدر: الجزيرة", "kind"] == "source_line"


def test_small_corpus_is_skipped_with_a_note_not_an_error():
    rng = random.Random(1)
    docs = [_doc(0, "jazeera", A_WORDS, rng), _doc(1, "arabiya", B_WORDS, rng), _doc(2, "jazeera", A_WORDS, rng)]
    out = attribute(docs, _config(), Normaliser(), seed=1)
    assert "outlet_cv" not in out.tables
    assert any("outlet classifier skipped" in n and "at least 2 documents per outlet" in n for n in out.notes)
    assert attribute([], _config(), Normaliser(), seed=1).notes


def test_outlet_with_one_document_is_left_out_and_folds_reduced():
    docs = _framed_corpus(n=6)
    docs.append(Document(doc_id="lone", outlet="third", source="s", text="نص وحيد عن المدينة"))
    out = attribute(docs, _config(folds=5), Normaliser(), seed=1)
    assert any("third (1)" in n for n in out.notes)
    assert any("3-fold instead of 5-fold" in n for n in out.notes)
    assert set(out.tables["outlet_confusion"]["true"]) == {"jazeera", "arabiya"}


@pytest.mark.parametrize("features", ["vocabulary", "hashing"])
def test_same_seed_same_numbers_parallel_or_not(features):
    docs = _framed_corpus(n=30, seed=5)
    a = attribute(docs, _config(outlet_features=features), Normaliser(), seed=11)
    json.dumps(a.info)  # manifest-ready
    cfg = _config(outlet_features=features)
    cfg.run.jobs = 2
    b = attribute(docs, cfg, Normaliser(), seed=11)
    pd.testing.assert_frame_equal(a.tables["outlet_cv"], b.tables["outlet_cv"])
    pd.testing.assert_frame_equal(a.tables["outlet_features"], b.tables["outlet_features"])
    pd.testing.assert_frame_equal(a.tables["outlet_confusion"], b.tables["outlet_confusion"])


def test_max_docs_per_outlet_samples_and_says_so():
    docs = _framed_corpus(n=40)
    out = attribute(docs, _config(max_docs_per_outlet=10), Normaliser(), seed=2)
    assert out.tables["outlet_confusion"]["count"].sum() == 20
    assert any("seeded sample of at most 10" in n for n in out.notes)


@pytest.mark.parametrize("bad", ["svm", "logreg"])
def test_both_linear_models_run(bad):
    out = attribute(_framed_corpus(n=20), _config(outlet_model=bad, folds=2), Normaliser(), seed=2)
    assert out.tables["outlet_cv"].set_index("metric").loc["accuracy", "value"] > 0.7


def test_hashed_features_match_the_vocabulary_pipeline_and_name_features():
    docs = _framed_corpus(n=40, seed=9)
    voc = attribute(docs, _config(outlet_features="vocabulary"), Normaliser(), seed=4)
    hashed = attribute(docs, _config(outlet_features="hashing"), Normaliser(), seed=4)
    a = voc.tables["outlet_cv"].set_index("metric").loc["accuracy", "value"]
    b = hashed.tables["outlet_cv"].set_index("metric").loc["accuracy", "value"]
    assert abs(a - b) <= 0.1 and b > 0.8
    feats = hashed.tables["outlet_features"]
    words = set(feats[(feats.outlet == "arabiya") & (feats.kind == "word")].feature)
    assert words & {normalise_text(w, Normaliser()) for w in B_WORDS}
    assert hashed.info["outlet_classifier"]["features"].startswith("hashed")
