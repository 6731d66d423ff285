"""How long and how heavy a written report is: its page height at a given width, each section's
height, the seconds headless Chromium takes until every figure is drawn, and the size of its
data/ folder (CSV and Parquet apart), with the load average at the time.

    python benchmarks/bench_report_page.py REPORT_DIR [REPORT_DIR ...] [--width 1280] [--runs 3]

REPORT_DIR is a run's output folder (index.html and data/). Needs Debian's chromium
(/usr/bin/chromium) and Playwright; the network is blocked while the page loads.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def data_sizes(folder: Path) -> dict:
    """Bytes of data/: all files, CSV files (gzip-compressed ones too), Parquet files, the rest (texts,
    codebook, descriptor), and the largest files."""
    files = [p for p in (folder / "data").iterdir() if p.is_file()]
    size = {p.name: p.stat().st_size for p in files}
    return {"total": sum(size.values()),
            "csv": sum(v for k, v in size.items() if k.endswith((".csv", ".csv.gz"))),
            "parquet": sum(v for k, v in size.items() if k.endswith(".parquet")),
            "other": sum(v for k, v in size.items() if not k.endswith((".csv", ".csv.gz", ".parquet"))),
            "largest": dict(sorted(size.items(), key=lambda kv: -kv[1])[:6])}


def measure(browser, index: Path, width: int) -> dict:
    """Open the page once: seconds until every figure is drawn, page and section heights."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(index.resolve().as_uri(), wait_until="load")
    loaded = time.perf_counter() - t0
    page.wait_for_selector("html[data-figures-drawn]", state="attached", timeout=300_000)
    drawn = time.perf_counter() - t0
    height = page.evaluate("() => document.documentElement.scrollHeight")
    sections = page.eval_on_selector_all(
        "main > section", "els => Object.fromEntries(els.map(e => [e.id, Math.round(e.getBoundingClientRect().height)]))")
    context.close()
    return {"load_event_s": round(loaded, 2), "figures_drawn_s": round(drawn, 2), "height_px": height,
            "sections_px": sections}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports", nargs="+", type=Path)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--runs", type=int, default=3, help="page loads per report (the median is printed)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for folder in args.reports:
            runs = [measure(browser, folder / "index.html", args.width) for _ in range(args.runs)]
            out = {"report": str(folder), "width": args.width, "html_bytes": (folder / "index.html").stat().st_size,
                   "height_px": runs[-1]["height_px"], "sections_px": runs[-1]["sections_px"],
                   "figures_drawn_s_median": statistics.median(r["figures_drawn_s"] for r in runs),
                   "load_event_s_median": statistics.median(r["load_event_s"] for r in runs),
                   "figures_drawn_s_runs": [r["figures_drawn_s"] for r in runs],
                   "data_bytes": data_sizes(folder), "load_average": os.getloadavg()}
            print(json.dumps(out, indent=2))
        browser.close()


if __name__ == "__main__":
    main()
