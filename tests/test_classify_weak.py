"""Weak supervision: does a model trained on lexicon hits recover entries it never saw?"""

from __future__ import annotations

import random

import pandas as pd

from framing.arabic import Normaliser
from framing.classify import compute as classifiers
from framing.classify.weak import SentenceUnits, sentences_from_matches, weak_recovery
from framing.config import load_config
from framing.records import Document, StageInputs
from framing.runtime import Runtime

ENTRIES = ["احتلال", "استيطان", "مستوطنات", "تهويد", "ضم", "حصار", "اقتحام", "مصادرة"]
CONTEXT = "قوات الجنود الأراضي الفلسطينية الضفة القدس المسجد".split()
OTHER = "المباراة الفريق الاقتصاد السوق الأسعار الطقس المهرجان الثقافة".split()
FILLER = "قال في من إلى على أن اليوم بيان".split()


def compute_stage(docs, matches, cfg, normaliser, seed):
    """The classifier stage (models, codes, weak supervision) as the pipeline runs it."""
    inputs = StageInputs(documents=docs, matches=matches, outlets=cfg.outlet_records(), normaliser=normaliser)
    return classifiers(inputs, cfg.classify_options(), Runtime.of(cfg.run.jobs, seed))


def _units(informative: bool, n_pos=160, n_neg=320, seed=0) -> SentenceUnits:
    rng = random.Random(seed)
    texts, hits = [], []
    for i in range(n_pos + n_neg):
        pos = i < n_pos
        pool = (CONTEXT if informative else OTHER) if pos else OTHER
        words = rng.sample(pool, 3) + rng.sample(FILLER, 3)
        rng.shuffle(words)
        text = " ".join(words)
        h = []
        if pos:
            entry = rng.choice(ENTRIES)
            start = len(text) + 1
            text = f"{text} {entry}"
            h.append(("conflict:occupation", entry, start, start + len(entry)))
        texts.append(text)
        hits.append(h)
    return SentenceUnits(texts, hits, [str(i) for i in range(len(texts))])


def test_context_that_carries_the_frame_is_recovered():
    tables, notes, info = weak_recovery(_units(True), Normaliser(), seed=1, min_entries=4)
    row = tables["weak_cv"].iloc[0]
    assert row["category"] == "conflict:occupation" and row["supervision"] == "weak"
    assert row["auc"] > 0.9 and row["recall"] > 0.8 and row["false_positive_rate"] < 0.2
    assert any("weak supervision" in n.lower() for n in notes)
    groups = tables["weak_recovery"]
    # no held-out entry is ever in its own training positives
    assert (groups["heldout_entries"].str.len() > 0).all() and len(groups) == 5


def test_masked_terms_alone_teach_nothing():
    """Positives differ from negatives only by the lexicon term, which is masked: chance level."""
    tables, _, _ = weak_recovery(_units(False), Normaliser(), seed=1, min_entries=4)
    row = tables["weak_cv"].iloc[0]
    assert 0.3 < row["auc"] < 0.7


def test_categories_with_few_entries_are_left_out_with_a_note():
    units = _units(True)
    units.hits = [[(c, ENTRIES[0], s, e) for c, _, s, e in h] for h in units.hits]
    tables, notes, _ = weak_recovery(units, Normaliser(), seed=1, min_entries=4)
    assert tables == {} and any("skipped" in n for n in notes)


def test_stage_runs_weak_supervision_from_the_matches_table():
    u = _units(True, n_pos=60, n_neg=120)
    docs, rows = [], []
    for i, (text, h) in enumerate(zip(u.texts, u.hits)):
        docs.append(Document(doc_id=f"d{i}", outlet="a" if i % 2 else "b", source="s", text=text + "."))
        for cat, entry, s, e in h:
            rows.append({"doc_id": f"d{i}", "outlet": "", "lexicon": "conflict", "category": "occupation",
                         "entry": entry, "start": s, "end": e, "sentence": text})
    matches = pd.DataFrame(rows)
    units = sentences_from_matches(docs, matches)
    assert sum(bool(h) for h in units.hits) == 60
    cfg = load_config({"title": "t", "outlets": [{"id": "a"}, {"id": "b"}], "sources": [__file__],
                       "classify": {"outlet_classifier": False, "weak_supervision": True}})
    out = compute_stage(docs, matches, cfg, Normaliser(), seed=2)
    assert out.tables["weak_cv"].iloc[0]["auc"] > 0.8
    assert out.info["weak_supervision"]["label"].startswith("weak supervision")
