"""Every entry of every shipped lexicon carries positive and negative example phrases; run them all."""

from __future__ import annotations

import pytest

from framing.arabic import Normaliser
from framing.lexicon import Matcher, load_lexicons, shipped_ids

SHIPPED = shipped_ids()


def _cases():
    lexicons = load_lexicons(SHIPPED)
    for lex in lexicons:
        for cat in lex.categories:
            for ent in cat.entries:
                yield pytest.param(lex.id, cat.id, ent, id=f"{lex.id}.{cat.id}.{ent.id}")


@pytest.fixture(scope="module", params=[{}, {"ta_marbuta": False, "alef_maqsura": False}],
                ids=["default-normalisation", "no-folding"])
def matcher(request):
    return Matcher(load_lexicons(SHIPPED), Normaliser(**request.param))


def test_the_three_lexicons_are_shipped():
    assert {"conflict", "naming", "attribution"} <= set(SHIPPED)


@pytest.mark.parametrize("lexicon,category,entry", list(_cases()))
def test_entry_examples(matcher, lexicon, category, entry):
    assert entry.positive, f"{lexicon}.{category}.{entry.id}: no positive example"
    assert entry.negative, f"{lexicon}.{category}.{entry.id}: no negative example"
    for phrase in entry.positive:
        hits = [(m.category, m.entry) for m in matcher.match_text(phrase) if m.lexicon == lexicon]
        assert (category, entry.id) in hits, (
            f"{lexicon}.{category}.{entry.id}: positive example {phrase!r} does not match (got {hits})")
    for phrase in entry.negative:
        hits = [m for m in matcher.match_text(phrase)
                if m.lexicon == lexicon and m.category == category and m.entry == entry.id]
        assert not hits, (f"{lexicon}.{category}.{entry.id}: negative example {phrase!r} matches"
                          f" {[h.surface for h in hits]}")


def _rule_cases():
    from framing.lexicon.senses import rule_scopes

    for lex in load_lexicons(SHIPPED):
        for scope in rule_scopes(lex):
            yield pytest.param(lex, scope, id=f"{lex.id}.{scope.key}")


@pytest.mark.parametrize("lexicon,scope", list(_rule_cases()))
def test_context_rule_examples(matcher, lexicon, scope):
    """Every not_when rule of a shipped lexicon shows where it applies and where it does not."""
    from framing.lexicon.senses import rule_example_problems

    assert scope.rule.positive, f"{lexicon.id}.{scope.key}: no positive example"
    assert scope.rule.negative, f"{lexicon.id}.{scope.key}: no negative example"
    assert rule_example_problems(matcher, lexicon, scope) == []
