"""The batch tokeniser and the batch analysis give what the per-document functions give."""

from __future__ import annotations

import re

import numpy as np
import pytest

from framing.analyse.engine import DocumentAnalyser, _sentences_of, _term_counts
from framing.arabic.clitics import keyness_terms, strip_article
from framing.arabic import SENTENCE_END_RE, Normaliser, sentence_spans, token_arrays
from framing.lexicon import Matcher, load_lexicons, shipped_ids
from framing.analyse.tokens import Vocabulary, tokenize_batch

TEXTS = [
    "قالت وزارة الخارجية إن قوات الاحتلال اقتحمت القرية فجر اليوم.",
    "",
    "ـــ ـ \u064b\u064b كلمةٌ مُشَكَّلَة و ـالـحـرب 2024 COVID-19 e-mail",
    "𝐀𝐁 𝟏𝟐 中文 😀 ١٢٣ ٠ x\u200by a_b",  # letters and digits outside the BMP, Arabic-Indic digits
    "سطر أول\n\nسطر ثان... «اقتباس.» (قوس!) نهاية؟",
    "\ud800 كلمة\udfff بعدها",  # lone surrogates, as a bad JSON escape can leave them
    "    ",
    "وبالاحتلال وللاحتلال فالحرب كالحرب بالأمس الله لله",
]


def test_batch_tokens_equal_per_document_tokens():
    norm = Normaliser()
    vocab = Vocabulary(norm)
    batch = tokenize_batch(TEXTS, vocab)
    assert len(batch.bounds) == len(TEXTS) + 1
    for k, text in enumerate(TEXTS):
        surfaces, norms, starts, ends = token_arrays(text, Normaliser())
        a, z = batch.bounds[k], batch.bounds[k + 1]
        ids = batch.ids[a:z].tolist()
        assert [vocab.surfaces[i] for i in ids] == surfaces
        assert [vocab.norms[i] for i in ids] == norms
        assert batch.starts[a:z].tolist() == starts and batch.ends[a:z].tolist() == ends


def test_batches_split_by_size_give_the_same_tokens(monkeypatch):
    import framing.analyse.tokens as tokens

    whole = tokenize_batch(TEXTS * 3, Vocabulary(Normaliser()))
    monkeypatch.setattr(tokens, "BATCH_CHARS", 40)
    vocab = Vocabulary(Normaliser())
    split = tokenize_batch(TEXTS * 3, vocab)
    assert split.bounds.tolist() == whole.bounds.tolist()
    assert split.starts.tolist() == whole.starts.tolist() and split.ends.tolist() == whole.ends.tolist()
    # the same word gets the same id wherever it occurs
    surfaces = [vocab.surfaces[i] for i in split.ids]
    assert len(set(zip(surfaces, split.ids.tolist()))) == len(set(surfaces))


def test_kept_empty_words_are_every_word_re_word():
    # the topic stage's paragraphs count every WORD_RE word, tatweel or marks alone included
    from framing.analyse.tokens import token_batches
    from framing.arabic import WORD_RE

    vocab = Vocabulary(Normaliser())
    batches = list(token_batches(TEXTS, vocab, batch_chars=60, keep_empty=True))
    assert len(batches) > 1
    spans = []
    for batch in batches:
        for k in range(len(batch.bounds) - 1):
            a, z = batch.bounds[k], batch.bounds[k + 1]
            spans.append(list(zip(batch.starts[a:z].tolist(), batch.ends[a:z].tolist())))
    assert spans == [[m.span() for m in WORD_RE.finditer(text)] for text in TEXTS]
    assert "ـــ" in vocab.surfaces and vocab.norms[vocab.surfaces.index("ـــ")] == ""


def test_empty_batch():
    batch = tokenize_batch([], Vocabulary(Normaliser()))
    assert len(batch.ids) == 0 and batch.bounds.tolist() == [0]


