"""Options of the statistics stage (the `stats:` section of a study config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


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


GROUP_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"  # as the config's ids


class CompareOptions(BaseModel):
    """The comparison a study is about: groups of outlets (each pair of groups is compared, the
    documents of a group pooled) and/or pairs of outlets. Without it, every outlet is compared
    with every other and with the rest."""

    model_config = ConfigDict(extra="forbid")

    groups: dict[str, list[str]] = Field(default_factory=dict, description="group name -> outlet ids")
    pairs: list[tuple[str, str]] = Field(default_factory=list, description="pairs of outlet ids: [[a, b], ...]")

    @field_validator("groups", mode="after")
    @classmethod
    def _group_names(cls, groups: dict[str, list[str]]) -> dict[str, list[str]]:
        import re

        for name, members in groups.items():
            if not re.match(GROUP_NAME, name):
                raise ValueError(f"group name '{name}': letters, digits, '_', '.', '-' only")
            if not members:
                raise ValueError(f"group '{name}' names no outlet")
        if len(groups) == 1:
            raise ValueError("compare.groups needs at least two groups")
        return groups

    @property
    def declared(self) -> bool:
        """Whether the config declares a comparison."""
        return bool(self.groups or self.pairs)

    def comparisons(self) -> list[tuple[str, list[str], str, list[str]]]:
        """(name A, outlets A, name B, outlets B) for each pair of groups, then each pair of outlets."""
        out = []
        names = list(self.groups)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                out.append((a, list(self.groups[a]), b, list(self.groups[b])))
        out += [(a, [a], b, [b]) for a, b in self.pairs]
        return out
