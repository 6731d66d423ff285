"""Report stage: ``write_report(result, out_dir)`` writes ``out_dir/index.html`` (jinja2 templates,
autoescape on) with plotly.js, the page script and CSS written once under ``out_dir/assets/``.

Sections, in reading order: summary, frames, naming, distancing and sourcing, contrasts, keyness,
topics, classifiers, time, the KWIC explorer, the document ledger, methods and reproducibility.
Each is built from the run's tables (``framing/report/sections.py``, ``appendix.py``) and rendered by
its own partial (``templates/sections/<id>.html``). plotly is imported by ``figures.py`` only.
"""

from __future__ import annotations

from pathlib import Path


def write_report(result, out_dir: Path) -> Path:
    """Write the offline HTML report of a run into ``out_dir``; returns the path of index.html."""
    from framing.report.render import write_report as _write

    return _write(result, out_dir)


__all__ = ["write_report"]
