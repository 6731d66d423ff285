"""Options of the report stage (the `report:` section of a study config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kwic_rows: int = Field(2000, ge=0, description="concordance lines embedded in the page (all are in data/matches.csv)")
    table_rows: int = Field(200, ge=10, description="rows per long table embedded in the page")
    max_page_mb: float = Field(
        5.0, gt=0, description="size budget of index.html in MB (plotly.js, ~4.8 MB, is a separate file): "
        "the page embeds fewer table rows and concordance lines until it fits",
    )
    planted: str | None = Field(
        None, description="a planted-differences file (the demo's planted.yaml format), relative to the config: the "
        "report then shows each planted difference beside what was found (for teaching)",
    )
