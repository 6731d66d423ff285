"""Config checks that need more than the schema: what a run would otherwise find out only later,
or quietly (an unknown encoding, a model file that is missing or not a framing model, an outlet
no document can reach). Each problem is (key path, message), as the schema's."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any


def input_problems(raw: dict, base: Path) -> list[tuple[tuple, str]]:
    """(key path, message) problems of the inputs a config names: encodings, saved models, outlets without
    sources."""
    return _encodings(raw) + _models(raw, base) + _empty_outlets(raw)


def _sources(raw: dict):
    """(key path, source mapping) of every source written as a mapping."""
    outlets = raw.get("outlets")
    if isinstance(outlets, list):
        for i, o in enumerate(outlets):
            if isinstance(o, dict) and isinstance(o.get("sources"), list):
                for j, s in enumerate(o["sources"]):
                    yield ("outlets", i, "sources", j), s
    if isinstance(raw.get("sources"), list):
        for j, s in enumerate(raw["sources"]):
            yield ("sources", j), s


def _encodings(raw: dict) -> list[tuple[tuple, str]]:
    out = []
    for loc, src in _sources(raw):
        name = src.get("encoding") if isinstance(src, dict) else None
        if not isinstance(name, str):
            continue
        try:
            info = codecs.lookup(name)
        except LookupError:
            out.append((loc + ("encoding",), f"unknown encoding '{name}' (for example utf-8, cp1256, iso-8859-6, "
                                              "utf-16; leave it out to detect the encoding)"))
            continue
        if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13, ...
            out.append((loc + ("encoding",), f"'{name}' is not a text encoding"))
    return out


def _models(raw: dict, base: Path) -> list[tuple[tuple, str]]:
    classify = raw.get("classify")
    models = classify.get("models") if isinstance(classify, dict) else None
    if not isinstance(models, list):
        return []
    from framing.classify.store import ModelLoadError, read_metadata

    out = []
    for i, ref in enumerate(models):
        if not isinstance(ref, str):
            continue
        path = Path(ref).expanduser()
        path = path if path.is_absolute() else base / path
        try:
            meta = read_metadata(path)
        except ModelLoadError as exc:
            out.append((("classify", "models", i), str(exc)))
            continue
        except (OSError, ValueError) as exc:
            out.append((("classify", "models", i), f"{path}: not a framing model file ({exc})"))
            continue
        if not isinstance(meta, dict):
            out.append((("classify", "models", i), f"{path}: not a framing model file (its metadata is not a mapping)"))
    return out


def _empty_outlets(raw: dict) -> list[tuple[tuple, str]]:
    """An outlet with no sources of its own, where no top-level source can name it either."""
    outlets = raw.get("outlets")
    if not isinstance(outlets, list) or _has_items(raw.get("sources")):
        return []
    return [(("outlets", i, "sources"), "this outlet has no sources: name its files, or remove it")
            for i, o in enumerate(outlets) if isinstance(o, dict) and not _has_items(o.get("sources"))]


def _has_items(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0
