"""Run a study. No analysis lives here: this module says what runs, in which order, on what.

A run has two parts.

1. :func:`prepare` builds what every stage reads (a :class:`framing.records.StageInputs`): it
   parses the lexicons, reads and cleans the corpus (:mod:`framing.corpus`), and tokenises and
   matches every document (:mod:`framing.analyse`).
2. The stages of :data:`STAGES` run in order. Each is declared as data: a :class:`Stage` names its
   function, which has the one stage contract ``compute(inputs, options, runtime) ->
   StageOutput``, the part of the config it takes as options, and when it runs. A stage reads the
   tables of the stages before it in ``inputs.tables``. Adding a stage is adding one line to
   STAGES. A stage declared ``beside`` (with the ``beside`` stages declared right after it) runs in
   a forked process from its place on, while this one goes on with the next stages; its tables are
   taken in before the report, the first to read them. Its numbers are those of a run in order.

Every stage gets the same :class:`framing.runtime.Runtime` (workers, seed, cache), resolved once.

Caching (:mod:`framing.cache`, off with ``run.cache: false``) is done here, in one place, for the
work that does not depend on the lexicons, so that a re-run after a lexicon edit redoes only what
the edit changes: the cleaned corpus, every document's tokens (the token store of
:mod:`framing.analyse`), the keyness-term counts per outlet, the voice of every hit (a hit the
edit leaves in place keeps its voice),
and the output of every stage declared ``lexicon_free`` — such a stage is
given its inputs without the matches, and its output is kept under a key made of the corpus's
key, its options, the seed and the code of its package.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from framing.version import __version__
from framing import background
from framing.arabic import Normaliser
from framing.classify import stage as classify_stage
from framing.config import ConfigError, StudyConfig, load_config
from framing.memory import release
from framing.progress import Progress
from framing.records import StageInputs, StageOutput
from framing.result import RunResult
from framing.runtime import Runtime
from framing.stats import stage as stats_stage
from framing.topics import stage as topics_stage
from framing.wire import stage as wire_stage


@dataclass(frozen=True)
class Stage:
    """One stage of a run, as data.

    ``name``: its row in the timings of manifest.json; ``part_of``: the group its notes and
    manifest facts go under, which ``run(topics=..., classify=...)`` can switch off;
    ``compute(inputs, options, runtime) -> StageOutput``: the stage itself; ``options``: the part
    of the config it takes; ``enabled``: whether the config asks for it; ``lexicon_free``: it
    reads no lexicon result, so its output is cached across lexicon edits; ``code``: further
    modules whose code that output depends on (its own package counts always); ``beside``: it runs
    on the second core while the stages after it run (module docstring): no stage reads its tables.
    """

    name: str
    part_of: str
    compute: Callable[[StageInputs, Any, Runtime], StageOutput]
    options: Callable[[StudyConfig], Any]
    enabled: Callable[[StudyConfig], bool] = lambda cfg: True
    lexicon_free: bool = False
    code: tuple[str, ...] = ()  # modules besides its own package whose code its cached output depends on
    beside: bool = False


def _classify_on(cfg: StudyConfig) -> bool:
    return cfg.classify.outlet_classifier or bool(cfg.classify.models)


STAGES: tuple[Stage, ...] = (
    # stories shared across outlets, each copy aligned with its reference; then each edit of a copy
    # classified by the lexicon hits it touches (only the report reads them: beside the other stages)
    Stage("wire_stories", "wire", wire_stage.find_stage, lambda cfg: cfg.wire, lexicon_free=True,
          code=("framing.analyse.tokens",), beside=True),
    Stage("wire", "wire", wire_stage.stage, lambda cfg: (cfg.wire, cfg.stats.bootstrap), beside=True),
    Stage("outlet_classifier", "classify", classify_stage.attribution, StudyConfig.classify_options,
          _classify_on, lexicon_free=True),
    Stage("classifiers", "classify", classify_stage.compute, StudyConfig.classify_options, _classify_on),
    Stage("topic_model", "topics", topics_stage.compute, lambda cfg: cfg.topics,
          lambda cfg: cfg.topics.enabled, lexicon_free=True),
    Stage("topics", "topics", topics_stage.frames, lambda cfg: cfg.topics, lambda cfg: cfg.topics.enabled),
    # after the topics: with their topic_units table, contrasts are also compared within topics
    Stage("statistics", "stats", stats_stage.compute, lambda cfg: cfg.stats),
    # the comparison the study is about (compare: in the config), corrected as one family
    Stage("compare", "compare", stats_stage.compare, lambda cfg: (cfg.compare.comparisons(), cfg.stats),
          lambda cfg: cfg.compare.declared),
)


class Timings(dict):
    """Seconds per stage, for manifest.json; ``stage(name, progress)`` times a block. ``beside``:
    the stages run beside the others, and how long the run waited for them."""

    def __init__(self) -> None:
        super().__init__()
        self.beside: dict = {}

    @contextmanager
    def stage(self, name: str, progress: Progress):
        """Time the block as stage ``name`` and tell ``progress`` when it starts and ends."""
        progress.start(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self[name] = round(time.perf_counter() - t0, 3)
            progress.done(name, self[name])
            release()  # what the stage freed goes back to the system before the next one


@dataclass
class Prepared:
    """What :func:`prepare` hands on: the stages' inputs, and what the run records besides."""

    inputs: StageInputs
    documents: list  # every Document read, analysed or skipped
    ledger: Any  # data/documents.csv as a DataFrame
    lexicons: list
    corpus_key: str | None  # the cache key of the cleaned corpus (None without a cache)
    written: Any = None  # the deferred cache entries being written (a background.Pending)


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
    StudyConfig (left as it is: the run works on a copy). Returns a RunResult whose tables are
    pandas DataFrames; writes the report and data folder unless ``write=False``: whole, in place of
    the previous one, at the end (framing/publish.py), so that a run stopped or failing on the way
    leaves the previous one as it was. ``topics`` and ``classify`` (True/False) override the
    config's choice of those stages."""

    cfg = config if isinstance(config, StudyConfig) else load_config(config)
    update: dict[str, Any] = {}
    if output is not None:
        update["output"] = str(Path(output).resolve())
    if jobs is not None:
        update["run"] = cfg.run.model_copy(update={"jobs": jobs})
    cfg = cfg.model_copy(update=update)
    if not write:
        return _run(cfg, quiet=quiet, write=write, topics=topics, classify=classify)
    from framing.publish import check_output, output_lock

    check_output(cfg.output_dir)
    with output_lock(cfg.output_dir):  # one run per output folder at a time
        return _run(cfg, quiet=quiet, write=write, topics=topics, classify=classify)


