"""Keyness that shows framing (self-names masked, proclitics split, written spellings) and charts that
show how few mentions a bar rests on."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from framing.arabic.clitics import strip_article as keyness_term
from framing.arabic import Normaliser
from framing.masks import MaskEntry, Masker, keyness_masks
from framing.stats import StatsOptions
from framing.stats import keyness as kn
from framing.stats.spelling import written_spellings

OPTS = StatsOptions(keyness_min_count=1)


def test_conjunction_proclitic_is_split_only_when_the_stem_is_a_more_frequent_word():
    vocab = np.array(["قال", "وقال", "وزير", "زير", "فقال", "بيان"], dtype=object)
    totals = np.array([50, 30, 40, 2, 5, 9])
    target = kn.split_proclitics(vocab, totals)
    assert [vocab[i] for i in target] == ["قال", "قال", "وزير", "زير", "قال", "بيان"]


def test_self_names_are_masked_and_merged_forms_count_once():
    terms = {"a": Counter({"سبق": 40, "وقال": 30, "احتلال": 25, "قال": 5}),
             "b": Counter({"قال": 40, "تحرير": 30, "سبق": 1})}
    out, notes, info = kn.compute_keyness(terms, ["a", "b"], OPTS, {}, masked={"سبق": "سبق"})
    assert "سبق" not in set(out["term"]) and info["masked_terms"] == {"سبق": 41}
    assert "وقال" not in set(out["term"])
    a_rest = out[(out["outlet"] == "a") & (out["versus"] == "rest")]
    assert a_rest["term"].iloc[0] == "احتلال"
    assert any("name an outlet" in n for n in notes)


def test_keyness_masks_come_from_one_word_names_only():
    norm = Normaliser()
    masker = Masker([MaskEntry("سبق", "alias", "sabq"), MaskEntry("الشرق الأوسط", "alias", "aawsat"),
                     MaskEntry("واس", "agency"), MaskEntry("Sabq", "outlet_name", "sabq")], norm)
    masks = keyness_masks(masker, keyness_term)
    assert set(masks) == {"سبق", "واس", "sabq"}


def test_terms_are_shown_in_their_most_frequent_written_spelling():
    norm = Normaliser()
    texts = ["هجمات إرهابية في المدينة", "الإرهابية والإرهابية", "عملية إرهابية أخرى", "قتلى وجرحى قتلى"]
    t_terror = keyness_term(norm.word("إرهابية"))
    t_dead = keyness_term(norm.word("قتلى"))
    spell = written_spellings(texts, norm, {t_terror, t_dead}, keyness_term)
    assert t_terror != "إرهابية" and spell[t_terror] == "إرهابية"
    assert spell[t_dead] == "قتلى"
    from framing.stats.spelling import add_displays

    tables = {"keyness": pd.DataFrame({"term": [t_terror, "غائب"]}),
              "outlet_features": pd.DataFrame({"feature": [f"عمليه {t_terror}", "رهاب"], "kind": ["word", "char"]})}
    add_displays(tables, texts, norm, keyness_term)
    assert tables["keyness"]["display"].tolist() == ["إرهابية", "غائب"]
    assert tables["outlet_features"]["display"].tolist() == ["عملية إرهابية", "رهاب"]


def test_bars_from_few_mentions_are_hollow_with_their_count():
    from framing.report import figures as F

    df = pd.DataFrame({"outlet": ["a", "a", "b", "b"], "entry": ["x", "y", "x", "y"], "share": [1.0, 0.0, 0.6, 0.4],
                       "axis_total": [1, 1, 40, 40], "ci_low": [0.2, 0, 0.45, 0.25], "ci_high": [1, 0.8, 0.75, 0.55]})
    fig = F.grouped_bars(df, id="f", title="t", x="entry", y="share", group="outlet", x_labels={},
                         group_labels={"a": "A", "b": "B"}, group_colors={"a": "#000000", "b": "#111111"},
                         y_title="share", data_file=None, filename="f", percent=True, base="axis_total", min_base=5)
    a, b = fig.spec["data"]
    assert a["marker"]["color"] == ["rgba(0,0,0,0)"] * 2 and a["text"] == ["n = 1", "n = 1"]
    assert b["marker"]["color"] == ["#111111"] * 2 and b["text"] == ["", ""]
    assert "Hollow bars" in fig.description


def test_timeline_rates_carry_exact_poisson_intervals():
    from framing.stats import statistics

    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "outlet": ["a", "a", "b"], "n_tokens": [500, 500, 800],
                         "date": ["2024-01-03", "2024-02-03", "2024-01-05"]})
    matches = pd.DataFrame([("d1", "a", "s", "lex", "c0", "e0", "w", 0, 1, "")],
                           columns=["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface", "start",
                                    "end", "sentence"])
    lex = pd.DataFrame([("lex", "frames", "c0", "C0", "", "e0", "")],
                       columns=["lexicon", "kind", "category", "category_label", "category_label_ar", "entry", "gloss"])
    t = statistics(docs, matches, lex, {}, StatsOptions(bootstrap=100, permutations=200, time_unit="month"), 1,
                {}).tables["timeline"]
    one = t[(t["outlet"] == "a") & (t["count"] == 1)].iloc[0]
    assert 0 < one["ci_low"] < one["per_1k"] < one["ci_high"]
    zero = t[(t["outlet"] == "b")].iloc[0]
    assert zero["ci_low"] == 0 and zero["ci_high"] > 0


def test_multi_word_self_names_are_not_counted_where_they_occur():
    from framing.masks import phrase_term_counts

    masker = Masker([MaskEntry("الشرق الأوسط", "alias", "aawsat"), MaskEntry("سبق", "alias", "sabq")], Normaliser())
    counts = phrase_term_counts(masker, [("aawsat", "قالت «الشرق الأوسط» إن للشرق الاوسط والشرق شرقا")],
                                keyness_term)
    assert counts == {"aawsat": {"شرق": 2, "اوسط": 2}}
    terms = {"aawsat": Counter({"شرق": 3, "اوسط": 2, "حرب": 20}), "b": Counter({"شرق": 1, "حرب": 20, "سلام": 9})}
    out, _, _ = kn.compute_keyness(terms, ["aawsat", "b"], OPTS, {}, masked_counts=counts)
    mine = out[(out["outlet"] == "aawsat") & (out["versus"] == "rest")]
    assert "اوسط" not in set(mine["term"]) and mine.set_index("term").loc["شرق", "count"] == 1


def test_the_lookahead_of_self_name_counting_changes_no_match(monkeypatch):
    from framing import masks

    masker = Masker([MaskEntry(s, "agency") for s in ("الشرق الأوسط", "أ ف ب", "وكالة الأنباء السعودية", "عين اليوم",
                                                        "( الوكالات)", "فرانس برس")], Normaliser())
    text = ("قالت «الشرق الأوسط» وللشرق الاوسط وبالشرقِ الأوسطِ (أ ف ب) و أ ف ب، أ  ف  ب وكالة الأنباء السعوديه "
            "ووكالة الانباء السعودية عينُ اليوم وعين اليومي ( الوكالات) فرانس برس وفرانس برسٍ الشرقية الأوسط")
    docs = [("a", text), ("b", text[::-1]), ("c", text.replace(" ", "\n"))]
    counts = masks.phrase_term_counts(masker, docs, keyness_term)
    monkeypatch.setattr(masks, "_lead", lambda norm, letters=3: "")  # no lookahead: every word start tried
    assert counts == masks.phrase_term_counts(masker, docs, keyness_term)
    assert counts["a"]["شرق"] == 2 and counts["a"]["ب"] == 3 and counts["c"]["فرانس"] == 2


def test_surface_counts_are_the_same_a_batch_at_a_time(monkeypatch):
    from framing.analyse import tokens
    from framing.stats.spelling import surface_counts

    texts = ["الإرهابية والإرهابية وإرهابية", "قال الوزير إن الحرب طويلة", "", "الحرب الحرب والوزير قال"] * 3
    whole = surface_counts(texts, Normaliser())
    monkeypatch.setattr(tokens, "BATCH_CHARS", 40)  # a batch every text or two: words new in later batches
    parts = surface_counts(texts, Normaliser())
    assert parts[0] == whole[0] and parts[1] == whole[1]
    np.testing.assert_array_equal(parts[2], whole[2])
    assert parts[2].sum() == sum(len(t.split()) for t in texts)
