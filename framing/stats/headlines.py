"""Plain-language headlines: the clearest one-vs-rest differences, one sentence each."""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["outlet", "outlet_name", "lexicon", "category", "category_label", "text", "ratio", "ci_low",
           "ci_high", "q", "warning"]


def _num(x: float) -> str:
    return f"{x:.2g}" if x < 1 else f"{x:.1f}"


def _q(q: float) -> str:
    return "q<0.001" if q < 0.001 else f"q={q:.3f}"


def sentence(name: str, label: str, ratio: float, lo: float, hi: float, q: float) -> str:
    ci = f"95% CI {_num(lo)}–{_num(hi)}, {_q(q)}"
    if ratio >= 1:
        return f"{name} uses {label} terms {_num(ratio)}× as often as the other outlets ({ci})."
    return (f"{name} uses {label} terms {_num(1 / ratio)}× less often than the other outlets "
            f"(rate ratio {_num(ratio)}, {ci}).")


def headlines(contrasts: pd.DataFrame, n: int) -> pd.DataFrame:
    if contrasts.empty or n == 0:
        return pd.DataFrame(columns=COLUMNS)
    c = contrasts[(contrasts["family"] == "one-vs-rest") & contrasts["significant"]].copy()
    if c.empty:
        return pd.DataFrame(columns=COLUMNS)
    c["_warned"] = c["warning"].astype(str) != ""
    c["_effect"] = np.abs(np.log(c["ratio"].astype(float)))
    c = c.sort_values(["_warned", "q", "_effect"], ascending=[True, True, False]).head(n)
    label = c["category_label"].astype(str).str.lower()
    text = [sentence(nm, lb, r, lo, hi, q) + (f" Caution: {w}." if w else "")
            for nm, lb, r, lo, hi, q, w in zip(c["outlet_a_name"], label, c["ratio"], c["ci_low"], c["ci_high"],
                                               c["q"], c["warning"])]
    out = c.assign(outlet=c["outlet_a"], outlet_name=c["outlet_a_name"], text=text)
    return out[COLUMNS].reset_index(drop=True)
