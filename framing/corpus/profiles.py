"""Outlet profiles, kept as data: ``framing/corpus/profiles/*.yaml`` plus ``corpus.profiles`` paths.

A profile file holds one profile (or a list under ``profiles:``) with keys:

- ``id`` (outlet id), ``name``, ``names``: how the outlet names itself (source lines, data fields);
- ``agency``: for a news agency's own outlet, its code in ``agencies.yaml`` (another outlet's text
  that signs as this one is wire copy, not a contradiction);
- ``source_lines``: regexes matching a whole short line with a group ``names`` (who is credited);
- ``signatures``: ``{contains: literal | pattern: regex (whole line), weight: int}``, searched in the
  lines where outlets sign (a text's first and last lines, and lines removed as furniture);
- ``furniture``: ``lines`` (whole lines, compared after light normalisation), ``patterns`` (regexes
  matching a whole line), ``prefixes`` (removed from the start of a text's first line),
  ``suffixes`` (removed from the end of a line): a regex applies to lines that do not end a
  sentence (photo credits: ``- جيتي``); ``{pattern: regex, contains: text}`` applies to every line
  containing ``text`` ("link to this story: ..." tails, contact boxes).

``agencies.yaml`` lists news agencies (code, names, context_names). Everything is compiled once into
a ``Rules`` object shared by the cleaning and attribution steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from framing import safe_yaml
from framing.arabic import white_space

PROFILE_DIR = Path(__file__).parent / "profiles"
AGENCIES_FILE = "agencies.yaml"

# line_key, step by step: fold letters (str.replace, C speed), drop diacritics and tatweel (rare:
# searched first), collapse and strip whitespace, strip trailing punctuation, lower case.
_FOLDS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))
_DROP = re.compile("[\u064B-\u065F\u0670\u0640]+")
# every character str.split() splits on, then the punctuation that may end a furniture line
_TRAIL = white_space() + ":：.-–—،,|"


def line_key(line: str) -> str:
    """A line as furniture lists compare it: no diacritics or tatweel, folded alef/ya/ta marbuta,
    single spaces, no trailing punctuation, lower case."""
    for letter, folded in _FOLDS:
        if letter in line:
            line = line.replace(letter, folded)
    if _DROP.search(line):
        line = _DROP.sub("", line)
    return " ".join(line.split()).rstrip(_TRAIL).lower()


# what line_key may take out of a line: white space, diacritics and tatweel, trailing punctuation;
# every other character gives at least one character of the key
_MAY_GO = re.compile(f"[{re.escape(_TRAIL)}\u064B-\u065F\u0670\u0640]")


def is_line_key(line: str, key: str) -> bool:
    """``line_key(line) == key``, without folding a line too long to give ``key`` (a paragraph
    compared with a headline): a line whose first ``2 * len(key) + 2`` characters keep more
    characters than ``key`` has gives a longer key."""
    head = line[: 2 * len(key) + 2]
    if len(_MAY_GO.sub("", head)) > len(key):
        return False
    return line_key(line) == key


class ProfileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Signature:
    outlet: str
    weight: int
    contains: str | None = None
    regex: re.Pattern | None = None

    def hit(self, line: str) -> bool:
        """Whether a line carries this signature (a plain substring, or a regular expression
        matching the whole line)."""
        if self.contains is not None:
            return self.contains in line
        return self.regex.fullmatch(line) is not None


@dataclass
class Agency:
    code: str
    names: list[str]
    context_names: list[str] = field(default_factory=list)


@dataclass(eq=False)  # hashed by identity: compiled once, cached
class Rules:
    """All profiles compiled together."""

    outlets: dict[str, str]  # id -> display name
    agency_outlets: dict[str, str]  # id of an outlet that is a news agency -> agency code
    names: dict[str, str]  # line_key(name) -> outlet id
    line_keys: dict[str, str]  # line_key(furniture line) -> profile id
    line_rx: re.Pattern  # whole-line furniture
    prefix_rx: re.Pattern | None
    suffix_rx: re.Pattern | None  # tails of lines that do not end a sentence
    tails: list[tuple[str, re.Pattern]]  # (literal the line must contain, tail regex) for any line
    signatures: list[Signature]
    source_lines: list[re.Pattern]  # whole short lines with a group `names`
    agencies: list[Agency]
    files: list[str]

    def outlet_for_name(self, value: str) -> str | None:
        """The profile id of an outlet name as written (compared after line normalisation), or
        None."""
        return self.names.get(line_key(value))


_GLOBAL_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


def _scoped(p: str) -> str:
    """A pattern as one branch of an alternation: a leading global flag group becomes scoped."""
    m = _GLOBAL_FLAGS.match(p)
    return f"(?{m.group(1)}:{p[m.end():]})" if m else f"(?:{p})"


def _compile(patterns: list[str], where: str) -> re.Pattern | None:
    if not patterns:
        return None
    return re.compile("|".join(_scoped(p) for p in patterns))


def _check_regex(p: object, where: str, problems: list[str]) -> bool:
    if not isinstance(p, str):
        problems.append(f"{where}: expected a regular expression string, got {p!r}")
        return False
    try:
        re.compile(p)
        return True
    except re.error as exc:
        problems.append(f"{where}: not a valid regular expression ({exc}): {p!r}")
        return False


def _profiles_in(path: Path, problems: list[str]) -> list[dict]:
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{path}: cannot read profile: {exc}")
        return []
    if isinstance(data, dict) and "profiles" in data:
        data = data["profiles"]
    items = data if isinstance(data, list) else [data]
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(f"{path}: profile {i + 1} needs an 'id' (the outlet id) and mapping keys")
            continue
        item["_file"] = str(path)
        out.append(item)
    return out


KNOWN_KEYS = {"id", "name", "names", "agency", "signatures", "furniture", "source_lines", "_file"}
FURNITURE_KEYS = {"lines", "patterns", "prefixes", "suffixes"}


@lru_cache(maxsize=8)
def load_rules(extra: tuple[str, ...] = ()) -> Rules:
    """Compile the shipped profiles and the extra profile files (paths). Raises ProfileError."""
    problems: list[str] = []
    files = sorted(p for p in PROFILE_DIR.glob("*.yaml") if p.name != AGENCIES_FILE) + [Path(p) for p in extra]
    outlets, names, line_keys, agency_outlets = {}, {}, {}, {}
    line_patterns, prefixes, suffixes, signatures, source_lines, tails = [], [], [], [], [], []
    for path in files:
        if not path.is_file():
            problems.append(f"corpus.profiles: no such profile file '{path}'")
            continue
        for prof in _profiles_in(path, problems):
            pid, where = prof["id"], f"{path}: profile '{prof['id']}'"
            for key in set(prof) - KNOWN_KEYS:
                problems.append(f"{where}: unknown key '{key}' (known: {', '.join(sorted(KNOWN_KEYS - {'_file'}))})")
            if pid not in ("generic", "wire"):
                outlets[pid] = prof.get("name") or pid
                if prof.get("agency"):
                    agency_outlets[pid] = str(prof["agency"])
                for name in [pid, prof.get("name") or pid, *(prof.get("names") or [])]:
                    names.setdefault(line_key(str(name)), pid)
            for j, sig in enumerate(prof.get("signatures") or []):
                w = f"{where}: signatures[{j}]"
                if not isinstance(sig, dict) or not (("contains" in sig) ^ ("pattern" in sig)):
                    problems.append(f"{w}: give either 'contains' (text) or 'pattern' (regex), and optionally 'weight'")
                    continue
                weight = int(sig.get("weight", 2))
                if "contains" in sig:
                    signatures.append(Signature(pid, weight, contains=str(sig["contains"])))
                elif _check_regex(sig["pattern"], w, problems):
                    signatures.append(Signature(pid, weight, regex=re.compile(sig["pattern"])))
            for j, p in enumerate(prof.get("source_lines") or []):
                if _check_regex(p, f"{where}: source_lines[{j}]", problems):
                    if "names" not in re.compile(p).groupindex:
                        problems.append(f"{where}: source_lines[{j}]: needs a group (?P<names>...) around the credited names")
                    else:
                        source_lines.append(re.compile(p))
            furn = prof.get("furniture") or {}
            if not isinstance(furn, dict):
                problems.append(f"{where}: furniture must be a mapping with lines/patterns/prefixes/suffixes")
                continue
            for key in set(furn) - FURNITURE_KEYS:
                problems.append(f"{where}: furniture.{key}: unknown key (known: {', '.join(sorted(FURNITURE_KEYS))})")
            for line in furn.get("lines") or []:
                line_keys.setdefault(line_key(str(line)), pid)
            for j, p in enumerate(furn.get("suffixes") or []):
                w = f"{where}: furniture.suffixes[{j}]"
                if isinstance(p, dict):
                    if set(p) != {"pattern", "contains"}:
                        problems.append(f"{w}: a mapping needs exactly 'pattern' and 'contains'")
                    elif _check_regex(p["pattern"], w, problems):
                        tails.append((str(p["contains"]), re.compile(f"(?:{p['pattern']})$")))
                elif _check_regex(p, w, problems):
                    suffixes.append(p)
            for kind, bucket in (("patterns", line_patterns), ("prefixes", prefixes)):
                for j, p in enumerate(furn.get(kind) or []):
                    if _check_regex(p, f"{where}: furniture.{kind}[{j}]", problems):
                        bucket.append(p)
    agencies = _load_agencies(problems)
    if problems:
        raise ProfileError(problems)
    return Rules(
        outlets=outlets, agency_outlets=agency_outlets, names=names, line_keys=line_keys,
        line_rx=_compile(line_patterns, "patterns") or re.compile(r"(?!)"),
        prefix_rx=_compile(prefixes, "prefixes"),
        suffix_rx=re.compile(f"(?:{'|'.join(_scoped(s) for s in suffixes)})$") if suffixes else None,
        tails=tails,
        signatures=signatures, source_lines=source_lines, agencies=agencies, files=[str(f) for f in files],
    )


def _load_agencies(problems: list[str]) -> list[Agency]:
    path = PROFILE_DIR / AGENCIES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for i, item in enumerate(data.get("agencies") or []):
        if not isinstance(item, dict) or "code" not in item:
            problems.append(f"{path}: agencies[{i}] needs a 'code'")
            continue
        out.append(Agency(str(item["code"]), [str(n) for n in item.get("names") or []],
                          [str(n) for n in item.get("context_names") or []]))
    return out
