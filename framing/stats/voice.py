"""Scores by voice: which hits the statistics count, the rates of each voice side by side, who is
quoted using each frame, and how often each naming variant is put in scare quotes.

``matches.csv`` carries each hit's ``voice`` (framing/voice.py). ``stats.voice`` chooses the hits
that rates, intervals, contrasts, naming shares and headlines count:

* ``own`` (default): the outlet's own narration (a hit the lexicon stage marked ``distanced``, as
  in ما وصفته الإرهاب, is not the outlet's framing either);
* ``sourced``: quoted and attributed hits, the voices the outlet chooses to carry;
* ``all``: every hit, as if voice were not known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VOICE_SETS = {"own": ("own",), "sourced": ("quoted", "attributed"), "all": ("own", "quoted", "attributed", "scare")}
DESCRIBE = {
    "own": "in the outlet's own voice (hits inside quotations, reported speech and scare quotes left out)",
    "sourced": "in the voices the outlet quotes or reports (quoted and attributed hits only)",
    "all": "in every voice (the outlet's narration, quotations, reported speech and scare quotes alike)",
}
RATE_COLUMNS = ["outlet", "outlet_name", "lexicon", "kind", "category", "category_label", "tokens", "own", "quoted",
                "attributed", "scare", "sourced", "all", "own_per_1k", "sourced_per_1k", "own_share"]
SPEAKER_COLUMNS = ["outlet", "outlet_name", "lexicon", "category", "category_label", "rank", "speaker", "count",
                   "quoted", "attributed"]


def has_voice(matches: pd.DataFrame) -> bool:
    """Whether the matches table carries the voice of each hit."""
    return "voice" in matches.columns


def select(matches: pd.DataFrame, voice: str) -> tuple[pd.DataFrame, list[str]]:
    """The hits counted for the voice set ``voice``, and notes for the report."""
    if voice == "all" or not len(matches):
        return matches, []
    if not has_voice(matches):
        return matches, [f"The hits have no voice column, so stats.voice: {voice} cannot be applied: every hit is "
                         "counted."]
    keep = matches["voice"].astype(str).isin(VOICE_SETS[voice]).to_numpy().copy()
    if voice == "own" and "distanced" in matches.columns:
        keep &= ~matches["distanced"].fillna(False).astype(bool).to_numpy()
    picked = matches[keep]
    return picked, [f"Rates, contrasts, naming shares and headlines count the {len(picked):,} of {len(matches):,} hits "
                    f"{DESCRIBE[voice]} (stats.voice: {voice})."]


def voice_rates(docs: pd.DataFrame, matches: pd.DataFrame, categories: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Per outlet and category: hits in each voice, the own-voice and sourced rates per 1,000 words."""
    if not has_voice(matches) or not len(matches) or not len(categories):
        return pd.DataFrame(columns=RATE_COLUMNS)
    tokens = docs.assign(outlet=docs["outlet"].astype(str)).groupby("outlet")["n_tokens"].sum()
    m = matches.assign(outlet=matches["outlet"].astype(str), voice=matches["voice"].astype(str))
    if "distanced" in m.columns:  # a distanced frame word is the outlet's distancing, not its framing
        m.loc[m["distanced"].fillna(False).astype(bool) & (m["voice"] == "own"), "voice"] = "distanced"
    counts = m.groupby(["outlet", "lexicon", "category", "voice"]).size().unstack("voice", fill_value=0)
    grid = pd.MultiIndex.from_product([sorted(tokens.index), range(len(categories))], names=["outlet", "k"])
    cats = categories.reset_index(drop=True)
    out = pd.DataFrame({"outlet": grid.get_level_values(0)})
    k = grid.get_level_values(1)
    for col in ("lexicon", "kind", "category", "category_label"):
        out[col] = cats[col].to_numpy()[k]
    out.insert(1, "outlet_name", [names.get(o, o) for o in out["outlet"]])
    out["tokens"] = tokens.reindex(out["outlet"]).to_numpy().astype(int)
    idx = pd.MultiIndex.from_arrays([out["outlet"], out["lexicon"], out["category"]])
    for v in ("own", "quoted", "attributed", "scare"):
        out[v] = (counts[v].reindex(idx).fillna(0).astype(int).to_numpy() if v in counts.columns
                  else np.zeros(len(out), dtype=int))
    out["sourced"] = out["quoted"] + out["attributed"]
    out["all"] = counts.sum(axis=1).reindex(idx).fillna(0).astype(int).to_numpy()
    with np.errstate(all="ignore"):
        out["own_per_1k"] = np.where(out["tokens"] > 0, 1000.0 * out["own"] / out["tokens"], np.nan)
        out["sourced_per_1k"] = np.where(out["tokens"] > 0, 1000.0 * out["sourced"] / out["tokens"], np.nan)
        out["own_share"] = np.where(out["all"] > 0, out["own"] / out["all"], np.nan)
    return out[RATE_COLUMNS]


