"""The topic stage on the five real seed articles, read as plain text (furniture left in)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from framing.arabic import Normaliser, tokenize
from framing.records import Document
from framing.topics import topic_model
from framing.topics.options import TopicsOptions

pytestmark = pytest.mark.external

# The seeds (CONTRIBUTING.md): 000 and 002 Al Jazeera, 001 Arabi21, 003 AFP wire copy, 004 Al Mayadeen.
OUTLETS = {"000": "aljazeera", "001": "arabi21", "002": "aljazeera", "003": "afp", "004": "almayadeen"}


@pytest.fixture(scope="module")
def seed_docs(seeds_dir):
    docs = []
    for path in sorted(seeds_dir.glob("*.txt")):
        docs.append(Document(doc_id=path.stem, outlet=OUTLETS[path.name[:3]], source=path.name,
                             text=path.read_text(encoding="utf-8")))
    assert len(docs) == 5
    return docs


@pytest.fixture(scope="module")
def seed_matches(seed_docs):
    from pathlib import Path

    from framing.lexicon import Matcher, load_lexicons

    normaliser = Normaliser()
    matcher = Matcher(load_lexicons(["conflict"], base_dir=Path(".")), normaliser)
    rows = []
    for d in seed_docs:
        for m in matcher.match(tokenize(d.text, normaliser), d.text):
            rows.append({"doc_id": d.doc_id, "outlet": d.outlet, "lexicon": m.lexicon, "category": m.category,
                         "entry": m.entry, "start": m.start, "end": m.end})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def seed_topics(seed_docs, seed_matches):
    return topic_model(seed_docs, seed_matches, Normaliser(), TopicsOptions(), 42, None)


def test_seed_topics_tables(seed_docs, seed_topics):
    out = seed_topics
    topics, mix = out.tables["topics"], out.tables["topic_mix"]
    assert out.info["guard"] is False and out.info["k"] >= 2  # five documents: clustering runs
    assert topics["size"].sum() == len(out.tables["topic_units"]) > 20
    assert topics["top_words"].str.len().gt(0).all()
    assert not topics["top_words"].str.contains("[A-Za-z]").any()  # the failed English tweet is not a topic word
    assert np.allclose(mix.groupby("outlet")["share"].sum(), 1.0)
    assert sorted(mix["outlet"].unique()) == sorted(set(OUTLETS.values()))
    single = mix[mix["outlet_docs"] == 1]
    assert single["ci_low"].isna().all()  # one document: no interval, and a note says why
    assert any("No confidence interval" in n for n in out.notes)
    assert len(out.tables["topic_stability"]) == 3
    json.dumps(out.info)


def test_seed_topics_carry_the_frame_hits(seed_matches, seed_topics):
    frames = seed_topics.tables["topic_frames"]
    assert len(seed_matches) > 20
    placed = len(seed_matches) - sum(int(n.split()[0]) for n in seed_topics.notes if "fell outside" in n)
    assert frames["count"].sum() == placed
    shares = frames.groupby(["outlet", "lexicon", "category"])["share"].sum()
    assert np.allclose(shares, 1.0)


def test_seed_topics_are_reproducible(seed_docs, seed_matches, seed_topics):
    again = topic_model(seed_docs, seed_matches, Normaliser(), TopicsOptions(), 42, None)
    for name in ["topics", "topic_mix", "topic_frames", "topic_units"]:
        pd.testing.assert_frame_equal(seed_topics.tables[name], again.tables[name])


def test_seed_topics_with_hdbscan_and_documents(seed_docs, seed_matches):
    out = topic_model(seed_docs, seed_matches, Normaliser(), TopicsOptions(clustering="hdbscan"), 42, None)
    assert np.allclose(out.tables["topic_mix"].groupby("outlet")["share"].sum(), 1.0)
    docs_out = topic_model(seed_docs, seed_matches, Normaliser(), TopicsOptions(unit="document"), 42, None)
    assert docs_out.tables["topics"]["topic"].tolist() == [0]  # five units are too few to cluster
    assert any("one topic" in n for n in docs_out.notes)


def test_seed_topics_hdbscan_notes_are_honest(seed_docs, seed_matches):
    out = topic_model(seed_docs, seed_matches, Normaliser(), TopicsOptions(clustering="hdbscan"), 42, None)
    share = out.info["outlier_share"]
    if share == 1.0:  # nothing dense in five articles on one war: the notes must not call that stable
        assert any("every unit is an outlier" in n for n in out.notes)
        assert not any("the topics are stable" in n for n in out.notes)
    else:
        assert any("outliers (topic -1)" in n for n in out.notes)
