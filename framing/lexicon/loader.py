"""Read and validate lexicon YAML files; every problem names its file, line and key.

Format (docs/lexicons.md has the full description)::

    id: conflict
    version: "1.0"
    kind: frames            # frames | naming | markers
    language: ar
    description: ...
    sources: [{id: entman1993, cite: "...", url: "..."}]
    exclude: ["اختيار المحرر"]          # optional: phrases that never count, for any entry
    categories:
      - id: occupation
        label: Occupation
        label_ar: احتلال
        description: ...
        entries:
          - id: ihtilal
            gloss: occupation; to occupy; occupied, occupier
            forms: [احتلال, {form: محتل, inflect: adj}, احتل, احتلت]
            sequences: ["الأراضي المحتلة"]
            exclude: ["* المرتبة|المركز"]   # "*" stands for the hit itself
            not_when:                        # context rules: another sense, a name
              - id: newsroom
                left: [رئيس]                 # within `window` words before the hit
                right: [الصحيفة]             # ... after it
                window: 2
                names: ["منظمة التحرير"]     # multiword names that cover the hit
                examples: {positive: [...], negative: [...]}
            sources: [entman1993]
            examples: {positive: [...], negative: [...]}
"""

from __future__ import annotations

import hashlib
import importlib.resources
from pathlib import Path

import yaml

from framing import safe_yaml
from framing.lexicon.model import (
    KINDS,
    Category,
    ContextRule,
    Distancing,
    Entry,
    Form,
    Lexicon,
    Source,
)
from framing.lexicon.yamlcheck import ID_RE, Checker, Number, YamlData, kind_of, to_python


LEXICON_KEYS = {"id", "version", "kind", "language", "description", "sources", "categories",
                "exclude", "not_when", "note", "license", "authors"}
LEXICON_REQUIRED = ("id", "version", "kind", "language", "description", "sources", "categories")
SOURCE_KEYS = {"id", "cite", "url"}
CATEGORY_KEYS = {"id", "label", "label_ar", "description", "entries", "exclude", "not_when", "note"}
CATEGORY_REQUIRED = ("id", "label", "label_ar", "description", "entries")
ENTRY_KEYS = {"id", "gloss", "forms", "sequences", "lemmas", "inflect", "exclude", "not_when",
              "note", "sources", "examples", "proper", "distances"}
RULE_KEYS = {"id", "left", "right", "names", "window", "note", "examples", "unless"}
UNLESS_KEYS = {"left", "right", "window"}
DISTANCES_KEYS = {"left", "right"}
MAX_WINDOW = 10  # words: a context rule's window, a distancing marker's reach
FORM_KEYS = {"form", "inflect"}
EXAMPLE_KEYS = {"positive", "negative"}


