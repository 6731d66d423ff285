"""A hand-built RunResult for the report tests: four outlets (one named in Arabic, one with markup in
its name), a document whose title and text carry script injections, every table the stages write.

``sample_result()`` is imported by tests/test_report*.py and tests/browser/. The few tests here check
that the sample itself is consistent, so that report tests built on it can fail for the right reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.config import StudyConfig
from framing.result import RunResult

XSS_TITLE = "<script>alert(1)</script> عنوان <img src=x onerror=alert(1)>"
XSS_TEXT = ("قالت المصادر إن الاحتلال <script>alert(1)</script> مستمر في المدينة. "
            "وأضافت <img src=x onerror=alert(1)> أن التحرير قريب.")
OUTLETS = {
    "sahil": "Al-Sahil",
    "jabal": "الجبل",  # an Arabic outlet name
    "ufuq": "Ufuq <b>&amp; Co</b>",  # markup in config text must be shown, not interpreted
    "manara": "Al-Manara",
}
LEXICON = [  # lexicon, kind, category, label, label_ar, entry, gloss
    ("conflict", "frames", "occupation", "Occupation", "احتلال", "الاحتلال", "the occupation"),
    ("conflict", "frames", "occupation", "Occupation", "احتلال", "المحتل", "the occupier"),
    ("conflict", "frames", "liberation", "Liberation", "تحرير", "التحرير", "liberation"),
    ("conflict", "frames", "terrorism", "Terrorism", "إرهاب", "الإرهاب", "terrorism"),
    ("naming", "naming", "city_name", "Name of the city", "اسم المدينة", "ستيباناكرت", "Stepanakert"),
    ("naming", "naming", "city_name", "Name of the city", "اسم المدينة", "خانكندي", "Khankendi"),
    ("attribution", "markers", "distancing", "Distancing", "تبرؤ", "ما وصفته", "what it described as"),
    ("attribution", "markers", "sourcing", "Sourcing", "إسناد", "قالت المصادر", "sources said"),
]
SENTENCES = {
    "sahil": ["يواصل الاحتلال قصف المدينة.", "قال المحتل إن العملية انتهت.", "عاد السكان إلى ستيباناكرت."],
    "jabal": ["تقدمت قوات التحرير نحو خانكندي.", "أعلن الجيش ما وصفته بعملية التحرير.", "هدأ القتال."],
    "ufuq": ["حذر الوزير من الإرهاب في المنطقة.", "قالت المصادر إن الهدوء عاد.", "زار الوفد خانكندي."],
    "manara": ["نقلت الوكالة ما وصفته المصادر بالهجوم.", "عاد الهدوء إلى ستيباناكرت.", "قالت المصادر إن الاحتلال مستمر."],
}


def _texts() -> dict[str, tuple[str, str, str]]:
    """doc_id -> (outlet, title, text)."""
    docs = {}
    for o, sents in SENTENCES.items():
        for i in range(6):
            text = " ".join(sents[(i + k) % len(sents)] for k in range(3 + i % 2))
            docs[f"{o}-{i:03d}"] = (o, f"خبر {i} من {OUTLETS[o]}", text)
    docs["ufuq-xss"] = ("ufuq", XSS_TITLE, XSS_TEXT)
    return docs


def _matches(docs) -> pd.DataFrame:
    from framing.arabic import sentence_spans

    rows = []
    for doc_id, (o, _, text) in docs.items():
        spans = sentence_spans(text)
        for lex, _kind, cat, _l, _la, entry, _g in LEXICON:
            start = text.find(entry)
            while start >= 0:
                end = start + len(entry)
                s0, s1 = next((a, b) for a, b in spans if a <= start < b)
                rows.append((doc_id, o, f"{o}.jsonl#line={doc_id[-3:]}", lex, cat, entry, text[start:end], start, end,
                             text[s0:s1], "exact"))
                start = text.find(entry, end)
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface",
                                       "start", "end", "sentence", "rule"])


def sample_result(n_periods: int = 3) -> RunResult:
    cfg = StudyConfig.model_validate({
        "title": "Sample study <script>alert('title')</script> دراسة",
        "description": "Hand-built result for the report tests & <i>friends</i>.",
        "outlets": [{"id": o, "name": n, "sources": []} for o, n in OUTLETS.items()],
        "lexicons": ["conflict", "naming", "attribution"],
        "output": "reports/sample",
    })
    cfg.raw = {"title": cfg.title, "outlets": [{"id": o, "name": n} for o, n in OUTLETS.items()]}
    docs = _texts()
    rng = np.random.default_rng(7)
    led = []
    for k, (doc_id, (o, title, text)) in enumerate(docs.items()):
        led.append(dict(doc_id=doc_id, outlet=o, source=f"{o}.jsonl#line={k}", title=title,
                        date=f"2020-{10 + k % n_periods:02d}-{1 + k % 27:02d}", n_tokens=len(text.split()),
                        status="analysed", reason=""))
    led.append(dict(doc_id="sahil-empty", outlet="sahil", source="sahil/empty.txt", title="", date=None, n_tokens=0,
                    status="skipped", reason="empty document"))
    led.append(dict(doc_id="jabal-dup", outlet="jabal", source="jabal/dup.txt", title="<b>dup</b>", date=None,
                    n_tokens=0, status="skipped", reason="duplicate of jabal-001"))
    documents = pd.DataFrame(led)
    matches = _matches(docs)
    voices = ("own", "quoted", "attributed", "own", "scare")
    matches["voice"] = [voices[k % len(voices)] for k in range(len(matches))]
    matches["in_title"] = False
    matches["speaker"] = ["الوزير" if v in ("quoted", "attributed") else "" for v in matches["voice"]]
    lex = pd.DataFrame(LEXICON, columns=["lexicon", "kind", "category", "category_label", "category_label_ar",
                                         "entry", "gloss"])
    tokens = documents[documents.status == "analysed"].groupby("outlet")["n_tokens"].sum()
    scores = []
    cats = lex[["lexicon", "kind", "category"]].drop_duplicates()
    for o in OUTLETS:
        for lx, kind, cat in cats.itertuples(index=False):
            n = int(((matches.outlet == o) & (matches.category == cat)).sum())
            rate = 1000 * n / tokens[o]
            scores.append(dict(outlet=o, lexicon=lx, category=cat, count=n, tokens=int(tokens[o]), per_1k=rate,
                               ci_low=rate * 0.6, ci_high=rate * 1.5 + 1, doc_share=min(1.0, n / 7)))
    outlet_scores = pd.DataFrame(scores)
    con = []
    fs = outlet_scores[outlet_scores.lexicon != "naming"]
    ol = list(OUTLETS)
    for cat in fs.category.unique():
        r = fs[fs.category == cat].set_index("outlet")
        for i, a in enumerate(ol):
            rate_b = (r.drop(a)["count"].sum() + .5) / r.drop(a)["tokens"].sum() * 1000
            ratio = (r.loc[a, "per_1k"] + .5) / rate_b
            con.append(dict(family="one-vs-rest", category=cat, outlet_a=a, outlet_b="rest", rate_a=r.loc[a, "per_1k"],
                            rate_b=rate_b, ratio=ratio, ci_low=ratio / 2, ci_high=ratio * 2, p=float(rng.uniform()),
                            q=float(rng.uniform()), warning="few hits" if r.loc[a, "count"] < 3 else ""))
            for b in ol[i + 1:]:
                ratio = (r.loc[a, "per_1k"] + .5) / (r.loc[b, "per_1k"] + .5)
                con.append(dict(family="pairwise", category=cat, outlet_a=a, outlet_b=b, rate_a=r.loc[a, "per_1k"],
                                rate_b=r.loc[b, "per_1k"], ratio=ratio, ci_low=ratio / 2, ci_high=ratio * 2,
                                p=float(rng.uniform()), q=float(rng.uniform(0, .1)), warning=""))
    contrasts = pd.DataFrame(con)
    naming = matches[matches.lexicon == "naming"].groupby(["outlet", "lexicon", "category", "entry"]).size()
    naming = naming.rename("count").reset_index().rename(columns={"category": "axis"})
    naming["share"] = naming["count"] / naming.groupby("outlet")["count"].transform("sum")
    naming["ci_low"] = (naming["share"] - .2).clip(lower=0)
    naming["ci_high"] = (naming["share"] + .2).clip(upper=1)
    keyness = pd.DataFrame([dict(outlet=o, versus="rest", term=t, count=c, count_versus=1, z=z)
                            for o in OUTLETS for t, c, z in (("القصف", 5, 3.2), ("الهدوء", 3, 2.1), ("الوفد", 2, 0.5))])
    documents_dates = documents.set_index("doc_id")["date"]
    m = matches.assign(period=matches.doc_id.map(documents_dates).str[:7])
    timeline = m.groupby(["outlet", "period", "lexicon", "category"]).size().rename("count").reset_index()
    timeline["tokens"] = 100
    timeline["per_1k"] = timeline["count"] * 10.0
    headlines = pd.DataFrame([
        dict(outlet="sahil", text="Al-Sahil uses occupation terms 3.1× as often as the other outlets "
                                  "(95% CI 1.4–6.0, q=0.004).", ratio=3.1, ci_low=1.4, ci_high=6.0, q=0.004),
        dict(outlet="jabal", text="الجبل uses liberation terms 2.5× as often as the other outlets (95% CI 1.1–5.0).",
             ratio=2.5, ci_low=1.1, ci_high=5.0, q=0.02),
    ])
    topics = pd.DataFrame(dict(topic=[0, 1], label=["0: القصف · المدينة", "1: الهدوء · الوفد"],
                               top_words=["القصف المدينة الاحتلال", "الهدوء الوفد الوزير"], size=[15, 10]))
    topic_mix = pd.DataFrame([dict(outlet=o, topic=t, share=s, ci_low=s * .5, ci_high=min(1, s * 1.5))
                              for o, s0 in zip(OUTLETS, (.7, .4, .2, .5)) for t, s in ((0, s0), (1, 1 - s0))])
    confusion = pd.DataFrame([dict(true=a, predicted=b, count=5 if a == b else 1) for a in OUTLETS for b in OUTLETS])
    cv = pd.DataFrame(dict(metric=["accuracy", "macro_f1"], value=[.8, .78], baseline=[.25, .1], fold_sd=[.05, .06]))
    features = pd.DataFrame([dict(outlet=o, feature=f, kind="word", weight=w, rank=i)
                             for o in OUTLETS for i, (f, w) in enumerate((("الاحتلال", 1.2), ("قالت", 0.8)))])
    model_shares = pd.DataFrame([dict(model="frames-svm", outlet=o, label=lb, share=sh, ci_low=sh * .7,
                                      ci_high=min(1, sh * 1.3), n_units=40, n_documents=6, unit="paragraph")
                                 for o, s0 in zip(OUTLETS, (.6, .3, .2, .4)) for lb, sh in (("occupation", s0),
                                                                                             ("other", 1 - s0))])
    agreement = pd.DataFrame([dict(category="occupation", pair="lexicon~frames-svm", kappa=.61, alpha=.6, n=160,
                                   positives_a=40, positives_b=44)])
    from framing.stats import voice as vc

    categories = lex.drop_duplicates(["lexicon", "category"])[["lexicon", "kind", "category", "category_label"]]
    voice_rates = vc.voice_rates(documents[documents.status == "analysed"], matches, categories, OUTLETS)
    speakers = vc.speakers(matches, categories, OUTLETS)
    return RunResult(
        config=cfg,
        tables=dict(documents=documents, matches=matches, lexicon_entries=lex, outlet_scores=outlet_scores,
                    voice_rates=voice_rates, speakers=speakers,
                    contrasts=contrasts, naming_shares=naming, keyness=keyness, timeline=timeline, headlines=headlines,
                    topics=topics, topic_mix=topic_mix, outlet_confusion=confusion, outlet_cv=cv,
                    outlet_features=features, model_shares=model_shares, agreement=agreement),
        notes={"stats": ["3 of 27 documents have no date <b>and</b> are left out of the timeline."],
               "classify": ["Outlet classifier (3-fold CV): accuracy 0.800 (majority baseline 0.250)."],
               "topics": ["KMeans chose 2 topics."]},
        manifest={"framing_version": "0.1.0", "config_sha256": "ab" * 32, "seed": cfg.seed, "normaliser": "n1",
                  "lexicons": [{"id": "conflict", "version": "1", "kind": "frames"}],
                  "packages": {"plotly": "7", "jinja2": "3"}, "timings": {"read_clean": 0.1, "analyse": 0.2},
                  "documents": {"input": len(documents), "analysed": len(docs), "skipped": 2},
                  "stages": {"stats": {"seed": cfg.seed, "bootstrap": 2000}}},
        texts={doc_id: text for doc_id, (_, _, text) in docs.items()},
    )


def test_sample_matches_point_into_texts():
    r = sample_result()
    m = r.tables["matches"]
    assert len(m) > 20
    for row in m.itertuples():
        assert r.texts[row.doc_id][row.start:row.end] == row.surface
        assert row.surface in row.sentence
    assert "ufuq-xss" in set(m.doc_id)


def test_sample_ledger_adds_up():
    r = sample_result()
    d = r.tables["documents"]
    assert r.manifest["documents"]["input"] == len(d)
    assert (d.status == "analysed").sum() + (d.status == "skipped").sum() == len(d)