def test_keyness_terms_in_bulk_equal_one_by_one():
    words = ["الحرب", "والحرب", "بالحرب", "وبالحرب", "للحرب", "ولل", "الا", "الي", "ال", "وال", "فالمدن", "كالبحر",
             "2024", "ab", "a", "", "لله", "اللاجئين", "covid", "والاحتلال"]
    norm = Normaliser()
    words = [norm.text(w) for w in words]
    expected = []
    for w in words:
        term = strip_article(w) if w.isalpha() else ""
        expected.append(term if len(term) >= 2 else "")
    assert keyness_terms(words) == expected


def test_sentence_end_pattern_matches_the_plain_alternation():
    plain = re.compile(r"[.!?؟؛…]+[\"'»”)\]]*(?=\s|$)|\n+")
    samples = ["a. b", "a.. b", "a.b", "a.\" b", "a.»\n\nb", "x!?؟ y", "\n\n\nz", "a؛b؛ c", "end.", "…", "a.)x. y",
               "قال: «انتهى.» ثم", "س\nص\r\nع"]
    for text in samples + TEXTS:
        assert [m.span() for m in SENTENCE_END_RE.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_sentences_of_matches_equal_sentence_spans():
    from framing.records import Match

    text = "  أول جملة هنا. ثانية!\n\nثالثة «مقتبسة.» رابعة؟ خامسة بلا نهاية  "
    spans = sentence_spans(text)
    starts = [m.start() for m in re.finditer(r"\w+", text)]
    matches = [Match("l", "c", "e", "", s, s + 1) for s in reversed(starts)]
    expected = []
    for m in matches:
        span = next(sp for sp in spans if sp[0] <= m.start < sp[1])
        expected.append(text[span[0]:span[1]])
    assert _sentences_of(text, matches) == expected


def test_term_counts_in_pieces():
    rng = np.random.default_rng(1)
    lengths = rng.integers(0, 120, 40)
    lengths[[3, 4, 17]] = 0  # documents without tokens
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    terms = rng.integers(-1, 30, int(bounds[-1])).astype(np.int32)
    expected = []
    for k in range(len(lengths)):
        seen: dict[int, int] = {}
        for t in terms[bounds[k]:bounds[k + 1]].tolist():
            if t >= 0:
                seen[t] = seen.get(t, 0) + 1
        expected += [(k, t, c) for t, c in seen.items()]
    for piece in (97, 1000, 10**6):
        docs, ids, counts = _term_counts(bounds, terms, 31, piece=piece)
        assert list(zip(docs.tolist(), ids.tolist(), counts.tolist())) == expected


@pytest.fixture(scope="module")
def analyser():
    norm = Normaliser()
    return DocumentAnalyser(norm, Matcher(load_lexicons(shipped_ids()), norm))


def test_batch_analysis_equals_the_matcher_on_each_document(analyser):
    texts = TEXTS + ["على حد تعبيره فإن ما وصفته الحكومة بالإرهاب لقي حتفه، وقف إطلاق النار",
                     "قوات الاحتلال الإسرائيلي ووصف ما يسمى بالمقاومة"]
    items = [(f"d{k}", t) for k, t in enumerate(texts)]
    results = analyser.run_chunk(items, local=True)
    matcher = analyser.matcher
    for (doc_id, text), res in zip(items, results):
        assert res.doc_id == doc_id
        assert res.matches == matcher.explain_arrays(*token_arrays(text, Normaliser()), text)[0]
        assert res.n_tokens == len(token_arrays(text, Normaliser())[0])
    assert sum(len(r.matches) for r in results) >= 5


def test_diacritics_are_removed_as_camel_tools_removes_them():
    import sys

    from camel_tools.utils.charsets import AR_DIAC_CHARSET
    from camel_tools.utils.dediac import dediac_ar

    from framing.arabic import AR_DIACRITICS, dediac

    assert set(AR_DIACRITICS) == set(AR_DIAC_CHARSET)
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert dediac(every) == dediac_ar(every)
    assert dediac("الْعَرَبِيَّةُ") == dediac_ar("الْعَرَبِيَّةُ") == "العربية"


def test_a_run_does_not_import_camel_tools_charsets():
    import subprocess
    import sys

    code = ("import sys; from framing.arabic import Normaliser; Normaliser().text('كَتَبَ'); "
            "print('camel_tools.utils.charsets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
