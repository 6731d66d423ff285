"""What the corpus stage reads: resolved sources (the files of each config entry and how to read
them) and the study's outlets. The study config builds a :class:`Sources`
(``StudyConfig.corpus_sources()``); the corpus stage needs nothing else from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from framing.corpus.options import CorpusOptions, FieldMap
from framing.records import Outlet


@dataclass(frozen=True)
class SourceSpec:
    """A resolved source: the files it names and how to read them."""

    key: str  # config key path, for messages: "outlets[1].sources[0]"
    pattern: str  # as written in the config
    paths: tuple[Path, ...]  # matching files, sorted; directories expanded to their files
    format: str
    fields: FieldMap
    encoding: str | None
    outlet: str | None  # fixed outlet id, "auto", or None (read from fields.outlet)
    base_dir: Path
    again: tuple[tuple[Path, Path], ...] = ()  # (path, first path to the same real file)

    def display(self, path: Path) -> str:
        """The path as the user would write it: relative to the config folder when possible."""
        try:  # links are not resolved: the path shown is the one the source reached
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.base_dir)).as_posix()
        except ValueError:  # outside the config's folder: still relative to it (../shared/...), so the
            try:            # output folder travels; another drive (Windows) keeps the absolute path
                return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.base_dir))).as_posix()
            except ValueError:
                return str(path)


@dataclass(frozen=True)
class Sources:
    """Everything the corpus stage reads: the sources, the configured outlets (ids, display names
    and aliases, matched against outlet fields and signatures), the corpus options with their
    profile paths resolved, and the worker processes it may use."""

    specs: tuple[SourceSpec, ...]
    outlets: tuple[Outlet, ...] = ()
    options: CorpusOptions = field(default_factory=CorpusOptions)
    jobs: int = 1
