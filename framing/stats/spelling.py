"""Words as readers write them: the most frequent written spelling of each keyness term.

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


def written_spellings(texts: list[str], normaliser, terms: set[str], term_of) -> dict[str, str]:
    """{term: its most frequent written spelling} for the ``terms`` found in ``texts`` (ties: the
    spelling first in code-point order). ``term_of`` maps a normalised word to its keyness term."""
    from framing.analyse.tokens import Vocabulary, tokenize_batch

    if not terms or not texts:
        return {}
    vocab = Vocabulary(normaliser)
    ids = tokenize_batch(texts, vocab).ids
    counts = np.bincount(ids, minlength=len(vocab))
    tally: dict[str, dict[str, int]] = defaultdict(dict)
    for sid in np.flatnonzero(counts).tolist():
        norm = vocab.norms[sid]
        term = term_of(norm) if norm else ""
        if term not in terms:
            continue
        surface, cut = vocab.surfaces[sid], len(norm) - len(term)
        if cut and (len(surface) != len(norm) or not norm.endswith(term)):
            continue
        spelled = surface[cut:]
        tally[term][spelled] = tally[term].get(spelled, 0) + int(counts[sid])
    return {t: min(sp.items(), key=lambda kv: (-kv[1], kv[0]))[0] for t, sp in tally.items()}


def add_display(keyness: pd.DataFrame, texts: list[str], normaliser, term_of) -> None:
    """A ``display`` column on the keyness table, in place: the written spelling of each term (the
    term itself where no token spells it)."""
    if keyness is None or keyness.empty:
        if keyness is not None:
            keyness["display"] = pd.Series(dtype=object)
        return
    spell = written_spellings(texts, normaliser, set(keyness["term"].astype(str)), term_of)
    keyness["display"] = [spell.get(t, t) for t in keyness["term"].astype(str)]
