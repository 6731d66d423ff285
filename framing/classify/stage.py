"""The classifier stage as the pipeline calls it, in two parts of the stage contract
``(inputs, options, runtime) -> StageOutput``: :func:`attribution` (the outlet classifier, which
reads no lexicon hit, so that the pipeline can keep its result across lexicon edits) and
:func:`compute` (saved models, human codes, weak supervision, which read the matches).

Tables (long form, written to data/<name>.csv):
- outlet_mask: string, kind, outlet, hits, documents — what was masked before training.
- outlet_cv: metric (accuracy, macro_f1, weighted_f1), value, baseline, fold_sd, folds, n_documents,
  n_outlets, baseline_kind.
- outlet_cv_per_outlet: outlet, precision, recall, f1, support.
- outlet_confusion: true, predicted, count (out-of-fold).
- outlet_features: outlet, feature, kind (word/char), weight, rank.
- model_shares: model, outlet, label, share, ci_low, ci_high, n_units, n_documents, unit.
- model_lexicon: model, label, category, outlet, model_share, lexicon_share, n_units — the same
  units, labelled by the model and by the lexicon.
- agreement: category, pair, kappa, alpha, n, positives_a, positives_b.
- weak_recovery / weak_cv: weak supervision results (see ``weak.py``).
"""

from __future__ import annotations

import time

from functools import partial

from framing import background
from framing.classify.text import MaskedTexts, build_masker, mask_table, text_hits
from framing.records import StageInputs, StageOutput
from framing.runtime import Runtime

# Documents; below this, forking a second process for the mask table costs more than it saves (about
# 0.2 ms a document on news text)
MASK_SPLIT_ABOVE = 2000


def attribution(inputs: StageInputs, options, runtime: Runtime) -> StageOutput:
    """Outlet attribution: can a classifier tell the outlets apart once their names, aliases,
    source lines and credited agencies are masked? The mask is always listed (outlet_mask); the
    classifier runs with ``options.outlet_classifier``. Never raises on a small or odd corpus (a note
    says what was skipped and why)."""
    import sklearn

    from framing.version import __version__

    t_start = time.perf_counter()
    normaliser = inputs.normaliser
    docs = [d for d in inputs.documents if getattr(d, "analysed", True)]
    out = StageOutput()
    timings: dict[str, float] = {}
    out.info.update({"seed": runtime.seed, "folds": options.folds, "n_jobs": runtime.jobs,
                     "framing_version": __version__, "sklearn_version": sklearn.__version__,
                     "normaliser": normaliser.version, "timings": timings})
    t0 = time.perf_counter()
    outlets = [d.outlet for d in docs]
    masker = build_masker(docs, inputs.outlets, options.mask, normaliser)
    # normalised one at a time for the mask table, and again (masked) only for the documents the
    # classifier reads: no copy of the whole corpus is held. The mask table needs every document: with
    # the classifier on, a forked process counts it while this one trains (the classifier reads few of
    # them, and mostly one core); else half the documents in a second process when there is one
    texts = [d.text for d in docs]
    count_hits = partial(text_hits, masker)
    beside = (options.outlet_classifier and runtime.jobs > 1
              and MASK_SPLIT_ABOVE <= len(texts) <= background.READS_ALL_AT_MOST and background.can_fork())
    # the child sends the table, not every document's hits: an answer larger than the pipe's buffer
    # would keep it (and the pages it copied) waiting until this process asks for it. It runs at the
    # priority of this one: at a lower one it lived on into the learning curve's largest step, the
    # stage's memory peak, with the pages it had copied (SaudiNewsNet, two cores busy)
    pending = background.start("outlet masks", lambda: mask_table(masker, count_hits(texts))) if beside else None
    try:
        if pending is None:
            found = background.split_map(count_hits, texts, jobs=runtime.jobs, weights=[len(t) for t in texts],
                                         name="outlet masks", min_items=MASK_SPLIT_ABOVE)
            out.tables["outlet_mask"] = mask_table(masker, found)
        masked = MaskedTexts(masker, texts, normaliser)
        out.info["mask"] = [e.string for e in masker.entries]
        timings["normalise_mask"] = round(time.perf_counter() - t0, 3)
        if options.outlet_classifier:
            _classify(out, masked, outlets, docs, inputs, options, runtime)
        if pending is not None:
            t0 = time.perf_counter()
            out.tables = {"outlet_mask": pending.result(), **out.tables}
            timings["mask_table_wait"] = round(time.perf_counter() - t0, 3)
    finally:
        if pending is not None:
            pending.stop()
    timings["total"] = round(time.perf_counter() - t_start, 3)
    return out


def _classify(out: StageOutput, masked, outlets, docs, inputs: StageInputs, options, runtime: Runtime) -> None:
    """The outlet classifier's tables, notes and facts, added to ``out`` (a note when it is skipped)."""
    from framing.classify.outlet import outlet_attribution

    t0 = time.perf_counter()
    names = {d.outlet: d.outlet for d in docs}
    names.update({o.id: o.label for o in inputs.outlets})
    try:
        tables, notes, info = outlet_attribution(masked, outlets, options, seed=runtime.seed, n_jobs=runtime.jobs,
                                                 names=names)
    except ValueError as exc:  # e.g. an empty vocabulary after masking
        tables, notes, info = {}, [f"Outlet classifier skipped: {exc}."], {"skipped": str(exc)}
    out.tables.update(tables)
    out.notes.extend(notes)
    out.info["outlet_classifier"] = info
    out.info["timings"]["outlet_classifier"] = round(time.perf_counter() - t0, 3)


def compute(inputs: StageInputs, options, runtime: Runtime) -> StageOutput:
    """Saved models applied to the corpus, their agreement with the lexicon and the human codes,
    and weak supervision from the lexicon hits, as ``options`` asks (model and code paths
    resolved). Never raises on a small or odd corpus (a note says what was skipped and why)."""
    docs = [d for d in inputs.documents if getattr(d, "analysed", True)]
    matches, normaliser = inputs.matches, inputs.normaliser
    out = StageOutput()
    timings: dict[str, float] = {}
    if options.models or options.codes:
        from framing.classify.apply import apply_models

        t0 = time.perf_counter()
        tables, notes, info = apply_models(docs, matches, options, normaliser, runtime.seed, runtime.cache_dir)
        out.tables.update(tables)
        out.notes.extend(notes)
        out.info["models"] = info
        timings["models"] = round(time.perf_counter() - t0, 3)

    if options.weak_supervision:
        from framing.classify.weak import weak_supervision

        t0 = time.perf_counter()
        tables, notes, info = weak_supervision(docs, matches, normaliser, options, seed=runtime.seed,
                                               n_jobs=runtime.jobs)
        out.tables.update(tables)
        out.notes.extend(notes)
        out.info["weak_supervision"] = info
        timings["weak_supervision"] = round(time.perf_counter() - t0, 3)
    if timings:
        out.info["timings"] = timings
    return out
