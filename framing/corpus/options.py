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
