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



# the demo's outlets in two camps (its planted differences split them so), and one pair
FOCUS = {"groups": {"occupied_side": ["sahil_news", "aljabal"], "government_side": ["almanara", "alufuq"]},
         "pairs": [["sahil_news", "almanara"]]}


def focused_demo(root: Path) -> Path:
    """The bundled demo with a declared comparison (``compare:``): two groups and a pair."""
    import framing

    study = root / "demo"
    shutil.copytree(Path(framing.__file__).parent / "demo", study, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    cfg = yaml.safe_load((study / "demo.yaml").read_text(encoding="utf-8"))
    cfg["output"] = str(root / "report")
    cfg["compare"] = FOCUS
    path = study / "focused.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path

# A label of a chart, as plotly draws it: tick labels, legend entries, titles, the drop-down, colour bars.
LABELS = (".xtick text, .ytick text, .legend .traces text, .gtitle, .g-xtitle text, .g-ytitle text, "
          ".updatemenu-header-group text, .annotation-text, .cbtitle text, .cbaxis text")

# Pairs of labels of one visible chart whose bounding boxes overlap by more than a pixel each way.
LABEL_OVERLAPS = """(sel) => {
  const out = [];
  document.querySelectorAll('figure.chart').forEach(fig => {
    if (!fig.checkVisibility()) return;
    const boxes = Array.from(fig.querySelectorAll(sel)).map(e => [e, e.getBoundingClientRect()])
      .filter(([e, r]) => r.width > 0 && r.height > 0 && e.textContent.trim() && e.checkVisibility());
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) out.push(fig.id + ': ' + boxes[i][0].textContent + ' / ' + boxes[j][0].textContent);
    }
  });
  return out;
}"""


def large_study(root: Path, outlets: int = 14, docs_per_outlet: int = 60, seed: int = 7) -> Path:
    """A synthetic study of the size and shape of SaudiNewsNet's report: 14 outlets, two months of
    dated articles made of the shipped lexicons' words and filler, each outlet leaning on a few
    categories (so that contrasts, naming shares and keyness have something to find), plus
    duplicates and too-short articles for the ledger. Every table of the report is long."""
    import random

    from framing.lexicon import lexicon_frame, load_lexicons

    rng = random.Random(seed)
    lex = lexicon_frame(load_lexicons(["conflict", "naming", "attribution"]))
    lex = lex[lex["forms"].fillna("").str.strip() != ""]
    by_cat = {k: [f.split()[0] for f in g["forms"]] for k, g in lex.groupby(["lexicon", "category"])}
    cats = sorted(by_cat)
    filler = ("قال المسؤول إن الوضع في المنطقة يشهد تطورات متسارعة منذ بداية الأسبوع الماضي وسط اهتمام "
              "إقليمي ودولي واسع بالأحداث الجارية في البلاد وتداعياتها على السكان والاقتصاد والخدمات العامة "
              "وأضاف أن الحكومة تعمل على معالجة الأزمة بالتعاون مع الشركاء وتوفير المساعدات اللازمة للمتضررين").split()
    rows = []
    for o in range(outlets):
        lean = rng.sample(cats, 3)
        for d in range(docs_per_outlet):
            words = []
            for _ in range(rng.randint(12, 20)):
                words += rng.sample(filler, 9)
                cat = rng.choice(lean) if rng.random() < 0.5 else rng.choice(cats)
                words.append(rng.choice(by_cat[cat]))
                words.append(f"كلمة{o}" if rng.random() < 0.3 else rng.choice(filler))
                words[-1] += "."
            text = " ".join(words)
            day = 1 + (d * 61) // docs_per_outlet
            date = f"2015-{7 + (day > 31)}-{(day - 1) % 31 + 1:02d}".replace("-7-", "-07-").replace("-8-", "-08-")
            rows.append({"id": f"o{o}-{d}", "outlet": f"outlet{o:02d}", "outlet_name": f"Outlet number {o + 1} Daily",
                         "title": " ".join(rng.sample(filler, 6)), "date": date, "text": text})
        rows.append({**rows[-1], "id": f"o{o}-copy"})  # an exact copy within the outlet
        rows.append({**rows[-1], "id": f"o{o}-short", "text": "خبر قصير جدا"})
    study = root / "large"
    study.mkdir(parents=True, exist_ok=True)
    (study / "all.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    cfg = {"title": "A large synthetic study", "sources": [{"path": "all.jsonl"}],
           "output": str(root / "large-report"), "seed": seed,
           "stats": {"bootstrap": 200, "permutations": 200},
           "topics": {"stability_seeds": 1, "bootstrap": 100, "n_topics": 10},
           "classify": {"max_docs_per_outlet": 25, "folds": 3}}
    path = study / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
