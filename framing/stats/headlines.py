"""Plain-language headlines: the clearest one-vs-rest differences, one sentence each.

Rate differences come first (kind "rate": ratio, ci_low, ci_high are the rate ratio and its
interval), then naming preferences (kind "naming": share, share_rest and the share's interval in
share_ci_low / share_ci_high; ratio and its interval are left empty). Within each kind: unwarned
before warned, then by the effect (below). Only results with q below the false discovery rate
are headlines; a warned one says so in its text. They are ranked by the smallest effect the data
allow: for a rate, the end of the ratio's interval nearest to 1 (log scale); for a name, the lower
end of the share's interval minus the other outlets' share. So a large and well-measured
difference comes before a tiny one that is "significant" only because the corpus is large.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

COLUMNS = ["kind", "outlet", "outlet_name", "lexicon", "category", "category_label", "text", "ratio", "ci_low",
           "ci_high", "q", "warning", "entry", "share", "share_rest", "share_ci_low", "share_ci_high"]


def _num(x: float) -> str:
    if not np.isfinite(x):
        return "∞" if x > 0 else "?"
    return f"{x:.2g}" if x < 1 else f"{x:.1f}"


def _q(q: float) -> str:
    return "q<0.001" if q < 0.001 else f"q={q:.3f}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def phrase(label: str, kind: str) -> str:
    """'occupation framing', 'distancing markers', 'neutral reporting verbs'."""
    label = label.strip()
    label = label[:1].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label
    if kind == "frames":
        return f"{label} framing"
    return label if label.endswith("s") else f"{label} markers"


def sentence(name: str, label: str, ratio: float, lo: float, hi: float, q: float, within: str = "") -> str:
    """A plain-language headline for a rate ratio with its interval and q-value (``within``: the
    comparison it was made within, e.g. the same topics)."""
    ci = f"95% CI {_num(lo)}–{_num(hi)}, {_q(q)}"
    if ratio >= 1:
        if not np.isfinite(ratio):
            return f"{within}{name} uses {label}; the other outlets never do ({ci})."
        return f"{within}{name} uses {label} {_num(ratio)}× as often as the other outlets ({ci})."
    if ratio == 0:
        return f"{within}{name} never uses {label}; the other outlets do (rate ratio 0, {ci})."
    less = f"{100 * (1 - ratio):.0f}% less often" if ratio >= 0.5 else f"{1 / ratio:.1f} times less often"
    return f"{within}{name} uses {label} {less} than the other outlets (rate ratio {_num(ratio)}, {ci})."


WITHIN = "Within the same topics, "


def adjustment_notes(contrasts: pd.DataFrame, fdr: float) -> list[str]:
    """Where adjusting for topic changes a one-vs-rest conclusion (only when the topic stage ran)."""
    if contrasts.empty or "significant_topic" not in contrasts.columns:
        return []
    c = contrasts[contrasts["family"] == "one-vs-rest"]
    crude, adj = c["significant"].fillna(False).astype(bool), c["significant_topic"].fillna(False).astype(bool)
    flipped = crude & adj & ((c["ratio"] > 1) != (c["ratio_topic"] > 1))
    lost, gained = int((crude & ~adj).sum()), int((~crude & adj).sum())
    out = [f"Adjusted for topic (contrasts computed within topics and combined), {int(adj.sum())} one-vs-rest "
           f"contrasts have q < {fdr:g}, against {int(crude.sum())} comparing whole outlets (stratified by article "
           f"length only)."]
    if lost or gained or flipped.any():
        out.append(f"Adjustment changes the conclusion for {lost + gained + int(flipped.sum())} of them: {lost} no "
                   f"longer stand once outlets are compared within the same topics (their difference came from "
                   f"what the outlets cover), {gained} appear only within topics"
                   + (f", and {int(flipped.sum())} change direction" if flipped.any() else "") + ".")
    return out


def naming_sentence(name: str, entry: str, axis: str, share: float, lo: float, hi: float, rest: float,
                    q: float, said: str = "") -> str:
    """A plain-language headline for an outlet's share of one name on a naming axis against the
    other outlets (``said``: whose words were counted, when not the outlet's own)."""
    return (f"{name} uses “{entry}” in {_pct(share)} of its mentions of “{axis}”{said} "
            f"(95% CI {100 * lo:.0f}–{_pct(hi)}); "
            f"the other outlets in {_pct(rest)} ({_q(q)}).")


VOICE_PHRASES = {"own": " in its own voice", "sourced": " in the voices it quotes or reports", "all": ""}


def headlines(contrasts: pd.DataFrame, n: int, naming: pd.DataFrame | None = None,
              labels: dict | None = None, voice: str = "all") -> pd.DataFrame:
    """labels: (lexicon, category) -> label, for naming axes. ``voice``: the voice set the numbers
    count (stats.voice), said in each sentence ("... in its own voice")."""
    said = VOICE_PHRASES.get(voice, "")
    frames = []
    if n and not contrasts.empty:
        within = ""
        if "significant_topic" in contrasts.columns:  # adjusted results lead
            contrasts = contrasts.assign(**{k: contrasts[f"{k}_topic"] for k in
                                            ("ratio", "ci_low", "ci_high", "q", "significant")})
            within = WITHIN
        c = contrasts[(contrasts["family"] == "one-vs-rest") & contrasts["significant"].fillna(False).astype(bool)].copy()
        if not c.empty:
            c["_warned"] = c["warning"].astype(str) != ""
            with np.errstate(all="ignore"):
                c["_effect"] = np.nan_to_num(np.where(c["ratio"] >= 1, np.log(c["ci_low"].astype(float)),
                                                      -np.log(c["ci_high"].astype(float))), nan=-np.inf)
            c = c.sort_values(["_warned", "_effect", "q"], ascending=[True, False, True]).head(n)
            label = [phrase(lb, kd) for lb, kd in zip(c["category_label"].astype(str), c["kind"])]
            text = [sentence(nm, lb + said, r, lo, hi, q, within) + (f" Caution: {w}." if w else "")
                    for nm, lb, r, lo, hi, q, w in zip(c["outlet_a_name"], label, c["ratio"], c["ci_low"],
                                                       c["ci_high"], c["q"], c["warning"])]
            frames.append(c.assign(kind="rate", outlet=c["outlet_a"], outlet_name=c["outlet_a_name"], text=text))
    if n and naming is not None and not naming.empty:
        m = naming[naming["significant"].fillna(False).astype(bool) & (naming["share"] > naming["share_rest"])].copy()
        if not m.empty:
            m["_warned"] = m["warning"].astype(str) != ""
            m["_effect"] = m["ci_low"] - m["share_rest"]
            m = m.sort_values(["_warned", "_effect", "q"], ascending=[True, False, True]).head(n)
            labels = labels or {}
            axis_label = [str(labels.get((lx, ax), ax)).split(":")[0].strip()
                          for lx, ax in zip(m["lexicon"], m["axis"])]
            entry = [re.split(r"[;,(]", g)[0].strip() if isinstance(g, str) and g.strip() else e
                     for g, e in zip(m["gloss"], m["entry"])]
            text = [naming_sentence(nm, en, ax, s, lo, hi, r, q, said) + (f" Caution: {w}." if w else "")
                    for nm, en, ax, s, lo, hi, r, q, w in zip(m["outlet_name"], entry, axis_label, m["share"],
                                                              m["ci_low"], m["ci_high"], m["share_rest"], m["q"],
                                                              m["warning"])]
            frames.append(pd.DataFrame({
                "kind": "naming", "outlet": m["outlet"], "outlet_name": m["outlet_name"], "lexicon": m["lexicon"],
                "category": m["axis"], "category_label": axis_label, "text": text, "ratio": np.nan, "ci_low": np.nan,
                "ci_high": np.nan, "q": m["q"], "warning": m["warning"], "entry": m["entry"], "share": m["share"],
                "share_rest": m["share_rest"], "share_ci_low": m["ci_low"], "share_ci_high": m["ci_high"]}))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for col in COLUMNS:
        if col not in out.columns:
            out[col] = np.nan if col not in ("entry",) else ""
    return out[COLUMNS].reset_index(drop=True)
