"""Topic stage: what each outlet writes about (BERTopic on offline embeddings).

``compute(docs, matches, normaliser, options, seed, cache_dir) -> StageOutput``; see
``framing/topics/stage.py`` for the tables. Imports stay lazy so that ``framing --help`` is fast.
"""

from __future__ import annotations


def compute(docs, matches, normaliser, options, seed, cache_dir):
    from framing.topics.stage import compute as _compute

    from framing.cache import active_cache

    if active_cache() is not None:  # in a pipeline run: see _cached_compute
        return _cached_compute(docs, matches, normaliser, options, seed, cache_dir)
    return _compute(docs, matches, normaliser, options, seed, cache_dir)


# ---- cache hook (framing/cache.py, performance) ---------------------------------------------------
# Only the topics × frames table depends on the lexicons. In a pipeline run, everything else
# (units, embeddings, clustering, stability, words, mix) is computed without the matches and cached
# by its inputs, and the topics × frames table is computed from the topic_units table and the
# run's matches, so that a re-run after a lexicon edit does not refit the topics.

def _cached_compute(docs, matches, normaliser, options, seed, cache_dir):
    from framing.cache import stage_memo
    from framing.records import StageOutput
    from framing.topics.stage import UNIT_WORD, compute as _compute
    from framing.topics.tables import topic_frames

    docs = [d for d in docs if getattr(d, "analysed", True)]
    inputs = ([d.doc_id for d in docs], [d.outlet for d in docs], [d.text for d in docs],
              normaliser.version, options.model_dump(mode="json"), int(seed))
    core = stage_memo("topics", ("framing.topics",), inputs,
                      lambda: _compute(docs, None, normaliser, options, seed, cache_dir))
    tables, notes = dict(core.tables), list(core.notes)
    units = tables.get("topic_units")
    if units is not None and len(units):
        tables["topic_frames"], unplaced = topic_frames(units, units["topic"].to_numpy(), matches)
        if unplaced:
            notes.append(f"{unplaced} lexicon hits fell outside every {UNIT_WORD[options.unit][0]} (e.g. in text "
                         "between paragraphs) and are not in the topics × frames table.")
    return StageOutput(tables=tables, notes=notes, info=core.info)


def __getattr__(name):
    if name == "TopicsError":
        from framing.topics.embed import TopicsError

        return TopicsError
    raise AttributeError(name)


__all__ = ["compute", "TopicsError"]
