"""Saved models applied to a study: shares with CIs, lexicon beside model, agreement."""

from __future__ import annotations

import json
import random

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from framing.arabic import Normaliser
from framing.classify import compute as classifiers
from framing.classify.agreement import alpha, coders_row, kappa, pair_row
from framing.classify.apply import bootstrap_share
from framing.classify.store import save_model
from framing.classify.train import train_model
from framing.config import load_config
from framing.records import Document, StageInputs
from framing.runtime import Runtime

FILLER = "قال المسؤول في بيان اليوم إن الوضع في المدينة يشهد تطورات جديدة بعد اجتماع الوزراء".split()
OCC = "الاحتلال"


def compute_stage(docs, matches, cfg, normaliser, seed):
    """The classifier stage (models, codes, weak supervision) as the pipeline runs it."""
    inputs = StageInputs(documents=docs, matches=matches, outlets=cfg.outlet_records(), normaliser=normaliser)
    return classifiers(inputs, cfg.classify_options(), Runtime.of(cfg.run.jobs, seed))


def _paragraph(rng, occ: bool) -> str:
    words = rng.sample(FILLER, 8)
    if occ:
        words.insert(rng.randrange(8), OCC)
    return " ".join(words)


def _study(tmp_path, rng_seed=0, codes=None):
    rng = random.Random(rng_seed)
    train = pd.DataFrame([{"text": _paragraph(rng, occ), "occupation": int(occ)}
                          for occ in [rng.random() < 0.5 for _ in range(60)]])
    r = train_model(train, "text", ["occupation"], folds=3, seed=1, tune=False, baseline=False)
    model_path = save_model(tmp_path / "occ.skops", r.pipeline, {**r.metadata, "name": "occ"})
    docs, rows = [], []
    for o, rate in (("hawk", 0.8), ("dove", 0.2)):
        for i in range(12):
            paras = [_paragraph(rng, rng.random() < rate) for _ in range(4)]
            text = "\n".join(paras)
            doc = Document(doc_id=f"{o}{i}", outlet=o, source="s", text=text)
            docs.append(doc)
            start = 0
            while (k := text.find(OCC, start)) >= 0:
                rows.append({"doc_id": doc.doc_id, "outlet": o, "lexicon": "conflict", "category": "occupation",
                             "entry": OCC, "start": k, "end": k + len(OCC), "sentence": ""})
                start = k + 1
    classify = {"outlet_classifier": False, "models": [str(model_path)], "bootstrap": 200}
    if codes is not None:
        classify["codes"] = str(codes)
    # the stage is given its documents directly; the config still names where a study reads them
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"outlet": d.outlet, "text": d.text}, ensure_ascii=False) + "\n"
                              for d in docs), encoding="utf-8")
    cfg = load_config({"title": "t", "outlets": [{"id": "hawk"}, {"id": "dove"}], "sources": [str(corpus)],
                       "classify": classify}, base_dir=tmp_path)
    return docs, pd.DataFrame(rows), cfg


def test_model_shares_per_outlet_with_cis_and_lexicon_beside(tmp_path):
    docs, matches, cfg = _study(tmp_path)
    out = compute_stage(docs, matches, cfg, Normaliser(), seed=3)
    shares = out.tables["model_shares"].set_index("outlet")
    assert shares.loc["hawk", "share"] > shares.loc["dove", "share"] + 0.3
    for o in ("hawk", "dove"):
        assert shares.loc[o, "ci_low"] <= shares.loc[o, "share"] <= shares.loc[o, "ci_high"]
        assert shares.loc[o, "n_units"] == 48 and shares.loc[o, "n_documents"] == 12
    assert set(shares["label"]) == {"occupation"} and set(shares["unit"]) == {"paragraph"}
    beside = out.tables["model_lexicon"].set_index("outlet")
    assert beside.loc["hawk", "lexicon_share"] > beside.loc["dove", "lexicon_share"]
    agree = out.tables["agreement"]
    row = agree[agree.pair == "lexicon–model"].iloc[0]
    assert row["category"] == "occupation" and row["n"] == 96 and row["kappa"] > 0.7 and row["alpha"] > 0.7


def test_human_codes_give_human_pairs_and_exact_kappa(tmp_path):
    docs, matches, cfg = _study(tmp_path)
    units = [f"{d.doc_id}#p{j}" for d in docs[:10] for j in (1, 2)]
    truth = []
    for d in docs[:10]:
        for p in d.text.split("\n")[:2]:
            truth.append(int(OCC in p))
    flipped = list(truth)
    flipped[0], flipped[1] = 1 - flipped[0], 1 - flipped[1]
    codes = pd.DataFrame({"unit_id": units * 2, "coder": ["a"] * 20 + ["b"] * 20, "occupation": truth + flipped})
    path = tmp_path / "codes.csv"
    codes.to_csv(path, index=False)
    docs, matches, cfg = _study(tmp_path, codes=path)
    out = compute_stage(docs, matches, cfg, Normaliser(), seed=3)
    agree = out.tables["agreement"].set_index("pair")
    assert agree.loc["human–human", "kappa"] == pytest.approx(cohen_kappa_score(truth, flipped))
    assert agree.loc["human–human", "n"] == 20
    assert agree.loc["human–lexicon", "n"] == 18  # the two flipped units are ties between two coders
    assert agree.loc["human–lexicon", "kappa"] == pytest.approx(1.0)
    assert "human–model" in agree.index


