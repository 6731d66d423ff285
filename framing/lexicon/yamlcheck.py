"""Lexicon YAML read with the line of every key, and the checker that turns what is wrong in it into
messages naming file, line and key (used by :mod:`framing.lexicon.loader`)."""

from __future__ import annotations

import re

import yaml

from framing.lexicon.model import INFLECTION_ALIASES, INFLECTIONS

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class YamlData:
    """YAML data plus the line of every key path (tuple of str keys and int indexes)."""

    def __init__(self) -> None:
        self.lines: dict[tuple, int] = {}
        self.problems: list[tuple[tuple, str, int]] = []


def to_python(node, path: tuple, data: YamlData):
    """A YAML node as plain Python values, the line of every key path noted in ``data`` (and
    duplicate keys as problems)."""
    data.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            sub = path + (key,)
            if key in out:
                data.problems.append((sub, f"duplicate key {key!r} (first on line"
                                           f" {data.lines.get(('#key',) + sub, '?')})",
                                      key_node.start_mark.line + 1))
                continue
            data.lines[("#key",) + sub] = key_node.start_mark.line + 1
            out[key] = to_python(value_node, sub, data)
            data.lines[sub] = value_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [to_python(item, path + (i,), data) for i, item in enumerate(node.value)]
    # scalars: keep the text as written for strings (so version 1.10 stays "1.10"), typed otherwise
    if node.tag.endswith(":null"):
        return None
    if node.tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on")
    if node.tag.endswith((":int", ":float")):
        return Number(node.value)
    return node.value


class Number(str):
    """A number as written in YAML; accepted where a string is expected (version: 1.0)."""


# ---------------------------------------------------------------------------------------------
# validation


class Checker:
    """Collects the problems of one lexicon file, each as ``file:line: key.path: message``, and
    reads typed values from its tree."""

    def __init__(self, name: str, data: YamlData, tree) -> None:
        self.name = name
        self.data = data
        self.tree = tree
        self.problems: list[str] = []

    def line(self, path: tuple) -> int:
        """The line of a key path, or of its nearest parent with a known line."""
        for k in (("#key",) + path, path):
            if k in self.data.lines:
                return self.data.lines[k]
        while path:
            path = path[:-1]
            if path in self.data.lines:
                return self.data.lines[path]
        return 1

    def keypath(self, path: tuple) -> str:
        """Readable key path: list items that have an ``id`` are named by it."""
        parts: list[str] = []
        node = self.tree
        for p in path:
            if isinstance(p, int):
                item = node[p] if isinstance(node, list) and p < len(node) else None
                if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                    parts.append(str(item["id"]))
                else:
                    parts.append(f"[{p}]")
                node = item
            else:
                parts.append(str(p))
                node = node.get(p) if isinstance(node, dict) else None
        text = ""
        for part in parts:
            text += part if part.startswith("[") or not text else "." + part
        return text or "(top)"

    def add(self, path: tuple, message: str) -> None:
        """Record a problem at a key path."""
        self.problems.append(f"{self.name}:{self.line(path)}: {self.keypath(path)}: {message}")

    # typed getters --------------------------------------------------------------------------
    def mapping(self, value, path: tuple, allowed: set[str], required: tuple[str, ...], what: str):
        """``value`` when it is a mapping (None otherwise), with its unknown and missing keys
        recorded as problems."""
        if not isinstance(value, dict):
            self.add(path, f"{what} must be a mapping of keys, got {kind_of(value)}")
            return None
        for key in value:
            if key not in allowed:
                close = close_key(key, allowed)
                hint = f" (did you mean {close!r}?)" if close else ""
                self.add(path + (key,), f"unknown key {key!r} in {what}{hint}; allowed:"
                                        f" {', '.join(sorted(allowed))}")
        for key in required:
            if key not in value or value[key] is None or value[key] == "":
                self.add(path, f"{what} is missing the required key {key!r}")
        return value

    def string(self, value, path: tuple, required: bool = True) -> str:
        """``value`` as stripped text ("" when absent or not text, recorded as a problem)."""
        if value is None:
            if required:
                self.add(path, "a value is required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str):
            self.add(path, f"must be text, got {kind_of(value)}")
            return ""
        return str(value).strip()

    def ident(self, value, path: tuple) -> str:
        """An id: lower-case ASCII letters, digits and _, starting with a letter."""
        text = self.string(value, path)
        if text and not ID_RE.match(text):
            self.add(path, f"id {text!r} must be lower-case ASCII letters, digits and _"
                           " starting with a letter (e.g. ethnic_cleansing)")
        return text

    def string_list(self, value, path: tuple) -> tuple[str, ...]:
        """A list of text items (a single text counts as a list of one)."""
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(path, f"must be a list of text items, got {kind_of(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            text = self.string(item, path + (i,))
            if text:
                out.append(text)
            elif item is not None and not isinstance(item, (dict, list)):
                self.add(path + (i,), "empty item")
        return tuple(out)

    def inflect(self, value, path: tuple) -> tuple[str, ...]:
        """Inflection names, the unknown ones recorded as problems and left out."""
        names = self.string_list(value, path)
        known = set(INFLECTIONS) | set(INFLECTION_ALIASES)
        for i, name in enumerate(names):
            if name not in known:
                self.add(path + ((i,) if isinstance(value, list) else ()),
                         f"unknown inflection {name!r}; known: {', '.join(sorted(known))}")
        return tuple(n for n in names if n in known)


def kind_of(value) -> str:
    """What a value is, for messages ("a mapping", "the number 1.0")."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Number):
        return f"the number {value}"
    if isinstance(value, bool):
        return f"the boolean {value}"
    return f"{type(value).__name__} {value!r}"


def close_key(key: str, allowed: set[str]) -> str | None:
    """The allowed key closest to a mistyped one, if any is close."""
    import difflib

    hits = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
    return hits[0] if hits else None
