"""Which documents the outlet classifier is trained and cross-validated on.

``classify.max_docs_per_outlet`` decides: ``auto`` (the default) chooses the documents per outlet by
a learning curve (``curve.py``) when the corpus has more than ``CURVE_ABOVE`` documents, and uses
every document of a smaller one; a number caps every outlet at that many (a seeded sample); null
uses every document. Whatever was sampled is said in a note and in two tables: ``outlet_sample``
(per outlet: documents available, used, and left out as near-duplicates) and, with a curve,
``outlet_curve``. The curve is bounded by ``classify.outlet_feature_budget`` (hashed feature entries)
and leaves out near-duplicates (``classify.outlet_near_duplicates``); a number or null is taken
as the user gives it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.classify.curve import learning_curve, seeded_order
from framing.classify.neardup import NearDuplicateScreen

CURVE_ABOVE = 2000  # documents; a smaller corpus is used whole


def choose_sample(idx, outlets, options, docs, pipe, *, seed: int, names: dict, n: int, beside=None, jobs: int = 1):
    """(sorted document indices, Curve or None, note or None) for the eligible documents ``idx``;
    ``beside`` and ``jobs`` go to the learning curve (``curve.learning_curve``)."""
    cap = options.max_docs_per_outlet
    named = lambda o: names.get(o, o)  # noqa: E731
    if cap == "auto":
        if len(idx) <= CURVE_ABOVE:
            return sorted(idx), None, None
        order = seeded_order(idx, outlets, seed)
        screen = NearDuplicateScreen(docs.texts, options.outlet_near_duplicates)
        curve = learning_curve(order, outlets, docs, pipe, start=options.outlet_curve_start,
                               tolerance=options.outlet_curve_tolerance, holdout=options.outlet_curve_holdout,
                               max_size=options.outlet_curve_max, screen=screen, budget=options.outlet_feature_budget,
                               beside=beside, jobs=jobs)
        size = curve.size
        sample = sorted(j for v in curve.kept.values() for j in (v[:size] if size else v))
        used = {o: min(size, len(curve.kept[o])) if size else len(curve.kept[o]) for o in order}
        cut = {o: len(v) for o, v in order.items() if size and used[o] < len(v)}
        if not cut:
            note = (f"Outlet classifier: every document used ({len(sample)} of {n}); a learning curve decided it: "
                    f"{curve.reason} (seed {seed}; data/outlet_curve.csv).")
        else:
            note = (f"Outlet classifier trained on a seeded sample of at most {size} documents per outlet "
                    f"({len(sample)} of {n} documents), a size chosen by a learning curve: {curve.reason} (seed {seed}; "
                    "data/outlet_curve.csv). Sampled: "
                    + ", ".join(f"{named(o)} {c}→{used[o]}" for o, c in sorted(cut.items())) + ".")
        if curve.skipped:
            note += (f" {len(curve.skipped)} near-duplicate document{'s' if len(curve.skipped) != 1 else ''} met on the way "
                     f"were left out (5-word shingles with an estimated Jaccard similarity of at least "
                     f"{options.outlet_near_duplicates:g} to a document already taken: one story is never both trained "
                     "on and scored; data/outlet_sample.csv).")
        return sample, curve, note
    if cap:
        rng = np.random.default_rng(seed)
        by_outlet: dict[str, list[int]] = {}
        for i in idx:
            by_outlet.setdefault(outlets[i], []).append(i)
        capped = {o: len(v) for o, v in by_outlet.items() if len(v) > cap}
        if capped:
            sample = sorted(int(j) for o, v in by_outlet.items()
                            for j in (rng.choice(v, cap, replace=False) if len(v) > cap else v))
            return sample, None, (
                f"Outlet classifier trained on a seeded sample of at most {cap} documents per outlet "
                f"({len(sample)} of {n} documents; sampled: "
                + ", ".join(f"{named(o)} {c}→{cap}" for o, c in sorted(capped.items())) + ").")
    return sorted(idx), None, None


def sample_tables(idx, outlets, counts, curve) -> dict[str, pd.DataFrame]:
    """``outlet_sample`` (outlet, available, used) and, with a curve, ``outlet_curve``."""
    used: dict[str, int] = {}
    for i in idx:
        used[outlets[i]] = used.get(outlets[i], 0) + 1
    skipped: dict[str, int] = {}
    for i in (curve.skipped if curve is not None else ()):
        skipped[outlets[i]] = skipped.get(outlets[i], 0) + 1
    tables = {"outlet_sample": pd.DataFrame(
        [(o, int(counts[o]), int(used.get(o, 0)), int(skipped.get(o, 0))) for o in sorted(counts)],
        columns=["outlet", "available", "used", "near_duplicates"])}
    if curve is not None:
        tables["outlet_curve"] = curve.table
    return tables


def sample_info(idx, options, curve, *, seed: int) -> dict:
    """What the manifest records of the sample: how it was chosen, its size, the curve."""
    cap = options.max_docs_per_outlet
    info = {"n_documents": len(idx), "seed": seed,
            "how": "learning curve" if curve is not None else ("every document" if not cap or cap == "auto"
                                                              else "fixed cap"),
            "docs_per_outlet": curve.size if curve is not None else (cap if isinstance(cap, int) else None)}
    if curve is not None:
        info.update({"reason": curve.reason, "tolerance": options.outlet_curve_tolerance,
                     "start": options.outlet_curve_start, "holdout_per_outlet": options.outlet_curve_holdout,
                     "max_per_outlet": options.outlet_curve_max, "feature_budget": options.outlet_feature_budget,
                     "near_duplicate_threshold": options.outlet_near_duplicates,
                     "near_duplicates_skipped": len(curve.skipped), "screen_seconds": round(curve.screen_seconds, 3),
                     "curve": [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                               for row in curve.table.to_dict(orient="records")]})
    return info
