"""The run cache: cleaned corpus and per-document tokens hit when nothing changed and miss exactly
when an input file, a corpus option or the normaliser version changes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from framing.background import can_fork
from framing.analyse import DocumentAnalyser, analyse_documents
from framing.analyse.store import TokenStore
from framing.arabic import Normaliser
from framing.cache import Cache, corpus_key, digest
from framing.config import load_config

TEXT_A = ("قالت وزارة الخارجية إن قوات الاحتلال اقتحمت القرية فجر اليوم، وأكد شهود أن الجنود "
          "اعتقلوا عددا من الشبان. وقال مسؤول محلي إن المواجهات استمرت ساعات قبل أن تنسحب القوات.")
TEXT_B = ("أعلنت الحكومة عن خطة جديدة لدعم الاقتصاد الوطني وتشجيع الاستثمار في القطاعات الإنتاجية، "
          "وقال الوزير إن الخطة تستهدف خلق آلاف فرص العمل للشباب خلال السنوات الخمس المقبلة.")


def _study(tmp_path: Path, **corpus) -> dict:
    rows = [{"outlet": "one", "title": "a", "date": "2020-01-01", "text": TEXT_A},
            {"outlet": "two", "title": "b", "date": "2020-01-02", "text": TEXT_B}]
    path = tmp_path / "docs.jsonl"
    if not path.exists():
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return {"title": "t", "sources": [{"path": "docs.jsonl"}], "corpus": {"min_words": 5, **corpus},
            "output": str(tmp_path / "out"), "run": {"jobs": 1}}


def _config(tmp_path: Path, **corpus):
    return load_config(_study(tmp_path, **corpus), base_dir=tmp_path)


class _Loader:
    """Stands in for the corpus stage: counts how often it really runs."""

    def __init__(self, config) -> None:
        self.config = config
        self.calls = 0

    def __call__(self):
        from tests.corpus_of_config import load_corpus

        self.calls += 1
        return load_corpus(self.config)


def _cached_corpus(config, version: str, load, cache: Cache):
    """The corpus as the pipeline caches it: ``load()``, or its output for the same inputs."""
    return cache.memo("corpus", corpus_key(config, version), load)


def test_corpus_cache_hits_when_nothing_changed(tmp_path):
    cache = Cache(tmp_path / "cache")
    cfg = _config(tmp_path)
    version = Normaliser().version
    first = _Loader(cfg)
    docs = _cached_corpus(cfg, version, first, cache)
    again = _Loader(_config(tmp_path))
    docs2 = _cached_corpus(again.config, version, again, cache)
    assert first.calls == 1 and again.calls == 0
    assert [(d.doc_id, d.text, d.status) for d in docs2] == [(d.doc_id, d.text, d.status) for d in docs]
    assert cache.hits == {"corpus": 1} and cache.misses == {"corpus": 1}


def test_corpus_key_changes_with_file_option_and_normaliser(tmp_path):
    cfg = _config(tmp_path)
    version = Normaliser().version
    key = corpus_key(cfg, version)
    assert corpus_key(_config(tmp_path), version) == key  # same inputs, same key

    # a corpus option
    assert corpus_key(_config(tmp_path, min_words=6), version) != key
    # the normaliser version (another option, or another normaliser revision)
    assert corpus_key(cfg, Normaliser(ta_marbuta=False).version) != key
    assert corpus_key(cfg, version + "-next") != key
    # the bytes of an input file (same size, one letter changed)
    path = tmp_path / "docs.jsonl"
    data = path.read_text(encoding="utf-8")
    path.write_text(data.replace("القرية", "المدينة", 1)[:-1] + "\n", encoding="utf-8")
    assert corpus_key(_config(tmp_path), version) != key
    path.write_text(data, encoding="utf-8")
    assert corpus_key(_config(tmp_path), version) == key  # and back


def test_corpus_cache_misses_after_a_file_changes(tmp_path):
    cache = Cache(tmp_path / "cache")
    version = Normaliser().version
    _cached_corpus(_config(tmp_path), version, _Loader(_config(tmp_path)), cache)
    path = tmp_path / "docs.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("الاحتلال", "الجيش"), encoding="utf-8")
    loader = _Loader(_config(tmp_path))
    docs = _cached_corpus(loader.config, version, loader, cache)
    assert loader.calls == 1
    assert "الجيش" in docs[0].text and "الاحتلال" not in docs[0].text


def test_disabled_cache_never_stores(tmp_path):
    cache = Cache(tmp_path / "cache", enabled=False)
    cfg = _config(tmp_path)
    for _ in range(2):
        loader = _Loader(cfg)
        _cached_corpus(cfg, Normaliser().version, loader, cache)
        assert loader.calls == 1
    assert not (tmp_path / "cache").exists()


def test_damaged_entry_is_a_miss(tmp_path):
    cache = Cache(tmp_path / "cache")
    cache.put("x", "ab" * 32, {"a": 1})
    assert cache.get("x", "ab" * 32) == {"a": 1}
    path = next((tmp_path / "cache" / "x").rglob("*.entry"))
    path.write_bytes(b"not a pickle")
    assert cache.get("x", "ab" * 32, "missing") == "missing"


class _CountingMatcher:
    """A matcher of one word (the analyser's LexiconMatcher protocol) that counts the documents
    it was asked to match."""

    needs_surfaces = False

    def __init__(self, word: str) -> None:
        self.word = word
        self.calls = 0

    def candidate_kind(self, norm: str, surface: str) -> int:
        from framing.lexicon.matcher import NOT_CANDIDATE, STARTS_HIT

        return STARTS_HIT if norm == self.word else NOT_CANDIDATE

    def need_mask(self, norm: str) -> int:
        return 0

    def offer_mask(self, norm: str) -> int:
        return 0

    def explain_at(self, positions, surfaces, norms, starts, ends, text):
        from framing.records import Match

        self.calls += 1
        return [Match("l", "c", "e", surfaces[i], starts[i], ends[i], "exact") for i in positions], []


def _analyse(tmp_path, texts, normaliser, word="الاحتلال"):
    cache = Cache(tmp_path / "cache")
    store = TokenStore(cache, normaliser.version)
    matcher = _CountingMatcher(word)
    analyser = DocumentAnalyser(normaliser, matcher)
    hits_before = len([t for t in texts if store.has(store.expect("x", t))])
    out = analyse_documents(analyser, [(f"d{i}", t) for i, t in enumerate(texts)], store=store, jobs=1)
    store.save()
    return out, hits_before


def _plain(texts, normaliser, word="الاحتلال"):
    analyser = DocumentAnalyser(normaliser, _CountingMatcher(word))
    return [analyser(f"d{i}", t) for i, t in enumerate(texts)]


def _same(a, b):
    return [(x.doc_id, x.n_tokens, x.matches, x.sentences, list(x.terms.items())) for x in a] == \
           [(x.doc_id, x.n_tokens, x.matches, x.sentences, list(x.terms.items())) for x in b]


def test_token_store_hits_when_unchanged_and_matches_again(tmp_path):
    texts = [TEXT_A, TEXT_B]
    norm = Normaliser()
    cold, hits = _analyse(tmp_path, texts, norm)
    assert hits == 0
    warm, hits = _analyse(tmp_path, texts, Normaliser())
    assert hits == 2
    assert _same(warm, cold) and _same(cold, _plain(texts, norm))
    # a lexicon edit: the cached tokens are matched with the new lexicon
    edited, hits = _analyse(tmp_path, texts, Normaliser(), word="القوات")
    assert hits == 2 and _same(edited, _plain(texts, Normaliser(), word="القوات"))
    assert [len(a.matches) for a in edited] == [1, 0]


def test_token_store_misses_for_an_edited_document_only(tmp_path):
    _analyse(tmp_path, [TEXT_A, TEXT_B], Normaliser())
    texts = [TEXT_A + " الاحتلال", TEXT_B]
    out, hits = _analyse(tmp_path, texts, Normaliser())
    assert hits == 1
    assert _same(out, _plain(texts, Normaliser()))
    assert len(out[0].matches) == 2


def test_token_store_misses_when_the_normaliser_version_changes(tmp_path):
    _analyse(tmp_path, [TEXT_A, TEXT_B], Normaliser())
    other = Normaliser(ta_marbuta=False)
    out, hits = _analyse(tmp_path, [TEXT_A, TEXT_B], other)
    assert hits == 0
    assert _same(out, _plain([TEXT_A, TEXT_B], other))
    # a new normaliser revision (same options) is a different version too
    import framing.arabic as arabic

    old = arabic.NORMALISER_REVISION
    try:
        arabic.NORMALISER_REVISION = old + "-test"
        _, hits = _analyse(tmp_path, [TEXT_A, TEXT_B], Normaliser())
        assert hits == 0
    finally:
        arabic.NORMALISER_REVISION = old


def test_lexicon_free_stages_are_cached_across_a_lexicon_edit(tmp_path, monkeypatch):
    """A stage declared lexicon_free runs once for two runs that differ only in their lexicons, and
    never sees the matches; a stage that reads the matches runs every time."""
    from framing import pipeline
    from framing.records import StageOutput

    seen = {"free": [], "lexical": []}

    def free(inputs, options, runtime):
        seen["free"].append(inputs.matches)
        return StageOutput(info={"documents": len(inputs.documents)})

    def lexical(inputs, options, runtime):
        seen["lexical"].append(len(inputs.matches))
        return StageOutput()

    monkeypatch.setattr(pipeline, "STAGES", (
        pipeline.Stage("free", "stats", free, lambda cfg: cfg.stats, lexicon_free=True),
        pipeline.Stage("lexical", "stats", lexical, lambda cfg: cfg.stats),
    ))
    study = _study(tmp_path)
    study["run"] = {"jobs": 1, "cache_dir": str(tmp_path / "cache")}
    first = pipeline.run(load_config({**study, "lexicons": ["conflict"]}, base_dir=tmp_path), write=False)
    second = pipeline.run(load_config({**study, "lexicons": ["naming"]}, base_dir=tmp_path), write=False)
    assert seen["free"] == [None]  # once, and without the matches
    assert len(seen["lexical"]) == 2 and seen["lexical"][0] != seen["lexical"][1]
    assert first.manifest["run"]["cache"]["misses"]["stage"] == 1
    assert second.manifest["run"]["cache"]["hits"]["stage"] == 1
    assert second.manifest["stages"]["stats"] == {"documents": 2}


def test_digest_separates_parts():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest(["ab", "c"]) != digest(["a", "bc"])
    assert digest(b"x") != digest("x")


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_run_twice_hits_the_cache_and_writes_the_same_data(tmp_path, jobs):
    from framing.pipeline import run

    study = _study(tmp_path)
    study["run"] = {"jobs": jobs, "cache_dir": str(tmp_path / "cache")}
    first = run(load_config(study, base_dir=tmp_path), output=tmp_path / "a", topics=False, classify=False)
    second = run(load_config(study, base_dir=tmp_path), output=tmp_path / "b", topics=False, classify=False)
    every = {"corpus": 1, "tokens": 1, "outlet_terms": 1, "voices": 1, "stage": 1, "stats_words": 4,
             "stats_parts": 1, "texts": 1}  # stage: wire_stories; stats_words: masks, spellings, keyness,
    # written spellings; stats_parts: scare quotes
    assert first.manifest["run"]["cache"]["misses"] == every  # the shared-copy stages' counted, wherever they ran
    # and the hits of the run before and the matches table made from them, read by a run that matches
    # stored tokens (the first tokenises every document); with the keyness and the written spellings
    # read back, the masks and the corpus's written words they came from are not read
    assert second.manifest["run"]["cache"]["hits"] == {**every, "stats_words": 2, "analyses": 1, "matches": 1}
    assert second.tables["matches"].equals(first.tables["matches"])
    beside = first.manifest["run"].get("beside", {}).get("stages")
    assert beside == (["wire_stories", "wire"] if jobs > 1 and can_fork() else None)
    for name in ("documents.csv", "matches.csv", "outlet_scores.csv", "wire_rates.csv", "stories.csv"):
        assert (tmp_path / "a" / "data" / name).read_bytes() == (tmp_path / "b" / "data" / name).read_bytes()


def test_cached_documents_are_matched_in_forked_workers_as_in_process(tmp_path, monkeypatch):
    from framing.analyse import parallel
    from framing.lexicon import Matcher, load_lexicons, shipped_ids

    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORDS", 0)
    norm = Normaliser()
    matcher = Matcher(load_lexicons(shipped_ids()), norm)
    texts = [TEXT_A, TEXT_B, TEXT_A + " وقوات الاحتلال", "ما وصفته الحكومة بالإرهاب"] * 5
    items = [(f"d{i}", t) for i, t in enumerate(texts)]
    plain = [DocumentAnalyser(norm, matcher)(d, t) for d, t in items]
    cache = Cache(tmp_path / "cache")
    for jobs in (2, 2, 1):  # cold in workers, then warm in workers, then warm in process
        store = TokenStore(cache, norm.version)
        out = analyse_documents(DocumentAnalyser(norm, matcher), items, store=store, jobs=jobs)
        store.save()
        assert _same(out, plain)
    assert len(store) == len(set(texts))


def test_unused_token_shards_are_deleted_and_a_missing_shard_is_a_miss(tmp_path):
    norm = Normaliser()
    shard_dir = tmp_path / "cache" / "token_shard"
    _analyse(tmp_path, [TEXT_A, TEXT_B], norm)
    first = sorted(shard_dir.rglob("*.entry"))
    assert first
    edited = [TEXT_A + " الاحتلال"]
    _analyse(tmp_path, edited, norm)  # the earlier documents are not in this run: their shard goes
    assert not any(p.exists() for p in first)
    for p in shard_dir.rglob("*.entry"):
        p.unlink()
    out, hits = _analyse(tmp_path, edited, norm)  # indexed, but the shard is gone: tokenised again
    assert hits == 0 and _same(out, _plain(edited, norm))
    assert list(shard_dir.rglob("*.entry"))


def test_voices_are_kept_across_a_lexicon_edit(tmp_path, monkeypatch):
    """After a lexicon edit only the hits the last run did not have are given a voice again, and
    the matches table is the one a run without a cache gives."""
    import framing.voice as voice
    from framing.pipeline import run

    asked: list[int] = []
    real = voice.hit_voices

    def counting(text, spans, title_end=0):
        asked.append(len(spans))
        return real(text, spans, title_end)

    monkeypatch.setattr(voice, "hit_voices", counting)
    study = _study(tmp_path)
    study["run"] = {"jobs": 1, "cache_dir": str(tmp_path / "cache")}
    one = {**study, "lexicons": ["conflict"]}
    both = {**study, "lexicons": ["conflict", "naming"]}
    first = run(load_config(one, base_dir=tmp_path), write=False, topics=False, classify=False)
    n_first = sum(asked)
    assert n_first == len(first.tables["matches"]) > 0
    asked.clear()
    second = run(load_config(both, base_dir=tmp_path), write=False, topics=False, classify=False)
    assert second.manifest["run"]["cache"]["hits"]["voices"] == 1
    assert sum(asked) == len(second.tables["matches"]) - n_first  # only the new hits
    plain = run(load_config({**both, "run": {"jobs": 1, "cache": False}}, base_dir=tmp_path), write=False,
                topics=False, classify=False)
    cols = ["doc_id", "start", "end", "voice", "in_title", "speaker", "sentence"]
    assert second.tables["matches"][cols].equals(plain.tables["matches"][cols])


def _demo_study(tmp_path: Path, lexicons: list[str], cache: bool) -> object:
    import yaml

    from framing.demo import DEMO_CONFIG

    raw = yaml.safe_load(DEMO_CONFIG.read_text(encoding="utf-8"))
    raw.update(lexicons=[str(DEMO_CONFIG.parent / x) if x.endswith(".yaml") else x for x in lexicons],
               run={"jobs": 1, "cache": cache, "cache_dir": str(tmp_path / "cache")})
    return load_config(raw, base_dir=DEMO_CONFIG.parent)


def _data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "data").iterdir())}


@pytest.mark.slow
def test_a_re_run_after_a_lexicon_edit_writes_the_data_of_a_run_without_cache(tmp_path):
    """The demo study run once, then again with one lexicon more (the cache warm: corpus, tokens,
    voices, the documents' texts file and the shared-copy stories read back), writes the data
    folder of the same study run without a cache, byte for byte."""
    from framing.cachedir import classify, scan
    from framing.pipeline import run

    edited = ["conflict", "attribution", "demo_naming.yaml", "naming"]  # one more, last: the others keep their place
    first = run(_demo_study(tmp_path, ["conflict", "attribution", "demo_naming.yaml"], True), output=tmp_path / "a",
                topics=False, classify=False)
    warm = run(_demo_study(tmp_path, edited, True), output=tmp_path / "b", topics=False, classify=False)
    cold = run(_demo_study(tmp_path, edited, False), output=tmp_path / "c", topics=False, classify=False)
    assert first.manifest["run"]["cache"]["misses"]["texts"] == 1
    assert warm.manifest["run"]["cache"]["hits"]["texts"] == 1
    assert warm.manifest["run"]["cache"]["hits"]["outlet_terms"] == 1
    assert first.manifest["run"]["cache"]["misses"]["stage"] == 1  # the shared-copy stories
    assert warm.manifest["run"]["cache"]["hits"]["stage"] == 1
    assert len(warm.tables["matches"]) > len(first.tables["matches"])
    # the documents the added lexicon cannot touch kept their hits, and their rows of the matches table
    assert warm.manifest["run"]["cache"]["hits"]["matches"] == 1
    assert warm.tables["matches"].equals(cold.tables["matches"])
    assert warm.tables["matches"].dtypes.tolist() == cold.tables["matches"].dtypes.tolist()
    assert len(warm.tables["stories"]) and warm.tables["stories"].equals(first.tables["stories"])
    assert not warm.tables["wire_edits"].equals(first.tables["wire_edits"])  # the edits follow the lexicons
    assert all(isinstance(t, pd.DataFrame) for t in warm.tables.values())
    a, b = _data_files(tmp_path / "b"), _data_files(tmp_path / "c")
    assert sorted(a) == sorted(b) and "documents.jsonl.gz" in a
    for name in a:
        assert a[name] == b[name], f"data/{name} differs between the warm re-run and the run without a cache"
    entries = classify(scan(tmp_path / "cache"))
    texts = [e for e in entries if e.kind == "texts"]
    assert len(texts) == 1 and texts[0].header["corpus"] and texts[0].state == "in use"
    assert [e.group for e in entries if e.kind == "stage"] == ["stage:wire_stories"]


@pytest.mark.slow
def test_stages_run_beside_the_others_write_the_data_of_a_run_in_order(tmp_path, monkeypatch):
    """With two jobs the shared-copy stages run in a forked process beside the statistics; every
    data file is the one a run in one process writes, and the later stages are handed the same
    tables either way (none of the shared-copy stages')."""
    import dataclasses

    from framing import pipeline

    handed = {}
    original = pipeline.STAGES

    def recording(stage):
        def compute(inputs, options, runtime):
            handed.setdefault(runtime.jobs, set()).update(inputs.tables)
            return stage.compute(inputs, options, runtime)
        return dataclasses.replace(stage, compute=compute)

    monkeypatch.setattr(pipeline, "STAGES", tuple(s if s.beside else recording(s) for s in original))
    study = _study(tmp_path)
    written = {}
    for jobs in (1, 2):
        study["run"] = {"jobs": jobs, "cache": False}
        out = pipeline.run(load_config(study, base_dir=tmp_path), output=tmp_path / f"j{jobs}", topics=False,
                           classify=False)
        assert ("beside" in out.manifest["run"]) == (jobs == 2 and can_fork())
        written[jobs] = {p.name: p.read_bytes() for p in sorted((tmp_path / f"j{jobs}" / "data").glob("*.csv*"))}
    assert "wire_edits.csv.gz" in written[1] or "wire_rates.csv" in written[1]
    assert written[1].keys() == written[2].keys()
    assert [name for name in written[1] if written[1][name] != written[2][name]] == []
    assert handed[1] == handed[2] and not {t for t in handed[1] if t.startswith("wire") or t == "stories"}


@pytest.mark.slow
def test_a_rerun_counts_no_keyness_terms_and_its_keyness_is_that_of_a_fresh_run(tmp_path, monkeypatch):
    """A re-run on a cached corpus reads the keyness-term counts back and the analysis counts none;
    keyness computed from them (other keyness options) is that of a run without a cache."""
    from framing.analyse import engine
    from framing.pipeline import run

    study = _study(tmp_path)
    study["run"] = {"jobs": 1, "cache_dir": str(tmp_path / "cache")}
    run(load_config(study, base_dir=tmp_path), output=tmp_path / "a", topics=False, classify=False)
    counted = []
    real = engine._term_counts
    monkeypatch.setattr(engine, "_term_counts", lambda *a, **k: counted.append(1) or real(*a, **k))
    study["stats"] = {"keyness_top": 7, "keyness_min_count": 1}
    again = run(load_config(study, base_dir=tmp_path), output=tmp_path / "b", topics=False, classify=False)
    assert counted == [] and again.manifest["run"]["cache"]["hits"]["outlet_terms"] == 1
    study["run"] = {"jobs": 1, "cache": False}
    fresh = run(load_config(study, base_dir=tmp_path), output=tmp_path / "c", topics=False, classify=False)
    assert counted  # without a cache the terms are counted
    assert len(fresh.tables["keyness"]) and (tmp_path / "b" / "data" / "keyness.csv").read_bytes() == \
        (tmp_path / "c" / "data" / "keyness.csv").read_bytes()


def test_a_rerun_with_the_same_lexicons_keeps_the_hits_entries_as_they_are(tmp_path):
    """A re-run that matches nothing new (same lexicons, same corpus) writes neither the kept hits
    nor the matches table made from them again; the run after it still reads both, and a lexicon
    edit writes them anew."""
    from framing.pipeline import run

    study = _study(tmp_path)
    study["run"] = {"jobs": 1, "cache_dir": str(tmp_path / "cache")}

    def entries() -> dict[str, bytes]:
        return {p.parent.parent.name: p.read_bytes() for kind in ("analyses", "matches")
                for p in (tmp_path / "cache" / kind).rglob("*.entry")}

    config = lambda lexicons: load_config({**study, "lexicons": lexicons}, base_dir=tmp_path)  # noqa: E731
    first = run(config(["conflict", "naming"]), write=False)
    made = entries()
    assert set(made) == {"analyses", "matches"}
    second = run(config(["conflict", "naming"]), write=False)
    assert entries() == made  # the same bytes: nothing written again
    third = run(config(["conflict", "naming"]), write=False)
    for later in (second, third):
        assert later.manifest["run"]["cache"]["hits"].get("analyses") == 1
        assert later.manifest["run"]["cache"]["hits"].get("matches") == 1
        assert later.tables["matches"].equals(first.tables["matches"])
    run(config(["conflict"]), write=False)  # one lexicon fewer: every signature of the other changed
    assert entries() != made
