"""The classified edits of the last run on the same stories, kept in the cache, so that a re-run
after a lexicon edit classifies again only the copies whose lexicon hits changed.

What :func:`framing.wire.align.compare` makes of a derivative depends on the two texts, their
alignment and the lexicon hits in both. The stories and alignments do not depend on the lexicons
(the pipeline keeps them across lexicon edits), so a derivative whose hits, and whose
reference's hits, are those of the run that made the kept rows gets the same rows again: they
are taken from the entry instead of being computed. Each document's hits are summed up in a
:func:`signatures` value (64 bits over every hit's lexicon, kind, category, entry, offsets, voice
and place among the document's hits); any change to them makes the derivatives that read them
computed anew.

The entry is keyed by the corpus key, the shared-copy options and the code of everything the
alignments and the classification depend on; inside it every derivative is named by its story,
reference and own document. It is written when it was missing or when more than
``REWRITE_SHARE`` of the derivatives were classified again: after a small edit the earlier entry
stays, still exact for every derivative whose hits it recorded, and writing the whole table again
would cost more than the few derivatives it would spare the next run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KIND = "wire_edits"  # the cache's folder for these entries
CODE = ("framing.wire", "framing.records", "framing.arabic", "framing.analyse.tokens")
REWRITE_SHARE = 0.25
_HIT_COLUMNS = ("lexicon", "kind", "category", "entry", "start", "end", "voice")


@dataclass
class Classified:
    """The classified edits of a run: derivative ``j`` is ``pairs[j]`` (story_id, reference doc_id,
    derivative doc_id), its rows are ``table[bounds[j]:bounds[j + 1]]`` (wire_edits), its copied
    mentions ``carried[j]`` and its reused words ``reused[j]``; ``signatures`` holds the
    :func:`signatures` of the hits the rows were classified with."""

    pairs: list[tuple[str, str, str]]
    bounds: np.ndarray
    table: pd.DataFrame
    carried: list[list[tuple]]
    reused: list[int]
    signatures: dict[str, int]

    def unchanged(self, pairs: list[tuple[str, str, str]], signature: dict[str, int]) -> dict[tuple[str, str, str], int]:
        """Of ``pairs`` (as :attr:`pairs`), those whose reference and derivative have the hits of
        ``signature`` (:func:`signatures`) that the kept rows were classified with: pair -> its
        derivative here."""
        at = {p: j for j, p in enumerate(self.pairs)}
        was, out = self.signatures, {}
        for p in pairs:
            j = at.get(p)
            if (j is not None and was.get(p[1], 0) == signature.get(p[1], 0)
                    and was.get(p[2], 0) == signature.get(p[2], 0)):
                out[p] = j
        return out


def key(corpus_key: str, options: dict) -> str:
    """The entry of the stories of ``corpus_key`` found with the shared-copy ``options``."""
    from framing.cache import code_revision, digest

    return digest(KIND, code_revision(*CODE), corpus_key, options)


def signatures(matches: pd.DataFrame | None, kinds: dict, wanted: set[str]) -> dict[str, int]:
    """A 64-bit sum of the hits of each wanted document that has any (a document without hits
    has none: read it as 0), from the matches table: equal exactly when the document's hits are
    the same, in the same order, but with a chance of about 2**-64."""
    if matches is None or matches.empty or not wanted:
        return {}
    rows = matches[matches["doc_id"].isin(wanted)]
    if rows.empty:
        return {}
    table = pd.DataFrame({
        "lexicon": rows["lexicon"].astype(object), "kind": rows["lexicon"].map(kinds).fillna("").astype(object),
        "category": rows["category"].astype(object), "entry": rows["entry"].astype(object),
        "start": rows["start"].to_numpy(np.int64), "end": rows["end"].to_numpy(np.int64),
        "voice": (rows["voice"].fillna("").astype(object) if "voice" in rows.columns else ""),
    }, columns=list(_HIT_COLUMNS))
    doc, docs = pd.factorize(rows["doc_id"].to_numpy(dtype=object))
    place = pd.Series(doc).groupby(doc).cumcount().to_numpy(np.uint64)  # the hit's place among its document's
    with np.errstate(over="ignore"):
        each = pd.util.hash_pandas_object(table, index=False).to_numpy(np.uint64)
        each = pd.util.hash_array(each ^ (place * np.uint64(0x9E3779B97F4A7C15)))
        total = np.zeros(len(docs), dtype=np.uint64)
        np.add.at(total, doc, each)
    return dict(zip(docs.tolist(), total.tolist()))
