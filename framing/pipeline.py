"""Call the stages in order. No analysis lives here: each step is one call into a stage."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from framing import __version__
from framing.arabic import Normaliser
from framing.config import StudyConfig, load_config
from framing.progress import Progress
from framing.result import RunResult

MATCH_COLUMNS = ["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface", "start", "end", "sentence", "rule",
                 "distanced", "voice", "in_title", "speaker"]


class Timings(dict):
    @contextmanager
    def stage(self, name: str, progress: Progress):
        progress.start(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self[name] = round(time.perf_counter() - t0, 3)
            progress.done(name, self[name])


def run(
    config: str | Path | dict | StudyConfig,
    *,
    output: str | Path | None = None,
    jobs: int | None = None,
    quiet: bool = True,
    write: bool = True,
    topics: bool | None = None,
    classify: bool | None = None,
) -> RunResult:
    """Run a study: a config path, a dict (paths relative to the working directory) or a loaded
    StudyConfig. Returns a RunResult whose tables are pandas DataFrames; writes the report and
    data folder unless ``write=False``: whole, in place of the previous one, at the end
    (framing/publish.py), so that a run stopped or failing on the way leaves the previous one as
    it was.
    """

    cfg = config if isinstance(config, StudyConfig) else load_config(config)
    if output is not None:
        cfg.output = str(Path(output).resolve())
    if jobs is not None:
        cfg.run.jobs = jobs
    if not write:
        return _run(cfg, quiet=quiet, write=write, topics=topics, classify=classify)
    from framing.publish import check_output, output_lock

    check_output(cfg.output_dir)
    with output_lock(cfg.output_dir):  # one run per output folder at a time
        return _run(cfg, quiet=quiet, write=write, topics=topics, classify=classify)


def _run(cfg: StudyConfig, *, quiet: bool, write: bool, topics: bool | None, classify: bool | None) -> RunResult:
    from framing.analyse import DocumentAnalyser, TokenStore, analyse_documents
    from framing.analyse.parallel import effective_jobs
    from framing.cache import Cache, load_corpus_cached
    from framing.corpus import ledger_frame
    from framing.lexicon import Matcher, lexicon_frame, load_lexicons

    progress = Progress(quiet=quiet)
    timings = Timings()
    result = RunResult(config=cfg)

    with timings.stage("lexicons", progress):
        normaliser = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura)
        lexicons = load_lexicons(cfg.lexicons, base_dir=cfg.base_dir)
        matcher = Matcher(lexicons, normaliser, **_analyzer_kwargs(cfg))

    # cache hook (framing/cache.py); the corpus and token entries are written after the analysis (stage cache_write)
    cache = Cache(_cache_dir(cfg), enabled=cfg.run.cache, deferred=True, shared=True)
    with timings.stage("read_clean", progress):
        docs = load_corpus_cached(cfg, normaliser.version, lambda: _read_corpus(cfg, progress), cache)
        analysed = [d for d in docs if d.analysed]

    with timings.stage("analyse", progress):
        analyser = DocumentAnalyser(normaliser, matcher)
        store = TokenStore(cache, normaliser.version) if cfg.run.cache else None  # cache hook
        with progress.bar("analysing", total=len(analysed)) as advance:
            analyses = analyse_documents(
                analyser, [(d.doc_id, d.text) for d in analysed], store=store,
                jobs=cfg.run.jobs, backend=cfg.run.backend, scheduler=cfg.run.scheduler, progress=advance,
            )

    with timings.stage("cache_write", progress):  # the cleaned corpus and the tokens, for the next run
        if store is not None:
            store.save()
        cache.flush()
        cache.deferred = False  # the later stages' entries are written as they come

    n_tokens = {a.doc_id: a.n_tokens for a in analyses}
    ledger = ledger_frame(docs, n_tokens)
    result.tables["documents"] = ledger
    with timings.stage("voice", progress):  # whose words each hit is in (framing/voice.py)
        result.tables["matches"] = _match_frame(analysed, analyses, cfg.corpus.analyse_titles)
    result.tables["lexicon_entries"] = lexicon_frame(lexicons)
    result.texts = {d.doc_id: d.text for d in docs}
    result.removed = {d.doc_id: list(d.removed) for d in docs}
    docs_frame = ledger.loc[ledger["status"] == "analysed", ["doc_id", "outlet", "n_tokens", "date"]].reset_index(drop=True)
    outlet_terms = _outlet_terms(analysed, analyses)
    outlet_names = _outlet_names(cfg, docs)

    with timings.stage("wire", progress):  # stories shared across outlets, each copy aligned with its reference
        from framing import wire

        _absorb(result, "wire", wire.compute(analysed, result.tables["matches"], result.tables["lexicon_entries"],
                                             normaliser, cfg.wire, cfg.seed, outlet_names, cfg.stats.bootstrap))

    if (classify if classify is not None else cfg.classify.outlet_classifier or bool(cfg.classify.models)):
        from framing import classify as classify_stage

        with timings.stage("classifiers", progress), cache.active():  # cache hook: stage_memo
            _absorb(result, "classify", classify_stage.compute(analysed, result.tables["matches"], cfg, normaliser, cfg.seed))

    if topics if topics is not None else cfg.topics.enabled:
        from framing import topics as topics_stage

        with timings.stage("topics", progress), cache.active():  # cache hook: stage_memo
            out = topics_stage.compute(analysed, result.tables["matches"], normaliser, cfg.topics, cfg.seed,
                                       _cache_dir(cfg) / "embeddings" if cfg.run.cache else None)
            _absorb(result, "topics", out)

    from framing import stats
    from framing.topics.tables import dominant_topics

    with timings.stage("statistics", progress):
        out = stats.compute(docs_frame, result.tables["matches"], result.tables["lexicon_entries"],
                            outlet_terms, cfg.stats, cfg.seed, outlet_names,
                            doc_topics=dominant_topics(result.tables.get("topic_units")),
                            **_keyness_masks(cfg, docs, analysed, normaliser))
        _absorb(result, "stats", out)
        if cfg.compare.declared:  # the comparison the study is about (compare: in the config)
            from framing.stats import compare

            _absorb(result, "compare", compare.compute(
                docs_frame, result.tables["matches"], result.tables["lexicon_entries"], cfg.compare.comparisons(),
                cfg.stats, cfg.seed, outlet_names, doc_topics=dominant_topics(result.tables.get("topic_units"))))
        from framing.analyse.engine import keyness_term
        from framing.stats.spelling import add_displays

        add_displays(result.tables, [d.text for d in analysed], normaliser, keyness_term)

    result.manifest = {**_manifest(cfg, lexicons, normaliser, docs, timings), "outlet_names": outlet_names,
                       "stages": result.manifest.get("stages", {})}
    cache_info = cache.info()
    cache_info["path"] = _relative(cache_info["path"], cfg.output_dir)  # the output folder travels
    result.manifest["run"] = {"jobs": effective_jobs(cfg.run.jobs), "backend": cfg.run.backend, "cache": cache_info}
    cache.close()
    if write:
        from framing.outputs import write_data
        from framing.publish import discard, publish, staging_dir
        from framing.report import write_report

        out_dir = cfg.output_dir
        stage = staging_dir(out_dir)  # written whole, then swapped in
        try:
            with timings.stage("report", progress):
                write_report(result, stage)
            result.manifest["timings"] = dict(timings)
            write_data(result, stage)
            publish(stage, out_dir)
        finally:
            discard(stage)
        result.output_dir = out_dir
    return result


def _keyness_masks(cfg: StudyConfig, docs, analysed, normaliser: Normaliser) -> dict:
    """Words naming an outlet or a credited agency, left out of keyness (framing/masks.py)."""
    from framing.analyse.engine import keyness_term
    from framing.masks import build_masker, keyness_masks, phrase_term_counts

    masker = build_masker(docs, cfg, normaliser)
    return {"masked_terms": keyness_masks(masker, keyness_term),
            "masked_counts": phrase_term_counts(masker, ((d.outlet, d.text) for d in analysed), keyness_term)}


def study_matcher_and_documents(cfg: StudyConfig, quiet: bool = True):
    """The study's matcher and its analysed documents (cleaned, through the corpus cache), as a
    run would have them: for tools that look at the corpus without running the study."""
    from framing.cache import Cache, load_corpus_cached
    from framing.lexicon import Matcher, load_lexicons

    normaliser = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura)
    matcher = Matcher(load_lexicons(cfg.lexicons, base_dir=cfg.base_dir), normaliser, **_analyzer_kwargs(cfg))
    cache = Cache(_cache_dir(cfg), enabled=cfg.run.cache)
    docs = load_corpus_cached(cfg, normaliser.version, lambda: _read_corpus(cfg, Progress(quiet=quiet)), cache)
    return matcher, [d for d in docs if d.analysed]


def _read_corpus(cfg: StudyConfig, progress: Progress) -> list:
    """The corpus stage, with a progress bar over the documents read (progress hook)."""
    from framing.corpus import load as corpus_load

    with progress.bar("reading") as advance:
        return corpus_load.process(corpus_load.iter_raw(cfg), cfg, advance=advance)


def _analyzer_kwargs(cfg: StudyConfig) -> dict:
    return {"morphology_db": cfg.resolve(cfg.lexicon.morphology_db)} if cfg.lexicon.morphology_db else {}


def _cache_dir(cfg: StudyConfig) -> Path:
    return cfg.resolve(cfg.run.cache_dir) if cfg.run.cache_dir else cfg.output_dir.parent / ".framing-cache"


def _absorb(result: RunResult, stage: str, out) -> None:
    result.tables.update(out.tables)
    result.notes[stage] = list(out.notes)
    result.manifest.setdefault("stages", {})[stage] = out.info


def _match_frame(docs, analyses, titles: bool = True) -> pd.DataFrame:
    from framing.voice import hit_voices, title_end

    by_id = {d.doc_id: d for d in docs}
    rows = []
    for a in analyses:
        if not a.matches:
            continue
        doc = by_id[a.doc_id]
        voices = hit_voices(doc.text, [(m.start, m.end) for m in a.matches],
                            title_end(doc.text, doc.title) if titles else 0)
        for m, sentence, v in zip(a.matches, a.sentences, voices):
            rows.append((a.doc_id, doc.outlet, doc.source, m.lexicon, m.category, m.entry, m.surface,
                         m.start, m.end, sentence, m.rule, m.distanced, v.voice, v.in_title, v.speaker))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def _outlet_terms(docs, analyses) -> dict[str, Counter]:
    """Keyness term counts per outlet, each Counter in order of first occurrence over the
    documents in input order (as adding up the documents' Counters one by one would give)."""
    import numpy as np

    outlet_of = {d.doc_id: d.outlet for d in docs}
    outlets: dict[str, int] = {}
    words: dict[str, int] = {}
    maps: dict[int, np.ndarray] = {}  # id(term list) -> its terms' ids in `words`
    parts_outlet, parts_term, parts_count = [], [], []
    for a in analyses:
        vocab = a.term_vocab
        m = maps.get(id(vocab))
        if m is None or len(m) < len(vocab):
            m = maps[id(vocab)] = np.fromiter((words.setdefault(t, len(words)) for t in vocab), dtype=np.int64,
                                               count=len(vocab))
        parts_term.append(m[a.term_ids])
        parts_count.append(a.term_counts)
        parts_outlet.append(np.full(len(a.term_ids), outlets.setdefault(outlet_of[a.doc_id], len(outlets)), np.int64))
    names = list(words)
    out: dict[str, Counter] = {}
    if not parts_term:
        return {o: Counter() for o in outlets}
    outlet_idx, term, count = (np.concatenate(p) for p in (parts_outlet, parts_term, parts_count))
    width = max(1, len(names))
    codes, pairs = pd.factorize(outlet_idx * width + term)  # numbered in order of first occurrence
    pair_sum = np.bincount(codes, weights=count, minlength=len(pairs)).astype(np.int64)
    pair_outlet, pair_term = pairs // width, pairs % width
    for o, k in outlets.items():
        sel = pair_outlet == k
        out[o] = Counter(dict(zip([names[t] for t in pair_term[sel].tolist()], pair_sum[sel].tolist())))
    return out


def _outlet_names(cfg: StudyConfig, docs) -> dict[str, str]:
    names = {d.outlet: d.outlet for d in docs}
    for d in docs:  # a display name carried by the rows themselves (fields.outlet_name)
        if d.outlet_name and names.get(d.outlet) == d.outlet:
            names[d.outlet] = d.outlet_name
    names.update(cfg.outlet_names)
    return names


def _relative(path: Path, start: Path) -> str:
    """``path`` relative to ``start`` (the output folder, so that the folder travels with its config)."""
    import os

    try:
        return Path(os.path.relpath(Path(path).resolve(), Path(start).resolve())).as_posix()
    except ValueError:  # another drive
        return str(path)


def _manifest(cfg: StudyConfig, lexicons, normaliser: Normaliser, docs, timings: Timings) -> dict:
    from framing.corpus.ledger import reason_kind
    from framing.outputs import package_versions

    status = Counter(d.status for d in docs)
    reasons = Counter(reason_kind(d.reason) or "(no reason given)" for d in docs if not d.analysed)
    return {
        "framing_version": __version__,
        "title": cfg.title,
        "config": cfg.raw,
        "config_path": _relative(cfg.config_path, cfg.output_dir) if cfg.config_path else None,
        "config_sha256": cfg.sha256,
        "lexicons": [{"id": lx.id, "version": lx.version, "kind": lx.kind} for lx in lexicons],
        "normaliser": normaliser.version,
        "seed": cfg.seed,
        "packages": package_versions(),
        "documents": {"input": len(docs), "analysed": status.get("analysed", 0),
                      "skipped": status.get("skipped", 0), "skipped_by_reason": dict(reasons)},
        "timings": dict(timings),
    }
