"""Per-document count matrices: the one data structure every statistic is computed from.

Each analysed document is a row; each lexicon category (and each variant of a naming axis) is a
column. Rates, bootstrap intervals and permutation tests all work on these matrices, so a number
in any table is a sum over rows of the same matrix (and hence traceable to ``matches.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Counts:
    doc_ids: np.ndarray  # (N,) document ids
    outlets: list[str]  # outlet ids, in report order (outlets with no document included)
    group: np.ndarray  # (N,) index into ``outlets``
    tokens: np.ndarray  # (N,) float64 word counts
    dates: pd.Series  # (N,) datetime64 or NaT
    categories: pd.DataFrame  # K rows: lexicon, kind, category, category_label, category_label_ar
    counts: np.ndarray  # (N, K) float64 hits per document and category
    entries: pd.DataFrame  # E rows: lexicon, axis, entry, gloss, col (index of the axis in categories)
    entry_counts: np.ndarray  # (N, E) float64 hits per document and naming variant
    notes: list[str] = field(default_factory=list)

    @property
    def n_groups(self) -> int:
        """The number of outlets."""
        return len(self.outlets)

    def group_sums(self, values: np.ndarray) -> np.ndarray:
        """Sum rows of ``values`` (N, ...) per outlet -> (G, ...)."""
        return row_sums(self.group, values, self.n_groups)


def row_sums(labels: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sums of the rows of ``values`` (N, ...) by ``labels`` (N,) in 0..n-1 -> (n, ...) float64:
    what ``numpy.add.at`` on zeros gives, bit for bit (each group's rows added one by one in row
    order), by one ``numpy.bincount`` over the cells instead of row by row."""
    values = np.asarray(values, dtype=np.float64)
    shape = values.shape[1:]
    width = int(np.prod(shape)) if shape else 1
    flat = values.reshape(len(values), width)
    key = (np.asarray(labels, dtype=np.int64)[:, None] * width + np.arange(width, dtype=np.int64)).ravel()
    return np.bincount(key, weights=flat.ravel(), minlength=n * width).reshape((n,) + shape)


