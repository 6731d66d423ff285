"""Agreement between two codings of the same units: Cohen's kappa (scikit-learn) and
Krippendorff's alpha (the ``krippendorff`` package, imported lazily: without it alpha is left
empty and a note says how to get it). Alpha also serves several human coders with gaps.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import cohen_kappa_score

ALPHA_MISSING = ("Krippendorff's alpha left empty: the `krippendorff` package is not installed "
                 "(pip install krippendorff); Cohen's kappa is given.")


def _krippendorff():
    try:
        import krippendorff
    except ImportError:
        return None
    return krippendorff


def kappa(a, b) -> float:
    """Cohen's kappa of two 0/1 codings of the same units (1.0 for two equal constant codings, NaN
    when undefined)."""
    a = np.asarray(a, dtype=int)
    b = np.asarray(b, dtype=int)
    if len(a) == 0:
        return float("nan")
    if len(set(a.tolist()) | set(b.tolist())) < 2:  # both constant and equal: agreement is trivially perfect
        return 1.0 if np.array_equal(a, b) else float("nan")
    return float(cohen_kappa_score(a, b))


def alpha(matrix) -> tuple[float, bool]:
    """Nominal Krippendorff's alpha of a coders × units matrix (np.nan = not coded).
    Returns (alpha, available)."""
    k = _krippendorff()
    if k is None:
        return float("nan"), False
    m = np.asarray(matrix, dtype=float)
    values = m[~np.isnan(m)]
    if values.size == 0 or len(np.unique(values)) < 2:
        return (1.0 if values.size else float("nan")), True
    try:
        return float(k.alpha(reliability_data=m, level_of_measurement="nominal")), True
    except (ValueError, ZeroDivisionError):
        return float("nan"), True


def pair_row(category: str, pair: str, a, b) -> dict:
    """A row of the agreement table for two codings of one category: kappa, Krippendorff's alpha,
    units coded by both, and the positives of each (units missing in either are left out)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok].astype(int), b[ok].astype(int)
    al, _ = alpha(np.vstack([a, b]))
    return {"category": category, "pair": pair, "kappa": kappa(a, b), "alpha": al, "n": int(len(a)),
            "positives_a": int(a.sum()), "positives_b": int(b.sum())}


def coders_row(category: str, matrix) -> dict:
    """Human-human agreement for several coders (rows) over units (columns, nan = not coded):
    alpha over everything, kappa as the mean over coder pairs."""
    m = np.asarray(matrix, dtype=float)
    kappas = []
    for i in range(len(m)):
        for j in range(i + 1, len(m)):
            ok = ~(np.isnan(m[i]) | np.isnan(m[j]))
            if ok.sum() >= 2:
                kappas.append(kappa(m[i, ok], m[j, ok]))
    al, _ = alpha(m)
    coded = (~np.isnan(m)).sum(axis=0) >= 2
    return {"category": category, "pair": "human–human", "kappa": float(np.nanmean(kappas)) if kappas else float("nan"),
            "alpha": al, "n": int(coded.sum()), "positives_a": int(np.nansum(m[:, coded] > 0)), "positives_b": np.nan}


def alpha_available() -> bool:
    """Whether Krippendorff's alpha can be computed (the optional ``krippendorff`` package is
    installed)."""
    return _krippendorff() is not None