def _run(cfg: StudyConfig, *, quiet: bool, write: bool, topics: bool | None, classify: bool | None) -> RunResult:
    from framing.cache import Cache, cache_dir

    # the corpus and token entries are written after the analysis (stage cache_write)
    cache = Cache(cache_dir(cfg), enabled=cfg.run.cache, deferred=True, shared=True)
    runtime = Runtime.of(cfg.run.jobs, cfg.seed, cache, cfg.run.backend, cfg.run.scheduler)
    progress = Progress(quiet=quiet)
    timings = Timings()
    # what the run keeps from one step to the next (the modules, the documents, their analyses, the
    # matches) is left out of the garbage collector's scans as it comes (background.settle)
    with background.held():
        prepared = prepare(cfg, runtime, progress, timings)
        try:
            return _stages(cfg, prepared, runtime, cache, progress, timings, write=write, topics=topics,
                           classify=classify)
        finally:
            if prepared.written is not None:
                prepared.written.stop()


def _stages(cfg: StudyConfig, prepared: Prepared, runtime: Runtime, cache, progress: Progress, timings: Timings, *,
            write: bool, topics: bool | None, classify: bool | None) -> RunResult:
    """The stages after ``prepare``, the report and the data folder (``cache``: the run's, on or off)."""
    result = RunResult(config=cfg)
    inputs = prepared.inputs
    result.tables.update({"documents": prepared.ledger, "matches": inputs.matches,
                          "lexicon_entries": inputs.lexicon_entries})
    result.texts = {d.doc_id: d.text for d in prepared.documents}
    result.removed = {d.doc_id: list(d.removed) for d in prepared.documents}
    if write:  # documents.jsonl.gz depends on the corpus alone: from the cache, or packed beside the stages
        from framing.outputs import packed_texts

        texts = packed_texts(result, cache, prepared.corpus_key)

    switches = {"topics": topics, "classify": classify}
    stages = [s for s in STAGES if (s.enabled(cfg) if switches.get(s.part_of) is None else switches[s.part_of])]
    outputs: dict[str, StageOutput] = {}
    aside, side = None, inputs  # the beside stages' forked process, or (run here) the inputs they read
    try:
        for k, stage in enumerate(stages):
            if stage.name in outputs:
                continue
            if stage.beside and aside is None and _fork_beside(runtime, len(inputs.documents)):
                group = [stage]
                while k + len(group) < len(stages) and stages[k + len(group)].beside:
                    group.append(stages[k + len(group)])
                aside = background.start("the " + ", ".join(g.name for g in group) + " stages",
                                         partial(_in_order, group, inputs, cfg, runtime, prepared.corpus_key)).receive()
                outputs.update((g.name, None) for g in group)  # to come
                continue
            read = side if stage.beside else inputs  # as in the forked process: only beside stages read theirs
            with timings.stage(stage.name, progress):
                out = outputs[stage.name] = _compute(stage, read, stage.options(cfg), runtime, prepared.corpus_key)
            if stage.beside:
                side = replace(side, tables={**side.tables, **out.tables})
            else:
                inputs = side = replace(inputs, tables={**inputs.tables, **out.tables})
            background.settle()
        if aside is not None:  # in before the report, the first to read its tables
            _take_in(aside, runtime.cache, outputs, timings, progress)
    finally:
        if aside is not None:
            aside.stop()
    for stage in stages:  # in the order declared, whatever the order they ended in
        _absorb(result, stage.part_of, outputs[stage.name])

    cache_info = cache.info()
    cache_info["path"] = _relative(cache_info["path"], cfg.output_dir)  # the output folder travels
    result.manifest = {**_manifest(cfg, prepared, timings), "outlet_names": inputs.outlet_names,
                       "stages": result.manifest.get("stages", {}),
                       "run": {"jobs": runtime.jobs, "backend": cfg.run.backend, "cache": cache_info,
                               **({"beside": timings.beside} if timings.beside else {})}}
    if write:
        from framing.outputs import tables_beside, write_data
        from framing.publish import discard, publish, staging_dir
        from framing.report import write_report

        out_dir = cfg.output_dir
        stage = staging_dir(out_dir)  # written whole, then swapped in
        tables = None
        try:
            tables = tables_beside(result, stage)  # the data tables, written by another process beside the report
            with timings.stage("report", progress):
                write_report(result, stage)
            result.manifest["timings"] = dict(timings)
            write_data(result, stage, texts, tables)
            publish(stage, out_dir)
        finally:
            if tables is not None:
                tables.stop()
            discard(stage)
        result.output_dir = out_dir
    if prepared.written is not None:
        prepared.written.result()  # the entries are on disk before the run lets go of the cache
    cache.close()  # after the texts' entry is written
    return result


