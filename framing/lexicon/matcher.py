"""Match lexicon entries on tokens: one dictionary lookup per token, a first-word index for
multiword terms, exclusions, and leftmost-longest overlap resolution within each lexicon.

Clitics are expanded when the matcher is built, not analysed per word: every normalised form
(written forms plus their declared inflections) is joined with every proclitic chain and pronoun
suffix of :mod:`framing.arabic.clitics` (و ف, ب ل ك, ال, لل and their combinations; ه ها هم هما
هن كم كن نا ي, not ك and ني: see MATCH_ENCLITICS there), under two rules of Arabic:

* an article and a pronoun suffix never go together (*الاحتلاله);
* a clitic never leaves a stem shorter than ``MIN_STEM`` (three) letters: two-letter stems are
  function words (ما، من، عن) whose clitic readings are mostly wrong (كما "as" is not ك+ما), so a
  lexicon lists them with their clitics (ما|مما|عما|بما|وما).

A text token then needs a single dict lookup, so reading-to-matches costs about as much as
tokenising. Prefix forms (``انفصال*``, from LIWC or quanteda dictionaries) go through
:func:`framing.arabic.clitics.split_clitics` once per distinct normalised word; camel-tools lemmas
(``analyzer=``) through the analyzer once per distinct surface word, which it needs as written.

Multiword terms: each word of a term may carry clitics (لمكافحة الإرهاب); words are separated by
spaces or non-sentence punctuation (quotes, dashes), never by a line break or . ! ? ؟ ؛.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Sequence

from framing.arabic import Normaliser, tokenize
from framing.arabic.clitics import has_article
from framing.lexicon.compiled import (
    ANY_WORD,
    BUILT,
    TABLES,
    Excluded,
    Seq,
    Target,
    Word,
    bare_lemma,
    build_key,
    ends_with_ta_marbuta,
    hit_order,
    make_match,
    seq_order,
)
from framing.lexicon.context import GAP_BREAK, Context, compile_context, context_matches, distanced_hits
from framing.lexicon.context import phrase_covers
from framing.lexicon.model import ContextRule, Lexicon, inflection_suffixes
from framing.lexicon.spellings import clitic_pairs, clitic_readings, clitic_rule
from framing.records import Match, Token

NOT_CANDIDATE, STARTS_HIT, STARTS_TERM = 0, 1, 2  # Matcher.candidate_kind
ANY_BIT = 1 << 63  # Matcher.need_mask / offer_mask: "_", any second word
STAR = None  # in a compiled exclusion phrase: the hit itself
DISTANCEABLE_KINDS = ("frames", "naming")  # hits a distancing marker can put in someone else's mouth
_NOTHING = ((), ())


class Matcher:
    """Find lexicon hits in tokenised text.

    ``analyzer``: optional camel-tools morphological analyzer (anything with
    ``analyze(word) -> list[dict]`` giving ``lex``); or ``morphology_db``: a camel-tools database
    file or name, loaded with :func:`framing.lexicon.camel_lemma.load_analyzer`. With neither,
    when some entry lists ``lemmas`` and ``CAMELTOOLS_DATA`` holds the default database, that one
    is used (``use_env=False`` turns this off). ``self.morphology`` says which database is in use.

    A matcher pickles small (its lexicons and settings) and rebuilds its tables on unpickling,
    once per process for the same lexicons.
    """

    def __init__(self, lexicons: Sequence[Lexicon], normaliser: Normaliser | None = None,
                 analyzer=None, *, morphology_db: str | Path | None = None,
                 use_env: bool = True) -> None:
        self.lexicons = list(lexicons)
        self.normaliser = normaliser or Normaliser()
        self.morphology: str | None = None
        self._morphology_arg = morphology_db
        self._use_env = use_env
        has_lemmas = any(e.lemmas for lx in self.lexicons for c in lx.categories for e in c.entries)
        if analyzer is None and (morphology_db is not None or (use_env and has_lemmas)):
            from framing.lexicon.camel_lemma import find_database, load_analyzer

            path = find_database(morphology_db)  # a database that was named must exist
            if path is not None and has_lemmas:  # loaded only when some entry has lemmas
                analyzer = load_analyzer(path)
                self.morphology = str(path)
        elif analyzer is not None:
            self.morphology = getattr(analyzer, "framing_source", None) or type(analyzer).__name__
        self.analyzer = analyzer
        self._lemma_cache: dict[str, tuple] = {}
        self._lex_order = {lex.id: i for i, lex in enumerate(self.lexicons)}
        key = build_key(self.lexicons, self.normaliser)
        built = BUILT.get(key) if key is not None else None
        if built is None:
            self._reset_tables()
            self._compile()
            built = {name: getattr(self, name) for name in TABLES}
            if key is not None:
                BUILT.clear()  # keep one build per process: a run uses one set of lexicons
                BUILT[key] = built
        else:
            self.__dict__.update(built)
        self._slow = bool(self._prefixes or self._seq_first_prefix)
        self._use_lemmas = bool(self.analyzer is not None and self._lemmas)

    def _reset_tables(self) -> None:
        # full normalised word -> [(target, rule, cost)]
        self._full: dict[str, list[tuple[Target, str, int]]] = {}
        self._prefixes: dict[str, list[Target]] = {}  # wildcard forms
        self._lemmas: dict[str, list[Target]] = {}
        self._seq_first: dict[str, list[Seq]] = {}  # full normalised word -> terms starting here
        self._seq_first_prefix: list[tuple[str, Seq]] = []
        self._excludes: list[tuple[tuple[str, str, tuple], ...]] = []

    def __getstate__(self):
        analyzer = self.analyzer
        if analyzer is not None and self._morphology_arg is None and self.morphology and \
                Path(self.morphology).is_file():
            analyzer = None  # found from the environment: the worker finds it again
        return {"lexicons": self.lexicons, "normaliser": self.normaliser,
                "analyzer": analyzer if self._morphology_arg is None else None,
                "morphology_db": self._morphology_arg, "use_env": self._use_env}

    def __setstate__(self, state):
        self.__init__(state["lexicons"], state["normaliser"], state["analyzer"],
                      morphology_db=state["morphology_db"], use_env=state["use_env"])

    # -----------------------------------------------------------------------------------------
    # compilation

    def norm(self, word: str) -> str:
        """The normalised form of a word, as the matcher compares words."""
        return self.normaliser.word(word)

    def _word(self, spec: str, enclitics: bool = True, article: bool = True,
              clitics: bool = True) -> Word:
        """A word of a multiword term or exclusion phrase: "a|b" alternatives, "x*" prefixes,
        "_" any word. ``article=False``: the article is not added to a word written without it
        (رئيس is not الرئيس); ``clitics=False``: the word exactly as written (normalised)."""
        if spec == "_":
            return ANY_WORD
        full: set[str] = set()
        via_h: set[str] = set()
        plain: set[str] = set()
        prefixes: list[str] = []
        for alt in spec.split("|"):
            alt = alt.strip()
            if not alt:
                continue
            if alt.endswith("*") and len(alt) > 1:
                prefixes.append(self.norm(alt[:-1]))
                continue
            n = self.norm(alt)
            if not n:
                continue
            if not clitics:
                full.add(n)
                plain.add(n)
                continue
            for stem, p, x, _r in clitic_pairs(n, enclitics):
                if not article and has_article(p) and not n.startswith("ال"):
                    continue
                w = p + stem + x
                full.add(w)
                (via_h if x == "ه" else plain).add(w)
        return Word(frozenset(full), tuple(prefixes), False, frozenset(via_h - plain))

    def _phrase(self, phrase: str) -> tuple[int, tuple]:
        """An exclusion phrase: where "*" (the hit itself) is, -1 for none, and its words."""
        words = tuple(STAR if w == "*" else self._word(w) for w in phrase.split())
        return next((k for k, w in enumerate(words) if w is STAR), -1), words

    def _exclusions(self, phrases: tuple[str, ...], rules: tuple[ContextRule, ...], level: str) -> tuple:
        """(text, level, compiled) for each exclude phrase and each not_when rule of one level."""
        return (tuple((x, level, self._phrase(x)) for x in phrases)
                + tuple((r.label, level, compile_context(r, self._word)) for r in rules))

    def _compile(self) -> None:
        self._prefix_lengths: list[int] = []
        order = 0
        for li, lex in enumerate(self.lexicons):
            lex_ex = self._exclusions(lex.exclude, lex.not_when, "lexicon")
            for cat in lex.categories:
                cat_ex = self._exclusions(cat.exclude, cat.not_when, "category")
                for ent in cat.entries:
                    ent_ex = self._exclusions(ent.exclude, ent.not_when, "entry")
                    reach = (ent.distances.left, ent.distances.right) if ent.distances else (0, 0)
                    target = Target(li, lex.id, cat.id, ent.id, len(self._excludes), order,
                                    reach, lex.kind in DISTANCEABLE_KINDS)
                    order += 1
                    self._excludes.append(ent_ex + cat_ex + lex_ex)
                    for form in ent.forms:
                        if form.is_prefix:
                            key = self.norm(form.word[:-1])
                            if key:
                                self._prefixes.setdefault(key, []).append(target)
                            continue
                        for suffix in ("",) + inflection_suffixes(form.inflect):
                            stem = self.norm(form.word + suffix)
                            if stem:
                                self._add_form(stem, target, f"inflect:{suffix}" if suffix else "",
                                               enclitics=not ent.proper)
                    for seq_text in ent.sequences:
                        parts = seq_text.split()
                        words = tuple(
                            self._word(w, enclitics=(k == len(parts) - 1 and not ent.proper))
                            for k, w in enumerate(parts))
                        if len(words) < 2 or any(not (w.full or w.prefixes or w.any) for w in words):
                            continue
                        seq = Seq(target, words, seq_text)
                        for full in words[0].full:
                            self._seq_first.setdefault(full, []).append(seq)
                        for p in words[0].prefixes:
                            self._seq_first_prefix.append((p, seq))
                    for lemma in ent.lemmas:
                        key = self.norm(bare_lemma(lemma))
                        if key:
                            self._lemmas.setdefault(key, []).append(target)
        self._prefix_lengths = sorted({len(p) for p in self._prefixes})
        # every word with a single-word hit or starting a multiword term, with what it starts
        self._seen: set[str] = set()
        index: dict[str, tuple] = {}
        for norm, bucket in self._full.items():
            if len(bucket) > 1:
                bucket[:] = sorted(dict.fromkeys(bucket), key=hit_order)
            index[norm] = (tuple(bucket), ())
        for norm, seqs in self._seq_first.items():
            if len(seqs) > 1:
                seqs[:] = sorted(dict.fromkeys(seqs), key=seq_order)
            cur = index.get(norm)
            index[norm] = (cur[0] if cur else (), tuple(seqs))
        self._index = index

    def _add_form(self, word: str, target: Target, irule: str, enclitics: bool = True) -> None:
        # every reading is kept: "مدعيه" is مدعية (inflected) or مدعي+ه, and which one holds
        # depends on the surface (ة or ه), checked per token
        extra = 1 if irule else 0
        setdefault = self._full.setdefault
        for stem, prefix, suffix, crule in clitic_pairs(word, enclitics):
            rule = (f"{crule};{irule}" if irule else crule) if crule else (irule or "exact")
            setdefault(prefix + stem + suffix, []).append(
                (target, rule, len(prefix) + len(suffix) + extra))

    # -----------------------------------------------------------------------------------------
    # per distinct word

    def _lookup(self, norm: str) -> tuple | None:
        """(single-word hits, multiword terms starting here) for one normalised word, or None."""
        hits = list(self._full.get(norm, ()))
        seqs = list(self._seq_first.get(norm, ()))
        if self._slow:
            seen = {t.order for t, _r, _c in hits}
            for prefix, stem, suffix in clitic_readings(norm):
                crule = clitic_rule(prefix, suffix)
                for n in self._prefix_lengths:
                    if n > len(stem):
                        break
                    for target in self._prefixes.get(stem[:n], ()):
                        if target.order not in seen:
                            seen.add(target.order)
                            hits.append((target, ";".join(r for r in (crule, "prefix") if r),
                                         len(prefix) + len(suffix) + 1))
                for p, seq in self._seq_first_prefix:
                    if stem.startswith(p) and seq not in seqs:
                        seqs.append(seq)
        if not hits and not seqs:
            return None
        hits = sorted(dict.fromkeys(hits), key=hit_order)
        seqs = sorted(dict.fromkeys(seqs), key=seq_order)
        return tuple(hits), tuple(seqs)

    def _lemma_hits(self, surface: str) -> tuple:
        """Hits through the analyzer's lemmas for one surface word (cached per surface: the
        analyzer needs the word as written, with its ة and ى)."""
        got = self._lemma_cache.get(surface)
        if got is None:
            hits = []
            try:
                analyses = self.analyzer.analyze(surface.replace("\u0640", ""))
            except Exception:  # noqa: BLE001 - an analyzer failure on one word is a non-match
                analyses = []
            seen: set[int] = set()
            for a in analyses:
                lex = a.get("lex") if isinstance(a, dict) else None
                if not lex:
                    continue
                for target in self._lemmas.get(self.norm(bare_lemma(lex)), ()):
                    if target.order not in seen:
                        seen.add(target.order)
                        hits.append((target, "lemma", 50))
            got = self._lemma_cache[surface] = tuple(hits)
        return got

    def _accepts(self, word: Word, norm: str, surface: str = "") -> bool:
        if word.any:
            return True
        if norm in word.full:
            return not (surface and norm in word.via_h and ends_with_ta_marbuta(surface))
        if word.prefixes:
            stems = {norm} | {s for _p, s, _x in clitic_readings(norm)}
            return any(s.startswith(p) for p in word.prefixes for s in stems)
        return False

    # -----------------------------------------------------------------------------------------
    # matching

    def match(self, tokens: Sequence[Token], text: str) -> list[Match]:
        """Lexicon hits (exclusions applied, overlaps resolved) with offsets into ``text``."""
        return self.explain(tokens, text)[0]

    def match_text(self, text: str) -> list[Match]:
        """The hits in a text (tokenised here)."""
        return self.match(tokenize(text, self.normaliser), text)

    def explain(self, tokens: Sequence[Token], text: str) -> tuple[list[Match], list[Excluded]]:
        """Hits, and the hits that exclusions removed."""
        return self.explain_arrays([t.surface for t in tokens], [t.norm for t in tokens],
                                   [t.start for t in tokens], [t.end for t in tokens], text)

    def explain_arrays(self, surfaces, norms, starts, ends, text) -> tuple[list[Match], list[Excluded]]:
        """Hits and excluded hits on parallel lists of surfaces, normalised forms and offsets (as
        ``framing.arabic.token_arrays`` gives them)."""
        index = self._index
        if self._slow:  # prefix forms: analyse each new distinct word once
            for norm in set(norms).difference(self._seen):
                self.is_candidate(norm, "")
        positions = [i for i, norm in enumerate(norms) if norm in index]
        if self._use_lemmas:
            more = [i for i, surface in enumerate(surfaces) if self._lemma_hits(surface)]
            if more:
                positions = sorted(set(positions).union(more))
        return self.explain_at(positions, surfaces, norms, starts, ends, text)

    @property
    def needs_surfaces(self) -> bool:
        """Whether :meth:`candidate_kind` depends on the surface form too (lemmas from a
        morphological analyzer), not only on the normalised form."""
        return self._use_lemmas

    def is_candidate(self, norm: str, surface: str) -> bool:
        """Whether a token (normalised and as written) can start a hit: the per-word test behind
        :meth:`explain_at`, for callers that keep one answer per distinct word."""
        return self.candidate_kind(norm, surface) != NOT_CANDIDATE

    def candidate_kind(self, norm: str, surface: str) -> int:
        """STARTS_HIT when the word has a single-word hit, STARTS_TERM when it only starts
        multiword terms (a hit needs a next word that can be their second word: :meth:`need_mask`), else
        NOT_CANDIDATE."""
        index = self._index
        if self._slow and norm not in self._seen:
            self._seen.add(norm)
            info = self._lookup(norm)
            if info is not None:
                index[norm] = info
        info = index.get(norm)
        if (info is not None and info[0]) or (self._use_lemmas and surface and self._lemma_hits(surface)):
            return STARTS_HIT
        return STARTS_TERM if info is not None and info[1] else NOT_CANDIDATE

    # A multiword term can only match where the next word can be its second word. To test that
    # for all tokens at once, every distinct second word gets one of 63 bits (several words may
    # share a bit: the test may let a position through, never hold a real hit back), and "_"
    # (any word) the last bit: a word starting terms "needs" the bits of their second words, a
    # word "offers" the bits of the second words it can be.

    def need_mask(self, norm: str) -> int:
        """Bits of the second words of the multiword terms starting with ``norm`` (0: none);
        call :meth:`candidate_kind` on the word first."""
        info = self._index.get(norm)
        if info is None or not info[1]:
            return 0
        bits = self._second_bits[0]
        mask = 0
        for seq in info[1]:
            mask |= bits[seq.words[1]]
        return mask

    def offer_mask(self, norm: str) -> int:
        """Bits of the second words that ``norm`` can be."""
        _bits, by_full, with_prefixes = self._second_bits
        mask = by_full.get(norm, 0) | ANY_BIT
        for word, bit in with_prefixes:
            if self._accepts(word, norm):
                mask |= bit
        return mask

    @cached_property
    def _second_bits(self) -> tuple[dict, dict[str, int], list]:
        """(bit of each distinct second word, bits by full normalised word, the words with
        prefixes and their bits)."""
        seqs = [q for qs in self._seq_first.values() for q in qs] + [q for _p, q in self._seq_first_prefix]
        bits: dict[Word, int] = {}
        by_full: dict[str, int] = {}
        with_prefixes = []
        for word in dict.fromkeys(q.words[1] for q in seqs):
            bit = bits[word] = ANY_BIT if word.any else 1 << (len(bits) % 63)
            for full in word.full:
                by_full[full] = by_full.get(full, 0) | bit
            if word.prefixes:
                with_prefixes.append((word, bit))
        return bits, by_full, with_prefixes

    def signatures(self) -> dict[str, tuple] | None:
        """What the matcher can do at each word (:func:`framing.lexicon.signatures.signatures`)."""
        from framing.lexicon.signatures import signatures

        return signatures(self)

    def explain_at(self, positions, surfaces, norms, starts, ends, text) -> tuple[list[Match], list[Excluded]]:
        """:meth:`explain_arrays` given the token positions that can start a hit (those for which
        :meth:`is_candidate` is true), in increasing order."""
        index = self._index
        cands: list[tuple[int, int, Target, str, int]] = []  # (i, j, target, rule, cost)
        n = len(norms)
        lemmas = self._use_lemmas
        for i in positions:
            singles, seqs = index.get(norms[i], _NOTHING)
            if lemmas:
                extra = self._lemma_hits(surfaces[i])
                if extra:
                    singles = singles + extra
            if singles:
                done = None
                for target, rule, cost in singles:
                    if done is not None and target.order in done:
                        continue
                    if "~+ه" in rule and ends_with_ta_marbuta(surfaces[i]):
                        continue  # دانة is not دان+ه: a folded ة is not a pronoun
                    cands.append((i, i + 1, target, rule, cost))
                    if done is None:
                        done = {target.order}
                    else:
                        done.add(target.order)
            for seq in seqs:
                j = self._extend(seq, surfaces, norms, starts, ends, i, n, text)
                if j:
                    cands.append((i, j, seq.target, "sequence", 0))
        if not cands:
            return [], []
        kept, excluded = [], []
        for cand in cands:
            i, j, target, rule, _cost = cand
            why = self._excluded_by(target, norms, i, j, starts, ends, text)
            if why is None:
                kept.append(cand)
            else:
                excluded.append(Excluded(make_match(starts, ends, text, i, j, target, rule), *why))
        return self._resolve(kept, starts, ends, text), excluded

    def _extend(self, seq: Seq, surfaces, norms, starts, ends, i: int, n: int, text: str) -> int:
        words = seq.words
        if i + len(words) > n:
            return 0
        if not self._accepts(words[0], norms[i], surfaces[i]):
            return 0
        for k in range(1, len(words)):
            gap = text[ends[i + k - 1]:starts[i + k]]
            if gap and not GAP_BREAK.isdisjoint(gap):
                return 0
            if not self._accepts(words[k], norms[i + k], surfaces[i + k]):
                return 0
        return i + len(words)

    def _excluded_by(self, target: Target, norms, i: int, j: int, starts, ends, text):
        """(what matched, level, not_when rule or None) for the first exclusion that removes the
        hit on tokens i..j-1, or None."""
        for phrase_text, level, phrase in self._excludes[target.key]:
            if isinstance(phrase, Context):
                found = context_matches(phrase, self._accepts, self._phrase_covers, norms, i, j, starts, ends, text)
                if found:
                    return found, level, phrase.rule
            elif self._phrase_covers(phrase, norms, i, j):
                return phrase_text, level, None
        return None

    def _phrase_covers(self, phrase: tuple[int, tuple], norms, i: int, j: int) -> bool:
        return phrase_covers(phrase, self._accepts, norms, i, j)

    def _resolve(self, kept, starts, ends, text) -> list[Match]:
        """Within each lexicon keep leftmost-longest hits; lexicons do not compete. Frame and
        naming hits within a distancing marker's reach are marked distanced."""
        kept.sort(key=lambda c: (c[2].lex, c[0], -(c[1] - c[0]), c[4], c[2].order))
        won = []
        last_lex, last_end = -1, -1
        for cand in kept:
            i, j, target = cand[0], cand[1], cand[2]
            if target.lex != last_lex:
                last_lex, last_end = target.lex, -1
            if i < last_end:
                continue
            last_end = j
            won.append(cand)
        distanced = distanced_hits(won, starts, ends, text)
        out = [make_match(starts, ends, text, i, j, target, rule, k in distanced)
               for k, (i, j, target, rule, _cost) in enumerate(won)]
        order = self._lex_order
        out.sort(key=lambda m: (m.start, m.end, order.get(m.lexicon, 0)))
        return out
