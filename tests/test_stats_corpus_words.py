"""The statistics stage's work on the corpus's words is kept in the run's cache and read back unchanged."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from framing.arabic import Normaliser
from framing.arabic.clitics import strip_article
from framing.cache import Cache
from framing.records import Document, Outlet, StageInputs
from framing.stats.corpus_words import masks, spellings, words_key


def _inputs(extra: str = "") -> StageInputs:
    docs = [Document("d1", "aawsat", "a.txt", "قالت الشرق الأوسط إن الحرب في الشرق طويلة" + extra),
            Document("d2", "was", "b.txt", "وقال المتحدث (واس) إن الشرق الأوسط يتغير", source_line="المصدر : واس",
                     wire_agencies=["SPA"]),
            Document("d3", "aawsat", "c.txt", "الإرهابية والإرهابية وإرهابية")]
    return StageInputs(documents=docs, all_documents=docs, normaliser=Normaliser(),
                       outlets=(Outlet("aawsat", "Asharq Al-Awsat", ("الشرق الأوسط",)), Outlet("was", "SPA", ("واس",))))


def corpus_words(inputs, cache, term_of):
    return masks(inputs, cache, term_of) + (spellings(inputs, cache, term_of),)


def _same(a, b):
    assert a[0] == b[0] and a[1] == b[1]
    assert a[2][0] == b[2][0] and a[2][1] == b[2][1] and np.array_equal(a[2][2], b[2][2])


def test_corpus_words_are_read_back_from_the_cache_unchanged(tmp_path):
    inputs = _inputs()
    plain = corpus_words(inputs, None, strip_article)
    assert plain[1]["aawsat"]["شرق"] == 1 and "واس" in plain[0]
    cache = Cache(tmp_path)
    first = corpus_words(inputs, cache, strip_article)
    second = corpus_words(inputs, cache, strip_article)
    _same(first, plain)
    _same(second, plain)
    assert cache.hits.get("stats_words") == 2 and cache.misses.get("stats_words") == 2  # masks, spellings


def test_the_key_follows_the_texts_the_outlets_and_the_normaliser():
    base = _inputs()
    key = words_key(base, strip_article)
    assert key == words_key(_inputs(), strip_article)
    assert key != words_key(_inputs(" جديدة"), strip_article)
    assert key != words_key(replace(base, outlets=base.outlets[:1]), strip_article)
    assert key != words_key(replace(base, normaliser=Normaliser(ta_marbuta=False)), strip_article)
    assert key != words_key(replace(base, self_names=("وكالة",)), strip_article)
    moved = [replace(d, outlet="was") if d.doc_id == "d3" else d for d in base.documents]
    assert key != words_key(replace(base, documents=moved, all_documents=moved), strip_article)


def test_with_the_corpus_key_the_key_follows_it_not_the_texts():
    """In a run with a cache the pipeline hands the stages the cleaned corpus's key, which changes
    whenever the documents would: the texts are not hashed again."""
    base = replace(_inputs(), corpus_key="corpus-1")
    key = words_key(base, strip_article)
    assert key == words_key(replace(_inputs(" جديدة"), corpus_key="corpus-1"), strip_article)
    assert key != words_key(replace(base, corpus_key="corpus-2"), strip_article)
    assert key != words_key(replace(base, corpus_key=None), strip_article)
    assert key != words_key(replace(base, self_names=("وكالة",)), strip_article)
    assert key != words_key(replace(base, outlets=base.outlets[:1]), strip_article)


def test_keyness_is_read_back_after_a_lexicon_edit_and_computed_again_for_new_options(tmp_path, monkeypatch):
    """Keyness reads no lexicon: a re-run with other matches (a lexicon edit) reads it back from the
    cache; other keyness options compute it again."""
    import pandas as pd

    from framing.runtime import Runtime
    from framing.stats import StatsOptions, keyness, stage
    from tests.test_stats_parts import _inputs as stage_inputs

    inputs, opts = stage_inputs(), StatsOptions(bootstrap=200, permutations=300)
    first = stage.compute(inputs, opts, Runtime.of(1, 7, Cache(tmp_path)))
    assert len(first.tables["keyness"])
    computed = []
    real = keyness.compute_keyness
    monkeypatch.setattr(keyness, "compute_keyness", lambda *a, **k: computed.append(1) or real(*a, **k))
    edited = replace(inputs, matches=inputs.matches.iloc[::2].reset_index(drop=True))  # fewer hits
    again = stage.compute(edited, opts, Runtime.of(1, 7, Cache(tmp_path)))
    assert computed == []
    pd.testing.assert_frame_equal(again.tables["keyness"], first.tables["keyness"])
    assert [n for n in again.notes if "keyness" in n] == [n for n in first.notes if "keyness" in n]
    assert {k: v for k, v in again.info.items() if k.startswith("keyness_")} == \
        {k: v for k, v in first.info.items() if k.startswith("keyness_")}
    assert not again.tables["contrasts"].equals(first.tables["contrasts"])  # the rest was computed again
    other = stage.compute(edited, opts.model_copy(update={"keyness_top": 3}), Runtime.of(1, 7, Cache(tmp_path)))
    assert computed == [1] and other.tables["keyness"].groupby(["outlet", "versus"]).size().max() <= 3


def test_scare_quote_shares_are_read_back_until_the_naming_hits_change(tmp_path, monkeypatch):
    """The scare-quote shares read only the naming lexicons' hits: an edit that changes frame hits
    reads them back from the cache; a change to the naming hits computes them again."""
    import pandas as pd

    from framing.runtime import Runtime
    from framing.stats import StatsOptions, stage
    from framing.stats import voice as vc
    from tests.test_stats_parts import _inputs as stage_inputs

    base = stage_inputs()
    m = base.matches
    voices = ["scare" if (m["lexicon"].iloc[i] == "names" and i % 3 == 0) else "own" for i in range(len(m))]
    inputs = replace(base, matches=m.assign(voice=voices, in_title=False, speaker=""))
    opts = StatsOptions(bootstrap=200, permutations=300)
    first = stage.compute(inputs, opts, Runtime.of(1, 7, Cache(tmp_path)))
    assert first.tables["naming_shares"]["scare_count"].fillna(0).sum() > 0
    computed = []
    real = vc.scare_shares
    monkeypatch.setattr(vc, "scare_shares", lambda *a, **k: computed.append(1) or real(*a, **k))
    frames = inputs.matches["lexicon"] == "lex"
    fewer = inputs.matches[~frames | (inputs.matches.index % 2 == 0)].reset_index(drop=True)  # frame hits only
    again = stage.compute(replace(inputs, matches=fewer), opts, Runtime.of(1, 7, Cache(tmp_path)))
    assert computed == []
    scare = [c for c in first.tables["naming_shares"].columns if c.startswith("scare_")]
    pd.testing.assert_frame_equal(again.tables["naming_shares"][scare], first.tables["naming_shares"][scare])
    renamed = inputs.matches.assign(voice=[v if i % 5 else "own" for i, v in enumerate(inputs.matches["voice"])])
    stage.compute(replace(inputs, matches=renamed), opts, Runtime.of(1, 7, Cache(tmp_path)))
    assert computed == [1]
