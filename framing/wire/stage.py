"""The shared-copy stage, in two halves: find the stories and align every derivative with its
reference (:func:`find`: no lexicon read, so the pipeline keeps its output across lexicon edits),
then classify the edits against the run's lexicon hits and count them (:func:`stage`).

:func:`compute` runs both on plain arguments: ``compute(docs, matches, lexicons, normaliser,
options, seed, outlet_names) -> StageOutput`` with the tables stories, wire_edits, wire_rates,
wire_swaps, wire_lean and wire_headlines (always present, empty with a note when no reuse is
found). The report rebuilds its side-by-side view from wire_edits (offsets into the cleaned texts).
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
import pandas as pd

from framing.records import Document, StageInputs, StageOutput
from framing.runtime import Runtime
from framing.wire import align, kept, tables
from framing.wire.options import WireOptions
from framing.wire.reuse import STORY_COLUMNS, Reuse

EDIT_COLUMNS = ["story_id", "doc_id", "outlet", "op", "ref_text", "new_text", "ref_start", "new_start",
                "lexicon", "category", "entry", "kind", "scope", "voice", "ref_end", "new_end"]
TEXT_MAX = 300  # characters of an edited passage kept in wire_edits.csv.gz; ref_end/new_end give its whole extent
REUSE = "wire_reuse"  # what find hands the second half: a Reuse, not a table (the data folder leaves it out)


def empty_tables() -> dict[str, pd.DataFrame]:
    """The stage's tables with their columns and no rows (no story found, or the stage switched off)."""
    return {
        "stories": pd.DataFrame(columns=STORY_COLUMNS),
        "wire_edits": pd.DataFrame(columns=EDIT_COLUMNS),
        "wire_rates": pd.DataFrame(columns=tables.RATE_COLUMNS),
        "wire_swaps": pd.DataFrame(columns=tables.SWAP_COLUMNS),
        "wire_lean": pd.DataFrame(columns=tables.LEAN_COLUMNS),
        "wire_headlines": pd.DataFrame(columns=["outlet", "outlet_name", "kind", "lexicon", "category", "entry", "text"]),
    }


def find_stage(inputs: StageInputs, options: WireOptions, runtime: Runtime) -> StageOutput:
    """The first half as the pipeline calls it: :func:`find` on the run's analysed documents."""
    return find(inputs.documents, inputs.normaliser, options)


def stage(inputs: StageInputs, options: tuple[WireOptions, int], runtime: Runtime) -> StageOutput:
    """The second half as the pipeline calls it: ``options`` is (the wire options, the bootstrap
    resamples of the statistics options); :func:`edits` of the stories :func:`find` handed on (in
    ``inputs.tables``), with the run's matches, lexicon entries and seed."""
    wire, bootstrap = options
    return edits(inputs.documents, inputs.tables.get(REUSE), inputs.matches, inputs.lexicon_entries, wire,
                 runtime.seed, inputs.outlet_names, bootstrap, cache=runtime.cache, corpus_key=inputs.corpus_key)


def compute(docs: list[Document], matches: pd.DataFrame, lexicons: pd.DataFrame, normaliser,
            options: WireOptions | None = None, seed: int = 0, outlet_names: dict | None = None,
            bootstrap: int = 2000) -> StageOutput:
    """Stories shared across outlets, every derivative aligned with its reference, its edits classified and
    counted (the tables of the module docstring): :func:`find`, then :func:`edits`."""
    first = find(docs, normaliser, options)
    second = edits(docs, first.tables.pop(REUSE, None), matches, lexicons, options, seed, outlet_names, bootstrap)
    info = {**first.info, **second.info}
    if "timings" in first.info or "timings" in second.info:
        info["timings"] = {**first.info.get("timings", {}), **second.info.get("timings", {})}
    return StageOutput({**second.tables, **first.tables}, first.notes + second.notes, info)


def find(docs: list[Document], normaliser, options: WireOptions | None = None) -> StageOutput:
    """The stories table and, under ``REUSE``, the stories with every derivative's alignment
    (:func:`framing.wire.reuse.find`); a note when the stage is switched off or finds no story."""
    opts = options or WireOptions()
    out = StageOutput(tables={"stories": empty_tables()["stories"]}, info={"options": opts.model_dump()})
    if not opts.enabled:
        out.notes.append("Shared-copy analysis is switched off (wire.enabled: false); stories.csv and wire_edits.csv.gz are empty.")
        return out
    from framing.wire import reuse

    clock = _Clock()
    found, kept = reuse.find([d for d in docs if d.analysed], normaliser, opts, clock, out.info)
    out.info["timings"] = clock.laps
    if not len(kept):
        out.notes.append(
            "No story shared across outlets was found (no two documents of different outlets share passages of "
            f"{opts.min_words}+ words making up {opts.min_share:.0%} of the shorter text), so stories.csv and "
            "wire_edits.csv.gz are empty.")
        return out
    out.tables.update({"stories": found, REUSE: kept})
    return out


