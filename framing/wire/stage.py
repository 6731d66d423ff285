"""The shared-copy stage: find stories, align every derivative with its reference, classify the
edits and count them.

``compute(docs, matches, lexicons, normaliser, options, seed, outlet_names) -> StageOutput`` with
the tables stories, wire_edits, wire_rates, wire_swaps, wire_lean and wire_headlines (always
present, empty with a note when no reuse is found). The report rebuilds its side-by-side view
from wire_edits (offsets into the cleaned texts).
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
import pandas as pd

from framing.records import Document, StageInputs, StageOutput
from framing.runtime import Runtime
from framing.wire import align, stories, tables
from framing.wire.options import WireOptions

STORY_COLUMNS = ["story_id", "doc_id", "outlet", "role", "reused_words", "share_reused", "agencies", "words", "date"]
EDIT_COLUMNS = ["story_id", "doc_id", "outlet", "op", "ref_text", "new_text", "ref_start", "new_start",
                "lexicon", "category", "entry", "kind", "scope", "voice", "ref_end", "new_end"]
TEXT_MAX = 300  # characters of an edited passage kept in wire_edits.csv.gz; ref_end/new_end give its whole extent


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


def stage(inputs: StageInputs, options: tuple[WireOptions, int], runtime: Runtime) -> StageOutput:
    """The shared-copy stage as the pipeline calls it: ``options`` is (the wire options, the
    bootstrap resamples of the statistics options); :func:`compute` on the run's analysed
    documents, matches and lexicon entries, with the run's seed."""
    wire, bootstrap = options
    return compute(inputs.documents, inputs.matches, inputs.lexicon_entries, inputs.normaliser, wire, runtime.seed,
                   inputs.outlet_names, bootstrap)


