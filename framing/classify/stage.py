"""The classifier stage as the pipeline calls it: ``compute(docs, matches, config, normaliser, seed)``.

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

from framing.arabic import Normaliser
from framing.classify.cv import n_jobs_of
from framing.classify.text import build_masker, mask_table, normalise_text


def compute(docs, matches, config, normaliser: Normaliser | None = None, seed: int | None = None):
    """Run every classifier the config asks for on the analysed documents; never raises on a
    small or odd corpus (a note says what was skipped and why)."""
    from framing import __version__
    from framing.records import StageOutput

    import sklearn

    t_start = time.perf_counter()
    options = config.classify
    seed = config.seed if seed is None else seed
    normaliser = normaliser or Normaliser(ta_marbuta=config.normalise.ta_marbuta,
                                          alef_maqsura=config.normalise.alef_maqsura)
    n_jobs = n_jobs_of(config.run.jobs)
    out = StageOutput()
    docs = [d for d in docs if getattr(d, "analysed", True)]
    timings: dict[str, float] = {}
    out.info.update({"seed": seed, "folds": options.folds, "n_jobs": n_jobs, "framing_version": __version__,
                     "sklearn_version": sklearn.__version__, "normaliser": normaliser.version,
                     "timings": timings})

    t0 = time.perf_counter()
    from framing.cache import stage_memo

    outlets = [d.outlet for d in docs]
    # cache hook: what the classifiers read does not depend on the lexicons; keyed by everything
    # build_masker and the normaliser read
    inputs = ([d.text for d in docs], outlets, [d.source_line for d in docs], [d.wire_agencies for d in docs],
              config.model_dump(mode="json", include={"outlets"}), list(options.mask), normaliser.version)
    masked, out.tables["outlet_mask"], out.info["mask"] = stage_memo(
        "classifier_texts", ("framing.classify", "framing.arabic"), inputs,
        lambda: _masked_texts(docs, outlets, config, normaliser))
    timings["normalise_mask"] = round(time.perf_counter() - t0, 3)

    if options.outlet_classifier:
        from framing.classify.outlet import outlet_attribution

        t0 = time.perf_counter()
        try:
            names = _outlet_names(config, docs)
            # cache hook (framing/cache.py): the outlet classifier does not depend on the lexicons,
            # so a re-run after a lexicon edit reuses its cross-validation
            from framing.cache import stage_memo

            tables, notes, info = stage_memo(
                "outlet_classifier", ("framing.classify",), (masked, outlets, options.model_dump(mode="json"), seed, names),
                lambda: outlet_attribution(masked, outlets, options, seed=seed, n_jobs=n_jobs, names=names))
        except ValueError as exc:  # e.g. an empty vocabulary after masking
            tables, notes, info = {}, [f"Outlet classifier skipped: {exc}."], {"skipped": str(exc)}
        out.tables.update(tables)
        out.notes.extend(notes)
        out.info["outlet_classifier"] = info
        timings["outlet_classifier"] = round(time.perf_counter() - t0, 3)

    if options.models or options.codes:
        from framing.classify.apply import apply_models

        t0 = time.perf_counter()
        tables, notes, info = apply_models(docs, matches, config, normaliser, seed)
        out.tables.update(tables)
        out.notes.extend(notes)
        out.info["models"] = info
        timings["models"] = round(time.perf_counter() - t0, 3)

    if options.weak_supervision:
        from framing.classify.weak import weak_supervision

        t0 = time.perf_counter()
        tables, notes, info = weak_supervision(docs, matches, normaliser, options, seed=seed, n_jobs=n_jobs)
        out.tables.update(tables)
        out.notes.extend(notes)
        out.info["weak_supervision"] = info
        timings["weak_supervision"] = round(time.perf_counter() - t0, 3)

    timings["total"] = round(time.perf_counter() - t_start, 3)
    return out


def _outlet_names(config, docs) -> dict[str, str]:
    names = {d.outlet: d.outlet for d in docs}
    names.update({o.id: o.label for o in config.outlets})
    return names


def _masked_texts(docs, outlets, config, normaliser):
    """(masked normalised texts, the outlet_mask table, the mask strings)."""
    masker = build_masker(docs, config, normaliser)
    norm = [normalise_text(d.text, normaliser) for d in docs]
    return [masker.mask(t) for t in norm], mask_table(masker, norm, outlets), [e.string for e in masker.entries]
