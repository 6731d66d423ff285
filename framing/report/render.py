"""Render the report: jinja2 templates (autoescape on) over the section builders, the page's CSS,
JS and plotly.js written once into ``assets/`` beside ``index.html``.

The page must open offline and run nothing from the corpus: every corpus and config string goes
through autoescape, figure data sits in ``<script type="application/json">`` blocks written with
jinja's ``tojson`` (``<``, ``>``, ``&`` and ``'`` escaped), the page script is a static file, and a
Content-Security-Policy forbids any other script, any connection and any remote resource.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import shutil
import traceback
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from framing.version import __version__
from framing.report import appendix, focus, planted, sections, voice
from framing.report.wire import wire
from framing.report.context import Ctx, Section
from framing.report.tables import ARABIC_RE, ARABIC_RUN_RE
from framing.result import RunResult

log = logging.getLogger(__name__)

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # plotly.js sets styles on the elements it draws
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])

BUILDERS = [
    focus.focus, sections.summary, planted.planted, sections.frames, sections.naming, voice.voice, sections.markers,
    sections.contrasts, sections.keyness, sections.topics, sections.classifiers, sections.time, wire, appendix.kwic,
    appendix.ledger, appendix.methods,
]
TITLES = {
    "focus": "The declared comparison", "summary": "Summary", "planted": "Planted vs found", "frames": "Frames",
    "naming": "Naming", "voice": "Whose words", "markers": "Distancing and sourcing",
    "contrasts": "Contrasts between outlets", "keyness": "Keyness", "topics": "Topics", "classifiers": "Classifiers",
    "time": "Over time", "wire": "Same story, different words", "kwic": "Concordance (KWIC) explorer",
    "ledger": "Document ledger", "methods": "Methods and reproducibility",
}
# short names for the one-line navigation bar (a section not listed here shows its title)
NAV = {
    "focus": "Comparison", "summary": "Summary", "planted": "Planted", "frames": "Frames", "naming": "Naming",
    "voice": "Whose words", "markers": "Sourcing", "contrasts": "Contrasts", "keyness": "Keyness", "topics": "Topics",
    "classifiers": "Classifiers", "time": "Over time", "wire": "Same story", "kwic": "Concordance", "ledger": "Ledger",
    "methods": "Methods",
}
ASSETS = ("report.css", "report.js", "wire.css", "wire.js")
PLOTLY_JS = "plotly.min.js"


def environment() -> Environment:
    """The jinja2 environment of the report templates: autoescape on, undefined names an error."""
    env = Environment(
        loader=PackageLoader("framing.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_function"] = _dumps
    env.policies["json.dumps_kwargs"] = {}
    env.filters["runs"] = bidi_runs
    env.filters["num"] = lambda v: f"{int(v):,}"
    env.tests["arabic"] = lambda v: isinstance(v, str) and ARABIC_RE.search(v) is not None
    return env


def _dumps(obj, **_) -> str:
    """Compact JSON for the page's data blocks; NaN and infinities (not JSON) become null."""
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(obj), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _finite(obj):
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def bidi_runs(text: object) -> list[tuple[str, bool]]:
    """Split text into (piece, is_arabic). Mostly-Arabic text stays one right-to-left piece; in
    English text each Arabic phrase becomes its own piece so it can be marked ``dir="rtl"``."""
    s = "" if text is None else str(text)
    if not ARABIC_RE.search(s):
        return [(s, False)]
    arabic = len(ARABIC_RE.findall(s))
    latin = sum(1 for ch in s if ch.isascii() and ch.isalpha())
    if arabic >= latin:
        return [(s, True)]
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in ARABIC_RUN_RE.finditer(s):
        if m.start() > pos:
            out.append((s[pos:m.start()], False))
        out.append((m.group(), True))
        pos = m.end()
    if pos < len(s):
        out.append((s[pos:], False))
    return out


def build_sections(ctx: Ctx) -> list[Section]:
    """Every report section; a section that fails is replaced by one that says so, and the rest of
    the report is still written."""
    out = []
    for build in BUILDERS:
        sid = build.__name__
        try:
            sec = build(ctx)
            if sec is not None:  # a builder returns None when its section does not apply to this run
                out.append(sec)
        except Exception as exc:  # noqa: BLE001 - one broken table must not cost the whole report
            log.warning("report section %s failed: %s", sid, exc)
            log.debug("%s", traceback.format_exc())
            out.append(Section(sid, TITLES.get(sid, sid), empty=(
                f"This section could not be drawn ({type(exc).__name__}: {exc}). "
                "The tables behind it are in the data/ folder.")))
    for sec in out:
        sec.nav = sec.nav or NAV.get(sec.id, sec.title)
    return out


def render_page(result: RunResult, *, table_rows: int, kwic_rows: int, ctx: Ctx | None = None,
                size_note: str = "") -> tuple[str, Ctx]:
    """The report page's HTML and the context it was rendered with."""
    ctx = ctx or Ctx(result, table_rows, kwic_rows)
    ctx.begin_render(table_rows, kwic_rows)
    secs = build_sections(ctx)
    cfg = result.config
    page = environment().get_template("base.html").render(
        title=cfg.title,
        description=cfg.description,
        csp=CSP,
        sections=secs,
        version=__version__,
        generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        config_sha=(result.manifest or {}).get("config_sha256", ""),
        size_note=size_note,
        plotly_js=f"assets/{PLOTLY_JS}",
        fdr=f"{ctx.fdr:g}",
        data_file=ctx.data_file,
    )
    return page, ctx


def write_assets(out_dir: Path) -> None:
    """Write the report's static files and plotly.js into ``out_dir/assets``."""
    from framing.report.figures import plotly_js

    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    static = resources.files("framing.report") / "static"
    for name in ASSETS:
        with resources.as_file(static / name) as src:
            shutil.copyfile(src, assets / name)
    js = plotly_js().encode("utf-8")
    target = assets / PLOTLY_JS
    if not target.exists() or target.stat().st_size != len(js) or target.read_bytes() != js:
        target.write_bytes(js)


def write_report(result: RunResult, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` and its assets; return the page's path.

    The page is re-rendered with fewer embedded table rows and concordance lines until it fits
    ``report.max_page_mb``; the page says so when it had to.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_assets(out_dir)
    opts = result.config.report
    limit = int(float(getattr(opts, "max_page_mb", 5.0)) * 1_000_000)
    table_rows, kwic_rows = int(opts.table_rows), int(opts.kwic_rows)
    page, ctx = render_page(result, table_rows=table_rows, kwic_rows=kwic_rows)
    size = len(page.encode("utf-8"))
    while size > limit and (kwic_rows > 50 or table_rows > 10):
        shrink = max(0.1, min(0.5, 0.9 * limit / size))  # the embedded rows are most of a big page
        kwic_rows = max(50, int(kwic_rows * shrink)) if kwic_rows > 50 else kwic_rows
        table_rows = max(10, int(table_rows * shrink))
        note = (f"To keep this page under {limit / 1e6:g} MB it embeds {kwic_rows:,} concordance lines and "
                f"{table_rows:,} rows per long table (configured: {opts.kwic_rows:,} and {opts.table_rows:,}); "
                "every row is in the data/ folder.")
        page, ctx = render_page(result, table_rows=table_rows, kwic_rows=kwic_rows, ctx=ctx, size_note=note)
        size = len(page.encode("utf-8"))
    if size > limit:
        log.warning("report page is %.1f MB, over report.max_page_mb (%g): its figures alone are that large",
                    size / 1e6, limit / 1e6)
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8", newline="\n")
    return path
