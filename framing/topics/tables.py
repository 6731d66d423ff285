"""Long-form tables of the topic stage: topic mix with bootstrap CIs, topics × frames, examples.

Shares are per outlet: the fraction of the outlet's units in each topic (outliers, topic -1,
included, so each outlet's shares sum to 1). Confidence intervals resample *documents* of the
outlet with replacement (paragraphs of one article are not independent) and take percentiles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EXCERPT_CHARS = 400


def topic_mix(frame: pd.DataFrame, labels: np.ndarray, topics: list[int], n_boot: int, seed: int,
              level: float = 0.95) -> pd.DataFrame:
    """Each outlet's share of units per topic, with bootstrap intervals over its documents."""
    df = frame[["doc_id", "outlet"]].copy()
    df["topic"] = labels
    col = {t: i for i, t in enumerate(topics)}
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    rows = []
    for outlet, g in df.groupby("outlet", sort=True):
        doc_codes, doc_index = pd.factorize(g["doc_id"], sort=True)
        counts = np.zeros((len(doc_index), len(topics)), dtype=np.float64)
        np.add.at(counts, (doc_codes, g["topic"].map(col).to_numpy()), 1.0)
        totals = counts.sum(axis=1)
        n_units = int(totals.sum())
        share = counts.sum(axis=0) / n_units
        n_docs = len(doc_index)
        if n_docs >= 2 and n_boot > 0:
            lo = np.empty(len(topics))
            hi = np.empty(len(topics))
            boot = np.empty((n_boot, len(topics)))
            for b0 in range(0, n_boot, 200):  # blocks keep memory small for outlets with many docs
                nb = min(200, n_boot - b0)
                w = rng.multinomial(n_docs, np.full(n_docs, 1.0 / n_docs), size=nb).astype(np.float64)
                boot[b0:b0 + nb] = (w @ counts) / (w @ totals)[:, None]
            lo, hi = np.quantile(boot, [alpha, 1 - alpha], axis=0)
        else:
            lo = hi = np.full(len(topics), np.nan)
        for j, t in enumerate(topics):
            rows.append((outlet, t, float(share[j]), float(lo[j]), float(hi[j]), int(counts[:, j].sum()),
                         n_units, n_docs))
    return pd.DataFrame(rows, columns=["outlet", "topic", "share", "ci_low", "ci_high", "n_units",
                                       "outlet_units", "outlet_docs"])


def units_of_matches(frame: pd.DataFrame, matches: pd.DataFrame) -> np.ndarray:
    """Row index in ``frame`` of the unit holding each match (by doc_id and start offset); -1 if none.

    Units and matches are put on one axis — document number, then offset — and each match is
    looked up among the unit starts with one binary search (no Python loop per document)."""
    out = np.full(len(matches) if matches is not None else 0, -1, dtype=np.int64)
    if matches is None or len(matches) == 0 or len(frame) == 0:
        return out
    codes, docs = pd.factorize(frame["doc_id"])
    m_doc = docs.get_indexer(matches["doc_id"])  # -1: a document without units
    starts = frame["start"].to_numpy(dtype=np.int64)
    ends = frame["end"].to_numpy(dtype=np.int64)
    width = int(max(ends.max(), matches["start"].max())) + 1
    unit_key = codes.astype(np.int64) * width + starts
    order = np.argsort(unit_key, kind="stable")
    m_start = matches["start"].to_numpy(dtype=np.int64)
    pos = np.searchsorted(unit_key[order], np.maximum(m_doc, 0) * width + m_start, side="right") - 1
    row = order[np.clip(pos, 0, None)]
    ok = (m_doc >= 0) & (pos >= 0) & (codes[row] == m_doc) & (m_start < ends[row])
    out[ok] = row[ok]
    return out


def topic_frames(frame: pd.DataFrame, labels: np.ndarray, matches: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Lexicon hits per outlet × topic × lexicon × category; returns (table, hits outside any unit)."""
    cols = ["outlet", "topic", "lexicon", "category", "count", "topic_tokens", "per_1k", "share"]
    if matches is None or len(matches) == 0:
        return pd.DataFrame(columns=cols), 0
    where = units_of_matches(frame, matches)
    m = matches.reset_index(drop=True).loc[where >= 0, ["lexicon", "category"]].copy()
    unplaced = int((where < 0).sum())
    rows = frame.reset_index(drop=True).iloc[where[where >= 0]]
    m["outlet"] = rows["outlet"].to_numpy()
    m["topic"] = labels[where[where >= 0]]
    counts = m.groupby(["outlet", "topic", "lexicon", "category"], sort=True).size().rename("count").reset_index()
    toks = pd.DataFrame({"outlet": frame["outlet"].to_numpy(), "topic": labels, "n": frame["n_tokens"].to_numpy()})
    toks = toks.groupby(["outlet", "topic"])["n"].sum().rename("topic_tokens").reset_index()
    out = counts.merge(toks, on=["outlet", "topic"], how="left")
    out["per_1k"] = 1000.0 * out["count"] / out["topic_tokens"].where(out["topic_tokens"] > 0)
    total = out.groupby(["outlet", "lexicon", "category"])["count"].transform("sum")
    out["share"] = out["count"] / total  # of the outlet's hits of this category, the part in this topic
    return out[cols], unplaced


def topic_examples(frame: pd.DataFrame, texts: list[str], labels: np.ndarray, space: np.ndarray,
                   per_topic: int) -> pd.DataFrame:
    """Units nearest their topic's centre (cosine), at most one per document."""
    rows = []
    X = space / np.maximum(np.linalg.norm(space, axis=1, keepdims=True), 1e-12)
    doc_ids = frame["doc_id"].to_numpy()
    for t in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == t)
        centre = X[idx].mean(axis=0)
        norm = np.linalg.norm(centre)
        sims = X[idx] @ (centre / norm) if norm > 0 else np.zeros(len(idx))
        order = idx[np.lexsort((idx, -np.round(sims, 6)))]
        sim_of = dict(zip(idx.tolist(), sims.tolist()))
        seen: set[str] = set()
        rank = 0
        for i in order:
            if doc_ids[i] in seen:
                continue
            seen.add(doc_ids[i])
            text = texts[i]
            excerpt = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
            r = frame.iloc[i]
            rows.append((t, rank, r["unit_id"], r["doc_id"], r["outlet"], int(r["start"]), int(r["end"]),
                         round(float(sim_of[int(i)]), 4), excerpt))
            rank += 1
            if rank >= per_topic:
                break
    return pd.DataFrame(rows, columns=["topic", "rank", "unit_id", "doc_id", "outlet", "start", "end",
                                       "similarity", "text"])