def _category_table(lexicons: pd.DataFrame, matches: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    notes: list[str] = []
    lex = lexicons.copy() if lexicons is not None else pd.DataFrame()
    for col in ("lexicon", "kind", "category", "category_label", "category_label_ar", "entry", "gloss"):
        if col not in lex.columns:
            lex[col] = ""
    lex = lex.fillna("")
    cats = lex.drop_duplicates(["lexicon", "category"])[
        ["lexicon", "kind", "category", "category_label", "category_label_ar"]
    ]
    # categories that appear in matches but not in the lexicon frame still get a column
    if len(matches):
        seen = set(zip(cats["lexicon"], cats["category"]))
        extra = matches.drop_duplicates(["lexicon", "category"])
        extra = extra[[(lx, c) not in seen for lx, c in zip(extra["lexicon"], extra["category"])]]
        if len(extra):
            notes.append(
                f"{len(extra)} matched categories were missing from the lexicon table and were added "
                "with their identifier as label."
            )
            cats = pd.concat([cats, pd.DataFrame({
                "lexicon": extra["lexicon"], "kind": "frames", "category": extra["category"],
                "category_label": extra["category"], "category_label_ar": "",
            })], ignore_index=True)
    cats = cats.reset_index(drop=True)
    no_label = cats["category_label"].astype(str) == ""
    cats["category_label"] = np.where(no_label, cats["category"], cats["category_label"])

    naming = lex[lex["kind"] == "naming"][["lexicon", "category", "entry", "gloss"]]
    naming = naming[naming["entry"].astype(str) != ""].drop_duplicates(["lexicon", "category", "entry"])
    if len(matches):
        nm = matches[matches["lexicon"].isin(set(cats.loc[cats["kind"] == "naming", "lexicon"]))]
        known = set(zip(naming["lexicon"], naming["category"], naming["entry"]))
        extra = nm.drop_duplicates(["lexicon", "category", "entry"])
        extra = extra[[k not in known for k in zip(extra["lexicon"], extra["category"], extra["entry"])]]
        if len(extra):
            naming = pd.concat([naming, extra[["lexicon", "category", "entry"]].assign(gloss="")], ignore_index=True)
    naming = naming.rename(columns={"category": "axis"}).reset_index(drop=True)
    col_of = {(lx, c): i for i, (lx, c) in enumerate(zip(cats["lexicon"], cats["category"]))}
    naming["col"] = [col_of[(lx, a)] for lx, a in zip(naming["lexicon"], naming["axis"])]
    return cats, naming, notes


def build_counts(docs: pd.DataFrame, matches: pd.DataFrame, lexicons: pd.DataFrame,
                 outlet_names: dict | None = None) -> Counts:
    """The document-by-category count matrix the statistics work on, with the documents' outlets,
    tokens and dates; raises ValueError on duplicate doc_ids."""
    docs = docs.reset_index(drop=True)
    matches = matches if matches is not None else pd.DataFrame(columns=["doc_id", "lexicon", "category", "entry"])
    notes: list[str] = []
    doc_ids = docs["doc_id"].astype(str).to_numpy()
    if len(set(doc_ids)) != len(doc_ids):
        raise ValueError("stats: duplicate doc_id values in the documents table")

    outlets = list(pd.unique(docs["outlet"].astype(str)))
    missing = [o for o in (outlet_names or {}) if o not in outlets]
    outlets = sorted(outlets) + sorted(missing)
    if missing:
        notes.append(
            "No analysed documents for " + ", ".join((outlet_names or {}).get(o, o) for o in missing)
            + ": these outlets are listed with empty rates and left out of the comparisons."
        )
    gidx = {o: i for i, o in enumerate(outlets)}
    group = docs["outlet"].astype(str).map(gidx).to_numpy(dtype=np.int64)
    tokens = pd.to_numeric(docs["n_tokens"], errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=np.float64)
    if "date" in docs.columns:
        dates = pd.to_datetime(docs["date"].astype("string").str.slice(0, 10), errors="coerce", format="%Y-%m-%d")
    else:
        dates = pd.Series(pd.NaT, index=docs.index, dtype="datetime64[ns]")

    cats, naming, cat_notes = _category_table(lexicons, matches)
    notes += cat_notes
    N, K, E = len(docs), len(cats), len(naming)
    counts = np.zeros((N, K))
    entry_counts = np.zeros((N, E))
    if len(matches):
        row_of = pd.Series(np.arange(N), index=doc_ids)
        m = matches.assign(doc_id=matches["doc_id"].astype(str))
        rows = m["doc_id"].map(row_of)
        unknown = int(rows.isna().sum())
        if unknown:
            notes.append(
                f"{unknown} lexicon hits belong to documents that are not in the analysed set; "
                "they are not counted."
            )
        ok = rows.notna().to_numpy()
        m, rows = m[ok], rows[ok].to_numpy(dtype=np.int64)
        col_of = pd.Series(np.arange(K), index=pd.MultiIndex.from_arrays([cats["lexicon"], cats["category"]]))
        cols = col_of.reindex(pd.MultiIndex.from_arrays([m["lexicon"], m["category"]])).to_numpy()
        np.add.at(counts, (rows, cols.astype(np.int64)), 1.0)
        if E:
            ent_of = pd.Series(np.arange(E), index=pd.MultiIndex.from_arrays(
                [naming["lexicon"], naming["axis"], naming["entry"]]))
            ecols = ent_of.reindex(pd.MultiIndex.from_arrays([m["lexicon"], m["category"], m["entry"]])).to_numpy()
            sel = ~np.isnan(ecols)
            np.add.at(entry_counts, (rows[sel], ecols[sel].astype(np.int64)), 1.0)
    return Counts(doc_ids, outlets, group, tokens, dates.reset_index(drop=True), cats, counts, naming,
                  entry_counts, notes)
