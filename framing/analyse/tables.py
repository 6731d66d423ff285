"""What the per-document analyses add up to for the later stages: the matches table (with the
voice of each hit, :mod:`framing.voice`) and the keyness-term counts per outlet."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

# Documents whose hits need a voice; below this, forking a second process costs more than it saves
# (the voice rules take ~0.3 ms a document on news text).
VOICE_SPLIT_ABOVE = 2000

MATCH_COLUMNS = ["doc_id", "outlet", "source", "lexicon", "category", "entry", "surface", "start", "end",
                 "sentence_start", "sentence_end", "sentence", "rule", "distanced", "voice", "in_title", "speaker"]


def match_frame(docs, analyses, titles: bool = True, known: dict | None = None, jobs: int = 1) -> pd.DataFrame:
    """data/matches.csv: one row per lexicon hit of the analysed documents ``docs``, in document
    order, with the sentence it is in (its offsets and its text) and its voice (whose words it is in; ``titles``: the texts
    begin with their title, as ``corpus.analyse_titles`` puts it there). ``known``: voices found
    before for the same texts (:func:`known_voices` of an earlier table), by (doc_id, start, end):
    a hit's voice depends only on its text and its place in it, so only the other hits are
    worked out. ``jobs`` >= 2: the documents whose hits need a voice are shared with a forked
    process (above ``VOICE_SPLIT_ABOVE`` of them)."""
    from framing.background import split_map
    from framing.voice import Voice, hit_voices, title_end

    by_id = {d.doc_id: d for d in docs}
    known = known or {}
    hit = [a for a in analyses if a.matches]
    every = [[known.get((a.doc_id, m.start, m.end)) for m in a.matches] for a in hit]
    todo = [(i, [(m.start, m.end) for m, v in zip(hit[i].matches, every[i]) if v is None])
            for i in range(len(hit)) if None in every[i]]

    def work(part: list) -> list:
        out = []
        for i, spans in part:
            doc = by_id[hit[i].doc_id]
            out.append(hit_voices(doc.text, spans, title_end(doc.text, doc.title) if titles else 0))
        return out

    # the voice rules are the slow part: half the documents in a second process when there is one
    found = split_map(work, todo, jobs=jobs, weights=[len(spans) for _, spans in todo], name="voices",
                      min_items=VOICE_SPLIT_ABOVE)
    for (i, _), voices in zip(todo, found):
        slots = iter(voices)
        every[i] = [v if v is not None else next(slots) for v in every[i]]
    rows = []
    for a, voices in zip(hit, every):
        doc = by_id[a.doc_id]
        voices = [v if isinstance(v, Voice) else Voice(*v) for v in voices]
        text = doc.text
        for m, (s0, s1), v in zip(a.matches, a.sentence_spans, voices):
            rows.append((a.doc_id, doc.outlet, doc.source, m.lexicon, m.category, m.entry, m.surface,
                         m.start, m.end, s0, s1, text[s0:s1], m.rule, m.distanced, v.voice, v.in_title, v.speaker))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def known_voices(matches: pd.DataFrame) -> dict:
    """The voices of a matches table by (doc_id, start, end), as :func:`match_frame` takes them."""
    if matches is None or matches.empty:
        return {}
    cols = [matches[c].tolist() for c in ("doc_id", "start", "end", "voice", "in_title", "speaker")]
    return {(d, a, z): (v, t, s) for d, a, z, v, t, s in zip(*cols)}


def outlet_terms(docs, analyses) -> dict[str, Counter]:
    """Keyness term counts per outlet, each Counter in order of first occurrence over the
    documents in input order (as adding up the documents' Counters one by one would give)."""
    outlet_of = {d.doc_id: d.outlet for d in docs}
    outlets: dict[str, int] = {}
    vocab_no: dict[int, int] = {}  # id(term list) -> its number in `vocabs`
    vocabs: list = []
    doc_outlet = np.fromiter((outlets.setdefault(outlet_of[a.doc_id], len(outlets)) for a in analyses), np.int64,
                             len(analyses))
    doc_vocab = np.fromiter((vocab_no.setdefault(id(a.term_vocab), len(vocab_no)) for a in analyses), np.int64,
                            len(analyses))
    for a in analyses:  # the term lists in the order the numbers above gave them
        if vocab_no[id(a.term_vocab)] == len(vocabs):
            vocabs.append(a.term_vocab)
    lengths = np.fromiter((len(a.term_ids) for a in analyses), np.int64, len(analyses))
    if not lengths.sum():
        return {o: Counter() for o in outlets}
    # every term list's words numbered at once (equal words, equal numbers), in order of first occurrence
    words, names = pd.factorize(np.concatenate([np.asarray(v, dtype=object) for v in vocabs]))
    maps = np.split(words.astype(np.int64), np.cumsum([len(v) for v in vocabs])[:-1])  # per term list
    term = np.concatenate([maps[v][a.term_ids] for a, v in zip(analyses, doc_vocab.tolist())])
    count = np.concatenate([a.term_counts for a in analyses])
    outlet_idx = np.repeat(doc_outlet, lengths)
    width = max(1, len(names))
    codes, pairs = pd.factorize(outlet_idx * width + term)  # numbered in order of first occurrence
    pair_sum = np.bincount(codes, weights=count, minlength=len(pairs)).astype(np.int64)
    pair_outlet, pair_term = pairs // width, pairs % width
    names = names.tolist()
    out: dict[str, Counter] = {}
    for o, k in outlets.items():
        sel = pair_outlet == k
        out[o] = Counter(dict(zip([names[t] for t in pair_term[sel].tolist()], pair_sum[sel].tolist())))
    return out


def voiced_matches(cache, corpus_key: str | None, analysed: list, analyses: list, titles: bool, jobs: int = 1,
                   generations: tuple[str | None, str | None] = (None, None)):
    """The matches table with every hit's voice. A hit's voice depends on its text and its place
    in it, not on the lexicons, so the voices of the last run on the same corpus are kept in the
    cache and only hits new since (a lexicon edit) are worked out again. ``generations``: the
    names of the earlier hits a token store handed on and of this run's
    (:class:`framing.analyse.store.TokenStore`): the rows of the documents that kept their
    earlier hits (``DocAnalysis.earlier``) are then taken from the table made from those hits,
    and only the other documents' rows are built."""
    if cache is None or corpus_key is None:
        return match_frame(analysed, analyses, titles, jobs=jobs)
    from framing.cache import code_revision, digest

    code = ("framing.voice",)
    key = digest("voices", code_revision(*code), corpus_key, titles)
    table_code = ("framing.voice", "framing.analyse", "framing.records")
    table_key = digest("matches", code_revision(*table_code), corpus_key, titles)
    before, now = generations
    kept = None
    if before is not None and any(a.earlier for a in analyses):
        found = cache.get("matches", table_key, None)
        if isinstance(found, dict) and found.get("generation") == before:
            kept = found["table"]
    known = cache.get("voices", key, None)
    if kept is None:
        matches = match_frame(analysed, analyses, titles, known=known, jobs=jobs)
        voices = known_voices(matches)
    else:
        fresh = match_frame(analysed, [a for a in analyses if not a.earlier], titles, known=known, jobs=jobs)
        same = {a.doc_id for a in analyses if a.earlier and a.hits}
        matches = _in_order(kept, same, fresh, [a.doc_id for a in analyses])
        voices = {**(known or {}), **known_voices(fresh)}
    if voices != known:  # a run with the same hits leaves the entry as it is
        cache.put("voices", key, voices, code=code, corpus=corpus_key)
    if now is not None and not (kept is not None and now == before):  # the same hits: the entry is there
        cache.put("matches", table_key, {"generation": now, "table": matches}, code=table_code, corpus=corpus_key)
    return matches


def _in_order(kept: pd.DataFrame, same: set, fresh: pd.DataFrame, doc_ids: list[str]) -> pd.DataFrame:
    """The rows of ``kept`` whose document is in ``same`` and every row of ``fresh``, in the
    documents' order (each document's rows as they are; one take of the rows), with each column's
    type as :func:`match_frame` infers it from all the rows."""
    place = {d: i for i, d in enumerate(doc_ids)}
    if fresh.empty:
        rows = kept[kept["doc_id"].isin(same)]
        return rows.reset_index(drop=True) if len(rows) < len(kept) else kept
    both = pd.concat([kept, fresh], ignore_index=True)
    at = both["doc_id"].map(place).to_numpy(dtype=np.float64)  # a document no longer in the run: NaN
    wanted = np.concatenate([kept["doc_id"].isin(same).to_numpy(), np.ones(len(fresh), dtype=bool)])
    rows = np.flatnonzero(wanted)
    both = both.take(rows[np.argsort(at[rows], kind="stable")]).reset_index(drop=True)
    for col in both.columns:
        if kept[col].dtype != fresh[col].dtype:  # e.g. no speaker at all on one side: inferred again
            both[col] = pd.Series(both[col].tolist(), dtype=None)
    return both
