"""A re-run after a lexicon edit matches again only the documents holding a word the edit touches;
every other document keeps its earlier hits. Whatever the edit, the hits are those of a run
that matches every document with the edited lexicons."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from framing.analyse import DocumentAnalyser, analyse_documents
from framing.analyse import engine
from framing.analyse.store import TokenStore
from framing.arabic import Normaliser
from framing.cache import Cache
from framing.lexicon import Matcher
from framing.lexicon.loader import load_lexicon_file, parse_lexicon, shipped_dir

DEMO = Path(__file__).resolve().parents[1] / "framing" / "demo"


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in (DEMO / "almanara.jsonl").read_text(encoding="utf-8").splitlines()]
    texts += pd.read_csv(DEMO / "alufuq.csv")["text"].astype(str).tolist()
    # words of the edits below, so that some documents hold them and the rest do not
    texts += ["وقال إن المستعمرين غادروا القرية بعد قوات الاحتلال.", "احتلال النادي المركز الثاني في الدوري."]
    return texts


def _conflict() -> dict:
    return yaml.safe_load((shipped_dir() / "conflict.yaml").read_text(encoding="utf-8"))


def _add_form(d):
    d["categories"][0]["entries"][0]["forms"].append("مستعمرين")


def _add_exclusion(d):
    d["categories"][0]["entries"][0].setdefault("exclude", []).append("قوات *")


def _new_first_entry(d):  # every later entry's declaration order moves
    d["categories"][0]["entries"].insert(0, {"id": "qura", "gloss": "village", "forms": ["القرية"], "sources": ["entman1993"]})


def _drop_category(d):
    del d["categories"][0]


def _change_rule(d):
    rule = d["categories"][0]["entries"][0]["not_when"][0]
    rule["window"] = 1


def _move_text_only(d):  # notes and examples are not part of what matches
    d["categories"][0]["entries"][0]["note"] = "another note"
    d["categories"][0]["entries"][0]["examples"]["negative"].append("مثال آخر")


EDITS = [_add_form, _add_exclusion, _new_first_entry, _drop_category, _change_rule, _move_text_only]


def _matcher(conflict: dict) -> Matcher:
    lexicons = [parse_lexicon(yaml.safe_dump(conflict, allow_unicode=True), "conflict.yaml"),
                load_lexicon_file(shipped_dir() / "attribution.yaml"),
                load_lexicon_file(shipped_dir() / "naming.yaml")]
    return Matcher(lexicons, Normaliser())


def _run(cache_dir, texts, matcher, counted):
    norm = Normaliser()
    store = TokenStore(Cache(cache_dir), norm.version)
    analyser = DocumentAnalyser(norm, matcher)
    analyser.count_terms = False  # as in a re-run: the keyness terms are known already
    out = analyse_documents(analyser, [(f"d{i}", t) for i, t in enumerate(texts)], store=store, jobs=1)
    store.save()
    return out


def _hits(analyses):
    return [(a.doc_id, a.n_tokens, list(a.matches), list(a.sentence_spans)) for a in analyses]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__.strip("_"))
def test_earlier_hits_are_kept_only_where_the_edit_cannot_reach(tmp_path, monkeypatch, edit):
    texts = _texts()
    before = _conflict()
    after = copy.deepcopy(before)
    edit(after)
    matched: list[int] = []
    real = engine.DocumentAnalyser.analyse_batch

    def counting(self, items, batch, vocab):
        matched.append(len(items))
        return real(self, items, batch, vocab)

    monkeypatch.setattr(engine.DocumentAnalyser, "analyse_batch", counting)
    _run(tmp_path / "cache", texts, _matcher(before), matched)
    matched.clear()
    again = _run(tmp_path / "cache", texts, _matcher(after), matched)
    rematched = sum(matched)
    monkeypatch.setattr(engine.DocumentAnalyser, "analyse_batch", real)
    plain = DocumentAnalyser(Normaliser(), _matcher(after))
    plain.count_terms = False
    every = [plain(f"d{i}", t) for i, t in enumerate(texts)]
    assert _hits(again) == _hits(every)
    if edit is _move_text_only:
        assert rematched == 0
    elif edit in (_add_form, _add_exclusion, _change_rule):
        assert 0 < rematched < len(texts)  # the documents with the entry's words only


def test_an_unchanged_lexicon_matches_nothing_again(tmp_path, monkeypatch):
    texts = _texts()
    matched: list[int] = []
    real = engine.DocumentAnalyser.analyse_batch
    monkeypatch.setattr(engine.DocumentAnalyser, "analyse_batch",
                        lambda self, items, batch, vocab: matched.append(len(items)) or real(self, items, batch, vocab))
    first = _run(tmp_path / "cache", texts, _matcher(_conflict()), matched)
    matched.clear()
    second = _run(tmp_path / "cache", texts, _matcher(_conflict()), matched)
    assert sum(matched) == 0 and _hits(first) == _hits(second)