def test_unloadable_model_is_a_note_not_a_crash(tmp_path):
    docs, matches, cfg = _study(tmp_path)
    cfg.classify.models = [str(tmp_path / "missing.skops")]
    out = compute_stage(docs, matches, cfg, Normaliser(), seed=3)
    assert "model_shares" not in out.tables
    assert any("missing.skops" in n and "not applied" in n for n in out.notes)


def test_bootstrap_share_resamples_documents():
    rng = np.random.default_rng(0)
    share, lo, hi = bootstrap_share(np.array([1.0, 3.0, 0.0, 2.0]), np.array([4.0, 4.0, 4.0, 4.0]), rng, 500)
    assert share == pytest.approx(6 / 16) and lo < share < hi
    assert np.isnan(bootstrap_share(np.array([1.0]), np.array([2.0]), rng)[1])


def test_agreement_statistics():
    a = [1, 0, 1, 1, 0, 0, 1, 0]
    b = [1, 0, 1, 0, 0, 0, 1, 1]
    row = pair_row("x", "p", a, b)
    assert row["kappa"] == pytest.approx(cohen_kappa_score(a, b)) and row["n"] == 8
    # by hand: 16 pairable values (8 of each), 2 disagreeing units: 1 - 15 * 4 / (2 * 8 * 8)
    assert row["alpha"] == pytest.approx(1 - 15 * 4 / 128)
    assert kappa([1, 1], [1, 1]) == 1.0
    m = np.array([[1, 0, np.nan, 1], [1, 0, 1, np.nan], [1, 1, 1, 1]], dtype=float)
    r = coders_row("x", m)
    assert r["n"] == 4 and -1 <= r["alpha"] <= 1
    assert alpha(np.array([[1, 1], [1, 1]]))[0] == 1.0


def test_codes_without_models_still_compare_humans_with_the_lexicon(tmp_path):
    docs, matches, cfg = _study(tmp_path)
    units = [f"{d.doc_id}#p1" for d in docs[:12]]
    truth = [int(OCC in d.text.split("\n")[0]) for d in docs[:12]]
    pd.DataFrame({"unit_id": units, "occupation": truth}).to_csv(tmp_path / "codes.csv", index=False)
    cfg.classify.models = []
    cfg.classify.codes = str(tmp_path / "codes.csv")
    out = compute_stage(docs, matches, cfg, Normaliser(), seed=3)
    agree = out.tables["agreement"]
    assert agree["pair"].tolist() == ["human–lexicon"]
    assert agree.iloc[0]["kappa"] == pytest.approx(1.0) and agree.iloc[0]["n"] == 12


def test_without_krippendorff_alpha_is_empty_and_said(tmp_path, monkeypatch):
    import framing.classify.agreement as agreement

    monkeypatch.setattr(agreement, "_krippendorff", lambda: None)
    docs, matches, cfg = _study(tmp_path)
    out = compute_stage(docs, matches, cfg, Normaliser(), seed=3)
    row = out.tables["agreement"].iloc[0]
    assert np.isnan(row["alpha"]) and row["kappa"] > 0.7
    assert agreement.ALPHA_MISSING in out.notes


def test_model_labels_one_row_per_unit_and_in_the_concordance(tmp_path):
    from framing.report.kwic import KwicLine, attach_model_labels

    docs, matches, cfg = _study(tmp_path)
    out = compute_stage(docs, matches, cfg, Normaliser(), seed=3)
    labels = out.tables["model_labels"]
    assert len(labels) == sum(len(d.text.split("\n")) for d in docs)  # four paragraphs per document
    assert labels["unit_id"].is_unique and {"p_occupation", "occupation", "excerpt", "start", "end"} <= set(labels.columns)
    first = docs[0]
    row = labels[labels["doc_id"] == first.doc_id].iloc[0]
    assert first.text[row["start"]:row["end"]] == first.text.split("\n")[0]
    hit = matches.iloc[0]
    line = KwicLine(doc_id=hit["doc_id"], outlet=hit["outlet"], outlet_name="", lexicon="conflict",
                    category="occupation", category_label="", entry=OCC, entry_form=OCC, left="", hit=OCC, right="",
                    located=True, start=int(hit["start"]))
    choices = attach_model_labels([line], labels)
    unit = labels[(labels["doc_id"] == hit["doc_id"]) & (labels["start"] <= hit["start"]) & (labels["end"] > hit["start"])]
    assert line.model_labels == ("occ:occupation" if unit["occupation"].iloc[0] else "")
    assert choices == ([("occ:occupation", "occupation (occ)")] if line.model_labels else [])