def speakers(matches: pd.DataFrame, categories: pd.DataFrame, names: dict, top: int = 5) -> pd.DataFrame:
    """Who is quoted using each frame: per outlet and category, the ``top`` speakers of its quoted and
    attributed hits (named speakers only), with counts."""
    if not has_voice(matches) or "speaker" not in matches.columns or not len(matches):
        return pd.DataFrame(columns=SPEAKER_COLUMNS)
    m = matches[matches["voice"].astype(str).isin(("quoted", "attributed"))]
    m = m.assign(speaker=m["speaker"].fillna("").astype(str).str.strip(), outlet=m["outlet"].astype(str))
    m = m[m["speaker"] != ""]
    if m.empty:
        return pd.DataFrame(columns=SPEAKER_COLUMNS)
    g = m.groupby(["outlet", "lexicon", "category", "speaker", "voice"]).size().unstack("voice", fill_value=0)
    for v in ("quoted", "attributed"):
        if v not in g.columns:
            g[v] = 0
    g["count"] = g["quoted"] + g["attributed"]
    g = g.reset_index().sort_values(["outlet", "lexicon", "category", "count", "speaker"],
                                    ascending=[True, True, True, False, True])
    g["rank"] = g.groupby(["outlet", "lexicon", "category"]).cumcount() + 1
    g = g[g["rank"] <= top]
    labels = dict(zip(zip(categories["lexicon"], categories["category"]), categories["category_label"]))
    g["category_label"] = [labels.get((lx, c), c) for lx, c in zip(g["lexicon"], g["category"])]
    g["outlet_name"] = [names.get(o, o) for o in g["outlet"]]
    return g[SPEAKER_COLUMNS].reset_index(drop=True)


def scare_shares(docs: pd.DataFrame, matches: pd.DataFrame, lexicons: pd.DataFrame, opts, names: dict,
                 rng: np.random.Generator) -> pd.DataFrame:
    """For each outlet and naming variant: the share of the outlet's mentions of the variant (in any
    voice) that stand in scare quotes, with the interval and test of the naming shares (the variant
    plays the axis, "in scare quotes" and "not" its two names). Columns: outlet, lexicon, axis,
    entry, scare_count, scare_share, scare_ci_low, scare_ci_high, scare_ci_method, scare_p, scare_q."""
    from framing.stats import resample, scores
    from framing.stats.matrix import build_counts

    cols = ["outlet", "lexicon", "axis", "entry", "scare_count", "scare_share", "scare_ci_low", "scare_ci_high",
            "scare_ci_method", "scare_p", "scare_q"]
    if not has_voice(matches) or lexicons is None or not len(lexicons):
        return pd.DataFrame(columns=cols)
    naming_ids = set(lexicons.loc[lexicons["kind"] == "naming", "lexicon"])
    m = matches[matches["lexicon"].isin(naming_ids)]
    if m.empty:
        return pd.DataFrame(columns=cols)
    sep = "\x1f"  # joins axis and variant into one pseudo-axis
    pseudo = pd.DataFrame({"doc_id": m["doc_id"], "outlet": m["outlet"], "lexicon": m["lexicon"],
                           "category": m["category"].astype(str) + sep + m["entry"].astype(str),
                           "entry": np.where(m["voice"].astype(str) == "scare", "scare", "plain")})
    variants = lexicons[lexicons["kind"] == "naming"][["lexicon", "category", "entry"]].drop_duplicates()
    axes = variants["category"].astype(str) + sep + variants["entry"].astype(str)
    pseudo_lex = pd.concat([pd.DataFrame({"lexicon": variants["lexicon"].to_numpy(), "kind": "naming",
                                          "category": axes.to_numpy(), "category_label": axes.to_numpy(),
                                          "category_label_ar": "", "entry": e, "gloss": e})
                            for e in ("scare", "plain")], ignore_index=True)
    c = build_counts(docs, pseudo, pseudo_lex, names)
    X = np.hstack([c.counts, c.entry_counts, c.tokens[:, None]])
    rep = resample.bootstrap_sums(X, c.group, c.n_groups, opts.bootstrap, rng)
    shares = scores.naming_shares(c, rep, opts, names, rng)
    shares = shares[shares["entry"] == "scare"]
    axis, entry = zip(*(a.split(sep, 1) for a in shares["axis"])) if len(shares) else ((), ())
    out = pd.DataFrame({"outlet": shares["outlet"].to_numpy(), "lexicon": shares["lexicon"].to_numpy(),
                        "axis": list(axis), "entry": list(entry), "scare_count": shares["count"].to_numpy(),
                        "scare_share": shares["share"].to_numpy(), "scare_ci_low": shares["ci_low"].to_numpy(),
                        "scare_ci_high": shares["ci_high"].to_numpy(),
                        "scare_ci_method": shares["ci_method"].to_numpy(), "scare_p": shares["p"].to_numpy(),
                        "scare_q": shares["q"].to_numpy()})
    return out[cols]
