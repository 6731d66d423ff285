"""Statistics stage: rates with intervals, contrasts, keyness, naming shares, time, headlines.

``compute(inputs, options, runtime) -> StageOutput`` (the pipeline's stage contract) calls
``statistics(docs, matches, lexicons, outlet_terms, options, seed, outlet_names)``, which returns a
StageOutput with
plain-language ``notes``, ``info`` (seed, resample counts, tests, versions, timings) and tables:

- outlet_scores: outlet, outlet_name, lexicon, kind, category, category_label, count, tokens, per_1k,
  ci_low, ci_high, ci_method, doc_share, n_docs, docs_with_hits, warning. Every outlet x every
  category of every lexicon, zeros included (a naming axis counts all its variants).
- contrasts: family ("one-vs-rest" | "pairwise"), lexicon, kind, category, category_label, outlet_a,
  outlet_a_name, outlet_b ("rest" one-vs-rest), outlet_b_name, count_a, count_b, tokens_a, tokens_b,
  n_docs_a, n_docs_b, rate_a, rate_b, ratio, ci_low, ci_high, ci_method, z, p, p_method, q,
  significant, warning. Frame and marker categories only; q empty where nothing could be tested.
- keyness: outlet, outlet_name, versus ("rest" or an outlet), versus_name, rank, term, count,
  count_versus, delta, z, distinctive.
- naming_shares: outlet, outlet_name, lexicon, axis, entry, gloss, count, axis_total, share, ci_low,
  ci_high, ci_method, docs_mentioning, share_rest, p, p_method, q, significant, warning.
- timeline: outlet, period, period_start, lexicon, category, count, tokens, n_docs, per_1k (empty
  when no document has a date).
- headlines: kind ("rate" | "naming"), outlet, outlet_name, lexicon, category, category_label, text,
  ratio, ci_low, ci_high, q, warning, entry, share, share_rest, share_ci_low, share_ci_high.

``methods(options, seed)`` returns the methods appendix as a list of {"title", "paragraphs"} of
plain text (no markup); ``METHODS`` is that text for the default options.
"""

from __future__ import annotations

# framing.config imports framing.stats.options, so numpy/pandas and the stage are loaded on
# first use: `framing --help` and `framing check` stay fast.
from framing.stats.methods import TESTS, methods  # light (no imports); binds the name
# `methods` to the function rather than to the submodule of the same name

_API = {"compute", "statistics", "METHODS"}
__all__ = ["compute", "statistics", "methods", "METHODS", "StatsOptions", "TESTS", "Z_DISTINCTIVE"]


def __getattr__(name: str):
    if name in _API:
        from framing.stats import stage

        return getattr(stage, name)
    if name == "StatsOptions":
        from framing.stats.options import StatsOptions

        return StatsOptions
    if name == "Z_DISTINCTIVE":  # the z-score from which a keyness term counts as distinctive
        from framing.stats.keyness import Z_DISTINCTIVE

        return Z_DISTINCTIVE
    raise AttributeError(f"module 'framing.stats' has no attribute {name!r}")