def edits(docs: list[Document], found: Reuse | None, matches: pd.DataFrame, lexicons: pd.DataFrame,
          options: WireOptions | None = None, seed: int = 0, outlet_names: dict | None = None,
          bootstrap: int = 2000, cache=None, corpus_key: str | None = None) -> StageOutput:
    """Every edit of the stories ``found`` (:func:`find`) classified by the lexicon hits it
    touches, and counted: the tables of the module docstring but stories (empty without stories).
    ``cache`` (a :class:`framing.cache.Cache`, or None): where the rates' bootstrap is kept
    (:func:`_counts`) and, with the ``corpus_key`` the stories were found in, the classified edits
    (:mod:`framing.wire.kept`: a derivative whose hits and whose reference's are those of the run
    that kept them is not classified again)."""
    opts = options or WireOptions()
    names = {str(k): str(v) for k, v in (outlet_names or {}).items()}
    out = StageOutput(tables={k: v for k, v in empty_tables().items() if k != "stories"}, info={"seed": seed})
    if not opts.enabled or found is None or not len(found):
        return out
    docs = [d for d in docs if d.analysed]
    found.check(docs)
    clock = _Clock()
    kinds = dict(zip(lexicons["lexicon"], lexicons["kind"])) if len(lexicons) else {}
    entry = kept.key(corpus_key, opts.model_dump(mode="json")) if cache is not None and corpus_key else None
    earlier = cache.get(kept.KIND, entry) if entry is not None else None
    signature = kept.signatures(matches, kinds, set(found.doc_ids.values())) if entry is not None else {}
    pairs = [(f"S{s + 1:05d}", docs[found.references[s]].doc_id, docs[k].doc_id)
             for s in range(len(found)) for k in found.derivatives[s]]
    same = earlier.unchanged(pairs, signature) if isinstance(earlier, kept.Classified) else {}
    redo: set[int] = set()  # the documents whose words and hits are needed: the derivatives to classify, their references
    j = 0
    for s in range(len(found)):
        for k in found.derivatives[s]:
            if pairs[j] not in same:
                redo.update((found.references[s], k))
            j += 1
    words = found.words(docs, only=redo)
    hits_of = _hits_by_doc(matches, kinds, {docs[k].doc_id for k in words})
    for k, w_k in words.items():
        align.attach_hits(w_k, hits_of.get(docs[k].doc_id, ()))

    der_rows, carried_rows, carried_each = [], [], []
    edit_columns: dict[str, list] = {c: [] for c in EDIT_COLUMNS}
    pieces: list[tuple[bool, int, int]] = []  # each derivative's rows: (kept, first, end) in the kept or the new rows
    n_new = 0
    agency_of_ref: dict[str, Counter] = {}
    j = 0
    for s in range(len(found)):
        story_id, ref = f"S{s + 1:05d}", docs[found.references[s]]
        blocks_of = dict(found.aligned(s, only=redo)) if found.references[s] in redo else {}
        for k in found.derivatives[s]:
            d, was = docs[k], same.get(pairs[j])
            j += 1
            if was is not None:
                pieces.append((True, int(earlier.bounds[was]), int(earlier.bounds[was + 1])))
                reused, carried = earlier.reused[was], earlier.carried[was]
            else:
                p = align.compare(words[found.references[s]], words[k], blocks=blocks_of[k])
                for e in p.edits:  # an edit touching several terms has one row each: long passages are cut
                    e.update(story_id=story_id, doc_id=d.doc_id, outlet=d.outlet, ref_text=_cut(e["ref_text"]),
                             new_text=_cut(e["new_text"]))
                    for c, column in edit_columns.items():
                        column.append(e[c])
                pieces.append((False, n_new, n_new + len(p.edits)))
                n_new += len(p.edits)
                reused, carried = p.reused, [(d.outlet, lx, cat, en, c) for (lx, cat, en), c in p.carried.items()]
            der_rows.append((d.doc_id, d.outlet, reused))
            carried_each.append(carried)
            carried_rows += carried
            agency_of_ref.setdefault(d.outlet, Counter()).update(ref.wire_agencies or ["—"])
    words.clear()  # the aligned texts' words are no longer needed
    clock.lap("edits")

    fresh = pd.DataFrame(edit_columns, columns=EDIT_COLUMNS, dtype=object)
    del edit_columns
    offsets = ["ref_start", "new_start", "ref_end", "new_end"]
    fresh[offsets] = fresh[offsets].astype(np.int64)
    ed = _assemble(earlier.table({d.doc_id: d.text for d in docs}, _cut, EDIT_COLUMNS) if same else None, fresh, pieces)
    redone = len(pairs) - len(same)
    if entry is not None and (not same or redone > kept.REWRITE_SHARE * len(pairs)):
        bounds = np.concatenate([[0], np.cumsum([hi - lo for _, lo, hi in pieces], dtype=np.int64)])
        cache.put(kept.KIND, entry, kept.Classified.of(pairs, bounds, ed, carried_each, [r for *_, r in der_rows], signature),
                  code=kept.CODE, corpus=corpus_key)
    clock.lap("kept")
    light = ed[["doc_id", "outlet", "kind", "lexicon", "category", "entry", "scope"]]
    light = light[light["kind"] != ""]  # the framing edits, without their texts
    der = pd.DataFrame(der_rows, columns=["doc_id", "outlet", "reused_words"])
    carried = pd.DataFrame(carried_rows, columns=["outlet", "lexicon", "category", "entry", "carried"])
    out.tables["wire_edits"] = ed
    out.tables["wire_rates"], out.tables["wire_lean"] = _counts(der, light, names, bootstrap, seed, cache)
    out.tables["wire_swaps"] = tables.swaps(light, carried, names)
    forms = _forms(lexicons)
    sources = {o: (c.most_common(1)[0][0] if c.most_common(1)[0][0] != "—" else "other outlets")
               for o, c in agency_of_ref.items()}  # the agency most often credited by its references
    out.tables["wire_headlines"] = tables.headlines(out.tables["wire_swaps"], out.tables["wire_rates"], forms, names, sources)
    clock.lap("statistics")
    out.info.update({"framing_edits": len(light), "timings": clock.laps, "classified_again": redone})
    return out


