"""The result of a run: every table the report shows and the data folder holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from framing.config import StudyConfig


@dataclass
class RunResult:
    """Tables are long-form pandas DataFrames keyed by name; ``data/<name>.csv`` holds each.

    Core tables: documents (the ledger), matches, outlet_scores, lexicon_entries. Stages add
    theirs (contrasts, keyness, naming_shares, timeline, topics, topic_mix, classifier tables...).
    """

    config: StudyConfig
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)  # stage -> remarks for the report
    manifest: dict = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # doc_id -> cleaned text (analysed docs)
    removed: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> removed furniture
    output_dir: Path | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def report_path(self) -> Path | None:
        """The report's index.html, once written."""
        return self.output_dir / "index.html" if self.output_dir else None
