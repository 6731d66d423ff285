"""A stratified sample of units for human coding (`framing annotate`).

Half of the sample (at most) covers the lexicon categories, rarest first, one unit per category
per round, each time from the outlet with the fewest units so far, so that rare frames reach the
coders; the rest is filled round-robin across outlets. Rows are shuffled (seeded) so coders do
not meet one outlet in a block. Unit ids are ``doc_id#pN`` (paragraph N of the cleaned text) or
``doc_id`` (whole documents), the ids the classifier stage uses when it reads codes back.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

import numpy as np
import pandas as pd

from framing.classify.text import split_units
from framing.records import Document

BASE_COLUMNS = ["unit_id", "doc_id", "outlet", "text", "lexicon_suggestions"]


def units_with_hits(docs, matches: pd.DataFrame, unit: str = "paragraph"):
    """Units of the documents and, per unit, its lexicon hits as (lexicon, category, entry)."""
    units = []
    hits: dict[str, list] = defaultdict(list)
    by_doc: dict[str, list] = defaultdict(list)
    if matches is not None and len(matches):
        for doc_id, lex, cat, entry, start in matches[["doc_id", "lexicon", "category", "entry", "start"]].itertuples(index=False):
            by_doc[doc_id].append((int(start), lex, cat, entry))
    for d in docs:
        us = split_units(d, unit)
        units.extend(us)
        starts = [u.start for u in us]
        for start, lex, cat, entry in by_doc.get(d.doc_id, []):
            i = bisect_right(starts, start) - 1
            if 0 <= i < len(us) and start < us[i].end:
                hits[us[i].unit_id].append((lex, cat, entry))
    return units, hits


def stratified_sample(units, hits, n: int, seed: int) -> tuple[list[int], list[str]]:
    """Indexes of ``n`` units for coding, balanced across outlets and across lexicon categories so
    that rare frames are present (seeded), with notes on what could not be balanced."""
    rng = np.random.default_rng(seed)
    notes = []
    outlets = sorted({u.outlet for u in units})
    taken: set[int] = set()
    per_outlet = {o: 0 for o in outlets}
    by_cat: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(units):
        for lex, cat, _ in hits.get(u.unit_id, []):
            key = f"{lex}:{cat}"
            if not by_cat[key] or by_cat[key][-1] != i:
                by_cat[key].append(i)
    cats = sorted(by_cat, key=lambda c: (len(by_cat[c]), c))
    pools = {c: list(rng.permutation(by_cat[c])) for c in cats}
    reserve = min(n // 2 if n > 1 else n, len(units))
    while len(taken) < reserve and any(pools.values()):
        for c in cats:
            if len(taken) >= reserve:
                break
            pool = [i for i in pools[c] if i not in taken]
            if not pool:
                pools[c] = []
                continue
            best = min(pool, key=lambda i: (per_outlet[units[i].outlet], pool.index(i)))
            taken.add(best)
            per_outlet[units[best].outlet] += 1
            pools[c] = [i for i in pool if i != best]
    by_outlet = {o: [int(i) for i in rng.permutation([j for j, u in enumerate(units) if u.outlet == o])] for o in outlets}
    while len(taken) < min(n, len(units)):
        open_outlets = [o for o in outlets if any(i not in taken for i in by_outlet[o])]
        if not open_outlets:
            break
        o = min(open_outlets, key=lambda x: (per_outlet[x], x))
        i = next(i for i in by_outlet[o] if i not in taken)
        taken.add(i)
        per_outlet[o] += 1
    if len(units) < n:
        notes.append(f"only {len(units)} units in the corpus: all of them are in the sample (asked for {n})")
    missing = [c for c in cats if not any(i in taken for i in by_cat[c])]
    if missing:
        notes.append(f"{len(missing)} lexicon categories have no unit in the sample (sample too small): {', '.join(missing[:6])}")
    order = [int(i) for i in rng.permutation(sorted(taken))]
    return order, notes


def annotation_frame(docs, matches, *, n: int, unit: str = "paragraph", labels=None, seed: int = 0):
    """The annotation sheet: ``n`` sampled units (unit_id, doc_id, outlet, text,
    lexicon_suggestions) and one empty column per label; returns (frame, notes)."""
    units, hits = units_with_hits(docs, matches, unit)
    order, notes = stratified_sample(units, hits, n, seed)
    rows = []
    for i in order:
        u = units[i]
        seen, sugg = set(), []
        for lex, cat, entry in hits.get(u.unit_id, []):
            if (cat, entry) not in seen:
                seen.add((cat, entry))
                sugg.append(f"{cat}: {entry}")
        rows.append((u.unit_id, u.doc_id, u.outlet, u.text, "; ".join(sugg)))
    frame = pd.DataFrame(rows, columns=BASE_COLUMNS)
    if labels is None:
        found = sorted({cat for i in order for _, cat, _ in hits.get(units[i].unit_id, [])})
        labels = found
    for lab in labels:
        if lab in frame.columns:
            lab = f"label_{lab}"
        frame[lab] = ""
    return frame, notes


def annotation_sample(result, *, n: int, unit: str = "paragraph", labels=None, seed: int = 0):
    """From a RunResult (``framing.run(..., write=False)``): the sample frame and notes."""
    ledger = result.tables["documents"]
    analysed = ledger[ledger["status"] == "analysed"]
    docs = [Document(doc_id=r.doc_id, outlet=r.outlet, source="", text=result.texts.get(r.doc_id, ""))
            for r in analysed.itertuples(index=False)]
    return annotation_frame(docs, result.tables.get("matches"), n=n, unit=unit, labels=labels, seed=seed)
