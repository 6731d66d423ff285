"""Shared copy on real news: the first 3,000 SaudiNewsNet articles hold agency stories republished
by several outlets; every derivative shares passages with its reference, and the edits' offsets
point into both texts. Run time is measured by a full run, not asserted here."""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path

import pandas as pd
import pytest

from framing.arabic import Normaliser
from framing.records import Document
from framing.wire.stage import compute

pytestmark = [pytest.mark.external]


@pytest.fixture(scope="module")
def docs(shared_dir: Path) -> list[Document]:
    path = shared_dir / "corpora" / "saudinewsnet" / "all.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in islice(fh, 3000)]
    return [Document(doc_id=f"d{i}", outlet=r["outlet"], source=str(i), text=r["title"] + "\n\n" + r["text"],
                     date=r["date"][:10]) for i, r in enumerate(rows)]


def test_stories_across_outlets_with_aligned_edits(docs):
    empty = pd.DataFrame(columns=["doc_id", "lexicon", "category", "entry", "start", "end"])
    out = compute(docs, empty, pd.DataFrame(columns=["lexicon", "kind", "entry", "gloss"]), Normaliser(), seed=1,
                  bootstrap=200)
    st, ed = out.tables["stories"], out.tables["wire_edits"]
    assert st["story_id"].nunique() >= 50
    for _, g in st.groupby("story_id"):
        ref = g[g["role"] == "reference"]
        assert len(ref) == 1 and (g["role"] == "derivative").sum() >= 1
        assert not (g.loc[g["role"] == "derivative", "outlet"] == ref["outlet"].iloc[0]).any()
    der = st[st["role"] == "derivative"]
    assert (der["reused_words"] >= 30).all()
    text = {d.doc_id: d.text for d in docs}
    ref_of = st[st["role"] == "reference"].set_index("story_id")["doc_id"]
    for r in ed.sample(min(300, len(ed)), random_state=0).itertuples():
        whole_ref, whole_new = text[ref_of[r.story_id]][r.ref_start:r.ref_end], text[r.doc_id][r.new_start:r.new_end]
        assert r.ref_text in (whole_ref, whole_ref[:300] + "…") and r.new_text in (whole_new, whole_new[:300] + "…")
