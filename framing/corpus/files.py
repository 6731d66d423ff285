"""The files a source names: a path, a directory or a glob (``**`` allowed), found with a walk that
follows links to folders but never enters a folder twice (a link loop ends at once), and that
never enters the run's own output folder or cache, nor hidden folders, wherever they are.

``expand_pattern`` gives the files in sorted order, one path to each real file (a file reached
through several paths, by a link to it or through a linked folder, is one file). ``first_paths``
says which files of a source were listed by an earlier source, so that the reader can account for
them.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path


def expand_pattern(base_dir: Path, pattern: str, exclude: Iterable[Path] = ()) -> list[Path]:
    """Files named by a path, directory or glob, sorted; hidden files and folders are skipped
    inside a folder or a glob, as are the folders in ``exclude`` (and everything under them)."""
    try:
        return _expand(base_dir, pattern, exclude)
    except (OSError, ValueError):  # a name too long, a NUL byte, a folder that vanished: no files
        return []


def _expand(base_dir: Path, pattern: str, exclude: Iterable[Path]) -> list[Path]:
    p = Path(pattern).expanduser()
    full = p if p.is_absolute() else base_dir / p
    skip = {os.path.realpath(e) for e in exclude}
    if not glob.has_magic(str(full)):
        if full.is_dir():
            return _once(_walk_files(full, skip))
        return [full] if full.is_file() else []
    parts = full.parts
    k = next(i for i, s in enumerate(parts) if glob.has_magic(s))
    root, segments = Path(*parts[:k]), parts[k:]
    found: set[Path] = set()
    for rel, path, is_dir in _walk(root, skip, segments):
        if _matches(rel, segments):
            if is_dir:
                found.update(_walk_files(path, skip))
            elif path.is_file():
                found.add(path)
    return _once(found)


def _once(paths: Iterable[Path]) -> list[Path]:
    """Sorted paths, one to each real file: the shortest, then the first in order."""
    first: dict[str, Path] = {}
    for path in sorted(paths, key=lambda p: (len(p.parts), p)):
        first.setdefault(os.path.realpath(path), path)
    return sorted(first.values())


def first_paths(paths: Iterable[Path], seen: dict[str, Path]) -> tuple[list[Path], dict[Path, Path]]:
    """(paths to files not in ``seen``, {later path: first path to the same real file}); ``seen``
    (real path -> first path) is updated, so that it can be shared by several sources."""
    out: list[Path] = []
    again: dict[Path, Path] = {}
    for path in paths:
        real = os.path.realpath(path)
        if real in seen:
            again[path] = seen[real]
        else:
            seen[real] = path
        out.append(path)
    return out, again


def _inside(real: str, skip: set[str]) -> bool:
    return any(real == s or real.startswith(s.rstrip(os.sep) + os.sep) for s in skip)


def _walk(root: Path, skip: set[str], segments: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Path, bool]]:
    """(parts relative to ``root``, path, is a folder) of everything under ``root`` that a glob of
    ``segments`` may reach; each real folder entered once."""
    deep = "**" in segments
    hidden = any(s.startswith(".") for s in segments)  # a pattern may name a hidden folder
    entered: set[str] = set()

    def visit(folder: Path, rel: tuple[str, ...]) -> Iterator:
        real = os.path.realpath(folder)
        if real in entered or _inside(real, skip):
            return
        entered.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path, here = Path(entry.path), rel + (entry.name,)
            try:
                is_dir = entry.is_dir()  # follows a link
            except OSError:
                continue
            yield here, path, is_dir
            if is_dir and (deep or len(here) < len(segments)) and (hidden or not entry.name.startswith(".")):
                yield from visit(path, here)

    if root.is_dir():
        yield from visit(root, ())


def _walk_files(folder: Path, skip: set[str]) -> Iterator[Path]:
    """Every file under ``folder`` (links followed, each real folder once), hidden ones skipped."""
    for rel, path, is_dir in _walk(folder, skip, ("**",)):
        if not is_dir and not any(part.startswith(".") for part in rel) and path.is_file():
            yield path


def _matches(rel: tuple[str, ...], segments: tuple[str, ...]) -> bool:
    """Whether path parts ``rel`` match glob ``segments`` (``**``: any number of folders; ``*``
    and ``?`` never match a leading dot, as in the shell)."""
    if not segments:
        return not rel
    head = segments[0]
    if head == "**":
        return _matches(rel, segments[1:]) or (bool(rel) and not rel[0].startswith(".") and _matches(rel[1:], segments))
    if not rel:
        return False
    name = rel[0]
    if name.startswith(".") and not head.startswith("."):
        return False
    return fnmatchcase(name, head) and _matches(rel[1:], segments[1:])
