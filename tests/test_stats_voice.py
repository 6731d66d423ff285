"""Scores by voice (framing/stats/voice.py and stats.voice) on synthetic data with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from framing.stats import StatsOptions, methods, statistics
from framing.stats import voice as vc
from tests.test_stats import FAST, make_corpus


def with_voices(matches: pd.DataFrame, voices: list[str], speakers: list[str] | None = None) -> pd.DataFrame:
    """Assign voices (and speakers) to the hits in turn."""
    n = len(matches)
    out = matches.assign(voice=[voices[i % len(voices)] for i in range(n)], in_title=False)
    return out.assign(speaker=[(speakers or [""])[i % len(speakers or [""])] for i in range(n)])


def test_voice_option_is_validated() -> None:
    assert StatsOptions().voice == "own"
    assert StatsOptions(voice="sourced").voice == "sourced"
    with pytest.raises(ValidationError):
        StatsOptions(voice="quoted")


def test_select_each_voice_set() -> None:
    m = pd.DataFrame({"voice": ["own", "quoted", "attributed", "scare", "own"], "distanced": [False] * 4 + [True]})
    assert vc.select(m, "own")[0].index.tolist() == [0]  # the distanced frame word is not own framing
    assert vc.select(m, "sourced")[0].index.tolist() == [1, 2]
    assert vc.select(m, "all")[0].index.tolist() == [0, 1, 2, 3, 4]
    picked, notes = vc.select(m.drop(columns="distanced"), "own")
    assert picked.index.tolist() == [0, 4] and "1 of 5" not in notes[0] and "2 of 5" in notes[0]
    legacy, notes = vc.select(m.drop(columns=["voice", "distanced"]), "own")
    assert len(legacy) == 5 and "cannot be applied" in notes[0]


def test_rates_count_only_the_chosen_voice() -> None:
    docs, matches, lex = make_corpus({"A": 30, "B": 30}, {("A", 0): 6.0}, n_categories=2, seed=3)
    m = with_voices(matches, ["own", "quoted", "attributed", "scare"])
    every = statistics(docs, m, lex, {}, FAST.model_copy(update={"voice": "all"}), 1, {}).tables["outlet_scores"]
    own = statistics(docs, m, lex, {}, FAST, 1, {}).tables["outlet_scores"]
    sourced = statistics(docs, m, lex, {}, FAST.model_copy(update={"voice": "sourced"}), 1, {}).tables["outlet_scores"]
    key = ["outlet", "category"]
    total = every.set_index(key)["count"]
    counts = m.groupby(["outlet", "category", "voice"]).size().unstack(fill_value=0)
    assert (own.set_index(key)["count"] == counts["own"].reindex(total.index)).all()
    assert (sourced.set_index(key)["count"] == (counts["quoted"] + counts["attributed"]).reindex(total.index)).all()
    assert (total == counts.sum(axis=1).reindex(total.index)).all()
    assert set(own["voice"]) == {"own"} and set(sourced["voice"]) == {"sourced"}


def test_voice_rates_and_speakers_tables() -> None:
    docs, matches, lex = make_corpus({"A": 20, "B": 20}, {}, n_categories=2, seed=5)
    m = with_voices(matches, ["own", "own", "quoted", "attributed"], ["الوزير", "", "المتحدث"])
    out = statistics(docs, m, lex, {}, FAST, 1, {"A": "Outlet A"})
    rates = out.tables["voice_rates"]
    row = rates[(rates["outlet"] == "A") & (rates["category"] == "c0")].iloc[0]
    sub = m[(m["outlet"] == "A") & (m["category"] == "c0")]
    tokens = docs.loc[docs["outlet"] == "A", "n_tokens"].sum()
    assert row["own"] == (sub["voice"] == "own").sum()
    assert row["sourced"] == sub["voice"].isin(["quoted", "attributed"]).sum()
    assert row["own_per_1k"] == pytest.approx(1000 * row["own"] / tokens)
    assert row["sourced_per_1k"] == pytest.approx(1000 * row["sourced"] / tokens)
    assert row["outlet_name"] == "Outlet A"
    sp = out.tables["speakers"]
    mine = sp[(sp["outlet"] == "A") & (sp["category"] == "c0")]
    named = sub[sub["voice"].isin(["quoted", "attributed"]) & (sub["speaker"] != "")]
    assert dict(zip(mine["speaker"], mine["count"])) == named["speaker"].value_counts().to_dict()
    assert mine["rank"].tolist() == list(range(1, len(mine) + 1))


def test_scare_share_of_each_naming_variant() -> None:
    docs, matches, lex = make_corpus({"A": 40, "B": 40}, {}, n_categories=1, seed=7, naming={"A": 0.5, "B": 0.5})
    rng = np.random.default_rng(0)
    naming = matches["lexicon"] == "names"
    # outlet A puts variant a in scare quotes in most documents; B never does
    scare_doc = {d: rng.random() < 0.8 for d in matches["doc_id"].unique()}
    voice = np.where(naming & (matches["outlet"] == "A") & (matches["entry"] == "a")
                     & matches["doc_id"].map(scare_doc), "scare", "own")
    m = matches.assign(voice=voice, speaker="", in_title=False)
    shares = statistics(docs, m, lex, {}, FAST, 1, {}).tables["naming_shares"]
    assert {"scare_count", "scare_share", "scare_ci_low", "scare_ci_high", "scare_q"} <= set(shares.columns)
    a = shares[(shares["outlet"] == "A") & (shares["entry"] == "a")].iloc[0]
    b = shares[(shares["outlet"] == "B") & (shares["entry"] == "a")].iloc[0]
    every = m[naming & (m["outlet"] == "A") & (m["entry"] == "a")]
    assert a["scare_count"] == (every["voice"] == "scare").sum()
    assert a["scare_share"] == pytest.approx((every["voice"] == "scare").mean())
    assert a["scare_ci_low"] <= a["scare_share"] <= a["scare_ci_high"]
    assert a["scare_q"] < 0.05 and b["scare_share"] == 0
    # the share of names itself counts the own voice only: A's scare-quoted "a" is not its naming
    assert a["count"] == (every["voice"] == "own").sum()


def test_headlines_and_methods_say_which_voice() -> None:
    docs, matches, lex = make_corpus({"A": 60, "B": 60}, {("A", 0): 9.0}, n_categories=2, seed=11)
    m = with_voices(matches, ["own"])
    out = statistics(docs, m, lex, {}, FAST, 1, {})
    assert len(out.tables["headlines"]) and all("in its own voice" in t for t in out.tables["headlines"]["text"])
    assert out.info["voice"] == "own" and out.info["options"]["voice"] == "own"
    assert "own voice only" in " ".join(p for s in methods(StatsOptions()) for p in s["paragraphs"])
    every = statistics(docs, m, lex, {}, FAST.model_copy(update={"voice": "all"}), 1, {})
    assert not any("own voice" in t for t in every.tables["headlines"]["text"])