class LexiconError(ValueError):
    """All problems found in one or more lexicon files, each "<file>:<line>: <key.path>: <message>"."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in lexicon files:"
        return "\n".join([head] + [f"  {p}" for p in self.problems])

    def __str__(self) -> str:
        return self._text()


# ---------------------------------------------------------------------------------------------
# where shipped lexicons live


def shipped_dir() -> Path:
    """The folder of the lexicons shipped with framing (the repository's top-level ``lexicons/``
    in a source checkout, ``framing/lexicons`` inside an installed wheel)."""
    here = Path(__file__).resolve().parents[1]
    candidate = here.parent / "lexicons"
    if candidate.is_dir() and any(candidate.glob("*.yaml")):
        return candidate
    try:
        packaged = importlib.resources.files("framing") / "lexicons"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    return candidate


def shipped_ids() -> list[str]:
    """The ids of the lexicons shipped with framing."""
    return sorted(p.stem for p in shipped_dir().glob("*.yaml"))


def resolve_ref(ref: str | Path, base_dir: Path | None = None) -> Path:
    """A shipped id (``conflict``) or a path (relative to ``base_dir``) to a YAML file."""
    text = str(ref)
    if isinstance(ref, str) and ID_RE.match(text):
        path = shipped_dir() / f"{text}.yaml"
        if path.is_file():
            return path
        local = Path(base_dir or ".") / text
        if _is_file(local):
            return local
        raise FileNotFoundError(
            f"{text}: no shipped lexicon with this id (shipped: {', '.join(shipped_ids()) or 'none'})"
            " and no such file; give a shipped id or a path to a .yaml file"
        )
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = Path(base_dir or ".") / path
    if not _is_file(path):
        raise FileNotFoundError(f"{path}: lexicon file not found")
    return path


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for the system, a NUL byte
        return False


def load_lexicons(refs: list[str | Path], base_dir: Path | str | None = None) -> list[Lexicon]:
    """Load lexicons by shipped id or path; every problem in every file is raised together."""
    base = Path(base_dir) if base_dir is not None else Path(".")
    lexicons: list[Lexicon] = []
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    for ref in refs:
        try:
            path = resolve_ref(ref, base)
        except FileNotFoundError as exc:
            problems.append(f"{ref}:0: lexicons: {exc}")
            continue
        try:
            lex = load_lexicon_file(path)
        except LexiconError as exc:
            problems.extend(exc.problems)
            continue
        if lex.id in seen_ids:
            problems.append(
                f"{path}:{lex.lines.get('id', 1)}: id: lexicon id {lex.id!r} is already used by"
                f" {seen_ids[lex.id]}; lexicon ids must be unique in a study"
            )
            continue
        seen_ids[lex.id] = str(path)
        lexicons.append(lex)
    if problems:
        raise LexiconError(problems)
    return lexicons


def load_lexicon_file(path: Path | str) -> Lexicon:
    """Read and validate one lexicon YAML file; raises LexiconError listing every problem with file,
    line and key."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconError([f"{path}:0: (file): cannot read: {exc.strerror or exc}"]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError([f"{path}:0: (file): not UTF-8 ({exc.reason} at byte {exc.start}); save"
                            " the lexicon as UTF-8"]) from exc
    return parse_lexicon(text, name=str(path), path=path,
                         sha256=hashlib.sha256(raw).hexdigest())


