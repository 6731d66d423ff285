"""The statistics stage end to end (see the package docstring for its tables)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from framing.records import StageInputs, StageOutput
from framing.runtime import Runtime
from framing.stats.methods import TESTS, methods, versions
from framing.stats.options import StatsOptions
from framing.stats.parts import Parts

__all__ = ["compute", "statistics", "methods", "METHODS", "StatsOptions", "TESTS"]

METHODS = methods()


def compute(inputs: StageInputs, options: StatsOptions, runtime: Runtime,
            parallel_above: int | None = None) -> StageOutput:
    """The statistics stage as the pipeline calls it: :func:`statistics` on the run's documents,
    matches, lexicon entries and keyness terms, with the run's seed; contrasts also within topics
    when the topic stage ran before (its topic_units table), keyness without the words that name an
    outlet or a credited agency, and each keyness term's most frequent written spelling (what these
    read from the corpus alone is kept in the run's cache: ``corpus_words``). Its independent parts
    run in the run's worker processes (``runtime.jobs``) when the corpus has more than
    ``parallel_above`` analysed documents (default ``parts.PARALLEL_ABOVE``) and at most
    ``parts.PARALLEL_BELOW`` (for memory); the numbers are the same."""
    from framing.arabic.clitics import strip_article as keyness_term
    from framing.stats import corpus_words as words
    from framing.stats import memo
    from framing.stats.parts import PARALLEL_ABOVE, PARALLEL_BELOW, Parts
    from framing.stats import spelling

    above = PARALLEL_ABOVE if parallel_above is None else parallel_above
    parts = Parts(runtime.jobs, parallel=above < len(inputs.documents) <= PARALLEL_BELOW)
    if parts.jobs > 1:  # what the parts import is imported once, here, not again in each worker
        from importlib import import_module

        from framing.arabic import Normaliser

        import_module("framing.analyse.tokens")
        Normaliser().text("")  # camel-tools' tables
    # the work on the corpus's words that no lexicon changes: kept in the run's cache
    key = words.words_key(inputs, keyness_term) if runtime.cache is not None else None
    known, keep = words.keyness(inputs, runtime.cache, key, options)
    features = inputs.tables.get("outlet_features")
    # the written spellings of the words readers see, when an earlier run on the same words found them
    want = spelling.wanted({"keyness": known[0], "outlet_features": features}) if known is not None else None
    spelled, keep_spelled = words.displays(runtime.cache, key, want) if want is not None else (None, None)
    unlikely = ("masks",) * (known is not None) + ("spellings",) * (spelled is not None)
    masks, counted = words.pending(inputs, runtime.cache, keyness_term, key, parts, unlikely)
    scare, keep_scare = memo.scare_entry(inputs, runtime.cache, options, runtime.seed)
    out = statistics(inputs.doc_table, inputs.matches, inputs.lexicon_entries, inputs.outlet_terms or {},
                     options, runtime.seed, inputs.outlet_names,
                     doc_topics=dominant_topics(inputs.tables.get("topic_units")), masks=masks, parts=parts,
                     keyness=known, keep_keyness=keep, scare=scare, keep_scare=keep_scare)
    # written spellings wherever readers see words: keyness terms, and the outlet classifier's word
    # features (a copy of its table, handed on with the display column)
    shown = {"keyness": out.tables.get("keyness")}
    if features is not None:
        shown["outlet_features"] = features.copy()
    shown_words = spelling.wanted(shown)
    if spelled is None or shown_words != want:
        spelled, keep_spelled = words.displays(runtime.cache, key, shown_words)
    if spelled is None:
        spelled = spelling.spellings(shown_words, keyness_term, counted())
        keep_spelled(spelled)
    spelling.show(shown, spelled)
    out.tables.update({name: table for name, table in shown.items() if table is not None})
    return out


def compare(inputs: StageInputs, options: tuple, runtime: Runtime) -> StageOutput:
    """The comparison a study declares (``compare:`` in the config) as the pipeline calls it:
    ``options`` is (the comparisons, as ``CompareOptions.comparisons()`` lists them, the statistics
    options); :func:`framing.stats.compare.compute` on the run's documents and matches, within
    topics too when the topic stage ran before (nothing in it is random: no seed)."""
    from framing.stats import compare as cmp

    comparisons, stats_options = options
    return cmp.compute(inputs.doc_table, inputs.matches, inputs.lexicon_entries, comparisons, stats_options,
                       inputs.outlet_names, doc_topics=dominant_topics(inputs.tables.get("topic_units")))


def statistics(docs: pd.DataFrame, matches: pd.DataFrame, lexicons: pd.DataFrame, outlet_terms: dict,
               options: StatsOptions | None = None, seed: int = 0, outlet_names: dict | None = None,
               doc_topics: dict | None = None, masked_terms: dict | None = None,
               masked_counts: dict | None = None, masks: Callable[[], tuple] | None = None,
               parts: Parts | None = None, keyness: tuple | None = None,
               keep_keyness: Callable[[tuple], None] | None = None, scare: pd.DataFrame | None = None,
               keep_scare: Callable[[pd.DataFrame], None] | None = None) -> StageOutput:
    """Every statistics table (see the package docstring) from the analysed documents (doc_id,
    outlet, n_tokens, date), their matches, the lexicon entries and the keyness-term counts per
    outlet; ``seed`` seeds every resampling. doc_topics: {doc_id: topic} from the topic stage
    (contrasts are then also adjusted for topic); masked_terms: {keyness term: why} left out of
    keyness (one-word outlet self-names, credits); masked_counts: {outlet: {term: n}} keyness counts
    of multi-word self-names, subtracted; ``masks``: instead of those two, a function giving both,
    called when keyness needs them. ``parts``: a :class:`framing.stats.parts.Parts` to run the
    independent parts with (in worker processes when it has jobs); None: all here, one by one.
    ``keyness``: the keyness (table, notes, facts) of an earlier run on the same words and options,
    used as it is; else it is computed and handed to ``keep_keyness`` when there is one. ``scare``
    and ``keep_scare``: the same for the scare-quote shares of naming variants.

    Each random stream serves one part: the bootstrap and the outlet scores' intervals, the naming
    tests, the scare-quote tests (contrasts draw nothing), so the parts may run in any order or
    side by side and give the same numbers."""
    from framing.stats import contrasts as con
    from framing.stats import fdr
    from framing.stats import headlines as hl
    from framing.stats import keyness as kn
    from framing.stats import resample, scores
    from framing.stats import voice as vc
    from framing.stats.matrix import build_counts

    opts = options or StatsOptions()
    names = {str(k): str(v) for k, v in (outlet_names or {}).items()}
    parts = parts if parts is not None else Parts(1)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    every_hit = matches
    matches, voice_notes = vc.select(every_hit, opts.voice)
    c = build_counts(docs, matches, lexicons, names)
    for o in c.outlets:
        names.setdefault(o, o)
    notes = voice_notes + list(c.notes)
    ss = np.random.SeedSequence(seed)
    boot_ss, _, naming_ss = ss.spawn(3)  # the second stream is no longer drawn from (contrasts are not random)
    scare_ss = ss.spawn(4)[3]  # a fourth stream: the first three stay as they were
    timings["matrix"] = time.perf_counter() - t0

    def scored():  # the bootstrap, and the outlet scores and naming shares it gives intervals to
        t = time.perf_counter()
        X = np.hstack([c.counts, c.entry_counts, c.tokens[:, None]])
        rep = resample.bootstrap_sums(X, c.group, c.n_groups, opts.bootstrap, np.random.default_rng(boot_ss))
        took = {"bootstrap": time.perf_counter() - t}
        t = time.perf_counter()
        found = (scores.outlet_scores(c, rep, opts, names).assign(voice=opts.voice),
                 scores.naming_shares(c, rep, opts, names, np.random.default_rng(naming_ss)))
        return found, {**took, "scores": time.perf_counter() - t}

    def voiced():  # each voice's rates, who is quoted, scare quotes per naming variant
        t = time.perf_counter()
        found = (vc.voice_rates(docs, every_hit, c.categories, names), vc.speakers(every_hit, c.categories, names),
                 scare if scare is not None
                 else vc.scare_shares(docs, every_hit, lexicons, opts, names, np.random.default_rng(scare_ss)))
        return found, {"voice": time.perf_counter() - t}

    def kept(found) -> None:  # the scare-quote shares computed, into the cache
        if scare is None and keep_scare is not None:
            keep_scare(found[0][2])

    scored_part = parts.add(scored, weight=2 * len(c.doc_ids))
    voiced_part = parts.add(voiced, weight=(1 if scare is not None else 2) * len(c.doc_ids), then=kept)

    t = time.perf_counter()
    topics = None
    if doc_topics:
        topics = pd.Series(c.doc_ids).map(doc_topics).fillna(-2).to_numpy(dtype=np.int64)
    # the intervals wait for the FDR families, so that each comparison's interval at the FCR level
    # and at ALPHA come from one search
    contrasts, con_notes, con_info = con.compute_contrasts(c, opts, names, topics, parts=parts, intervals=False)
    tables: dict[str, pd.DataFrame] = {}
    (tables["outlet_scores"], tables["naming_shares"]), took = scored_part.result()
    (tables["voice_rates"], tables["speakers"], scare), voice_took = voiced_part.result()
    timings.update({**took, **voice_took})
    tables["naming_shares"] = tables["naming_shares"].merge(scare, on=["outlet", "lexicon", "axis", "entry"], how="left")

    # keyness beside the intervals at the FCR levels (the masks are in by now: computed in this process)
    if keyness is not None:
        keyed_part = Parts.done((keyness, 0.0))
    else:
        terms, counts = masks() if masks is not None else (masked_terms, masked_counts)

        def keyed():
            t = time.perf_counter()
            return (kn.compute_keyness(outlet_terms or {}, c.outlets, opts, names, terms, counts),
                    time.perf_counter() - t)

        keyed_part = parts.add(keyed, weight=2 * len(c.doc_ids),
                               then=(lambda found: keep_keyness(found[0])) if keep_keyness is not None else None)
    intervals = con_info.pop("_intervals", None)
    families = fdr.assign(contrasts, tables["naming_shares"], opts.fdr) if not contrasts.empty else {}
    if not contrasts.empty:
        con.add_intervals(contrasts, c, intervals, fdr.fcr_alpha(families, opts.fdr), parts=parts)
        contrasts = contrasts[con.COLUMNS + (con.TOPIC_COLUMNS if topics is not None else [])]
        con_info.update(_significance(contrasts, topics is not None))
    tables["naming_shares"]["fdr_family"] = tables["naming_shares"].get("fdr_family", "")
    tables["contrasts"] = contrasts
    notes += con_notes
    timings["contrasts"] = time.perf_counter() - t
    (keyness, key_notes, key_info), timings["keyness"] = keyed_part.result()
    tables["keyness"] = keyness
    notes += key_notes
    timings["parallel_runs"] = parts.runs

    unit = scores.choose_unit(c.dates, opts.time_unit)
    tables["timeline"] = scores.timeline(c, unit)
    n_dated = int(c.dates.notna().sum())
    if n_dated == 0:
        notes.append("No document has a date, so rates over time are not shown.")
    elif n_dated < len(c.doc_ids):
        notes.append(f"{len(c.doc_ids) - n_dated} of {len(c.doc_ids)} documents have no date and are left "
                     "out of the rates over time (they count everywhere else).")
    labels = dict(zip(zip(c.categories["lexicon"], c.categories["category"]), c.categories["category_label"]))
    tables["headlines"] = hl.headlines(contrasts, opts.headlines, tables["naming_shares"], labels,
                                       voice=opts.voice if vc.has_voice(every_hit) else "all")
    notes += _guard_notes(tables["outlet_scores"], contrasts, opts, names)
    notes += hl.adjustment_notes(contrasts, opts.fdr)
    timings["total"] = time.perf_counter() - t0

    info = {
        "seed": seed,
        "bootstrap_resamples": opts.bootstrap,
        "permutations": opts.permutations,
        "moment_min_hit_docs": opts.moment_min_hit_docs,
        "length_strata": opts.length_strata,
        "fdr": opts.fdr,
        "fdr_method": "Benjamini-Hochberg (statsmodels.stats.multitest.multipletests, fdr_bh), per family",
        "fdr_families": families,
        "topic_adjusted": topics is not None,
        "keyness_prior": opts.keyness_prior,
        "keyness_top": opts.keyness_top,
        "time_unit": unit,
        "voice": opts.voice,
        "voice_hits": {"counted": int(len(matches)), "all": int(len(every_hit))},
        "tests": TESTS,
        "versions": versions(),
        "n_documents": int(len(c.doc_ids)),
        "n_outlets": int(c.n_groups),
        "n_categories": int(len(c.categories)),
        "options": opts.model_dump(),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        **{f"contrasts_{k}": v for k, v in con_info.items()},
        **{f"keyness_{k}": v for k, v in key_info.items() if k != "prior_strength"},
    }
    return StageOutput(tables=tables, notes=notes, info=info)


def _significance(contrasts: pd.DataFrame, topic: bool) -> dict:
    one = contrasts["family"] == "one-vs-rest"
    out = {"significant_one_vs_rest": int(contrasts.loc[one, "significant"].sum()),
           "significant_pairwise": int(contrasts.loc[~one, "significant"].sum())}
    if topic:
        out["significant_one_vs_rest_topic"] = int(contrasts.loc[one, "significant_topic"].sum())
        out["significant_pairwise_topic"] = int(contrasts.loc[~one, "significant_topic"].sum())
    return out


def dominant_topics(units: pd.DataFrame | None) -> dict[str, int]:
    """{doc_id: the topic holding most of the document's words} from the topic stage's topic_units
    table (ties: the smaller topic id; -1, the outliers, is a topic like any other here). Empty
    without units."""
    if units is None or not len(units):
        return {}
    words = units.groupby(["doc_id", "topic"], sort=True)["n_tokens"].sum().reset_index()
    words = words.sort_values(["doc_id", "n_tokens", "topic"], ascending=[True, False, True], kind="stable")
    top = words.drop_duplicates("doc_id")
    return dict(zip(top["doc_id"].astype(str), top["topic"].astype(int)))


def _guard_notes(scores: pd.DataFrame, contrasts: pd.DataFrame, opts, names: dict) -> list[str]:
    notes = []
    small = scores.drop_duplicates("outlet")
    small = small[(small["n_docs"] > 0) & (small["n_docs"] < opts.min_docs)]
    for _, r in small.iterrows():
        notes.append(f"{r['outlet_name']} has only {r['n_docs']} document(s): its rates have wide intervals and "
                     "every contrast involving it carries a small-sample warning.")
    if not contrasts.empty:
        tested = contrasts[contrasts["q"].notna()]
        one = tested["family"] == "one-vs-rest"
        notes.append(f"{int(tested.loc[one, 'significant'].sum())} of {int(one.sum())} one-vs-rest contrasts are "
                     f"significant at a false discovery rate of {opts.fdr:g} (Benjamini-Hochberg); pairwise: "
                     f"{int(tested.loc[~one, 'significant'].sum())} of {int((~one).sum())}. Categories without any "
                     "hit in the compared outlets are not tested.")
        warned = int((contrasts["warning"].astype(str) != "").sum())
        if warned:
            notes.append(f"{warned} contrasts carry a small-sample warning (too few documents or hits, or hits "
                         "concentrated in very few documents); read those with care even when q is small.")
    return notes