def study_matcher_and_documents(cfg: StudyConfig, quiet: bool = True):
    """The study's matcher and its analysed documents (cleaned, through the corpus cache), as a
    run would have them: for tools that look at the corpus without running the study."""
    from framing.cache import Cache, cache_dir

    cache = Cache(cache_dir(cfg), enabled=cfg.run.cache)
    runtime = Runtime.of(cfg.run.jobs, cfg.seed, cache, cfg.run.backend, cfg.run.scheduler)
    progress, timings = Progress(quiet=quiet), Timings()
    normaliser, lexicons, matcher = _lexicons(cfg, progress, timings)
    docs, _key = _corpus(cfg, runtime, normaliser, progress, timings)
    return matcher, [d for d in docs if d.analysed]


def _lexicons(cfg: StudyConfig, progress: Progress, timings: Timings):
    """The run's normaliser, its parsed lexicons and their matcher."""
    from framing.lexicon import Matcher

    with timings.stage("lexicons", progress):
        normaliser = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura)
        lexicons = cfg.parsed_lexicons()
        morphology = {"morphology_db": cfg.resolve(cfg.lexicon.morphology_db)} if cfg.lexicon.morphology_db else {}
        matcher = Matcher(lexicons, normaliser, **morphology)
    return normaliser, lexicons, matcher


def _corpus(cfg: StudyConfig, runtime: Runtime, normaliser: Normaliser, progress: Progress, timings: Timings):
    """Every document read and cleaned (through the corpus cache), and the corpus's cache key."""
    from framing.cache import CORPUS_CODE, corpus_key
    from framing.corpus import load as corpus_load
    from framing.corpus.profiles import ProfileError

    cache = runtime.cache
    with timings.stage("read_clean", progress):
        sources = cfg.corpus_sources(runtime.jobs)

        def read() -> list:
            with progress.bar("reading") as advance:
                try:
                    return corpus_load.process(corpus_load.iter_raw(sources), sources, advance=advance)
                except ProfileError as exc:
                    raise ConfigError(exc.problems) from None

        key = corpus_key(cfg, normaliser.version) if cache is not None else None
        docs = cache.memo("corpus", key, read, code=CORPUS_CODE) if cache is not None else read()
    return docs, key


