"""Words as readers write them: the most frequent written spelling of each keyness term (and of
each word of the outlet classifier's word features).

Keyness counts normalised terms (ة folded into ه, ى into ي, hamzas on alef dropped, clitics split
off), which look misspelt when shown (ارهابيه for إرهابية). Each term is shown in the spelling it is
most often written in: over every token of the corpus whose normalised form yields the term, the
token's own letters with the split-off proclitics cut (الإرهابية -> إرهابية). Tokens written with
diacritics (not the same length as their normalised form) count only when nothing is cut.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd


def surface_counts(texts: list[str], normaliser) -> tuple[list[str], list[str], np.ndarray]:
    """Every distinct written word of ``texts``, its normalised form and how often it occurs
    (counted a batch of texts at a time: the tokens of the whole corpus are never held at once)."""
    from framing.analyse.tokens import Vocabulary, token_batches

    vocab = Vocabulary(normaliser)
    counts = np.zeros(0, dtype=np.int64)
    for batch in token_batches(texts, vocab) if texts else ():
        part = np.bincount(batch.ids, minlength=len(vocab))
        part[:len(counts)] += counts
        counts = part
    return vocab.surfaces, vocab.norms, np.concatenate([counts, np.zeros(len(vocab) - len(counts), dtype=np.int64)])


def written_spellings(texts, normaliser, terms: set[str], term_of, counted=None) -> dict[str, str]:
    """{term: its most frequent written spelling} for the ``terms`` found in ``texts`` (ties: the
    spelling first in code-point order). ``term_of`` maps a normalised word to its term (the keyness
    term; the identity for the words of classifier features). ``counted``: ``surface_counts`` of the
    texts, when already computed."""
    if not terms:
        return {}
    surfaces, norms, counts = counted if counted is not None else surface_counts(list(texts), normaliser)
    tally: dict[str, dict[str, int]] = defaultdict(dict)
    sids = np.flatnonzero(counts).tolist()
    every = _terms_of(term_of, [norms[sid] for sid in sids])
    for sid, term in zip(sids, every):
        if term not in terms:
            continue
        norm = norms[sid]
        surface, cut = surfaces[sid], len(norm) - len(term)
        if cut and (len(surface) != len(norm) or not norm.endswith(term)):
            continue
        spelled = surface[cut:]
        tally[term][spelled] = tally[term].get(spelled, 0) + int(counts[sid])
    return {t: min(sp.items(), key=lambda kv: (-kv[1], kv[0]))[0] for t, sp in tally.items()}


def _terms_of(term_of, norms: list[str]) -> list[str]:
    """``term_of`` of every normalised word ("" for an empty one); the keyness term
    (:func:`framing.arabic.clitics.strip_article`) in one pass over all the words."""
    from framing.arabic.clitics import strip_article, strip_articles

    if term_of is strip_article:
        return [t if n else "" for n, t in zip(norms, strip_articles(norms))]
    return [term_of(n) if n else "" for n in norms]


def add_displays(tables: dict, texts: list[str] | None, normaliser, term_of, counted=None) -> None:
    """A ``display`` column, in place, wherever readers see words: keyness terms (``term``) and the
    word features of the outlet classifier (``outlet_features``, kind "word": each word of the
    n-gram). Character n-gram features have no written form and keep their normalised letters.
    ``counted``: ``surface_counts`` of the texts, when already computed (``texts`` is then not read)."""
    want = wanted(tables)
    found = spellings(want, term_of, counted if counted is not None or not any(want)
                      else surface_counts(texts, normaliser))
    show(tables, found)


def wanted(tables: dict) -> tuple[frozenset, frozenset]:
    """(the keyness terms, the words of the classifier's word features) of ``tables`` whose
    written spellings :func:`add_displays` shows."""
    key, feats = tables.get("keyness"), tables.get("outlet_features")
    want_key = frozenset(key["term"].astype(str)) if key is not None and not key.empty else frozenset()
    is_word = _word_features(feats)
    want_feat = (frozenset(w for f in feats.loc[is_word, "feature"].astype(str) for w in f.split())
                 if is_word is not None else frozenset())
    return want_key, want_feat


def spellings(want: tuple[frozenset, frozenset], term_of, counted) -> tuple[dict, dict]:
    """The written spellings ({term: spelling}) of the keyness terms and of the feature words of
    ``want`` (:func:`wanted`), from ``counted`` (``surface_counts``; not read when nothing is wanted)."""
    want_key, want_feat = want
    if not want_key and not want_feat:
        return {}, {}
    return (written_spellings(None, None, set(want_key), term_of, counted),
            written_spellings(None, None, set(want_feat), lambda n: n, counted))


def show(tables: dict, found: tuple[dict, dict]) -> None:
    """The ``display`` columns of :func:`add_displays`, in place, from :func:`spellings`."""
    key, feats = tables.get("keyness"), tables.get("outlet_features")
    spell_key, spell_feat = found
    is_word = _word_features(feats)
    if key is not None and not key.empty:
        key["display"] = [spell_key.get(t, t) for t in key["term"].astype(str)]
    elif key is not None and "display" not in key.columns:
        key["display"] = pd.Series(dtype=object)
    if is_word is not None:
        feats["display"] = [" ".join(spell_feat.get(w, w) for w in f.split()) if word else f
                            for f, word in zip(feats["feature"].astype(str), is_word)]
    elif feats is not None and "display" not in feats.columns:
        feats["display"] = pd.Series(dtype=object)


def _word_features(feats: pd.DataFrame | None) -> pd.Series | None:
    return (feats["kind"].astype(str) == "word") if feats is not None and not feats.empty and "kind" in feats else None
