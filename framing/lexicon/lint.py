"""`framing lexicon check`: lint lexicon files beyond what loading validates.

Findings (each names file, line and key path):

* error ``form-in-two-entries``: one normalised form (or clitic spelling of it) belongs to two
  entries of the same lexicon; only the first declared can ever match it;
* warning ``duplicate-form``: two forms of one entry normalise to the same string;
* error ``unreachable``: an entry none of whose forms can match (all shadowed, or empty once
  normalised), or a positive example that does not match its entry;
* error ``negative-example``: a negative example matches its entry;
* warning ``overlapping-terms``: a multiword term contains another entry's term or form, or
  two terms overlap; the longest match wins where both apply;
* warning ``no-examples``: an entry without positive or negative examples;
* warning ``short-form``: a one- or two-letter form, which matches too much;
* error ``rule-example``: a ``not_when`` rule's positive example in which the rule removes
  nothing, or a negative example in which it removes a hit (or in which its entries do not count);
* warning ``rule-name``: a ``not_when`` name that contains no form of the rule's entries;
* warning ``no-examples`` also for a ``not_when`` rule without positive or negative examples.
* warning ``invisible-character``: a form or term holding a zero-width or bidi control
  character (ZWJ, ZWNJ, RLM, ...), which text as written does not have where the form does;
* warning ``not-a-word``: a form or term holding regular-expression syntax or punctuation
  (``.*``, ``احتلال(``): forms are matched as written words, never as patterns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from framing.arabic import Normaliser
from framing.lexicon.loader import LexiconError, load_lexicons, shipped_ids
from framing.lexicon.matcher import Matcher
from framing.lexicon.spellings import clitic_pairs
from framing.lexicon.model import Lexicon
from framing.lexicon.senses import name_problems, rule_example_problems, rule_scopes


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    code: str
    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.level}: {self.key}: {self.message} [{self.code}]"


def check_files(refs: list[str] | None = None, base_dir: Path | None = None,
                normaliser: Normaliser | None = None) -> list[Finding]:
    """Load (validation errors become findings) and lint every lexicon given (default: shipped)."""
    refs = list(refs) if refs else shipped_ids()
    findings: list[Finding] = []
    lexicons: list[Lexicon] = []
    for ref in refs:
        try:
            lexicons += load_lexicons([ref], base_dir=base_dir)
        except LexiconError as exc:
            for problem in exc.problems:
                findings.append(_from_problem(problem, ref, base_dir))
    for lx in lexicons:
        findings += lint_lexicon(lx, normaliser)
    return findings


def _from_problem(problem: str, ref: str, base_dir: Path | None) -> Finding:
    # "<file>:<line>: <key>: <message>"; the file may itself contain ":" only on Windows drives
    try:
        file, line, rest = problem.split(":", 2)
        key, _, message = rest.strip().partition(": ")
        return Finding("error", "invalid", file, int(line), key, message)
    except ValueError:
        return Finding("error", "invalid", str(ref), 0, "(file)", problem)


def lint_lexicon(lx: Lexicon, normaliser: Normaliser | None = None) -> list[Finding]:
    """Findings of one lexicon: forms in two entries, forms that normalise alike, unreachable
    entries, overlapping multiword terms, short forms, and example phrases that do not match as they
    claim."""
    norm = normaliser or Normaliser()
    file = str(lx.path) if lx.path else lx.id
    out: list[Finding] = []

    def add(level, code, key, message, line=None):
        out.append(Finding(level, code, file, line if line is not None else lx.lines.get(key, 0),
                           key, message))

    # ---- forms: duplicates, collisions across entries, short forms ---------------------------
    owner: dict[str, tuple[str, str, str]] = {}  # spelling -> (category, entry, form as written)
    for cat in lx.categories:
        for ent in cat.entries:
            key = f"categories.{cat.id}.entries.{ent.id}"
            seen_in_entry: dict[str, str] = {}
            shadowed = 0
            reachable = 0
            for fi, form in enumerate(ent.forms):
                fkey = f"{key}.forms[{fi}]"
                if form.is_prefix:
                    reachable += 1
                    continue
                for written in form.words():
                    n = norm.word(written)
                    if not n:
                        add("error", "unreachable", fkey, f"form {written!r} is empty once normalised",
                            form.line)
                        continue
                    if len(n) < 3:
                        add("warning", "short-form", fkey, f"form {written!r} has {len(n)} letters:"
                            " it will match too much; use it inside a multiword term", form.line)
                    if n in seen_in_entry and seen_in_entry[n] != written:
                        add("warning", "duplicate-form", fkey,
                            f"{written!r} and {seen_in_entry[n]!r} normalise to the same {n!r}",
                            form.line)
                    seen_in_entry.setdefault(n, written)
                    first = owner.get(n)
                    if first and first[:2] != (cat.id, ent.id):
                        shadowed += 1
                        add("error", "form-in-two-entries", fkey,
                            f"{written!r} (normalised {n!r}) is also a form of"
                            f" {first[0]}.{first[1]} ({first[2]!r}); only that entry can match it",
                            form.line)
                    else:
                        reachable += 1
                        owner.setdefault(n, (cat.id, ent.id, written))
                        for stem, p, x, _r in clitic_pairs(n, not ent.proper)[1:]:
                            owner.setdefault(p + stem + x, (cat.id, ent.id, written))
            if ent.forms and not reachable and not ent.sequences and not ent.lemmas:
                add("error", "unreachable", key, "no form of this entry can match: every one is"
                    f" also a form of an earlier entry ({shadowed} shadowed)", ent.line)
            if not ent.positive or not ent.negative:
                missing = " and ".join(k for k, v in (("positive", ent.positive),
                                                      ("negative", ent.negative)) if not v)
                add("warning", "no-examples", key, f"no {missing} example phrases", ent.line)

    out += [Finding(*f[:2], file, *f[2:]) for f in form_text_findings(lx)]

    # ---- examples -----------------------------------------------------------------------------
    matcher = Matcher([lx], norm)
    for cat in lx.categories:
        for ent in cat.entries:
            key = f"categories.{cat.id}.entries.{ent.id}"
            for i, phrase in enumerate(ent.positive):
                hits = matcher.match_text(phrase)
                if not any(m.category == cat.id and m.entry == ent.id for m in hits):
                    other = ", ".join(f"{m.category}.{m.entry} ({m.surface})" for m in hits) or "nothing"
                    add("error", "unreachable", f"{key}.examples.positive[{i}]",
                        f"positive example {phrase!r} does not match this entry (matches: {other})",
                        lx.lines.get(f"{key}.examples.positive[{i}]", ent.line))
            for i, phrase in enumerate(ent.negative):
                hits = [m for m in matcher.match_text(phrase) if m.category == cat.id and m.entry == ent.id]
                if hits:
                    add("error", "negative-example", f"{key}.examples.negative[{i}]",
                        f"negative example {phrase!r} matches this entry at"
                        f" {', '.join(repr(m.surface) for m in hits)} (rule {hits[0].rule})",
                        lx.lines.get(f"{key}.examples.negative[{i}]", ent.line))

    # ---- context rules (not_when) -------------------------------------------------------------
    for scope in rule_scopes(lx):
        line = lx.lines.get(scope.key, scope.rule.line)
        if not scope.rule.positive or not scope.rule.negative:
            missing = " and ".join(k for k, v in (("positive", scope.rule.positive),
                                                  ("negative", scope.rule.negative)) if not v)
            add("warning", "no-examples", scope.key, f"no {missing} example phrases for this rule", line)
        for key, message in rule_example_problems(matcher, lx, scope):
            add("error", "rule-example", key, message, lx.lines.get(key, line))
        for key, message in name_problems(matcher, lx, scope):
            add("warning", "rule-name", key, message, lx.lines.get(key, line))

    # ---- overlapping multiword terms ------------------------------------------------------------
    terms = []  # (category, entry, text, [set of normalised alternatives per word], line)
    for cat in lx.categories:
        for ent in cat.entries:
            for si, seq in enumerate(ent.sequences):
                words = [{norm.word(a) for a in w.split("|") if a and a != "_"} for w in seq.split()]
                key = f"categories.{cat.id}.entries.{ent.id}.sequences[{si}]"
                terms.append((cat.id, ent.id, seq, words, key))
    for a_cat, a_ent, a_text, a_words, a_key in terms:
        for b_cat, b_ent, b_text, b_words, _b_key in terms:
            if (a_cat, a_ent) == (b_cat, b_ent):
                continue
            if a_cat == b_cat:
                continue  # same category: whichever wins, the category count is the same
            if len(b_words) < len(a_words) and _contains(a_words, b_words):
                add("warning", "overlapping-terms", a_key,
                    f"term {a_text!r} contains {b_cat}.{b_ent}'s term {b_text!r}; the longer wins")
            elif (a_cat, a_ent, a_text) < (b_cat, b_ent, b_text) and _overlap(a_words, b_words):
                add("warning", "overlapping-terms", a_key,
                    f"terms {a_text!r} and {b_cat}.{b_ent}'s {b_text!r} can overlap; the first"
                    " leftmost-longest match wins")
        for word_set in a_words:
            for n in word_set:
                first = owner.get(n)
                if first and first[0] != a_cat and len(a_words) > 1:
                    add("warning", "overlapping-terms", a_key,
                        f"term {a_text!r} contains {first[0]}.{first[1]}'s form {first[2]!r};"
                        " inside the term only the term counts")
    return out


def _contains(longer: list[set], shorter: list[set]) -> bool:
    for s in range(len(longer) - len(shorter) + 1):
        if all(longer[s + k] & shorter[k] for k in range(len(shorter))):
            return True
    return False


def _overlap(a: list[set], b: list[set]) -> bool:
    """A suffix of a equals a prefix of b (or the other way round), at least one word."""
    for x, y in ((a, b), (b, a)):
        for k in range(1, min(len(x), len(y))):
            if all(x[len(x) - k + i] & y[i] for i in range(k)):
                return True
    return False


INVISIBLE = {
    "\u200b": "zero width space", "\u200c": "zero width non-joiner", "\u200d": "zero width joiner",
    "\u200e": "left-to-right mark", "\u200f": "right-to-left mark", "\u061c": "Arabic letter mark",
    "\u2060": "word joiner", "\ufeff": "zero width no-break space",
    **{chr(c): "bidi control" for c in range(0x202A, 0x202F)}, **{chr(c): "bidi isolate" for c in range(0x2066, 0x206A)},
}
_NOT_WORD = set(".*+?^$()[]{}|\\/<>«»\"'`~!@#%&=;:,،؛؟")


def form_text_findings(lx: Lexicon) -> list[tuple]:
    """(level, code, line, key, message) for forms and terms whose text cannot be what it seems:
    invisible characters, or pattern syntax and punctuation (a trailing ``*``, the prefix mark,
    and ``|`` and ``_`` in terms are syntax, not findings)."""
    out = []
    for cat in lx.categories:
        for ent in cat.entries:
            key = f"categories.{cat.id}.entries.{ent.id}"
            written = [(f"{key}.forms[{i}]", f.word[:-1] if f.is_prefix else f.word, f.line or ent.line)
                       for i, f in enumerate(ent.forms)]
            written += [(f"{key}.sequences[{i}]", seq.replace("|", " ").replace("_", " "), ent.line)
                        for i, seq in enumerate(ent.sequences)]
            for fkey, text, line in written:
                hidden = sorted({f"U+{ord(c):04X} ({INVISIBLE[c]})" for c in text if c in INVISIBLE})
                if hidden:
                    out.append(("warning", "invisible-character", line, fkey,
                                f"{text!r} holds invisible characters {', '.join(hidden)}; remove them (text "
                                "words are matched without them)"))
                odd = sorted({c for c in text if c in _NOT_WORD})
                if odd:
                    out.append(("warning", "not-a-word", line, fkey,
                                f"{text!r} holds {' '.join(odd)}: forms are matched as written words, not as "
                                "patterns; write the word alone (a trailing * marks a prefix)"))
    return out