def prepare(cfg: StudyConfig, runtime: Runtime, progress: Progress, timings: Timings) -> Prepared:
    """Lexicons, corpus and per-document analysis: the inputs of every stage."""
    from framing.analyse import DocumentAnalyser, TokenStore, analyse_documents
    from framing.analyse.tables import outlet_terms, voiced_matches
    from framing.corpus import ledger_frame
    from framing.lexicon import lexicon_frame

    cache = runtime.cache
    normaliser, lexicons, matcher = _lexicons(cfg, progress, timings)
    docs, key = _corpus(cfg, runtime, normaliser, progress, timings)
    analysed = [d for d in docs if d.analysed]
    background.settle()

    with timings.stage("analyse", progress):
        analyser = DocumentAnalyser(normaliser, matcher)
        terms, keep_terms = _outlet_terms_entry(cache, key)
        analyser.count_terms = terms is None  # counted already by an earlier run on this corpus
        store = TokenStore(cache, normaliser.version) if cache is not None else None
        with progress.bar("analysing", total=len(analysed)) as advance:
            analyses = analyse_documents(analyser, [(d.doc_id, d.text) for d in analysed], store=store,
                                         jobs=runtime.jobs, backend=runtime.backend, scheduler=runtime.scheduler,
                                         progress=advance)

    background.settle()
    with timings.stage("voice", progress):  # whose words each hit is in (framing/voice/)
        matches = voiced_matches(cache, key, analysed, analyses, cfg.corpus.analyse_titles, runtime.jobs,
                                 (store.earlier_generation, store.generation) if store is not None else (None, None))
    written = None
    with timings.stage("cache_write", progress):  # the cleaned corpus, tokens, hits and voices, for the next run
        if cache is not None:  # by a forked process beside the next stages (_fork_beside: pickling the
            store.save()  # corpus copies the pages it reads)
            written = background.start("the cache entries", partial(cache.write_entries, cache.take_pending()),
                                       fork=_fork_beside(runtime, len(docs))).receive()
            cache.deferred = False  # the stages' entries are written as they come
    ledger = ledger_frame(docs, {a.doc_id: a.n_tokens for a in analyses})
    doc_table = ledger.loc[ledger["status"] == "analysed", ["doc_id", "outlet", "n_tokens", "date"]]
    if terms is None:
        terms = keep_terms(outlet_terms(analysed, analyses))
    inputs = StageInputs(documents=analysed, doc_table=doc_table.reset_index(drop=True), matches=matches,
                         lexicon_entries=lexicon_frame(lexicons), outlet_terms=terms,
                         outlet_names=_outlet_names(cfg, docs), outlets=cfg.outlet_records(),
                         self_names=tuple(cfg.classify.mask), all_documents=docs, normaliser=normaliser, corpus_key=key)
    return Prepared(inputs, docs, ledger, lexicons, key, written)


def _outlet_terms_entry(cache, corpus_key: str | None) -> tuple[dict | None, Callable[[dict], dict]]:
    """(the keyness-term counts per outlet of an earlier run on this corpus, or None; a function
    keeping counted ones in the cache and handing them on). They come from the documents' words
    alone, not from the lexicons, so they are kept under the corpus's key (1.7 CPU-s to count on
    SaudiNewsNet, 0.3 s to read back); read before the analysis, which then counts no terms."""
    if cache is None or corpus_key is None:
        return None, lambda counts: counts
    from framing.cache import code_revision, digest

    code = ("framing.analyse", "framing.arabic")
    key = digest("outlet_terms", code_revision(*code), corpus_key)

    def keep(counts: dict) -> dict:
        cache.put("outlet_terms", key, counts, code=code, corpus=corpus_key)
        return counts

    return cache.get("outlet_terms", key), keep


def _fork_beside(runtime: Runtime, n_documents: int) -> bool:
    """Whether work beside the run (the stages declared ``beside``, the cache writes) goes to a
    forked process: with two jobs or more, where processes can be forked, up to
    ``background.READS_ALL_AT_MOST`` documents (a forked process copies about a page for each
    document it reads)."""
    return runtime.jobs > 1 and background.can_fork() and n_documents <= background.READS_ALL_AT_MOST


