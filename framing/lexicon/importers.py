"""Import LIWC ``.dic`` and quanteda-style YAML dictionaries into framing's lexicon format.

Both formats are lists of patterns per category; ``word*`` is a prefix pattern. Each pattern
becomes one entry (a form, or a multiword term when it has spaces). Imported entries carry no
example phrases: ``framing lexicon check`` lists them so a researcher can add them.

Known differences, reported as notes by the importer:
* a pattern in several categories (LIWC counts it in each) is written to each category, but the
  matcher counts one hit per place per lexicon, so only the first category gets it;
* quanteda's ``?`` (one character) wildcard has no equivalent and such patterns are skipped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from framing import safe_yaml
from framing.lexicon.loader import ID_RE, parse_lexicon


class ImportProblem(ValueError):
    pass


@dataclass
class ImportResult:
    data: dict
    notes: list[str] = field(default_factory=list)

    def yaml_text(self) -> str:
        """The imported lexicon as YAML text, keys in the order of the format."""
        return yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False, width=100)


def _ident(name: str, fallback: str) -> str:
    ident = re.sub(r"[^a-z0-9_]+", "_", str(name).strip().lower()).strip("_")
    if not ident:
        return fallback
    if not ident[0].isalpha():
        ident = f"c_{ident}"
    return ident if ID_RE.match(ident) else fallback


def parse_liwc(text: str, name: str = "<liwc>") -> list[tuple[str, list[str]]]:
    """[(category name, [patterns])] from LIWC .dic text (category block between % lines)."""
    lines = text.splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(marks) < 2:
        raise ImportProblem(f"{name}: not a LIWC .dic file: expected the category block between"
                            " two lines holding only '%'")
    categories: dict[str, str] = {}
    order: list[str] = []
    for i in range(marks[0] + 1, marks[1]):
        parts = lines[i].split(None, 1)
        if not parts:
            continue
        if len(parts) != 2:
            raise ImportProblem(f"{name}:{i + 1}: category line needs a number and a name: {lines[i]!r}")
        categories[parts[0]] = parts[1].strip()
        order.append(parts[0])
    patterns: dict[str, list[str]] = {num: [] for num in order}
    for i in range(marks[1] + 1, len(lines)):
        parts = lines[i].split()
        if not parts:
            continue
        k = len(parts)
        while k > 0 and parts[k - 1].isdigit():
            k -= 1
        word, nums = " ".join(parts[:k]), parts[k:]
        if not word or not nums:
            raise ImportProblem(f"{name}:{i + 1}: expected a word followed by category numbers: {lines[i]!r}")
        for num in nums:
            if num not in categories:
                raise ImportProblem(f"{name}:{i + 1}: category {num} is not declared in the % block")
            if word not in patterns[num]:
                patterns[num].append(word)
    return [(categories[num], patterns[num]) for num in order]


def parse_quanteda(text: str, name: str = "<yaml>") -> list[tuple[str, list[str]]]:
    """[(category path, [patterns])] from a quanteda-style YAML dictionary (nested keys allowed)."""
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ImportProblem(f"{name}:{mark.line + 1 if mark else 0}: YAML error: {exc}") from exc
    if not isinstance(data, dict):
        raise ImportProblem(f"{name}: a quanteda dictionary is a mapping of category -> list of patterns")
    out: list[tuple[str, list[str]]] = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + [str(key)])
        elif isinstance(node, (list, str)):
            items = [node] if isinstance(node, str) else node
            bad = [x for x in items if not isinstance(x, (str, int, float))]
            if bad:
                raise ImportProblem(f"{name}: {'.'.join(path)}: patterns must be text, got {bad[0]!r}")
            out.append((".".join(path), [str(x) for x in items]))
        else:
            raise ImportProblem(f"{name}: {'.'.join(path)}: expected a list of patterns, got {node!r}")

    walk(data, [])
    return out


def build_lexicon(categories: list[tuple[str, list[str]]], *, lexicon_id: str, source_name: str,
                  source_sha: str, kind: str = "frames", language: str = "ar") -> ImportResult:
    """A framing lexicon (as data) from (category name, patterns) pairs of an imported dictionary:
    ids made from the names, wildcard patterns as prefix forms, duplicates dropped with a note."""
    notes: list[str] = []
    cats = []
    seen_patterns: dict[str, str] = {}
    used_ids: set[str] = set()
    n = 0
    for ci, (cname, patterns) in enumerate(categories, 1):
        cid = _ident(cname, f"cat_{ci}")
        while cid in used_ids:
            cid = f"{cid}_{ci}"
        used_ids.add(cid)
        arabic_name = bool(re.search(r"[\u0600-\u06FF]", cname))
        entries = []
        for pattern in patterns:
            pattern = pattern.strip()
            if not pattern:
                continue
            if "?" in pattern:
                notes.append(f"{cname}: pattern {pattern!r} skipped: '?' wildcards are not supported")
                continue
            if "*" in pattern.rstrip("*") or pattern.count("*") > 1:
                notes.append(f"{cname}: pattern {pattern!r} skipped: '*' is supported only at the end")
                continue
            if pattern in seen_patterns:
                notes.append(f"{pattern!r} is in {seen_patterns[pattern]} and {cname}: the matcher counts"
                             f" it once per lexicon, for {seen_patterns[pattern]}")
            seen_patterns.setdefault(pattern, cname)
            n += 1
            entry = {"id": f"t{n:04d}", "gloss": pattern}
            if len(pattern.split()) > 1:
                entry["sequences"] = [pattern]
            else:
                entry["forms"] = [pattern]
            entry["sources"] = ["imported"]
            entries.append(entry)
        if not entries:
            notes.append(f"{cname}: no usable patterns; category left out")
            continue
        cats.append({
            "id": cid,
            "label": cname if not arabic_name else cid,
            "label_ar": cname if arabic_name else cname,
            "description": f"Imported category {cname!r} from {source_name}.",
            "entries": entries,
        })
    data = {
        "id": lexicon_id,
        "version": "0.1",
        "kind": kind,
        "language": language,
        "description": f"Imported from {source_name}; add example phrases and check with"
                       " `framing lexicon check`.",
        "sources": [{"id": "imported", "cite": f"{source_name} (sha256 {source_sha[:16]})"}],
        "categories": cats,
    }
    return ImportResult(data, notes)


def import_dictionary(path: Path | str, *, fmt: str = "auto", lexicon_id: str | None = None,
                      kind: str = "frames", language: str = "ar") -> ImportResult:
    """Read a LIWC .dic or quanteda YAML dictionary (``fmt``: liwc, quanteda or auto from the
    suffix) and convert it with :func:`build_lexicon`; raises ImportProblem naming file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"{path}: not UTF-8 (byte {exc.start}); convert it first") from exc
    if fmt == "auto":
        fmt = {".dic": "liwc", ".yaml": "quanteda", ".yml": "quanteda"}.get(path.suffix.lower(), "")
        if not fmt:
            raise ImportProblem(f"{path}: cannot tell the format from the suffix; give --format liwc"
                                " or --format quanteda")
    if fmt == "liwc":
        categories = parse_liwc(text, str(path))
    elif fmt == "quanteda":
        categories = parse_quanteda(text, str(path))
    else:
        raise ImportProblem(f"unknown format {fmt!r}; use liwc or quanteda")
    lex_id = lexicon_id or _ident(path.stem, "imported")
    result = build_lexicon(categories, lexicon_id=lex_id, source_name=path.name,
                           source_sha=hashlib.sha256(raw).hexdigest(), kind=kind, language=language)
    parse_lexicon(result.yaml_text(), name=f"{lex_id}.yaml")  # what we write must load
    return result
