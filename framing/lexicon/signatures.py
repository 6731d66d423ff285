"""What a matcher can do at a word, told word by word, so that two matchers can be compared.

A re-run after a lexicon edit matches again only the documents holding a word whose signature
changed (:mod:`framing.analyse.stored`); this module decides what a signature holds.
"""

from __future__ import annotations

from framing.lexicon.compiled import Seq, Target, Word
from framing.lexicon.context import Context
from framing.lexicon.model import ContextRule


def signatures(matcher) -> dict[str, tuple] | None:
    """For every normalised word that can start a hit under ``matcher`` (a
    :class:`framing.lexicon.Matcher`): the entries it is a form of and the multiword terms it
    starts, each with everything that decides a hit and its record (ids, declaration order,
    reach, rule, exclusions and ``not_when`` rules, the term's words). A document none of whose
    words has a different signature under two matchers (a word absent from the table has none)
    gets the same hits from both. None when a word's part cannot be told from its own entry
    (wildcard forms, lemmas). Lines and notes of the lexicon files are not part of it: moving an
    entry's text leaves its hits as they were."""
    if matcher._slow or matcher._use_lemmas:
        return None
    targets: dict[int, tuple] = {}
    seqs: dict[int, tuple] = {}
    excludes = matcher._excludes

    def word(w: Word) -> tuple:
        return tuple(sorted(w.full)), w.prefixes, w.any, tuple(sorted(w.via_h))

    def target(t: Target) -> tuple:
        got = targets.get(t.key)
        if got is None:
            rules = tuple((text, level, rule_signature(c.rule) if isinstance(c, Context) else None)
                          for text, level, c in excludes[t.key])
            got = targets[t.key] = (t.lex, t.lexicon, t.category, t.entry, t.order, t.reach, t.labels, rules)
        return got

    def seq(q: Seq) -> tuple:
        got = seqs.get(id(q))
        if got is None:
            got = seqs[id(q)] = (target(q.target), q.text, tuple(map(word, q.words)))
        return got

    return {norm: (tuple((target(t), rule, cost) for t, rule, cost in singles), tuple(map(seq, starts)))
            for norm, (singles, starts) in matcher._index.items()}


def rule_signature(rule: ContextRule | None) -> tuple | None:
    """A ``not_when`` rule as it matches (its words, window and ``unless``), without its line,
    note and examples."""
    if rule is None:
        return None
    return rule.id, rule.left, rule.right, rule.names, rule.window, rule_signature(rule.unless)
