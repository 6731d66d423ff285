"""Options of the report stage (the `report:` section of a study config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
    formats: list[Literal["csv", "parquet"]] = Field(
        ["csv"], min_length=1,
        description="formats of the data/ tables: csv, parquet (zstd compressed; needs pyarrow, the 'parquet' extra), or both",
    )
    excel_bom: bool = Field(
        False, description="start every CSV with a UTF-8 byte-order mark, so that Excel shows the Arabic text correctly",
    )

    @field_validator("formats", mode="after")
    @classmethod
    def _parquet_needs_pyarrow(cls, formats: list[str]) -> list[str]:
        import importlib.util

        if "parquet" in formats and importlib.util.find_spec("pyarrow") is None:
            raise ValueError("parquet needs pyarrow: pip install 'framing[parquet]' (or use formats: [csv])")
        return formats
