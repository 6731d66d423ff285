"""Helpers of the browser tests: open a report with the network blocked, build the injected demo.

Kept out of conftest.py so that test modules import them by a unique module name.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
INJECT_TITLE = "خبر <script>alert(1)</script> عاجل <img src=x onerror=alert(1)>"
INJECT_OUTLET = "Injected <img src=x onerror=alert(2)> TV"


@dataclass
class Opened:
    page: object
    console: list = field(default_factory=list)  # (type, text)
    errors: list = field(default_factory=list)  # uncaught exceptions
    dialogs: list = field(default_factory=list)
    requests: list = field(default_factory=list)  # every non-file URL the page tried
    seconds: float = 0.0  # navigation until every figure is drawn
    context: object = None

    def close(self) -> None:
        self.context.close()


def open_report(browser, index: Path, width: int = 1280, height: int = 900) -> Opened:
    """Open a report with every non-file request aborted and recorded; wait until the page script
    has drawn every figure."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    got = Opened(page, context=context)
    page.on("console", lambda m: got.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: got.errors.append(str(e)))

    def dialog(d):
        got.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            got.requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    t0 = time.perf_counter()
    page.goto(index.resolve().as_uri(), wait_until="load")
    page.wait_for_selector("html[data-figures-drawn]", state="attached", timeout=120_000)
    got.seconds = time.perf_counter() - t0
    return got


def injected_demo(root: Path) -> Path:
    """The bundled demo plus an outlet whose documents and name carry injections."""
    import framing

    demo = Path(framing.__file__).parent / "demo"
    study = root / "demo"
    shutil.copytree(demo, study, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    cfg = yaml.safe_load((study / "demo.yaml").read_text(encoding="utf-8"))
    cfg["output"] = str(root / "report")
    body = ("قالت مصادر محلية إن قوات الاحتلال قصفت القرية الحدودية فجر اليوم، وأكدت وزارة الصحة سقوط ضحايا "
            "بين المدنيين. <script>alert(1)</script> وأضافت المصادر أن المسلحين انسحبوا من المنطقة بعد ساعات "
            "من الاشتباكات، بينما وصفت الحكومة ما جرى بأنه اعتداء. <img src=x onerror=alert(1)> ")
    extra = ["ودعت المنظمات الإنسانية إلى فتح ممرات آمنة لإجلاء الجرحى من البلدة المحاصرة منذ أسبوعين.",
             "وقال شهود عيان إن الطائرات حلقت فوق المدينة طوال الليل وسط انقطاع الكهرباء والمياه.",
             "وأعلن الجيش في بيان رسمي أنه يواصل عملياته العسكرية حتى تحرير كامل الإقليم من المتمردين."]
    rows = [{"id": f"inject-{i}", "title": INJECT_TITLE if i == 0 else f"خبر رقم {i}", "date": f"2024-03-{10 + i}",
             "text": body + " ".join(extra[i:] + extra[:i]) + f" وتابع المراسل رقم {i} تغطيته."} for i in range(3)]
    (study / "injected.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                         encoding="utf-8")
    cfg["outlets"].append({"id": "injected", "name": INJECT_OUTLET, "sources": [{"path": "injected.jsonl"}]})
    path = study / "injected.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