def parse_lexicon(text: str, name: str = "<string>", path: Path | None = None,
                  sha256: str = "") -> Lexicon:
    """Parse and validate lexicon YAML text; raises LexiconError listing every problem."""
    try:
        node = safe_yaml.compose(text)  # aliases within a budget
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise LexiconError([f"{name}:{line}: (yaml): {getattr(exc, 'problem', None) or exc}"]) from exc
    if node is None:
        raise LexiconError([f"{name}:1: (top): the file is empty; a lexicon needs id, version, kind,"
                            " language, description, sources and categories"])
    data = YamlData()
    tree = to_python(node, (), data)
    ck = Checker(name, data, tree)
    for p, msg, line in data.problems:
        ck.problems.append(f"{name}:{line}: {ck.keypath(p)}: {msg}")
    top = ck.mapping(tree, (), LEXICON_KEYS, LEXICON_REQUIRED, "a lexicon")
    if top is None:
        raise LexiconError(ck.problems)

    lex_id = ck.ident(top.get("id"), ("id",)) if top.get("id") is not None else ""
    version = ck.string(top.get("version"), ("version",), required=False)
    kind = ck.string(top.get("kind"), ("kind",), required=False)
    if kind and kind not in KINDS:
        ck.add(("kind",), f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    language = ck.string(top.get("language"), ("language",), required=False)
    description = ck.string(top.get("description"), ("description",), required=False)
    lex_exclude = ck.string_list(top.get("exclude"), ("exclude",))
    lex_not_when = _rules(ck, top.get("not_when"), ("not_when",))

    sources: list[Source] = []
    raw_sources = top.get("sources")
    if raw_sources is not None and not isinstance(raw_sources, list):
        ck.add(("sources",), f"sources must be a list of {{id, cite, url}}, got {kind_of(raw_sources)}")
        raw_sources = []
    for i, src in enumerate(raw_sources or []):
        p = ("sources", i)
        src = ck.mapping(src, p, SOURCE_KEYS, ("id", "cite"), "a source")
        if src is None:
            continue
        sid = ck.ident(src.get("id"), p + ("id",)) if src.get("id") is not None else ""
        if sid and any(s.id == sid for s in sources):
            ck.add(p + ("id",), f"duplicate source id {sid!r}")
        sources.append(Source(sid, ck.string(src.get("cite"), p + ("cite",), False),
                              ck.string(src.get("url"), p + ("url",), False)))
    source_ids = {s.id for s in sources}

    categories: list[Category] = []
    raw_cats = top.get("categories")
    if raw_cats is not None and not isinstance(raw_cats, list):
        ck.add(("categories",), f"categories must be a list, got {kind_of(raw_cats)}")
        raw_cats = []
    if isinstance(raw_cats, list) and not raw_cats:
        ck.add(("categories",), "a lexicon needs at least one category")
    for ci, cat in enumerate(raw_cats or []):
        cp = ("categories", ci)
        cat = ck.mapping(cat, cp, CATEGORY_KEYS, CATEGORY_REQUIRED, "a category")
        if cat is None:
            continue
        cid = ck.ident(cat.get("id"), cp + ("id",)) if cat.get("id") is not None else ""
        if cid and any(c.id == cid for c in categories):
            ck.add(cp + ("id",), f"duplicate category id {cid!r}")
        entries: list[Entry] = []
        raw_entries = cat.get("entries")
        if raw_entries is not None and not isinstance(raw_entries, list):
            ck.add(cp + ("entries",), f"entries must be a list, got {kind_of(raw_entries)}")
            raw_entries = []
        for ei, ent in enumerate(raw_entries or []):
            entry = _entry(ck, ent, cp + ("entries", ei), source_ids, kind)
            if entry is None:
                continue
            if entry.id and any(e.id == entry.id for e in entries):
                ck.add(cp + ("entries", ei, "id"), f"duplicate entry id {entry.id!r} in category {cid!r}")
            entries.append(entry)
        if not raw_entries and "entries" in cat:
            ck.add(cp + ("entries",), "this category has no entries: add at least one, or remove the category")
        if kind == "naming" and isinstance(raw_entries, list) and len(raw_entries) < 2:
            ck.add(cp + ("entries",), "a naming axis needs at least two entries (the competing names)")
        categories.append(Category(
            id=cid,
            label=ck.string(cat.get("label"), cp + ("label",), False),
            label_ar=ck.string(cat.get("label_ar"), cp + ("label_ar",), False),
            description=ck.string(cat.get("description"), cp + ("description",), False),
            entries=tuple(entries),
            exclude=ck.string_list(cat.get("exclude"), cp + ("exclude",)),
            line=ck.line(cp),
            not_when=_rules(ck, cat.get("not_when"), cp + ("not_when",)),
        ))
    if ck.problems:
        raise LexiconError(ck.problems)
    lines = {ck.keypath(k): v for k, v in data.lines.items() if k and k[0] != "#key"}
    lines["id"] = data.lines.get(("#key", "id"), data.lines.get(("id",), 1))
    return Lexicon(
        id=lex_id, version=version, kind=kind, language=language, description=description,
        sources=tuple(sources), categories=tuple(categories), exclude=lex_exclude,
        not_when=lex_not_when, path=path,
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        lines=lines,
    )


def _entry(ck: Checker, ent, ep: tuple, source_ids: set[str], kind: str = "") -> Entry | None:
    ent = ck.mapping(ent, ep, ENTRY_KEYS, ("id", "gloss"), "an entry")
    if ent is None:
        return None
    eid = ck.ident(ent.get("id"), ep + ("id",)) if ent.get("id") is not None else ""
    default_inflect = ck.inflect(ent.get("inflect"), ep + ("inflect",))
    forms: list[Form] = []
    raw_forms = ent.get("forms")
    if isinstance(raw_forms, str):
        raw_forms = [raw_forms]
    if raw_forms is not None and not isinstance(raw_forms, list):
        ck.add(ep + ("forms",), f"forms must be a list, got {kind_of(raw_forms)}")
        raw_forms = []
    for fi, item in enumerate(raw_forms or []):
        fp = ep + ("forms", fi)
        if isinstance(item, dict):
            m = ck.mapping(item, fp, FORM_KEYS, ("form",), "a form")
            if m is None:
                continue
            word = ck.string(m.get("form"), fp + ("form",), False)
            inflect = ck.inflect(m.get("inflect"), fp + ("inflect",)) if "inflect" in m else default_inflect
        else:
            word = ck.string(item, fp)
            inflect = default_inflect
        if not word:
            continue
        if len(word.split()) > 1:
            ck.add(fp, f"form {word!r} has several words; put multiword terms under 'sequences'")
            continue
        if "*" in word[:-1]:
            ck.add(fp, f"form {word!r}: '*' is only allowed at the end (a prefix form)")
            continue
        forms.append(Form(word, inflect, ck.line(fp)))
    sequences = ck.string_list(ent.get("sequences"), ep + ("sequences",))
    for si, seq in enumerate(sequences):
        words = seq.split()
        if len(words) < 2:
            ck.add(ep + ("sequences", si), f"sequence {seq!r} has one word; put it under 'forms'")
        elif "_" in (words[0], words[-1]):
            ck.add(ep + ("sequences", si), f"sequence {seq!r}: '_' (any word) may stand only"
                                           " between words")
        elif any(w == "*" or "|*" in w or w.startswith("*") for w in words):
            ck.add(ep + ("sequences", si), f"sequence {seq!r}: '*' alone is for exclusions (the"
                                           " hit); in a term it may only end a word prefix (انفصال*)")
    lemmas = ck.string_list(ent.get("lemmas"), ep + ("lemmas",))
    if not forms and not sequences and not lemmas:
        ck.add(ep, "an entry needs at least one of forms, sequences or lemmas")
    exclude = ck.string_list(ent.get("exclude"), ep + ("exclude",))
    for xi, phrase in enumerate(exclude):
        if phrase.split().count("*") > 1:
            ck.add(ep + ("exclude", xi), f"exclude {phrase!r}: '*' (the hit) may appear once")
    srcs = ck.string_list(ent.get("sources"), ep + ("sources",))
    for si, sid in enumerate(srcs):
        if sid not in source_ids:
            ck.add(ep + ("sources", si), f"unknown source {sid!r}; declare it under the lexicon's"
                                         f" sources (declared: {', '.join(sorted(source_ids)) or 'none'})")
    proper = ent.get("proper", False)
    if not isinstance(proper, bool):
        ck.add(ep + ("proper",), f"proper must be true or false, got {kind_of(proper)}")
        proper = False
    positive, negative = _examples(ck, ent.get("examples"), ep + ("examples",))
    return Entry(
        id=eid, gloss=ck.string(ent.get("gloss"), ep + ("gloss",), False), forms=tuple(forms),
        sequences=sequences, lemmas=lemmas, exclude=exclude,
        note=ck.string(ent.get("note"), ep + ("note",), False), sources=srcs,
        positive=positive, negative=negative, proper=proper, line=ck.line(ep),
        not_when=_rules(ck, ent.get("not_when"), ep + ("not_when",)),
        distances=_distances(ck, ent.get("distances"), ep + ("distances",), kind),
    )


def _examples(ck: Checker, ex, path: tuple) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if ex is None:
        return (), ()
    exm = ck.mapping(ex, path, EXAMPLE_KEYS, (), "examples")
    if exm is None:
        return (), ()
    return (ck.string_list(exm.get("positive"), path + ("positive",)),
            ck.string_list(exm.get("negative"), path + ("negative",)))


def _count(ck: Checker, value, path: tuple, low: int, what: str) -> int | None:
    """A whole number of words from ``low`` to MAX_WINDOW, or None (with a problem)."""
    try:
        n = int(str(value)) if isinstance(value, Number) else None
    except ValueError:
        n = None
    if n is None or not low <= n <= MAX_WINDOW:
        ck.add(path, f"{what} must be a whole number of words from {low} to {MAX_WINDOW},"
                     f" got {kind_of(value)}")
        return None
    return n


def _rules(ck: Checker, value, path: tuple, unless: bool = False) -> tuple[ContextRule, ...]:
    """``not_when``: one context rule (a mapping) or a list of them; ``unless``: the one mapping
    of left and right words that lifts a rule."""
    if value is None:
        return ()
    items = [(value, path)] if isinstance(value, dict) else None
    if items is None:
        if not isinstance(value, list):
            ck.add(path, "not_when must be a mapping (one rule) or a list of rules with left,"
                         f" right, names, window, examples; got {kind_of(value)}")
            return ()
        items = [(item, path + (i,)) for i, item in enumerate(value)]
    rules: list[ContextRule] = []
    for raw, rp in items:
        m = ck.mapping(raw, rp, UNLESS_KEYS if unless else RULE_KEYS, (),
                       "unless" if unless else "a not_when rule")
        if m is None:
            continue
        rid = ck.ident(m.get("id"), rp + ("id",)) if m.get("id") is not None else ""
        if rid and any(r.id == rid for r in rules):
            ck.add(rp + ("id",), f"duplicate not_when rule id {rid!r}")
        sides = {}
        for side in ("left", "right"):
            words = ck.string_list(m.get(side), rp + (side,))
            for wi, word in enumerate(words):
                wp = rp + (side,) + ((wi,) if isinstance(m.get(side), list) else ())
                if len(word.split()) > 1:
                    ck.add(wp, f"{side} word {word!r} has several words; a {side} item is one word"
                               " (a|b alternatives allowed); put multiword names under 'names'")
                elif any(a in ("*", "_") or "*" in a[:-1] for a in word.split("|")):
                    ck.add(wp, f"{side} word {word!r}: '*' may only end a word (a prefix, رئيس*);"
                               " '_' is not a context word")
            sides[side] = words
        names = ck.string_list(m.get("names"), rp + ("names",))
        for ni, name in enumerate(names):
            np_ = rp + ("names",) + ((ni,) if isinstance(m.get("names"), list) else ())
            words = name.split()
            if len(words) < 2:
                ck.add(np_, f"name {name!r} has one word; a name is a multiword phrase that"
                            " contains the form (put single context words under left or right)")
            elif any(w == "*" or w.startswith("*") for w in words) or "_" in (words[0], words[-1]):
                ck.add(np_, f"name {name!r}: write the name as it is read, without '*'"
                            " ('_', any word, only between words)")
        window = 1
        if "window" in m:
            got = _count(ck, m.get("window"), rp + ("window",), 1, "window")
            window = got or 1
            if not sides["left"] and not sides["right"]:
                ck.add(rp + ("window",), "window counts the words searched for left and right"
                                         " words; this rule has neither")
        if unless and not sides["left"] and not sides["right"]:
            ck.add(rp, "unless needs left or right words (those that keep the form's sense)")
        elif not sides["left"] and not sides["right"] and not names:
            ck.add(rp, "a not_when rule needs at least one of left, right or names")
        if unless and not isinstance(value, dict):
            ck.add(rp, "unless is one mapping of left, right and window")
            return ()
        lifted = None
        if "unless" in m:
            got = _rules(ck, m.get("unless"), rp + ("unless",), unless=True)
            lifted = got[0] if got else None
        positive, negative = _examples(ck, m.get("examples"), rp + ("examples",))
        rules.append(ContextRule(id=rid, left=sides["left"], right=sides["right"], names=names,
                                 window=window, note=ck.string(m.get("note"), rp + ("note",), False),
                                 positive=positive, negative=negative, line=ck.line(rp), unless=lifted))
    return tuple(rules)


def _distances(ck: Checker, value, path: tuple, kind: str) -> Distancing | None:
    """``distances: {right: 4}``: a distancing marker's reach over the words after (before) it."""
    if value is None:
        return None
    m = ck.mapping(value, path, DISTANCES_KEYS, (), "distances")
    if m is None:
        return None
    if kind and kind != "markers":
        ck.add(path, f"distances is for markers lexicons (a distancing marker); this lexicon's"
                     f" kind is {kind!r}")
    reach = {side: _count(ck, m[side], path + (side,), 0, side) or 0 for side in ("left", "right")
             if side in m}
    if not any(reach.values()):
        ck.add(path, "distances needs left or right: how many words after (right) or before (left)"
                     " the marker it reaches, e.g. {right: 4}")
        return None
    return Distancing(left=reach.get("left", 0), right=reach.get("right", 0))
