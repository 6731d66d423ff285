"""Options of the shared-copy stage (the `wire:` section of a study config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WireOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="find stories shared across outlets and align each outlet's copy with the reference")
    min_words: int = Field(
        30, ge=5, description="a reused story: the two texts share passages (5+ identical words in a row) of at least this many words")
    min_share: float = Field(
        0.3, gt=0, le=1,
        description="... and those passages make up at least this share of the shorter text (containment, so an outlet "
                    "that keeps a few agency paragraphs and adds its own still counts)")
    max_shingle_docs: int = Field(
        40, ge=2, le=500,
        description="a 5-word sequence found in more documents than this is boilerplate and proposes no pair")
    report_pairs: int = Field(24, ge=0, description="reference/derivative pairs shown side by side in the report")
