"""Exact and near-duplicate documents within and across outlets."""

from __future__ import annotations

import json

from framing.corpus import ledger_frame
from framing.corpus.words import WordHasher
from tests.corpus_of_config import load_corpus
from test_corpus_helpers import article, config, paragraph


def _rows(tmp_path, rows, **corpus):
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return load_corpus(config(tmp_path, ["r.jsonl"], **corpus))


def _near(text: str) -> str:
    """The same article with two words changed and a sentence added."""
    words = text.split(" ")
    words[10] = "تغيير"
    words[30] = "آخر"
    return " ".join(words) + " وأضاف الوزير كلاما جديدا."


def test_exact_and_near_duplicates_in_one_outlet_are_dropped_and_listed(tmp_path):
    a, b = article(1, paragraphs=4), article(2, paragraphs=4)
    docs = _rows(tmp_path, [
        {"id": "1", "outlet": "one", "text": a},
        {"id": "2", "outlet": "one", "text": b},
        {"id": "3", "outlet": "one", "text": a},
        {"id": "4", "outlet": "one", "text": _near(a)},
    ])
    assert [d.status for d in docs] == ["analysed", "analysed", "skipped", "skipped"]
    assert docs[2].reason.startswith("duplicate of one-1") and docs[2].duplicate_of == "one-1"
    assert docs[3].reason.startswith("duplicate of one-1") and "near-duplicate" in docs[3].reason
    ledger = ledger_frame(docs)
    assert ledger["duplicate_kind"].tolist() == ["", "", "exact", "near"]
    assert ledger["reason_kind"].tolist() == ["", "", "duplicate", "duplicate"]


def test_duplicates_keep(tmp_path):
    a = article(1, paragraphs=4)
    docs = _rows(tmp_path, [{"id": "1", "outlet": "one", "text": a}, {"id": "2", "outlet": "one", "text": a}],
                 duplicates="keep")
    assert all(d.analysed for d in docs) and docs[1].duplicate_of == "one-1"


def test_cross_outlet_copies_are_shared_wire_copy_kept_by_default(tmp_path):
    a = article(5, paragraphs=4)
    rows = [{"id": "1", "outlet": "one", "text": a}, {"id": "2", "outlet": "two", "text": _near(a)},
            {"id": "3", "outlet": "two", "text": article(6, paragraphs=4)}]
    docs = _rows(tmp_path, rows)
    assert all(d.analysed for d in docs)
    assert docs[1].duplicate_of == "one-1" and docs[1].is_wire and docs[0].is_wire
    assert not docs[2].is_wire and docs[2].duplicate_of == ""
    assert ledger_frame(docs)["duplicate_kind"].tolist() == ["", "shared wire copy", ""]
    docs = _rows(tmp_path, rows, shared_wire="drop")
    assert docs[1].reason.startswith("duplicate of one-1 (shared wire copy")


def test_different_articles_on_the_same_topic_are_not_duplicates(tmp_path):
    rows = [{"id": str(i), "outlet": "one", "text": article(i, paragraphs=3)} for i in range(30)]
    docs = _rows(tmp_path, rows)
    assert all(d.analysed and not d.duplicate_of for d in docs)


def test_shingles_are_stable_and_ignore_punctuation_and_spacing():
    text = paragraph(3)
    a = WordHasher().analyse(text).shingles
    b = WordHasher().analyse("  " + text.replace(" ", "  ، ") + " !!").shingles
    assert a.tolist() == b.tolist() and len(a) == len(set(a.tolist())) > 30
    words = WordHasher().analyse("no arabic words here")
    assert words.n_arabic == 0 and len(words.hashes) == 4


def test_decisions_are_the_same_on_every_run(tmp_path):
    base = [article(i, paragraphs=5) for i in range(12)]
    rows = [{"id": str(i), "outlet": ["one", "two"][i % 2], "text": t} for i, t in enumerate(base)]
    rows += [{"id": f"n{i}", "outlet": "one", "text": _near(base[i])} for i in range(0, 12, 3)]
    first = ledger_frame(_rows(tmp_path, rows))
    second = ledger_frame(_rows(tmp_path, rows))
    assert first.equals(second)
    assert (first["duplicate_of"] != "").sum() == 4


def test_duplicate_kind_agrees_with_the_reason_when_titles_are_analysed(tmp_path):
    """Titles are prepended to the analysed documents' texts after the duplicate check: a dropped
    exact copy must still say "exact" (it did say "near", comparing the texts afterwards)."""
    a = article(7, paragraphs=4)
    docs = _rows(tmp_path, [{"id": "1", "outlet": "one", "title": "عنوان الخبر", "text": a},
                            {"id": "2", "outlet": "one", "title": "عنوان الخبر", "text": a},
                            {"id": "3", "outlet": "one", "title": "عنوان آخر", "text": _near(a)}],
                 analyse_titles=True)
    ledger = ledger_frame(docs)
    assert "exact copy" in docs[1].reason and "near-duplicate" in docs[2].reason
    assert ledger["duplicate_kind"].tolist() == ["", "exact", "near"]