def compute(docs: list[Document], matches: pd.DataFrame, lexicons: pd.DataFrame, normaliser,
            options: WireOptions | None = None, seed: int = 0, outlet_names: dict | None = None,
            bootstrap: int = 2000) -> StageOutput:
    """Stories shared across outlets, every derivative aligned with its reference, its edits classified and
    counted (the tables of the module docstring)."""
    from framing.corpus.words import WordHasher

    opts = options or WireOptions()
    names = {str(k): str(v) for k, v in (outlet_names or {}).items()}
    out = StageOutput(tables=empty_tables())
    docs = [d for d in docs if d.analysed]
    clock = _Clock()
    info: dict = {"options": opts.model_dump(), "seed": seed}
    out.info = info
    if not opts.enabled:
        out.notes.append("Shared-copy analysis is switched off (wire.enabled: false); stories.csv and wire_edits.csv.gz are empty.")
        return out

    shingles = [w.shingles for w in WordHasher().analyse_many([d.text for d in docs])]
    outlet_ids = {o: k for k, o in enumerate(sorted({d.outlet for d in docs}))}
    outlet = np.array([outlet_ids[d.outlet] for d in docs], dtype=np.int64)
    cand = stories.candidate_pairs(shingles, outlet, max_df=opts.max_shingle_docs,
                                   min_shared=max(1, opts.min_words - align.MIN_PASSAGE + 1), min_share=opts.min_share)
    info["candidate_pairs"] = int(len(cand))
    del shingles
    clock.lap("candidates")

    kinds = dict(zip(lexicons["lexicon"], lexicons["kind"])) if len(lexicons) else {}
    members = np.unique(cand).tolist()
    hits_of = _hits_by_doc(matches, kinds, {docs[k].doc_id for k in members})
    words: dict[int, align.Words] = {}
    for k, w_k in zip(members, align.words_many([(docs[k].doc_id, docs[k].outlet, docs[k].text) for k in members],
                                                normaliser)):
        align.attach_hits(w_k, hits_of.get(docs[k].doc_id, ()))
        words[k] = w_k

    def w(k: int) -> align.Words:
        return words[k]

    shared: dict[tuple[int, int], int] = {}  # words in shared passages, by pair (lower index first)

    def raw(a: int, b: int) -> list:
        """The alignment of documents a and b, always computed lower index first (Levenshtein
        alignments are not symmetric), flipped when a is the higher one."""
        blocks = align.raw_opcodes(w(min(a, b)).ids, w(max(a, b)).ids)
        return blocks if a < b else align.flipped(blocks)

    def confirmed(a: int, b: int) -> bool:
        key = (min(a, b), max(a, b))
        if key not in shared:  # alignments are not kept: only the stories' are needed again
            shared[key] = align.passage_words(raw(*key))
        n = shared[key]
        return n >= opts.min_words and n >= opts.min_share * max(1, min(len(w(a)), len(w(b))))

    pairs = [(int(a), int(b)) for a, b in cand if confirmed(int(a), int(b))]
    info["confirmed_pairs"] = len(pairs)
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    found: list[stories.Story] = []
    todo = stories.group_pairs(pairs)
    while todo:
        members = todo.pop(0)
        inside = set(members)
        weight = {k: sum(shared[(min(k, m), max(k, m))] for m in neighbours[k] if m in inside) for k in members}
        ref = min(members, key=lambda k: (not docs[k].wire_agencies, docs[k].date or "9999", -weight[k], k))
        derived = [k for k in members if k != ref and docs[k].outlet != docs[ref].outlet and confirmed(ref, k)]
        if derived:
            found.append(stories.Story("", ref, derived))
        rest = inside - {ref} - set(derived)
        sub = [(a, m) for a in sorted(rest) for m in neighbours[a] if m in rest and a < m]
        todo = stories.group_pairs(sub) + todo
    found.sort(key=lambda s: s.reference)
    clock.lap("stories")

    story_rows, carried_rows, der_rows = [], [], []
    edit_columns: dict[str, list] = {c: [] for c in EDIT_COLUMNS}
    agency_of_ref: dict[str, Counter] = {}
    for n, s in enumerate(found, 1):
        s.story_id = f"S{n:05d}"
        ref = docs[s.reference]
        rw = w(s.reference)
        used = np.zeros(len(rw), dtype=bool)
        for k in s.derivatives:
            d, dw = docs[k], w(k)
            p = align.compare(rw, dw, raw(s.reference, k))
            for tag, i1, i2, _, _ in p.blocks:
                if tag == "equal":
                    used[i1:i2] = True
            story_rows.append((s.story_id, d.doc_id, d.outlet, "derivative", p.reused, p.reused / max(1, len(dw)),
                               ";".join(d.wire_agencies), len(dw), d.date or ""))
            der_rows.append((d.doc_id, d.outlet, p.reused))
            for e in p.edits:  # an edit touching several terms has one row each: long passages are cut
                e.update(story_id=s.story_id, doc_id=d.doc_id, outlet=d.outlet, ref_text=_cut(e["ref_text"]),
                         new_text=_cut(e["new_text"]))
                for c, column in edit_columns.items():
                    column.append(e[c])
            carried_rows += [(d.outlet, lx, cat, entry, c) for (lx, cat, entry), c in p.carried.items()]
            agency_of_ref.setdefault(d.outlet, Counter()).update(ref.wire_agencies or ["—"])
        story_rows.insert(len(story_rows) - len(s.derivatives), (
            s.story_id, ref.doc_id, ref.outlet, "reference", int(used.sum()), used.sum() / max(1, len(rw)),
            ";".join(ref.wire_agencies), len(rw), ref.date or ""))
    words.clear()  # the aligned texts' words are no longer needed
    clock.lap("align")

    if not found:
        out.notes.append(
            "No story shared across outlets was found (no two documents of different outlets share passages of "
            f"{opts.min_words}+ words making up {opts.min_share:.0%} of the shorter text), so stories.csv and "
            "wire_edits.csv.gz are empty.")
        info["timings"] = clock.laps
        return out

    st = pd.DataFrame(story_rows, columns=STORY_COLUMNS)
    ed = pd.DataFrame(edit_columns, columns=EDIT_COLUMNS, dtype=object)
    del edit_columns
    offsets = ["ref_start", "new_start", "ref_end", "new_end"]
    ed[offsets] = ed[offsets].astype(np.int64)
    light = ed[["doc_id", "outlet", "kind", "lexicon", "category", "entry", "scope"]]
    light = light[light["kind"] != ""]  # the framing edits, without their texts
    der = pd.DataFrame(der_rows, columns=["doc_id", "outlet", "reused_words"])
    carried = pd.DataFrame(carried_rows, columns=["outlet", "lexicon", "category", "entry", "carried"])
    rng = np.random.default_rng(np.random.SeedSequence([seed, 20]))
    out.tables["stories"] = st
    out.tables["wire_edits"] = ed
    out.tables["wire_rates"] = tables.rates(der, light, names, bootstrap, rng)
    out.tables["wire_swaps"] = tables.swaps(light, carried, names)
    out.tables["wire_lean"] = tables.lean(light, names)
    forms = _forms(lexicons)
    sources = {o: (c.most_common(1)[0][0] if c.most_common(1)[0][0] != "—" else "other outlets")
               for o, c in agency_of_ref.items()}  # the agency most often credited by its references
    out.tables["wire_headlines"] = tables.headlines(out.tables["wire_swaps"], out.tables["wire_rates"], forms, names, sources)
    clock.lap("statistics")
    info.update({
        "stories": len(found), "derivatives": int(sum(len(s.derivatives) for s in found)),
        "framing_edits": len(light),
        "timings": clock.laps,
    })
    return out


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
    """(lexicon, kind, category, entry, start, end, voice) of the matches of the wanted documents."""
    if matches is None or matches.empty or not wanted:
        return {}
    keep = matches["doc_id"].isin(wanted).to_numpy()
    cols = [matches[c].to_numpy(dtype=object)[keep].tolist() for c in ("doc_id", "lexicon", "category", "entry")]
    starts, ends = (matches[c].to_numpy()[keep].tolist() for c in ("start", "end"))
    voices = (matches["voice"].fillna("").to_numpy(dtype=object)[keep].tolist() if "voice" in matches.columns
              else [""] * int(keep.sum()))
    out: dict[str, list] = {}
    for doc_id, lx, cat, entry, start, end, voice in zip(*cols, starts, ends, voices):
        out.setdefault(doc_id, []).append((lx, kinds.get(lx, ""), cat, entry, int(start), int(end), voice))
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
