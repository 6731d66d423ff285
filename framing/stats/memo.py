"""Statistics kept in the run's cache because a lexicon edit seldom changes what they read.

The scare-quote shares of naming variants (``voice.scare_shares``) read the documents, the hits of
the naming lexicons with their voice, those lexicons' entries, the options, the outlets' names and
the seed: an edit of a frame lexicon leaves all of it as it was, so a re-run reads the shares back
(their bootstrap resamples every document two thousand times). The entry's key is a digest of
exactly those inputs, so any change to them computes the shares again.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from framing.records import StageInputs

SCARE_CODE = ("framing.stats",)
SCARE_MATCH_COLUMNS = ["doc_id", "outlet", "lexicon", "category", "entry", "voice"]


def frame_digest(frame: pd.DataFrame) -> bytes:
    """A digest of a table's values and column names (not of its index)."""
    import hashlib

    h = hashlib.sha256(repr(list(frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.digest()


def scare_entry(inputs: StageInputs, cache, options, seed: int) -> tuple[pd.DataFrame | None, Callable | None]:
    """(the scare-quote shares of an earlier run on the same inputs, or None; a function keeping
    computed ones in ``cache``); (None, None) without a cache or without voices."""
    matches, lexicons = inputs.matches, inputs.lexicon_entries
    if cache is None or matches is None or lexicons is None or not set(SCARE_MATCH_COLUMNS) <= set(matches.columns):
        return None, None
    from framing.cache import code_revision, digest

    naming = lexicons[lexicons["kind"] == "naming"]
    hits = matches.loc[matches["lexicon"].isin(set(naming["lexicon"])), SCARE_MATCH_COLUMNS]
    names = sorted((str(k), str(v)) for k, v in (inputs.outlet_names or {}).items())
    key = digest("scare", code_revision(*SCARE_CODE), seed, options.model_dump(mode="json"), names,
                 frame_digest(inputs.doc_table), frame_digest(naming), frame_digest(hits))

    def keep(value: pd.DataFrame) -> None:
        cache.put("stats_parts", key, value, code=SCARE_CODE)

    return cache.get("stats_parts", key, None), keep
