"""Character n-gram counts through vocabularies (framing/ngrams.py): scikit-learn's ``char_wb``
vectorizer entry for entry (the same columns, counts and order of the entries in each row, which
the float sums of later products depend on)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from framing.ngrams import char_wb_counts, char_wb_fit, char_wb_transform

LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأؤإئةى"


def _words(n: int, seed: int, letters: str = LETTERS) -> list[str]:
    rng = random.Random(seed)
    words = {"".join(rng.choice(letters) for _ in range(rng.choice([1, 2, 2, 3, 4, 5, 7, 11]))) for _ in range(n)}
    words |= {"x", "ab", "abab", "aaaa", "Zebra", "zebra", "مدينة", "المدينة", "مدينه", "😀a"}
    return sorted(words)  # as a vocabulary comes: sorted


def _same(got, expected):
    assert type(got) is type(expected) and got.shape == expected.shape and got.dtype == expected.dtype
    for part in ("indptr", "indices", "data"):
        a, b = getattr(got, part), getattr(expected, part)
        assert a.dtype == b.dtype and np.array_equal(a, b), part


@pytest.mark.parametrize("ngrams", [(2, 4), (3, 5), (1, 3), (4, 4)])
def test_fit_is_the_vectorizers_entry_for_entry(ngrams):
    for seed in range(3):
        words = _words(300, seed)
        if seed == 2:
            random.Random(seed).shuffle(words)  # order of first occurrence other than the sorted one
        vec = CountVectorizer(analyzer="char_wb", ngram_range=ngrams, lowercase=False, dtype=np.float32)
        expected = vec.fit_transform(words)
        got, names = char_wb_fit(words, ngrams)
        assert list(names) == list(vec.get_feature_names_out())
        _same(got, expected)


@pytest.mark.parametrize("ngrams", [(2, 4), (3, 5)])
def test_transform_with_a_vocabulary_is_the_vectorizers(ngrams):
    fitted = CountVectorizer(analyzer="char_wb", ngram_range=ngrams, lowercase=False).fit(_words(200, 1))
    vocabulary = list(fitted.get_feature_names_out()[::3])
    words = _words(300, 7) + ["qqqq"]  # some n-grams never seen, one word with none at all
    vec = CountVectorizer(analyzer="char_wb", ngram_range=ngrams, lowercase=False, dtype=np.float32,
                          vocabulary=vocabulary)
    _same(char_wb_transform(words, vocabulary, ngrams), vec.transform(words))


def test_counts_have_the_vectorizers_columns_in_another_order():
    words = _words(200, 4)
    counts, names = char_wb_counts(words, (2, 4))
    vec = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=False)
    expected = vec.fit_transform(words).toarray()
    order = np.argsort(names)
    assert list(names[order]) == list(vec.get_feature_names_out())
    assert np.array_equal(counts.toarray()[:, order], expected)


def test_words_of_too_many_characters_fall_back_to_the_vectorizer():
    letters = "".join(chr(0x4E00 + i) for i in range(400))  # 400 characters: 8-grams do not fit one integer
    words = _words(100, 5, letters)
    vec = CountVectorizer(analyzer="char_wb", ngram_range=(2, 8), lowercase=False, dtype=np.float32)
    expected = vec.fit_transform(words)
    got, names = char_wb_fit(words, (2, 8))
    assert list(names) == list(vec.get_feature_names_out())
    _same(got, expected)
