"""Keyness: weighted log-odds ratios with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).

For term w, outlet i and comparison group j (one other outlet, or all other outlets pooled):

    delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
    var_w   = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
    z_w     = delta_w / sqrt(var_w)

with a_w = a0 * (y_w / n) the prior: the term's share of the whole corpus times the prior strength
a0 (``keyness_prior``). The prior shrinks rare terms towards the corpus rate, so a word used twice
by one outlet and never by another does not top the list.

Each comparison keeps the ``keyness_top`` terms with the largest positive z: the words ``outlet``
uses distinctively more than ``versus``. Pairwise comparisons are written in both orders (a vs b and
b vs a), so both directions of every pair are there without mixing signs in one list. A small
corpus can have fewer than ``keyness_top`` distinctive terms: the list is still filled, and the
column ``distinctive`` marks the terms with z >= 1.96 (Monroe et al.'s threshold, not adjusted for
the many terms compared: a descriptive guide, not a test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.arabic.stopwords import is_stopword, stopword_set

COLUMNS = ["outlet", "outlet_name", "versus", "versus_name", "rank", "term", "count", "count_versus", "delta", "z",
           "distinctive"]
Z_DISTINCTIVE = 1.96  # z at or above this: the term is distinctive at the 5% level (unadjusted)


# conjunction and preposition proclitics (longest first) split off a term when what remains is itself
# a term used at least as often: وقال -> قال, but وزير stays (زير is rare)
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
MIN_STEM = 3


def split_proclitics(vocab: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Index of the term each term counts as: itself, or its stem after a conjunction/preposition
    proclitic when the stem (at least MIN_STEM letters) is a term at least as frequent in the corpus.
    Without a morphological analyser this is how و+قال is told from وزير: by the corpus itself."""
    index = {t: i for i, t in enumerate(vocab)}
    target = np.arange(len(vocab))
    for i, t in enumerate(vocab):
        for p in PROCLITICS:
            if t.startswith(p) and len(t) - len(p) >= MIN_STEM:
                j = index.get(t[len(p):])
                if j is not None and totals[j] >= totals[i]:
                    target[i] = j
                    break
    return target


def term_matrix(outlet_terms: dict, outlets: list[str], min_count: int,
                masked: dict | None = None, masked_counts: dict | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Outlets x terms counts. masked: terms left out; masked_counts: {outlet: {term: n}} counts
    subtracted (the words of multi-word self-names and credits where they occur as such)."""
    keys, vals, grp = [], [], []
    for g, o in enumerate(outlets):
        cnt = outlet_terms.get(o) or {}
        keys.extend(cnt.keys())
        vals.extend(cnt.values())
        grp.extend([g] * len(cnt))
    info = {"terms_seen": 0, "terms_used": 0, "stopword_terms_dropped": 0, "proclitic_terms_merged": 0,
            "masked_terms": {}}
    if not keys:
        return np.zeros((len(outlets), 0)), np.array([], dtype=object), info
    codes, vocab = pd.factorize(pd.Series(keys, dtype=object))
    vocab = np.asarray(vocab, dtype=object)
    target = split_proclitics(vocab, np.bincount(codes, weights=np.asarray(vals, dtype=float), minlength=len(vocab)))
    merged = int((target != np.arange(len(vocab))).sum())
    Y = np.zeros((len(outlets), len(vocab)))
    np.add.at(Y, (np.asarray(grp), target[codes]), np.asarray(vals, dtype=float))
    if masked_counts:
        index = {t: i for i, t in enumerate(vocab)}
        for g, o in enumerate(outlets):
            for t, n in (masked_counts.get(o) or {}).items():
                if t in index:
                    Y[g, target[index[t]]] -= n
        np.maximum(Y, 0.0, out=Y)
    stops = stopword_set()
    is_stop = np.fromiter((("+" in t) or is_stopword(t, stops) for t in vocab), dtype=bool, count=len(vocab))
    masked = masked or {}
    is_masked = np.fromiter((t in masked for t in vocab), dtype=bool, count=len(vocab))
    used = target == np.arange(len(vocab))
    keep = used & ~is_stop & ~is_masked & (Y.sum(0) >= min_count)
    info = {"terms_seen": int(len(vocab)), "terms_used": int(keep.sum()), "stopword_terms_dropped": int(is_stop.sum()),
            "proclitic_terms_merged": merged,
            "masked_terms": {str(t): int(Y[:, i].sum()) for i, t in enumerate(vocab) if is_masked[i] and used[i]}}
    return Y[:, keep], vocab[keep], info


def log_odds(y_i: np.ndarray, y_j: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Monroe et al. (2008) eq. 16 and 18-20: delta and z for every term."""
    a0 = alpha.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    delta = (np.log((y_i + alpha) / (n_i + a0 - y_i - alpha))
             - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha)))
    var = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
    return delta, delta / np.sqrt(var)


def compute_keyness(outlet_terms: dict, outlets: list[str], opts, names: dict, masked: dict | None = None,
                    masked_counts: dict | None = None) -> tuple[pd.DataFrame, list[str], dict]:
    """masked: {term: why} left out (one-word outlet self-names, agency credits: see ``framing.masks``);
    masked_counts: {outlet: {term: n}} subtracted (the words of multi-word self-names where they occur)."""
    notes: list[str] = []
    present = [o for o in outlets if sum((outlet_terms.get(o) or {}).values()) > 0]
    Y, vocab, info = term_matrix(outlet_terms, present, opts.keyness_min_count, masked, masked_counts)
    if info["masked_terms"]:
        notes.append(f"{len(info['masked_terms'])} words that name an outlet or a credited agency are left out of "
                     "keyness (" + ", ".join(sorted(info["masked_terms"])[:12])
                     + (", ..." if len(info["masked_terms"]) > 12 else "") + "): they show who wrote a text, "
                     "not how it frames events.")
    info["prior_strength"] = opts.keyness_prior
    if len(present) < 2 or Y.shape[1] == 0:
        notes.append("Keyness needs word counts from at least two outlets; none was computed.")
        return pd.DataFrame(columns=COLUMNS), notes, info
    total = Y.sum(0)
    alpha = opts.keyness_prior * total / total.sum()
    frames = []
    comparisons = [(i, None) for i in range(len(present))]
    comparisons += [(i, j) for i in range(len(present)) for j in range(len(present)) if i != j]
    for i, j in comparisons:
        y_i = Y[i]
        y_j = total - y_i if j is None else Y[j]
        delta, z = log_odds(y_i, y_j, alpha)
        top = min(opts.keyness_top, len(z))
        idx = np.argpartition(-z, top - 1)[:top]
        idx = idx[np.argsort(-z[idx], kind="stable")]
        idx = idx[z[idx] > 0]
        o, v = present[i], ("rest" if j is None else present[j])
        frames.append(pd.DataFrame({
            "outlet": o, "outlet_name": names.get(o, o), "versus": v,
            "versus_name": "the other outlets" if j is None else names.get(v, v),
            "rank": np.arange(1, len(idx) + 1), "term": vocab[idx], "count": y_i[idx].astype(int),
            "count_versus": y_j[idx].astype(int), "delta": delta[idx], "z": z[idx],
            "distinctive": z[idx] >= Z_DISTINCTIVE,
        }))
    return pd.concat(frames, ignore_index=True)[COLUMNS], notes, info
