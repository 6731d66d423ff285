"""The token store: every document's tokens kept on disk between runs (a kind of entry of the
run's :class:`framing.cache.Cache`), so that a re-run after editing a lexicon skips tokenising.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from framing.cache import Cache, code_revision, digest, text_sha256

_TOKENS_CODE = ("framing.arabic", "framing.analyse.tokens", "framing.records", "framing.cache",
                "framing.analyse.store")  # cache and store: the layout of the entries


_ANALYSES_CODE = (*_TOKENS_CODE, "framing.analyse", "framing.lexicon")  # the matching and its records


def tokens_key(normaliser_version: str) -> str:
    """Key of the token store: the normaliser and the code of tokeniser and analyser."""
    return digest("tokens", code_revision(*_TOKENS_CODE), normaliser_version)


@dataclass(frozen=True)
class Earlier:
    """The hits an earlier run found in the stored documents, and the words whose part in the
    lexicons has changed since (:meth:`framing.lexicon.Matcher.signatures`): a document with none
    of those words has the same hits now. ``docs``: text hash -> (hits as packed tuples, their
    sentences' spans)."""

    changed: frozenset
    docs: dict

    def changed_words(self, norms: list[str]):
        """For each word of a word list, whether its part in the lexicons changed (numpy bool)."""
        import numpy as np

        changed = self.changed
        return np.fromiter((n in changed for n in norms), dtype=bool, count=len(norms))


class TokenStore:
    """The tokens of every document (word ids, start and end offsets), looked up by the SHA-256 of
    the cleaned text, so that a re-run after a lexicon edit skips tokenising and an edited document
    misses alone. Keyness terms are recomputed from the stored words, which costs little.

    Tokens are stored in shards, one per batch of documents analysed together: a shard (kind
    ``token_shard``) holds its own word list (surfaces and normalised forms) and int32 arrays of
    word ids and offsets. Worker processes write their shards themselves (:class:`ShardWriter`),
    so no token travels back to the parent. The index (kind ``tokens``, keyed by
    :func:`tokens_key`) maps a text hash to its shard and place in it, for the documents of the
    latest run; shards no longer indexed are deleted when the index is saved.
    """

    def __init__(self, cache: Cache, normaliser_version: str) -> None:
        self.cache = cache
        self.key = tokens_key(normaliser_version)
        self._hash_of: dict[str, str] = {}  # doc_id -> text hash, for documents of this run
        self._used: set[str] = set()
        data = cache.get("tokens", self.key) if cache.enabled else None
        self._index: dict[str, tuple[str, int, int]] = (data or {}).get("index", {})  # hash -> (shard, offset, count)
        self._new: dict[str, tuple[str, int, int]] = {}  # the same, for documents tokenised in this run
        self._shards: dict[str, tuple] = {}  # shard key -> (Vocabulary, ids, starts, ends), once loaded
        self._present: dict[str, bool] = {}  # shard key -> its file exists
        self.generation: str | None = None  # the name of this run's hits (keep_hits), for entries made from them
        self.earlier_generation: str | None = None  # the name of the earlier hits read (earlier)

    def __len__(self) -> int:
        return len(self._index)

    def expect(self, doc_id: str, text: str) -> str:
        """Note a document of this run; returns its text hash."""
        h = self._hash_of[doc_id] = text_sha256(text)
        return h

    def has(self, text_hash: str) -> bool:
        """Whether the document's tokens are stored (and their shard is still there)."""
        where = self._index.get(text_hash)
        if where is None:
            return False
        ok = self._present.get(where[0])
        if ok is None:
            ok = self._present[where[0]] = self.cache.exists("token_shard", where[0])
        return ok

    def writer(self) -> "ShardWriter":
        """What writes a batch's tokens as a shard (in whichever process tokenised them)."""
        return ShardWriter(self.cache.root, self.key)

    def use(self, hashes: list[str]) -> None:
        """Note that this run uses these stored documents (kept when the store is saved)."""
        self._used.update(hashes)

    def add(self, doc_ids: list[str], tokens) -> None:
        """Tokens of documents tokenised in this run (``DocumentAnalyser.sink``): a WordTokens,
        written here as a shard, or a ShardRef to a shard a worker wrote."""
        ref = tokens if isinstance(tokens, ShardRef) else self.writer()(tokens)
        bounds = ref.bounds
        for k, doc_id in enumerate(doc_ids):
            h = self._hash_of.get(doc_id)
            if h is not None:
                self._new[h] = (ref.key, bounds[k], bounds[k + 1] - bounds[k])

    def shard_of(self, text_hash: str) -> tuple[str, int, int]:
        """(shard key, offset, token count) of a stored document, by the hash of its text."""
        return self._index[text_hash]

    def load_shard(self, key: str):
        """(Vocabulary, ids, starts, ends) of a stored shard (kept once loaded)."""
        got = self._shards.get(key)
        if got is None:
            from framing.analyse.tokens import Vocabulary

            data = self.cache.get("token_shard", key, count=False)  # read in workers too: not counted
            if data is None:
                raise RuntimeError(f"the token shard {self.cache._path('token_shard', key)} cannot be read; "
                                   f"delete the cache folder {self.cache.root} and run again")
            vocab = Vocabulary.of_words(None, _words(data["surfaces"]), _words(data["norms"]))
            got = self._shards[key] = (vocab, data["ids"], data["starts"], data["ends"])
        return got

    def earlier(self, signatures: dict | None) -> Earlier | None:
        """What an earlier run matched in the stored documents (kept by :meth:`keep_hits`), with
        the words whose signature differs from ``signatures`` (the current matcher's); None
        without one, or where the matcher cannot be compared word by word."""
        if signatures is None or not self.cache.enabled:
            return None
        data = self.cache.get("analyses", self._analyses_key())
        if not isinstance(data, dict) or "signatures" not in data:
            return None
        before = data["signatures"]
        changed = frozenset(w for w in before.keys() | signatures.keys() if before.get(w) != signatures.get(w))
        self.earlier_generation = data.get("generation")
        return Earlier(changed, data["docs"])

    def keep_hits(self, signatures: dict | None, docs: dict) -> None:
        """Keep this run's hits of every document (text hash -> packed hits and sentence spans)
        with the signatures of the matcher that found them, for the next run's :meth:`earlier`."""
        if signatures is None or not self.cache.enabled:
            return
        import uuid

        self.generation = uuid.uuid4().hex  # what is made from these hits names them (tables.voiced_matches)
        self.cache.put("analyses", self._analyses_key(),
                       {"signatures": signatures, "docs": docs, "generation": self.generation}, code=_ANALYSES_CODE)

    def keep_earlier(self) -> None:
        """This run's hits are the earlier run's, found with the same signatures, for every
        document (:meth:`earlier`): they keep their entry and their name, so that what was made
        from them (the matches table) is not written again either."""
        self.generation = self.earlier_generation

    def _analyses_key(self) -> str:
        return digest("analyses", code_revision(*_ANALYSES_CODE), self.key)

    def save(self) -> None:
        """Write the index of this run's documents (stored ones it used and new ones) if anything
        changed, and delete the shards it no longer refers to (when no other run uses the cache)."""
        if not self.cache.enabled or (not self._new and self._used == set(self._index)):
            return
        index = {h: self._index[h] for h in sorted(self._used) if h in self._index and h not in self._new}
        index.update(self._new)
        self.cache.put("tokens", self.key, {"index": index}, code=_TOKENS_CODE,
                       refs=tuple({v[0] for v in index.values()}))
        stale = {v[0] for v in self._index.values()} - {v[0] for v in index.values()}
        if stale and self.cache.alone():  # another run may still read them: kept until a run is alone
            try:
                for key in stale:
                    self.cache.delete("token_shard", key)
            finally:
                self.cache.share()


@dataclass(frozen=True)
class ShardRef:
    """A shard written by a worker: its key, and where each document's tokens are in it."""

    key: str
    bounds: list[int]


@dataclass(frozen=True)
class ShardWriter:
    """Writes a batch's tokens (a WordTokens) as a token shard, at once, from any process on
    this machine; returns its ShardRef."""

    root: Path
    store_key: str

    def __call__(self, tokens) -> ShardRef:
        b = tokens.batch
        h = hashlib.sha256(self.store_key.encode())
        for part in (b.ids, b.starts, b.ends, b.bounds):
            h.update(part.tobytes())
        h.update("\n".join(tokens.surfaces).encode("utf-8", "surrogatepass"))
        key = h.hexdigest()
        Cache(self.root).put("token_shard", key, {"surfaces": _joined(tokens.surfaces), "norms": _joined(tokens.norms),
                                                  "ids": b.ids, "starts": b.starts, "ends": b.ends},
                             code=_TOKENS_CODE)
        return ShardRef(key, b.bounds.tolist())


_SEP = "\n"  # no word holds a line break: a shard's word list is one string (a million words unpickle
# as a million objects, one string at the speed of a copy)


def _joined(words: list[str]):
    """A word list as a shard stores it: (count, the words joined by line breaks), or the list
    itself should a word hold one."""
    joined = _SEP.join(words)
    return (len(words), joined) if joined.count(_SEP) == max(0, len(words) - 1) else list(words)


def _words(stored) -> list[str]:
    """The word list of a shard (:func:`_joined`)."""
    if isinstance(stored, tuple):
        n, joined = stored
        return joined.split(_SEP) if n else []
    return stored
