"""Context rules (``not_when``): where they apply and whether their examples hold.

A ``not_when`` rule of an entry, a category or a whole lexicon names the contexts in which a form
is another sense (a proper name, an idiom, a newsroom word): the matcher removes such hits (see
:class:`framing.lexicon.matcher.Excluded`). Each rule carries example phrases: ``positive`` ones
in which the rule removes a hit, ``negative`` ones in which the entry still counts. The lint and
the test suite run them through :func:`rule_example_problems`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from framing.lexicon.model import ContextRule, Lexicon


@dataclass(frozen=True)
class RuleScope:
    """A rule, the key path it was declared at, and the (category, entry) pairs it applies to."""

    rule: ContextRule
    key: str  # e.g. "categories.liberation.entries.tahrir.not_when[0]" or "...not_when.names"
    entries: tuple[tuple[str, str], ...]


def rule_scopes(lexicon: Lexicon) -> Iterator[RuleScope]:
    """Every not_when rule of a lexicon, with the entries it applies to."""
    everything = tuple((c.id, e.id) for c in lexicon.categories for e in c.entries)
    yield from _scoped(lexicon.not_when, "not_when", everything)
    for cat in lexicon.categories:
        in_cat = tuple((cat.id, e.id) for e in cat.entries)
        yield from _scoped(cat.not_when, f"categories.{cat.id}.not_when", in_cat)
        for ent in cat.entries:
            yield from _scoped(ent.not_when, f"categories.{cat.id}.entries.{ent.id}.not_when",
                               ((cat.id, ent.id),))


def _scoped(rules, base: str, entries) -> Iterator[RuleScope]:
    for k, rule in enumerate(rules):
        key = f"{base}.{rule.id}" if rule.id else (f"{base}[{k}]" if len(rules) > 1 else base)
        yield RuleScope(rule, key, entries)


def rule_example_problems(matcher, lexicon: Lexicon, scope: RuleScope) -> list[tuple[str, str]]:
    """(key path of the example, message) for each example of the rule that does not hold.

    A positive example must have a hit of one of the rule's entries removed by this rule; a
    negative example must have a hit of one of its entries that counts, and none removed by it.
    """
    from framing.arabic import tokenize

    rule, entries = scope.rule, set(scope.entries)
    out: list[tuple[str, str]] = []
    for kind, phrases in (("positive", rule.positive), ("negative", rule.negative)):
        for i, phrase in enumerate(phrases):
            hits, excluded = matcher.explain(tokenize(phrase, matcher.normaliser), phrase)
            mine = [m for m in hits if m.lexicon == lexicon.id and (m.category, m.entry) in entries]
            removed = [x for x in excluded if x.rule == rule and x.match.lexicon == lexicon.id
                       and (x.match.category, x.match.entry) in entries]
            key = f"{scope.key}.examples.{kind}[{i}]"
            if kind == "positive" and not removed:
                got = ", ".join(f"{m.category}.{m.entry} ({m.surface})" for m in mine) or "no hit of its entries"
                out.append((key, f"positive example {phrase!r}: the rule removes nothing here"
                                 f" (counted: {got})"))
            elif kind == "negative" and removed:
                out.append((key, f"negative example {phrase!r}: the rule removes"
                                 f" {', '.join(repr(x.match.surface) for x in removed)}"
                                 f" ({removed[0].phrase})"))
            elif kind == "negative" and not mine:
                out.append((key, f"negative example {phrase!r} has no hit of the rule's entries"
                                 " that counts; a negative example shows the entry counting"
                                 " where the rule does not apply"))
    return out


def name_problems(matcher, lexicon: Lexicon, scope: RuleScope) -> list[tuple[str, str]]:
    """Names of the rule that contain no form of its entries (so the name can never apply)."""
    from framing.arabic import tokenize

    out = []
    for i, name in enumerate(scope.rule.names):
        _hits, excluded = matcher.explain(tokenize(name, matcher.normaliser), name)
        if not any(x.rule == scope.rule and (x.match.category, x.match.entry) in scope.entries
                   for x in excluded):
            out.append((f"{scope.key}.names[{i}]", f"name {name!r} contains no form of the rule's"
                                                   " entries: it never applies"))
    return out
