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
# what a hit is to the shared-copy edits, in this order: the tuples the stage classifies edits with
# (stage._hits_by_doc) and what the signatures sum up
HIT_COLUMNS = ("lexicon", "kind", "category", "entry", "start", "end", "voice")
OFFSETS = ("start", "end")
TEXTS = ("ref_text", "new_text")  # not kept: cut again from the documents' texts at their offsets


@dataclass
class Classified:
    """The classified edits of a run: derivative ``j`` is ``pairs[j]`` (story_id, reference doc_id,
    derivative doc_id), its rows are ``rows[bounds[j]:bounds[j + 1]]`` (wire_edits, packed: see
    :meth:`of`), its copied mentions ``carried[j]`` and its reused words ``reused[j]``;
    ``signatures`` holds the :func:`signatures` of the hits the rows were classified with."""

    pairs: list[tuple[str, str, str]]
    bounds: np.ndarray
    rows: dict[str, tuple | np.ndarray]
    carried: list[list[tuple]]
    reused: list[int]
    signatures: dict[str, int]

    @classmethod
    def of(cls, pairs, bounds, table: pd.DataFrame, carried, reused, signatures) -> Classified:
        """The entry of ``table`` (wire_edits), packed so that it pickles as a few arrays, not as
        every cell (pickling a hundred thousand rows of strings held a memo of every one of them):
        each text column as numbers into its distinct values, the numbers as they are, and
        :data:`TEXTS` left out (each is the text of its document between its offsets, cut as the
        table cuts it: :meth:`table` cuts them again)."""
        rows: dict[str, tuple | np.ndarray] = {}
        for name in table.columns:
            if name in TEXTS:
                continue
            column = table[name]
            if column.dtype != object:
                rows[name] = column.to_numpy()
                continue
            codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
            rows[name] = (codes.astype(np.int32), uniques.tolist())
        return cls(pairs, bounds, rows, carried, reused, signatures)

    def table(self, texts: dict[str, str], cut, columns: list[str]) -> pd.DataFrame:
        """wire_edits as it was kept, ``columns`` in order: the texts cut (``cut``) from ``texts``
        (doc_id -> cleaned text) of each row's reference and derivative between its offsets (empty
        for a document ``texts`` lacks: :meth:`unchanged` never takes its rows)."""
        data = {}
        for name, kept in self.rows.items():
            data[name] = np.asarray(kept[1], dtype=object)[kept[0]] if isinstance(kept, tuple) else kept
        sizes = np.diff(self.bounds)
        refs = np.repeat(np.asarray([p[1] for p in self.pairs], dtype=object), sizes).tolist()
        for name, docs, start, end in (("ref_text", refs, "ref_start", "ref_end"),
                                       ("new_text", data["doc_id"].tolist(), "new_start", "new_end")):
            data[name] = np.asarray([cut(texts.get(d, "")[a:b]) for d, a, b in zip(docs, data[start].tolist(),
                                                                                    data[end].tolist())], dtype=object)
        return pd.DataFrame({name: pd.Series(data[name], dtype=data[name].dtype) for name in columns}, columns=columns)

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


def hit_column(matches: pd.DataFrame, name: str, kinds: dict) -> pd.Series:
    """Column ``name`` of :data:`HIT_COLUMNS` for every match: the offsets as they are, the
    lexicon's kind (``kinds``) for ``kind``, text elsewhere ("" where missing, and for a column the
    table does not have, as ``voice`` before the voices are known)."""
    if name in OFFSETS:
        return matches[name]
    column = (matches["lexicon"].map(kinds) if name == "kind" else
              matches[name] if name in matches.columns else pd.Series("", index=matches.index))
    return column.fillna("")


def signatures(matches: pd.DataFrame | None, kinds: dict, wanted: set[str]) -> dict[str, int]:
    """A 64-bit sum of the hits of each wanted document that has any (a document without hits
    has none: read it as 0), from the matches table: equal exactly when the document's hits are
    the same, in the same order, but with a chance of about 2**-64. Each column is numbered
    (``pd.factorize``) and only its distinct values are hashed, as Python strings: the sums do not
    depend on how the table stores its strings, and no column's text is copied."""
    if matches is None or matches.empty or not wanted:
        return {}
    keep = matches["doc_id"].isin(wanted).to_numpy()
    if not keep.any():
        return {}
    doc, docs = pd.factorize(matches["doc_id"].to_numpy(dtype=object)[keep])
    with np.errstate(over="ignore"):
        each = np.zeros(int(keep.sum()), dtype=np.uint64)
        for k, name in enumerate(HIT_COLUMNS):
            column = hit_column(matches, name, kinds)
            if name in OFFSETS:
                values = pd.util.hash_array(column.to_numpy(np.int64)[keep])
            else:
                codes, uniques = pd.factorize(column)
                values = pd.util.hash_array(np.asarray([str(u) for u in uniques], dtype=object))[codes[keep]]
            each = each * np.uint64(1_000_003) ^ (values + np.uint64(k))
        place = pd.Series(doc).groupby(doc).cumcount().to_numpy(np.uint64)  # the hit's place among its document's
        each = pd.util.hash_array(each ^ (place * np.uint64(0x9E3779B97F4A7C15)))
        total = np.zeros(len(docs), dtype=np.uint64)
        np.add.at(total, doc, each)
    return dict(zip(docs.tolist(), total.tolist()))
