"""The outlet classifier's sample stays honest and bounded: near-duplicates are kept once (no story
is both trained on and scored), and a feature budget stops the learning curve."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from framing.arabic import Normaliser
from framing.classify.curve import HashedDocs, learning_curve, seeded_order
from framing.classify.hashing import hashed_text
from framing.classify.models import hashed_pipeline
from framing.classify.neardup import NearDuplicateScreen
from framing.classify.options import ClassifyOptions
from framing.classify.outlet import outlet_attribution
from framing.classify.text import MaskedTexts, build_masker, normalise_text
from framing.config import ConfigError, load_config
from framing.records import Outlet

VOCAB = ("احتلال المقاومة تحرير الشهداء العدوان الأراضي المحتلة الصمود الإرهابيين المسلحين الأمن الاستقرار "
         "العمليات الجيش الحكومة التنمية الاقتصاد الأسواق النفط الأسهم البورصة الاستثمار الشركات الأرباح قال في "
         "من إلى على أن اليوم مدينة الناس الوزير الرئيس بيان مؤتمر العاصمة").split()


def _story(rng: random.Random, words: int = 120) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(words)]


def _perturbed(story: list[str], rng: random.Random) -> str:
    """A rewrite: pieces of 12 words, a quarter dropped, two neighbours swapped."""
    pieces = [story[i:i + 12] for i in range(0, len(story), 12)]
    drop = set(rng.sample(range(len(pieces)), len(pieces) // 4))
    kept = [p for k, p in enumerate(pieces) if k not in drop]
    j = rng.randrange(len(kept) - 1)
    kept[j], kept[j + 1] = kept[j + 1], kept[j]
    return " ".join(w for p in kept for w in p)


def test_a_rewrite_is_skipped_and_other_stories_kept():
    rng = random.Random(1)
    stories = [_story(rng) for _ in range(30)]
    texts = [" ".join(s) for s in stories] + [_perturbed(s, rng) for s in stories] + ["قال الوزير"]
    screen = NearDuplicateScreen(texts, 0.15)
    kept = screen.screen(range(30))
    assert kept == list(range(30))  # independent random stories are all kept
    assert screen.screen(range(30, 61)) == [60]  # every rewrite skipped; too short to have shingles: kept
    assert screen.skipped == {30 + k: k for k in range(30)}
    assert NearDuplicateScreen(texts, None).screen(range(61)) == list(range(61))


def test_screen_is_the_same_in_one_call_or_several():
    rng = random.Random(2)
    stories = [_story(rng) for _ in range(20)]
    texts = [_perturbed(s, rng) for s in stories for _ in range(3)]
    one = NearDuplicateScreen(texts, 0.15)
    many = NearDuplicateScreen(texts, 0.15)
    assert one.screen(range(60)) == many.screen(range(25)) + many.screen(range(25, 60))
    assert one.skipped == many.skipped
    assert len(one.screen([])) == 0


def _copied_corpus(stories_per_outlet: int, copies: int, seed: int = 0):
    """Three outlets with their own words; every story is published ``copies`` times (rewritten)."""
    rng = random.Random(seed)
    own = {"a": VOCAB[:8], "b": VOCAB[8:16], "c": VOCAB[16:24]}
    texts, outlets, story = [], [], []
    for k in range(stories_per_outlet):
        for o, words in own.items():
            base = _story(rng, 100) + [rng.choice(words) for _ in range(4)]
            rng.shuffle(base)
            for _ in range(copies):
                texts.append(_perturbed(base, rng))
                outlets.append(o)
                story.append((o, k))
    return texts, outlets, story


def _curve(texts, outlets, tolerance=0.0, **kw):
    docs = HashedDocs(lambda t: hashed_text(t, n_word=2**12, n_char=2**13), texts)
    pipe = hashed_pipeline(n_word=2**12, n_char=2**13, seed=0, tol=0.1)
    order = seeded_order(range(len(texts)), outlets, 3)
    return learning_curve(order, outlets, docs, pipe, start=10, tolerance=tolerance, holdout=20, max_size=None, **kw), docs


def test_no_story_is_both_trained_on_and_held_out():
    texts, outlets, story = _copied_corpus(60, copies=3)
    leaky, _ = _curve(texts, outlets)
    screened, _ = _curve(texts, outlets, screen=NearDuplicateScreen(texts, 0.15))

    def shared(curve):
        return {story[i] for i in curve.train} & {story[i] for i in curve.heldout}

    assert shared(leaky)  # without the screen, copies fall on both sides
    assert not shared(screened)
    assert screened.skipped and all(story[i] == story[j] for i, j in screened.skipped.items())
    kept = [i for v in screened.kept.values() for i in v]
    assert len({story[i] for i in kept}) == len(kept)  # one document per story


def test_feature_budget_stops_the_curve_and_bounds_what_is_hashed():
    texts, outlets, _ = _copied_corpus(200, copies=1, seed=4)
    free, free_docs = _curve(texts, outlets, tolerance=-1)  # every doubling "pays": only the budget stops it
    per_doc = free_docs.entries_per_document()
    budget = int(per_doc * (3 * 40 + 60) * 1.3)  # room for 40 per outlet and the 60 held out, not for 80
    capped, docs = _curve(texts, outlets, tolerance=-1, budget=budget)
    assert "budget" in capped.reason and capped.size == 40
    assert list(capped.table["docs_per_outlet"]) == [10, 20, 40]
    assert capped.table["chosen"].tolist() == [False, False, True]
    assert len(docs.rows) == 3 * 40 + 60  # the refused step read no document
    assert docs.parts[0].nnz <= budget
    assert len(free.table) > len(capped.table)


def test_auto_sample_reports_the_near_duplicates_it_left_out():
    texts, outlets, _ = _copied_corpus(250, copies=3, seed=5)  # 2,250 documents: above the whole-corpus limit
    tables, notes, info = outlet_attribution(texts, outlets, ClassifyOptions(outlet_curve_start=20, folds=3),
                                             seed=5, n_jobs=1)
    sample = tables["outlet_sample"].set_index("outlet")
    assert sample["near_duplicates"].sum() == info["sample"]["near_duplicates_skipped"] > 0
    assert any("near-duplicate documents met on the way were left out" in n for n in notes)
    off, _, off_info = outlet_attribution(texts, outlets, ClassifyOptions(outlet_curve_start=20, folds=3,
                                                                          outlet_near_duplicates=None),
                                          seed=5, n_jobs=1)
    assert off["outlet_sample"]["near_duplicates"].sum() == 0 == off_info["sample"]["near_duplicates_skipped"]


def test_masked_texts_normalise_on_demand():
    norm = Normaliser()
    texts = ["قالت صحيفة الجزيرة إن الوزير أعلن", "أعلنت الجزيرة"]
    masker = build_masker([], [Outlet("aljazirah", "الجزيرة", ())], [], norm)
    lazy = MaskedTexts(masker, texts, norm)
    eager = MaskedTexts(masker, [normalise_text(t, norm) for t in texts])
    assert [lazy[i] for i in range(2)] == [eager[i] for i in range(2)]
    assert "الجزيره" not in lazy[0] and "الجزيرة" not in lazy[0]


@pytest.mark.parametrize("key,value", [("outlet_feature_budget", 10), ("outlet_near_duplicates", 1.5),
                                       ("outlet_near_duplicates", 0)])
def test_bad_bounds_are_keyed_config_errors(tmp_path: Path, key, value):
    (tmp_path / "a.txt").write_text("نص", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config({"title": "t", "outlets": [{"id": "a", "sources": [str(tmp_path / "a.txt")]}],
                     "classify": {key: value}})
    assert f"classify.{key}" in str(info.value)


def test_folds_run_in_worker_processes_only_within_the_budget(monkeypatch):
    import framing.classify.outlet as outlet

    monkeypatch.setattr(outlet, "PARALLEL_ABOVE", 0)
    texts, outlets, _ = _copied_corpus(40, copies=1, seed=6)
    runs = {}
    for budget in (100_000, None):
        opts = ClassifyOptions(max_docs_per_outlet=None, outlet_features="hashing", folds=3,
                               outlet_feature_budget=budget)
        tables, _, info = outlet_attribution(texts, outlets, opts, seed=2, n_jobs=2)
        runs[budget] = (info["cv_jobs"], tables["outlet_cv"]["value"].tolist())
    entries = hashed_text(texts, n_word=2**16, n_char=2**17).matrix.nnz
    assert entries * 2 > 100_000
    assert runs[100_000][0] == 1 and runs[None][0] == 2
    assert runs[100_000][1] == runs[None][1]  # the same numbers either way
    assert outlet.within_budget(20, 2, 40) and not outlet.within_budget(21, 2, 40)
