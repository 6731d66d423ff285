"""Options of the classifier stage (the `classify:` section of a study config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ClassifyOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outlet_classifier: bool = Field(True, description="train and cross-validate an outlet-attribution classifier")
    folds: int = Field(5, ge=2, description="stratified cross-validation folds")
    mask: list[str] = Field(default_factory=list, description="extra strings masked before training (outlet self-names are masked automatically)")
    models: list[str] = Field(default_factory=list, description="saved frame classifiers (paths) applied to every document")