def _in_order(group: list[Stage], inputs: StageInputs, cfg: StudyConfig, runtime: Runtime,
              corpus_key: str | None) -> tuple[list[tuple[str, StageOutput, float]], list[Counter]]:
    """The stages of ``group`` one after the other, as the run would compute them (in the forked
    process of the stages run beside the others): each one's name, output (its tables only the data
    frames: what a stage hands the next one besides stays in this process) and seconds; and the
    cache's hits and misses meanwhile."""
    import pandas as pd

    cache = runtime.cache
    before = [Counter(cache.hits), Counter(cache.misses)] if cache is not None else []
    done = []
    for stage in group:
        t0 = time.perf_counter()
        out = _compute(stage, inputs, stage.options(cfg), runtime, corpus_key)
        inputs = replace(inputs, tables={**inputs.tables, **out.tables})
        frames = {name: t for name, t in out.tables.items() if isinstance(t, pd.DataFrame)}
        done.append((stage.name, replace(out, tables=frames), round(time.perf_counter() - t0, 3)))
    return done, ([Counter(cache.hits) - before[0], Counter(cache.misses) - before[1]] if cache is not None else [])


def _take_in(aside: background.Pending, cache, outputs: dict, timings: Timings, progress: Progress) -> None:
    """The answer of the stages run beside the others, into ``outputs`` and ``timings``; the
    cache's hits and misses there added to this process's."""
    done, counts = aside.result()
    for name, out, seconds in done:
        progress.start(name)
        outputs[name], timings[name] = out, seconds
        progress.done(name, seconds)
    for mine, theirs in zip((cache.hits, cache.misses) if counts else (), counts):
        for kind, n in theirs.items():
            mine[kind] = mine.get(kind, 0) + n
    timings.beside = {"stages": [name for name, _, _ in done], "waited_s": round(aside.waited, 3)}


def _compute(stage: Stage, inputs: StageInputs, options, runtime: Runtime, corpus_key: str | None) -> StageOutput:
    """``stage.compute``; for a lexicon-free stage, on inputs without the lexicon results, and
    kept in the cache under a key of everything it reads."""
    if not stage.lexicon_free:
        return stage.compute(inputs, options, runtime)
    inputs = inputs.without_lexicons()
    if runtime.cache is None or corpus_key is None:
        return stage.compute(inputs, options, runtime)
    from framing.cache import code_revision, digest

    package = stage.compute.__module__.rsplit(".", 1)[0]
    code = (package, "framing.records", "framing.arabic", *stage.code)
    key = digest("stage", stage.name, code_revision(*code), corpus_key,
                 options.model_dump(mode="json"), runtime.seed, inputs.outlet_names,
                 [(o.id, o.name, list(o.aliases)) for o in inputs.outlets])
    return runtime.cache.memo("stage", key, lambda: stage.compute(inputs, options, runtime),
                              code=code, stage=stage.name, corpus=corpus_key)


def _absorb(result: RunResult, group: str, out: StageOutput) -> None:
    """A stage's output into the result: its tables, its notes and its manifest facts (merged
    with those of the other stages of its group). What a stage hands the next one that is not a
    table (the shared-copy stage's alignments) stays out of the result."""
    import pandas as pd

    result.tables.update({name: t for name, t in out.tables.items() if isinstance(t, pd.DataFrame)})
    result.notes.setdefault(group, []).extend(out.notes)
    facts = result.manifest.setdefault("stages", {}).setdefault(group, {})
    for k, v in out.info.items():
        facts[k] = {**facts[k], **v} if isinstance(v, dict) and isinstance(facts.get(k), dict) else v


def _outlet_names(cfg: StudyConfig, docs) -> dict[str, str]:
    """Display name of every outlet of the run: the config's, else one the rows carry
    (fields.outlet_name), else the id."""
    names = {d.outlet: d.outlet for d in docs}
    for d in docs:
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


def _manifest(cfg: StudyConfig, prepared: Prepared, timings: Timings) -> dict:
    from framing.corpus.ledger import reason_kind
    from framing.outputs import package_versions

    docs = prepared.documents
    status = Counter(d.status for d in docs)
    reasons = Counter(reason_kind(d.reason) or "(no reason given)" for d in docs if not d.analysed)
    return {
        "framing_version": __version__,
        "title": cfg.title,
        "config": cfg.raw,
        "config_path": _relative(cfg.config_path, cfg.output_dir) if cfg.config_path else None,
        "config_sha256": cfg.sha256,
        "lexicons": [{"id": lx.id, "version": lx.version, "kind": lx.kind} for lx in prepared.lexicons],
        "normaliser": prepared.inputs.normaliser.version,
        "seed": cfg.seed,
        "packages": package_versions(),
        "documents": {"input": len(docs), "analysed": status.get("analysed", 0),
                      "skipped": status.get("skipped", 0), "skipped_by_reason": dict(reasons)},
        "timings": dict(timings),
    }
