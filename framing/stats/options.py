"""Options of the statistics stage (the `stats:` section of a study config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StatsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bootstrap: int = Field(2000, ge=100, description="document-bootstrap resamples for confidence intervals")
    permutations: int = Field(5000, ge=100, description="Monte-Carlo permutations for contrast tests on sparse counts")
    moment_min_hit_docs: float = Field(
        20.0, ge=1,
        description="a contrast test approximates its permutation distribution from its exact mean, variance and "
                    "skewness (Pearson type III curve) when the smaller of the two groups expects at least this many "
                    "documents with a hit under the null; below that it simulates the permutations",
    )
    length_strata: int = Field(
        5, ge=1, le=50,
        description="contrast tests permute outlet labels only among documents of similar length: quantile bins of "
                    "document length (1 = no strata); without them a test is too eager when the smaller outlet "
                    "writes longer articles",
    )
    fdr: float = Field(0.05, gt=0, lt=1, description="Benjamini-Hochberg false discovery rate")
    min_docs: int = Field(5, ge=1, description="fewer documents per outlet than this triggers a small-sample warning")
    min_hits: int = Field(5, ge=0, description="fewer hits than this triggers a small-sample warning")
    min_hit_docs: int = Field(
        3, ge=1,
        description="hits that come from fewer documents than this trigger a warning (one article can carry them all)",
    )
    keyness_prior: float = Field(
        500.0, gt=0, description="strength (total pseudo-count) of the informative Dirichlet prior")
    keyness_top: int = Field(30, ge=1, description="terms per comparison shown in the report")
    keyness_min_count: int = Field(
        5, ge=1, description="terms used fewer times than this in the whole corpus are left out of keyness",
    )
    min_mentions: int = Field(
        5, ge=1,
        description="bars and shares resting on fewer mentions (or hits) than this are drawn hollow, with their count",
    )
    headlines: int = Field(10, ge=0, description="how many plain-language headline differences to write")
    time_unit: str = Field("auto", pattern="^(auto|week|month)$", description="period for rates over time")
    voice: str = Field(
        "own", pattern="^(own|all|sourced)$",
        description="which hits rates, intervals, contrasts, naming shares and headlines count: own (the outlet's "
                    "own narration), sourced (inside quotations and reported speech) or all; see data/matches.csv "
                    "column voice",
    )