COUNTS_CODE = ("framing.wire", "framing.stats")  # the code the counts' entry depends on


def _counts(der: pd.DataFrame, light: pd.DataFrame, names: dict, bootstrap: int, seed: int,
            cache) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``tables.rates``, ``tables.lean``) of the derivatives ``der`` and their framing edits
    ``light``, kept in ``cache`` (when there is one) under a digest of exactly what they read: an
    edit of a lexicon seldom changes which edits of the shared copies touch a lexicon hit (a hit
    in a passage copied as it was is no edit), and then a re-run reads them back instead of
    resampling every derivative ``bootstrap`` times and testing every category again."""
    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        rng = np.random.default_rng(np.random.SeedSequence([seed, 20]))
        return tables.rates(der, light, names, bootstrap, rng), tables.lean(light, names)

    if cache is None:
        return compute()
    from framing.cache import code_revision, digest
    from framing.stats.memo import frame_digest

    key = digest("wire_counts", code_revision(*COUNTS_CODE), seed, bootstrap, sorted(names.items()),
                 frame_digest(der), frame_digest(light))
    return cache.memo("stats_parts", key, compute, code=COUNTS_CODE)


def _assemble(earlier: pd.DataFrame | None, fresh: pd.DataFrame, pieces: list[tuple[bool, int, int]]) -> pd.DataFrame:
    """wire_edits in the order of ``pieces``: each derivative's rows from the ``earlier`` table
    (kept) or from the ``fresh`` one."""
    if earlier is None:
        return fresh
    base = len(earlier)
    take = np.concatenate([np.arange(lo, hi) + (0 if old else base) for old, lo, hi in pieces] or
                          [np.zeros(0, dtype=np.int64)])
    if not len(fresh) and len(take) == base and np.array_equal(take, np.arange(base)):
        return earlier
    both = pd.concat([earlier, fresh], ignore_index=True) if len(fresh) else earlier
    return both.take(take).reset_index(drop=True)


def _cut(text: str) -> str:
    """An edited passage as wire_edits keeps it: at most TEXT_MAX characters."""
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX] + "…"


class _Clock:
    """Wall-clock and CPU seconds of each step (the machine may be shared: CPU seconds say what
    the step itself cost)."""

    def __init__(self) -> None:
        self.laps: dict[str, dict[str, float]] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.laps[name] = {"wall_s": round(wall - self._wall, 3), "cpu_s": round(cpu - self._cpu, 3)}
        self._wall, self._cpu = wall, cpu


def _hits_by_doc(matches: pd.DataFrame, kinds: dict, wanted: set) -> dict[str, list]:
    """The hits of the wanted documents, each a tuple of its ``kept.HIT_COLUMNS`` (lexicon, kind,
    category, entry, start, end, voice): what the signatures of ``kept`` sum up."""
    if matches is None or matches.empty or not wanted:
        return {}
    keep = matches["doc_id"].isin(wanted).to_numpy()
    cols = [kept.hit_column(matches, name, kinds).to_numpy(dtype=np.int64 if name in kept.OFFSETS else object)[keep]
            .tolist() for name in kept.HIT_COLUMNS]
    out: dict[str, list] = {}
    for doc_id, hit in zip(matches["doc_id"].to_numpy(dtype=object)[keep].tolist(), zip(*cols)):
        out.setdefault(doc_id, []).append(hit)
    return out


def _forms(lexicons: pd.DataFrame) -> dict:
    """(lexicon, entry) -> a readable form: the gloss when there is one, else the entry id."""
    if lexicons is None or lexicons.empty:
        return {}
    out = {}
    for r in lexicons.to_dict("records"):
        gloss = r.get("gloss")
        out[(r["lexicon"], r["entry"])] = gloss if isinstance(gloss, str) and gloss else r["entry"]
    return out
