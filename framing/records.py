"""Plain typed records that flow between stages.

Every stage takes and returns these (or pandas DataFrames in long form with the column names
documented in docs/ARCHITECTURE.md). Nothing here imports a heavy dependency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ANALYSED = "analysed"
SKIPPED = "skipped"


@dataclass
class Document:
    """One input document, from raw read to cleaned text.

    ``text`` is the raw text after reading; the cleaning stage replaces it with the cleaned
    text, which is the text every offset in ``data/matches.csv`` refers to.
    """

    doc_id: str
    outlet: str
    source: str  # path relative to the config file, plus "#line=N" / "#row=N" for multi-document files
    text: str
    title: str = ""
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) when known
    url: str | None = None
    encoding: str | None = None
    status: str = ANALYSED
    reason: str = ""
    removed: list[str] = field(default_factory=list)  # lines/strings removed by cleaning, for audit
    source_line: str = ""  # e.g. "المصدر : الجزيرة + وكالات"
    wire_agencies: list[str] = field(default_factory=list)  # e.g. ["AFP", "Reuters"]
    is_wire: bool = False
    outlet_inferred: str = ""  # outlet id inferred from the text's own signature, "" if none
    outlet_name: str = ""  # display name given by the row itself (fields.outlet_name), "" if none
    duplicate_of: str = ""
    duplicate_kind: str = ""  # "exact", "near" or "shared wire copy" when duplicate_of is set
    warnings: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.status = SKIPPED
        self.reason = reason

    @property
    def analysed(self) -> bool:
        return self.status == ANALYSED


@dataclass(frozen=True, slots=True)
class Token:
    """A word token of a cleaned text: surface form, normalised form, character offsets."""

    surface: str
    norm: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    """One lexicon hit in a cleaned document."""

    lexicon: str
    category: str
    entry: str
    surface: str  # exactly text[start:end] of the cleaned text
    start: int
    end: int
    rule: str = ""  # how it matched: "exact", "clitic:و+ال", "lemma", ...
    # a frame or naming hit inside a distancing construction (ما وصفته الإرهاب): the label is
    # someone else's, which the outlet reports at a distance
    distanced: bool = False


@dataclass
class StageOutput:
    """What an analysis stage (stats, classify, topics) hands on.

    ``tables`` are long-form DataFrames written to ``data/<name>.csv`` and shown in the report;
    ``notes`` are plain-language remarks for the report (e.g. why a guard kicked in);
    ``info`` holds small JSON-serialisable facts for manifest.json (seeds, settings, timings).
    """

    tables: dict = field(default_factory=dict)  # name -> pandas.DataFrame
    notes: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)
