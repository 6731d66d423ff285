"""Output stays proportional to input: a hit's sentence is capped, whatever the document."""

from __future__ import annotations

import random

import pytest

from framing.analyse import analyse_documents
from framing.analyse.engine import DocumentAnalyser, _sentences_of
from framing.analyse.tables import match_frame
from framing.arabic import Normaliser
from framing.lexicon import Matcher, load_lexicons
from framing.limits import SENTENCE_MAX_CHARS, sentence_window
from framing.records import Document, Match

WORDS = ("قالت الحكومة إن القوات دخلت المدينة صباح اليوم وسط اشتباكات مع السكان المحليين في المنطقة "
         "الشمالية من البلاد بعد أيام من المفاوضات التي لم تصل إلى اتفاق").split()


def _text_without_breaks(n_chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = []
    size = 0
    while size < n_chars:
        w = "الاحتلال" if rng.random() < 0.02 else rng.choice(WORDS)
        words.append(w)
        size += len(w) + 1
    return " ".join(words)


def test_a_short_sentence_is_kept_whole():
    text = "جملة أولى. قالت الحكومة إن الاحتلال مستمر. جملة ثالثة"
    start = text.index("الاحتلال")
    [s] = _sentences_of(text, [Match("l", "c", "e", "الاحتلال", start, start + 8, "")])
    assert s == "قالت الحكومة إن الاحتلال مستمر."


@pytest.mark.parametrize("where", [0, 10, 5_000, 49_990])
def test_a_hit_in_a_long_sentence_gets_a_window_around_it(where):
    text = ("كلمة " * 10_000)[:50_000]
    text = text[:where] + "هدف" + text[where + 3:]
    [s] = _sentences_of(text, [Match("l", "c", "e", "هدف", where, where + 3, "")])
    assert len(s) <= SENTENCE_MAX_CHARS
    assert "هدف" in s


def test_a_window_is_cut_at_spaces_when_one_is_near():
    text = "كلمة " * 1000
    a, z = sentence_window(text, 0, len(text), 2500, 2504)
    assert text[a - 1] == " " and text[z] == " "
    assert a <= 2500 and z >= 2504 and z - a <= SENTENCE_MAX_CHARS


def test_a_hit_longer_than_the_limit_keeps_its_beginning():
    text = "ب" * 5000
    assert sentence_window(text, 0, 5000, 100, 900) == (100, 100 + SENTENCE_MAX_CHARS)


def test_matches_of_a_10_mb_document_without_line_breaks_stay_proportional_to_it(tmp_path):
    text = _text_without_breaks(10_000_000)
    normaliser = Normaliser()
    matcher = Matcher(load_lexicons(["conflict"]), normaliser)
    [analysis] = analyse_documents(DocumentAnalyser(normaliser, matcher), [("d", text)], jobs=1)
    assert len(analysis.matches) > 10_000
    assert max(map(len, analysis.sentences)) <= SENTENCE_MAX_CHARS
    doc = Document(doc_id="d", outlet="o", source="d.txt", text=text)
    path = tmp_path / "matches.csv"
    match_frame([doc], [analysis]).to_csv(path, index=False)
    in_bytes = len(text.encode("utf-8"))
    out_bytes = path.stat().st_size
    # about 2% of the words are hits, each with at most a 400-character window: a few times the input
    assert out_bytes < 3 * in_bytes, (out_bytes, in_bytes)
