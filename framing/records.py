"""Plain typed records that flow between stages.

Every stage takes and returns these (or pandas DataFrames in long form with the column names
documented in docs/ARCHITECTURE.md). Nothing here imports a heavy dependency.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from framing.arabic import Normaliser

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
        """Mark the document skipped, with the reason the ledger will show."""
        self.status = SKIPPED
        self.reason = reason

    @property
    def analysed(self) -> bool:
        """Whether the document goes on to the analysis."""
        return self.status == ANALYSED


@dataclass(frozen=True)
class Outlet:
    """An outlet of the study config: its id, display name ("" when none is given) and the other
    names it goes by (masked before classifier training, matched against outlet fields)."""

    id: str
    name: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The name to show: the display name, else the id."""
        return self.name or self.id


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


@dataclass(frozen=True)
class StageInputs:
    """What the analysis stages read, built once by the pipeline after the lexicon matching.

    ``documents``: the analysed documents (cleaned text), in input order; ``doc_table``: their
    doc_id, outlet, n_tokens and date as a DataFrame; ``matches``: data/matches.csv as a
    DataFrame; ``lexicon_entries``: one row per lexicon entry; ``outlet_terms``: keyness-term
    counts per outlet; ``outlet_names``: outlet id -> display name, for every outlet of the run;
    ``outlets``: the outlets of the config; ``self_names``: further strings that name an outlet
    or an agency (``classify.mask``); ``all_documents``: every document read, skipped ones too;
    ``normaliser``: the run's Arabic normaliser; ``tables``: the tables of the stages that ran
    before; ``corpus_key``: the cache key of the cleaned corpus these documents are (it changes
    whenever they would), when the run has a cache.
    """

    documents: list[Document] = field(default_factory=list)
    doc_table: pd.DataFrame | None = None
    matches: pd.DataFrame | None = None
    lexicon_entries: pd.DataFrame | None = None
    outlet_terms: dict[str, Any] | None = None
    outlet_names: dict[str, str] = field(default_factory=dict)
    outlets: tuple[Outlet, ...] = ()
    self_names: tuple[str, ...] = ()
    all_documents: list[Document] = field(default_factory=list)
    normaliser: Normaliser | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    corpus_key: str | None = None

    def without_lexicons(self) -> StageInputs:
        """The same inputs with everything that depends on the lexicons left out (matches, lexicon
        entries, keyness terms, earlier tables): what a stage whose results are cached across
        lexicon edits may read."""
        return replace(self, matches=None, lexicon_entries=None, outlet_terms=None, tables={})

