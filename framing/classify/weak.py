"""Weak supervision: sentence classifiers trained on lexicon labels, judged on lexicon entries
they never saw. Clearly weaker evidence than human codes; every table and note says so.

For each lexicon category with enough distinct matched entries, the entries are split into k
seeded groups. For each group in turn:
- train: sentences hit by the *other* entries of the category (positives) against sentences with
  no hit of the category (negatives); sentences hit by a held-out entry are kept out of training;
- test: sentences hit only by the held-out entries (positives) against held-out negative sentences;
- every lexicon hit of the category is masked (train and test alike), so the model can use only
  the context around a term, never the term itself.

Recovery (recall on the held-out entries' sentences) beside the false-positive rate on negatives
and the ROC AUC says whether the category's context generalises beyond the word list: a model that
learned nothing recovers held-out sentences at the same rate as it flags negatives (AUC 0.5).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import roc_auc_score

from framing.arabic import Normaliser, sentence_spans
from framing.classify.models import text_pipeline
from framing.classify.text import normalise_text

LABEL = "weak supervision (lexicon-labelled sentences)"


@dataclass
class SentenceUnits:
    texts: list[str]  # sentence text
    hits: list[list[tuple[str, str, int, int]]]  # per sentence: (category, entry, start, end) relative offsets
    doc_ids: list[str]


def sentences_from_matches(docs, matches: pd.DataFrame) -> SentenceUnits:
    """Every sentence of the documents, with the lexicon hits (from the matches table) inside it."""
    by_doc: dict[str, list] = {}
    if matches is not None and len(matches):
        cols = ["doc_id", "lexicon", "category", "entry", "start", "end"]
        for doc_id, lex, cat, entry, s, e in matches[cols].itertuples(index=False):
            by_doc.setdefault(doc_id, []).append((f"{lex}:{cat}", entry, int(s), int(e)))
    return _split(((d.doc_id, d.text, by_doc.get(d.doc_id, [])) for d in docs))


def sentences_from_texts(texts, ids, matcher) -> SentenceUnits:
    """Sentences of raw texts, labelled by running the lexicon matcher on each text."""
    def rows():
        for doc_id, text in zip(ids, texts):
            if not isinstance(text, str) or not text.strip():
                continue
            hits = [(f"{m.lexicon}:{m.category}", m.entry, m.start, m.end) for m in matcher.match_text(text)]
            yield doc_id, text, hits
    return _split(rows())


def _split(rows) -> SentenceUnits:
    texts, hits, ids = [], [], []
    for doc_id, text, doc_hits in rows:
        spans = sentence_spans(text)
        starts = [s for s, _ in spans]
        per: list[list] = [[] for _ in spans]
        for cat, entry, s, e in doc_hits:
            i = bisect_right(starts, s) - 1
            if 0 <= i < len(spans) and s < spans[i][1]:
                per[i].append((cat, entry, s - spans[i][0], e - spans[i][0]))
        for (s, e), h in zip(spans, per):
            texts.append(text[s:e])
            hits.append(h)
            ids.append(doc_id)
    return SentenceUnits(texts, hits, ids)


def _masked(text: str, spans) -> str:
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + " " + text[e:]
    return text


def _fit_group(texts_tr, y_tr, texts_te, y_te, seed):
    pipe = text_pipeline(model="logreg", seed=seed, C=1.0, min_df=1)
    pipe.fit(np.asarray(texts_tr, dtype=object), y_tr)
    X_te = np.asarray(texts_te, dtype=object)
    pred = pipe.predict(X_te)
    score = pipe.decision_function(X_te)
    pos = y_te == 1
    recall = float(pred[pos].mean()) if pos.any() else float("nan")
    fpr = float(pred[~pos].mean()) if (~pos).any() else float("nan")
    auc = float(roc_auc_score(y_te, score)) if pos.any() and (~pos).any() else float("nan")
    return recall, fpr, auc


def weak_recovery(units: SentenceUnits, normaliser: Normaliser, *, seed: int, n_jobs: int = 1,
                  min_entries: int = 4, groups: int = 5, max_negatives: int = 5000,
                  categories: list[str] | None = None) -> tuple[dict, list[str], dict]:
    """Held-out-entry recovery per category (see the module docstring). Returns tables, notes, info."""
    rng = np.random.default_rng(seed)
    notes: list[str] = []
    cat_entries: dict[str, set] = {}
    for h in units.hits:
        for cat, entry, _, _ in h:
            cat_entries.setdefault(cat, set()).add(entry)
    wanted = sorted(c for c, e in cat_entries.items() if len(e) >= min_entries and (categories is None or c in categories))
    small = sorted(c for c, e in cat_entries.items() if len(e) < min_entries)
    if small:
        notes.append(f"Weak supervision: left out {len(small)} categories with fewer than {min_entries} matched entries "
                     f"({', '.join(small[:8])}{'…' if len(small) > 8 else ''}).")
    if not wanted:
        notes.append("Weak supervision skipped: no lexicon category has enough distinct matched entries "
                     f"(need {min_entries}).")
        return {}, notes, {"categories": []}
    norm_cache: dict[int, str] = {}

    def norm_text(i: int, cat: str | None) -> str:
        spans = [(s, e) for c, _, s, e in units.hits[i] if c == cat]
        if not spans:
            if i not in norm_cache:
                norm_cache[i] = normalise_text(units.texts[i], normaliser)
            return norm_cache[i]
        return normalise_text(_masked(units.texts[i], spans), normaliser)

    tasks, meta = [], []
    for cat in wanted:
        entries = sorted(cat_entries[cat])
        order = rng.permutation(len(entries))
        k = min(groups, len(entries))
        group_of = {entries[j]: g % k for g, j in enumerate(order)}
        ent_sets = [{e for _, e, _, _ in [h for h in units.hits[i] if h[0] == cat]} for i in range(len(units.texts))]
        neg = np.array([i for i, s in enumerate(ent_sets) if not s])
        if len(neg) > max_negatives:
            neg = np.sort(rng.choice(neg, max_negatives, replace=False))
        neg_group = rng.permutation(len(neg)) % k
        for g in range(k):
            held = {e for e, gg in group_of.items() if gg == g}
            tr_pos = [i for i, s in enumerate(ent_sets) if s and not (s & held)]
            te_pos = [i for i, s in enumerate(ent_sets) if s and s <= held]
            tr_neg = neg[neg_group != g].tolist()
            te_neg = neg[neg_group == g].tolist()
            if len(tr_pos) < 2 or not te_pos or len(tr_neg) < 2 or not te_neg:
                continue
            tr = tr_pos + tr_neg
            te = te_pos + te_neg
            tasks.append(delayed(_fit_group)(
                [norm_text(i, cat) for i in tr], np.r_[np.ones(len(tr_pos), int), np.zeros(len(tr_neg), int)],
                [norm_text(i, cat) for i in te], np.r_[np.ones(len(te_pos), int), np.zeros(len(te_neg), int)], seed))
            meta.append((cat, g, " | ".join(sorted(held)), len(tr_pos), len(tr_neg), len(te_pos), len(te_neg)))
    results = Parallel(n_jobs=min(n_jobs, max(1, len(tasks))))(tasks) if tasks else []
    rows = [(*m, *r) for m, r in zip(meta, results)]
    per_group = pd.DataFrame(rows, columns=["category", "group", "heldout_entries", "train_positive", "train_negative",
                                            "test_positive", "test_negative", "recall", "false_positive_rate", "auc"])
    per_group.insert(0, "supervision", "weak")
    summary = []
    for cat, g in per_group.groupby("category", sort=True):
        w = g["test_positive"]
        summary.append((cat, len(cat_entries[cat]), int(len(g)), int(w.sum()),
                        float(np.average(g["recall"], weights=w)), float(g["false_positive_rate"].mean()),
                        float(g["auc"].mean())))
    summ = pd.DataFrame(summary, columns=["category", "entries", "groups", "heldout_sentences", "recall",
                                          "false_positive_rate", "auc"])
    summ.insert(0, "supervision", "weak")
    if len(summ):
        best = summ.sort_values("auc", ascending=False).iloc[0]
        notes.append(
            f"Weak supervision (lexicon-labelled sentences, no human codes): sentence classifiers trained on lexicon "
            f"hits with the terms "
            f"masked recover sentences of held-out lexicon entries with mean AUC {summ['auc'].mean():.2f} over "
            f"{len(summ)} categories (best: {best['category']}, recall {best['recall']:.2f} at a false-positive rate "
            f"of {best['false_positive_rate']:.2f}). AUC 0.5 would mean nothing beyond the word list was learned."
        )
    info = {"label": LABEL, "categories": wanted, "groups": groups, "max_negatives": max_negatives,
            "sentences": len(units.texts)}
    return {"weak_recovery": per_group, "weak_cv": summ}, notes, info


def weak_supervision(docs, matches, normaliser, options, *, seed: int, n_jobs: int = 1):
    """The stage's entry point: sentences of the analysed documents, labels from the matches table."""
    units = sentences_from_matches(docs, matches)
    return weak_recovery(units, normaliser, seed=seed, n_jobs=n_jobs, min_entries=options.weak_min_entries)


