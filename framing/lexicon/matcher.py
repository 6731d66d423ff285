"""Match lexicon entries on tokens: dictionary lookups per distinct word, a first-word index for
multiword terms, exclusions, and leftmost-longest overlap resolution within each lexicon.

How one word is looked up (once per distinct normalised word, then cached):

1. its clitic analyses from :func:`framing.arabic.split_clitics` (the word itself first; an
   article and a pronoun suffix never together: *الاحتلاله is not Arabic);
2. each analysis' stem is looked up in the table of normalised forms (written forms plus their
   declared inflections), in the table of prefix forms (``انفصال*``) and, with a camel-tools
   analyzer, in the table of lemmas;
3. the word's *keys* (the word, its stems, article + stem) are what multiword terms and
   exclusion phrases are compared with, so clitics may sit on any word of a multiword term.

News text is Zipfian, so the per-token work is one dict lookup for the vast majority of tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from framing.arabic import Normaliser, split_clitics, tokenize
from framing.lexicon.model import Lexicon, inflection_suffixes
from framing.records import Match, Token

STAR = None  # in a compiled exclusion phrase: the hit itself
# A clitic analysis must leave a stem of at least three letters. Two-letter stems are almost all
# function words (ما، من، عن) whose clitic analyses are mostly wrong (كما "as", لما "when"); a
# lexicon lists such words with their clitics (ما|مما|عما|بما|وما).
MIN_CLITIC_STEM = 3
_MISS = object()
_GAP_BREAK = frozenset("\n.!?؟؛;")  # a multiword term does not run across these


@dataclass(frozen=True, slots=True)
class _Target:
    lex: int  # index of the lexicon in the matcher
    lexicon: str
    category: str
    entry: str
    key: int  # index into Matcher._excludes
    order: int  # declaration order, for deterministic tie-breaks


@dataclass(frozen=True, slots=True)
class _Word:
    """One word of a multiword term or exclusion phrase: exact alternatives and prefixes."""

    exact: frozenset
    prefixes: tuple[str, ...]

    def accepts(self, keys: frozenset) -> bool:
        if not self.exact.isdisjoint(keys):
            return True
        return any(k.startswith(p) for p in self.prefixes for k in keys)


ANY_WORD = _Word(frozenset(), ("",))  # "_" in a phrase: any one word


@dataclass(frozen=True, slots=True)
class _Seq:
    target: _Target
    words: tuple[_Word, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Excluded:
    """A hit that an exclusion removed, with the phrase that removed it."""

    match: Match
    phrase: str
    level: str  # "entry", "category" or "lexicon"


def _clitic_rule(prefix: str, suffix: str) -> str:
    if not prefix and not suffix:
        return ""
    parts: list[str] = []
    p = prefix
    if p[:1] in ("و", "ف"):
        parts.append(p[0])
        p = p[1:]
    if p == "لل":
        parts += ["ل", "ال"]
    elif p:
        if p[:1] in ("ب", "ل", "ك"):
            parts.append(p[0])
            p = p[1:]
        if p:
            parts.append(p)
    left = "+".join(parts)
    if suffix:
        return f"clitic:{left + '+' if left else ''}~+{suffix}"
    return f"clitic:{left}"


class Matcher:
    """Find lexicon hits in tokenised text.

    ``analyzer``: optional camel-tools morphological analyzer (anything with
    ``analyze(word) -> list[dict]`` giving ``lex``); entries' ``lemmas`` are then matched through
    it (see :mod:`framing.lexicon.camel_lemma`).
    """

    def __init__(self, lexicons: Sequence[Lexicon], normaliser: Normaliser | None = None,
                 analyzer=None) -> None:
        self.lexicons = list(lexicons)
        self.normaliser = normaliser or Normaliser()
        self.analyzer = analyzer
        self._forms: dict[str, list[tuple[_Target, str]]] = {}
        self._prefixes: dict[str, list[_Target]] = {}
        self._lemmas: dict[str, list[_Target]] = {}
        self._seq_first: dict[str, list[_Seq]] = {}
        self._seq_first_prefix: list[tuple[str, _Seq]] = []
        self._excludes: list[tuple[tuple[str, str, tuple], ...]] = []
        self._cache: dict[str, tuple | None] = {}
        self._keys_cache: dict[str, frozenset] = {}
        self._lemma_cache: dict[str, tuple[str, ...]] = {}
        self._compile()

    # -----------------------------------------------------------------------------------------
    # compilation

    def norm(self, word: str) -> str:
        return self.normaliser.word(word)

    def _word(self, spec: str) -> _Word:
        if spec == "_":
            return ANY_WORD
        exact, prefixes = set(), []
        for alt in spec.split("|"):
            alt = alt.strip()
            if not alt:
                continue
            if alt.endswith("*") and len(alt) > 1:
                prefixes.append(self.norm(alt[:-1]))
            else:
                n = self.norm(alt)
                if n:
                    exact.add(n)
        return _Word(frozenset(exact), tuple(prefixes))

    def _phrase(self, phrase: str) -> tuple:
        return tuple(STAR if w == "*" else self._word(w) for w in phrase.split())

    def _compile(self) -> None:
        order = 0
        for li, lex in enumerate(self.lexicons):
            lex_ex = tuple((x, "lexicon", self._phrase(x)) for x in lex.exclude)
            for cat in lex.categories:
                cat_ex = tuple((x, "category", self._phrase(x)) for x in cat.exclude)
                for ent in cat.entries:
                    ent_ex = tuple((x, "entry", self._phrase(x)) for x in ent.exclude)
                    target = _Target(li, lex.id, cat.id, ent.id, len(self._excludes), order)
                    order += 1
                    self._excludes.append(ent_ex + cat_ex + lex_ex)
                    for form in ent.forms:
                        if form.is_prefix:
                            key = self.norm(form.word[:-1])
                            if key:
                                self._prefixes.setdefault(key, []).append(target)
                            continue
                        suffixes = ("",) + inflection_suffixes(form.inflect)
                        for suffix in suffixes:
                            key = self.norm(form.word + suffix)
                            if not key:
                                continue
                            rule = f"inflect:{suffix}" if suffix else ""
                            bucket = self._forms.setdefault(key, [])
                            if not any(t is target for t, _ in bucket):
                                bucket.append((target, rule))
                    for seq_text in ent.sequences:
                        words = tuple(self._word(w) for w in seq_text.split())
                        if not words or any(not w.exact and not w.prefixes for w in words):
                            continue
                        seq = _Seq(target, words, seq_text)
                        for alt in words[0].exact:
                            self._seq_first.setdefault(alt, []).append(seq)
                        for p in words[0].prefixes:
                            self._seq_first_prefix.append((p, seq))
                    for lemma in ent.lemmas:
                        key = self.norm(_bare_lemma(lemma))
                        if key:
                            self._lemmas.setdefault(key, []).append(target)
        self._prefix_lengths = sorted({len(p) for p in self._prefixes})

    # -----------------------------------------------------------------------------------------
    # per distinct word

    def analyses(self, norm: str) -> list[tuple[str, str, str, str]]:
        """Allowed (prefix, stem, suffix, rule) analyses of a normalised word."""
        out = []
        for prefix, stem, suffix in split_clitics(norm):
            if suffix and (prefix.endswith("ال") or prefix.endswith("لل")):
                continue  # an article and a pronoun suffix never go together
            if (prefix or suffix) and len(stem) < MIN_CLITIC_STEM:
                continue  # كما is not ك+ما, لما not ل+ما: short words are listed with their clitics
            out.append((prefix, stem, suffix, _clitic_rule(prefix, suffix)))
        return out

    def keys(self, norm: str) -> frozenset:
        keys = self._keys_cache.get(norm)
        if keys is None:
            ks = {norm}
            for prefix, stem, _suffix, _rule in self.analyses(norm):
                ks.add(stem)
                if prefix.endswith("ال"):
                    ks.add("ال" + stem)
                elif prefix.endswith("لل"):
                    ks.add("ال" + stem)
            keys = self._keys_cache[norm] = frozenset(ks)
        return keys

    def _lookup(self, norm: str) -> tuple | None:
        """(single-word hits, multiword terms starting here) for one normalised word, or None."""
        best: dict[int, tuple[int, _Target, str]] = {}  # target.order -> (cost, target, rule)

        def offer(target: _Target, cost: int, rule: str) -> None:
            cur = best.get(target.order)
            if cur is None or cost < cur[0]:
                best[target.order] = (cost, target, rule)

        analyses = self.analyses(norm)
        for prefix, stem, suffix, crule in analyses:
            cost = len(prefix) + len(suffix)
            for target, irule in self._forms.get(stem, ()):
                rule = ";".join(r for r in (crule, irule) if r) or "exact"
                offer(target, cost, rule)
            if self._prefix_lengths:
                for n in self._prefix_lengths:
                    if n > len(stem):
                        break
                    for target in self._prefixes.get(stem[:n], ()):
                        offer(target, cost + 1, ";".join(r for r in (crule, "prefix") if r))
        if self.analyzer is not None and self._lemmas:
            for lemma in self._lemmas_of(norm):
                for target in self._lemmas.get(lemma, ()):
                    offer(target, 50, "lemma")
        seqs: list[_Seq] = []
        if self._seq_first or self._seq_first_prefix:
            keys = self.keys(norm)
            for k in keys:
                seqs.extend(self._seq_first.get(k, ()))
            for p, seq in self._seq_first_prefix:
                if any(k.startswith(p) for k in keys):
                    seqs.append(seq)
        if not best and not seqs:
            return None
        singles = tuple((t, r, c) for c, t, r in sorted(best.values(), key=lambda x: (x[0], x[1].order)))
        seqs = sorted(set(seqs), key=lambda s: (s.target.order, s.text))
        return singles, tuple(seqs)

    def _lemmas_of(self, norm: str) -> tuple[str, ...]:
        got = self._lemma_cache.get(norm)
        if got is None:
            lemmas = []
            try:
                analyses = self.analyzer.analyze(norm)
            except Exception:  # noqa: BLE001 - an analyzer failure on one word is a non-match
                analyses = []
            for a in analyses:
                lex = a.get("lex") if isinstance(a, dict) else None
                if lex:
                    n = self.norm(_bare_lemma(lex))
                    if n and n not in lemmas:
                        lemmas.append(n)
            got = self._lemma_cache[norm] = tuple(lemmas)
        return got

    # -----------------------------------------------------------------------------------------
    # matching

    def match(self, tokens: Sequence[Token], text: str) -> list[Match]:
        """Lexicon hits (exclusions applied, overlaps resolved) with offsets into ``text``."""
        return self.explain(tokens, text)[0]

    def match_text(self, text: str) -> list[Match]:
        return self.match(tokenize(text, self.normaliser), text)

    def explain(self, tokens: Sequence[Token], text: str) -> tuple[list[Match], list[Excluded]]:
        """Hits and the hits that exclusions removed."""
        cache = self._cache
        lookup = self._lookup
        cands: list[tuple[int, int, _Target, str, int]] = []  # (i, j, target, rule, cost)
        n = len(tokens)
        for i, tok in enumerate(tokens):
            info = cache.get(tok.norm, _MISS)
            if info is _MISS:
                info = cache[tok.norm] = lookup(tok.norm)
            if info is None:
                continue
            singles, seqs = info
            for target, rule, cost in singles:
                if "~+ه" in rule and _ends_with_ta_marbuta(tok.surface):
                    continue  # دانة is not دان+ه: the folded ة is not a pronoun
                cands.append((i, i + 1, target, rule, cost))
            for seq in seqs:
                j = self._extend(seq, tokens, i, n, text)
                if j:
                    cands.append((i, j, seq.target, "sequence", 0))
        if not cands:
            return [], []
        kept, excluded = [], []
        for i, j, target, rule, cost in cands:
            why = self._excluded_by(target, tokens, i, j)
            if why is None:
                kept.append((i, j, target, rule, cost))
            else:
                excluded.append(Excluded(self._make(tokens, text, i, j, target, rule), why[0], why[1]))
        return self._resolve(kept, tokens, text), excluded

    def _extend(self, seq: _Seq, tokens: Sequence[Token], i: int, n: int, text: str) -> int:
        words = seq.words
        if i + len(words) > n:
            return 0
        for k in range(1, len(words)):
            tok = tokens[i + k]
            gap = text[tokens[i + k - 1].end:tok.start]
            if gap and not _GAP_BREAK.isdisjoint(gap):
                return 0
            if not words[k].accepts(self.keys(tok.norm)):
                return 0
        return i + len(words)

    def _excluded_by(self, target: _Target, tokens: Sequence[Token], i: int, j: int):
        for phrase_text, level, phrase in self._excludes[target.key]:
            if self._phrase_covers(phrase, tokens, i, j):
                return phrase_text, level
        return None

    def _phrase_covers(self, phrase: tuple, tokens: Sequence[Token], i: int, j: int) -> bool:
        n = len(tokens)
        if STAR in phrase:
            k = phrase.index(STAR)
            before, after = phrase[:k], phrase[k + 1:]
            if i - len(before) < 0 or j + len(after) > n:
                return False
            for w, tok in zip(before, tokens[i - len(before):i]):
                if not w.accepts(self.keys(tok.norm)):
                    return False
            for w, tok in zip(after, tokens[j:j + len(after)]):
                if not w.accepts(self.keys(tok.norm)):
                    return False
            return True
        length = len(phrase)
        for s in range(max(0, j - length), i + 1):
            if s + length > n or s + length < j:
                continue
            if all(w.accepts(self.keys(tok.norm)) for w, tok in zip(phrase, tokens[s:s + length])):
                return True
        return False

    def _resolve(self, kept, tokens, text) -> list[Match]:
        """Within each lexicon keep leftmost-longest hits; lexicons do not compete."""
        kept.sort(key=lambda c: (c[2].lex, c[0], -(c[1] - c[0]), c[4], c[2].order))
        out: list[Match] = []
        last_lex, last_end = -1, -1
        for i, j, target, rule, _cost in kept:
            if target.lex != last_lex:
                last_lex, last_end = target.lex, -1
            if i < last_end:
                continue
            last_end = j
            out.append(self._make(tokens, text, i, j, target, rule))
        out.sort(key=lambda m: (m.start, m.end, self._lex_index(m.lexicon)))
        return out

    def _lex_index(self, lexicon_id: str) -> int:
        for i, lex in enumerate(self.lexicons):
            if lex.id == lexicon_id:
                return i
        return len(self.lexicons)

    @staticmethod
    def _make(tokens, text, i, j, target: _Target, rule: str) -> Match:
        start, end = tokens[i].start, tokens[j - 1].end
        return Match(target.lexicon, target.category, target.entry, text[start:end], start, end, rule)

    # -----------------------------------------------------------------------------------------

    def reachable_words(self) -> dict[str, list[tuple[str, str, str]]]:
        """Normalised single-word form -> [(lexicon, category, entry)], for linting."""
        return {k: [(t.lexicon, t.category, t.entry) for t, _ in v] for k, v in self._forms.items()}


def _ends_with_ta_marbuta(surface: str) -> bool:
    end = len(surface)
    while end and ("\u064b" <= surface[end - 1] <= "\u065f" or surface[end - 1] in "\u0640\u0670"):
        end -= 1
    return end > 0 and surface[end - 1] == "ة"


def _bare_lemma(lemma: str) -> str:
    """camel-tools lemmas carry a sense or pattern suffix ("رَمَى-ِ", "كِتاب_1"): drop it."""
    for sep in ("_", "-"):
        if sep in lemma:
            lemma = lemma.split(sep, 1)[0]
    return lemma


def match_texts(matcher: Matcher, texts: Iterable[str]) -> Iterable[list[Match]]:
    for text in texts:
        yield matcher.match_text(text)
