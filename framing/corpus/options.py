"""Options of the corpus stage (the `corpus:` section of a study config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CorpusOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_words: int = Field(30, ge=0, description="documents with fewer Arabic words are skipped as too short")
    min_arabic_share: float = Field(0.5, ge=0, le=1, description="share of letters that must be Arabic")
    duplicates: Literal["keep", "drop"] = Field(
        "drop", description="what to do with exact and near-duplicate documents (they are always listed)"
    )
    near_duplicate_threshold: float = Field(0.8, gt=0, le=1, description="estimated Jaccard similarity of 5-word shingles")
    profiles: list[str] = Field(default_factory=list, description="extra outlet cleaning profiles (YAML paths)")
    # ---- added by the corpus stage ---------------------------------------------------------
    shared_wire: Literal["keep", "drop"] = Field(
        "keep",
        description="near-duplicates across outlets (shared wire copy): each outlet chose to publish its copy, "
        "so they are kept by default; 'drop' keeps only the first copy. Always flagged is_wire and listed.",
    )
    clean: bool = Field(True, description="remove page furniture (profiles and generic rules); false keeps the text as read")
    short_line_words: int = Field(
        4, ge=0, description="at the start and end of a text, lines of at most this many words without a sentence end are furniture"
    )
    repeated_line_min_docs: int = Field(
        5, ge=2, description="a line found in at least this many documents of one outlet (and in repeated_line_share of them) is furniture"
    )
    repeated_line_share: float = Field(0.02, ge=0, le=1, description="see repeated_line_min_docs")
    repeated_line_max_words: int = Field(20, ge=1, description="only lines of at most this many words count as repeated furniture")
    title_from_first_line: bool = Field(
        True, description="single-document files without a title: the first line (a headline) becomes the title"
    )
    max_document_mb: float = Field(
        64, gt=0, description="a single-document file larger than this is skipped (split it, or convert it to JSONL)"
    )
    num_perm: int = Field(64, ge=16, le=512, description="MinHash permutations for near-duplicate detection")
    analyse_titles: bool = Field(
        True,
        description="headlines are where framing is sharpest: the title is put before the body, as its first "
        "paragraph, in the text that is analysed (and that data/documents.jsonl.gz holds); false analyses the body only",
    )


class FieldMap(BaseModel):
    """Which column or JSON field holds what, for JSONL/JSON/CSV/TSV sources."""

    model_config = ConfigDict(extra="forbid")

    text: str = "text"
    title: str | None = "title"
    date: str | None = "date"
    outlet: str | None = "outlet"
    outlet_name: str | None = "outlet_name"
    url: str | None = "url"
    id: str | None = "id"