def weak_unit_labels(texts, matcher, *, min_units: int, min_entries: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lexicon labels of whole units, for training a model without human codes.

    Returns (units, categories): ``units`` has ``text`` (every hit replaced by a space, so that a
    model learns the context of a category, not its word list) and ``labels`` (the ``lexicon:category``
    pairs hit in the unit); ``categories`` has one row per category found: units hit, distinct
    entries matched, whether it is ``trained`` and, when not, ``missing`` (what it lacks)."""
    rows, hit_units, entries = [], {}, {}
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            rows.append(("", []))
            continue
        hits = matcher.match_text(text)
        cats = sorted({f"{m.lexicon}:{m.category}" for m in hits})
        for m in hits:
            key = f"{m.lexicon}:{m.category}"
            entries.setdefault(key, set()).add(m.entry)
            hit_units.setdefault(key, set()).add(i)
        rows.append((_masked(text, [(m.start, m.end) for m in hits]), cats))
    n = sum(1 for t, _ in rows if t.strip())
    table = []
    for cat in sorted(hit_units):
        k, e = len(hit_units[cat]), len(entries[cat])
        missing = []
        if k < min_units:
            missing.append(f"{k} units hit, {min_units} needed")
        if n - k < min_units:
            missing.append(f"only {n - k} units without it, {min_units} needed")
        table.append((cat, k, e, not missing, "; ".join(missing),
                      e >= min_entries))
    cats = pd.DataFrame(table, columns=["category", "units", "entries", "trained", "missing", "entry_check"])
    keep = set(cats.loc[cats["trained"], "category"]) if len(cats) else set()
    units = pd.DataFrame({"text": [t for t, _ in rows], "labels": [[c for c in cs if c in keep] for _, cs in rows]})
    return units, cats
