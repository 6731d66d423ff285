"""The report's figures built as plain dicts are the figures plotly's own objects would write: each
spec, read back through plotly's figure objects (which check every attribute and spell out named
values such as colour scales), comes out unchanged."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from framing.report import figures
from framing.report.context import Ctx
from framing.report.render import build_sections
from test_report_sample import sample_result


def _figures() -> dict:
    ctx = Ctx(sample_result(), 40, 200)
    ctx.begin_render(40, 200)
    build_sections(ctx)
    return dict(ctx._figures)


def test_every_figure_spec_is_what_plotly_writes_for_it():
    built = _figures()
    assert {"fig-time", "fig-contrast-matrix"} <= set(built) and any(k.startswith("fig-naming") for k in built)
    for key, view in built.items():
        again = figures._spec(go.Figure(view.spec))
        assert json.dumps(again, sort_keys=True) == json.dumps(view.spec, sort_keys=True), key


def test_plain_specs_leave_out_unset_attributes_and_spell_out_named_values():
    spec = figures.plain_spec([{"type": "heatmap", "z": [[1, None]], "colorscale": figures._colorscale("RdBu"),
                                 "name": None}],
                               figures.base_layout("t", yaxis=figures.axis_style(range=None, tickformat=None)))
    assert "name" not in spec["data"][0] and spec["data"][0]["z"] == [[1, None]]
    assert "range" not in spec["layout"]["yaxis"] and isinstance(spec["layout"]["template"], dict)
    assert spec == figures._spec(go.Figure(spec))
