"""On-disk cache of a run's lexicon-independent work, so that a re-run after editing a lexicon
redoes only what the lexicon changes.

What is cached, and the key it is stored under (a SHA-256 over everything the output depends on):

* ``corpus``: the cleaned documents (the corpus stage's output, every ``Document`` of the ledger)
  — the bytes of every input file with its path as the run shows it, the config sections the
  corpus stage reads (``outlets``, ``sources``, ``corpus``), the bytes of extra cleaning profiles,
  the normaliser version and the code revision of the corpus stage;
* ``tokens``: per document, its tokens (word ids into a stored word list, offsets) — the SHA-256
  of the cleaned text, the normaliser version and the code revision of the tokeniser;
* ``stage``: any other expensive lexicon-independent result, through :meth:`Cache.memo`, keyed by
  the hash of its inputs (for the classifier and topic stages).

A code revision is the SHA-256 of the source files of the modules an entry depends on, so that an
upgrade or a local edit of that code invalidates exactly the entries it can change. Entries are
pickles written atomically (a temporary file, then a rename), so an interrupted run never leaves a
half-written entry; an unreadable entry counts as a miss. Delete the folder to clear the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump when the layout of cached values changes
_CORPUS_CODE = ("framing.corpus", "framing.records", "framing.config")
_TOKENS_CODE = ("framing.arabic", "framing.tokens", "framing.records")


@lru_cache(maxsize=None)
def code_revision(*modules: str) -> str:
    """SHA-256 over the framing version and the source files (.py, .yaml) of ``modules``
    (a package counts with everything under it)."""
    import importlib

    from framing import __version__

    h = hashlib.sha256(f"framing {__version__} cache {FORMAT}".encode())
    for name in sorted(modules):
        mod = importlib.import_module(name)
        path = Path(mod.__file__)
        files = sorted(path.parent.rglob("*")) if path.name == "__init__.py" else [path]
        for f in files:
            if f.is_file() and f.suffix in (".py", ".yaml", ".yml") and "__pycache__" not in f.parts:
                h.update(f.relative_to(path.parent).as_posix().encode() + b"\0")
                h.update(f.read_bytes())
    return h.hexdigest()


def digest(*parts: Any) -> str:
    """SHA-256 of JSON-able parts (bytes are hashed as they are, lists of strings string by string)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, (bytes, bytearray, memoryview)):
            h.update(b"b")
            h.update(hashlib.sha256(part).digest())
        elif isinstance(part, (list, tuple)) and part and all(isinstance(x, str) for x in part):
            h.update(b"s%d:" % len(part))
            for x in part:
                h.update(hashlib.sha256(x.encode("utf-8", "surrogatepass")).digest())
        else:
            h.update(b"j")
            h.update(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Cache:
    """A folder of pickled entries by kind and key; ``enabled=False`` makes every read a miss and
    every write a no-op (``run.cache: false``). ``hits`` and ``misses`` count reads by kind."""

    def __init__(self, root: str | Path, enabled: bool = True, *, deferred: bool = False) -> None:
        self.root = Path(root)
        self.enabled = enabled
        self.deferred = deferred  # writes wait for flush(): a run writes its entries at its end
        self._pending: list[tuple[str, str, Any]] = []
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.pkl"

    def get(self, kind: str, key: str, default: Any = None) -> Any:
        if self.enabled:
            path = self._path(kind, key)
            try:
                with open(path, "rb") as fh:
                    value = pickle.load(fh)
            except FileNotFoundError:
                pass
            except Exception:  # noqa: BLE001 - a damaged entry is a miss, and is rewritten
                pass
            else:
                self.hits[kind] = self.hits.get(kind, 0) + 1
                return value
        self.misses[kind] = self.misses.get(kind, 0) + 1
        return default

    def put(self, kind: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        if self.deferred:
            self._pending.append((kind, key, value))
            return
        self._write(kind, key, value)

    def flush(self) -> None:
        """Write the entries put since the last flush (with ``deferred``)."""
        pending, self._pending = self._pending, []
        for kind, key, value in pending:
            self._write(kind, key, value)

    def _write(self, kind: str, key: str, value: Any) -> None:
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def memo(self, kind: str, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key``, or ``compute()`` stored under it."""
        missing = object()
        value = self.get(kind, key, missing)
        if value is missing:
            value = compute()
            self.put(kind, key, value)
        return value

    @contextmanager
    def active(self) -> Iterator[Cache]:
        """Within the block, :func:`stage_memo` uses this cache."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)

    def info(self) -> dict:
        """Hits and misses, for manifest.json."""
        return {"enabled": self.enabled, "path": str(self.root), "hits": dict(self.hits), "misses": dict(self.misses)}


def cache_dir(config) -> Path:
    """The run's cache folder: ``run.cache_dir``, else ``.framing-cache`` beside the output folder."""
    return config.resolve(config.run.cache_dir) if config.run.cache_dir else config.output_dir.parent / ".framing-cache"


_ACTIVE: ContextVar[Cache | None] = ContextVar("framing_cache", default=None)


def active_cache() -> Cache | None:
    """The cache of the pipeline run in progress (None outside a run)."""
    return _ACTIVE.get()


def stage_memo(name: str, code: tuple[str, ...], inputs: tuple, compute: Callable[[], Any]) -> Any:
    """For the stages: ``compute()``, or its value from an earlier run with the same ``inputs``
    (strings, lists of strings, JSON-able values) and the same code of the modules ``code``.
    Only for results that do not depend on the lexicons. Active inside a pipeline run (the run's
    cache, off with ``run.cache: false``); a stage called on its own just computes."""
    cache = _ACTIVE.get()
    if cache is None or not cache.enabled:
        return compute()
    key = digest(name, code_revision(*code), *inputs)
    return cache.memo("stage", key, compute)


# ---- corpus ----------------------------------------------------------------------------------

def corpus_key(config, normaliser_version: str) -> str:
    """Key of the corpus stage's output for ``config``: changes exactly when an input file, a
    corpus-related config section, a cleaning profile, the normaliser or the corpus code does."""
    files = []
    for spec in config.source_specs():
        for path in spec.paths:
            files.append((spec.key, spec.display(path), file_sha256(path)))
    profiles = [(p, file_sha256(config.resolve(p)) if config.resolve(p).is_file() else None)
                for p in config.corpus.profiles]
    sections = config.model_dump(mode="json", include={"outlets", "sources", "corpus"})
    return digest("corpus", code_revision(*_CORPUS_CODE), normaliser_version, str(config.base_dir.resolve()),
                  sections, files, profiles)


def load_corpus_cached(config, normaliser_version: str, load: Callable[[], list], cache: Cache) -> list:
    """``load()`` (the corpus stage), or its cached output for the same inputs."""
    return cache.memo("corpus", corpus_key(config, normaliser_version), load)


# ---- per-document tokens ---------------------------------------------------------------------

def tokens_key(normaliser_version: str) -> str:
    """Key of the token store: the normaliser and the code of tokeniser and analyser."""
    return digest("tokens", code_revision(*_TOKENS_CODE), normaliser_version)


class TokenStore:
    """The tokens of every document (word ids, start and end offsets), looked up by the SHA-256 of
    the cleaned text, so that a re-run after a lexicon edit skips tokenising and an edited document
    misses alone. Keyness terms are recomputed from the stored words, which costs little.

    Stored as one entry (``kind="tokens"``, keyed by :func:`tokens_key`): a word list (surfaces and
    their normalised forms) and, for all documents together, int32 arrays of word ids and
    offsets, with an index from text hash to where a document's tokens are. The entry keeps the
    documents of the latest run.
    """

    def __init__(self, cache: Cache, normaliser_version: str) -> None:
        import numpy as np

        self.cache = cache
        self.key = tokens_key(normaliser_version)
        self._hash_of: dict[str, str] = {}  # doc_id -> text hash, for documents of this run
        self._used: set[str] = set()
        data = cache.get("tokens", self.key) if cache.enabled else None
        data = data or {"index": {}, "surfaces": [], "norms": [], "ids": np.zeros(0, np.int32),
                        "starts": np.zeros(0, np.int32), "ends": np.zeros(0, np.int32)}
        self._index: dict[str, tuple[int, int]] = data["index"]  # text hash -> (offset, token count)
        self._arrays = {k: data[k] for k in ("ids", "starts", "ends")}
        self._surfaces: list[str] = data["surfaces"]
        self._norms: list[str] = data["norms"]
        self._new: dict[str, tuple] = {}  # text hash -> (WordTokens, ids, starts, ends) tokenised in this run
        self._vocab = None

    def __len__(self) -> int:
        return len(self._index)

    def expect(self, doc_id: str, text: str) -> str:
        """Note a document of this run; returns its text hash."""
        h = self._hash_of[doc_id] = text_sha256(text)
        return h

    def has(self, text_hash: str) -> bool:
        return text_hash in self._index

    def vocabulary(self):
        """The stored words, as a Vocabulary (the ids of :meth:`batch`)."""
        from framing.tokens import Vocabulary

        if self._vocab is None:
            self._vocab = Vocabulary.of_words(None, self._surfaces, self._norms)
        return self._vocab

    def use(self, hashes: list[str]) -> None:
        """Note that this run uses these stored documents (kept when the store is saved)."""
        self._used.update(hashes)

    def batch(self, hashes: list[str]):
        """(TokenBatch, Vocabulary) of stored documents, in the order given."""
        import numpy as np

        from framing.tokens import TokenBatch

        vocab = self.vocabulary()
        where = [self._index[h] for h in hashes]
        pick = [slice(o, o + n) for o, n in where]
        a = self._arrays
        parts = {k: np.concatenate([a[k][s] for s in pick]) if pick else np.zeros(0, np.int32) for k in a}
        bounds = np.concatenate([[0], np.cumsum([n for _, n in where], dtype=np.int64)])
        return TokenBatch(parts["ids"], parts["starts"], parts["ends"], bounds), vocab

    def add(self, doc_ids: list[str], tokens) -> None:
        """Tokens of documents tokenised in this run (``DocumentAnalyser.sink``): a WordTokens
        (a batch with its own word list). Word lists are merged when the store is saved."""
        b = tokens.batch
        bounds = b.bounds.tolist()
        for k, doc_id in enumerate(doc_ids):
            h = self._hash_of.get(doc_id)
            if h is not None:
                s = slice(bounds[k], bounds[k + 1])
                self._new[h] = (tokens, b.ids[s], b.starts[s], b.ends[s])

    def save(self) -> None:
        """Write the documents of this run (cached ones and new ones) if anything changed. All
        word lists are merged into one (by surface, with pandas' hash table), and words no
        document uses any more are dropped."""
        if not self.cache.enabled or (not self._new and self._used == set(self._index)):
            return
        import numpy as np
        import pandas as pd

        # one word list: the stored words, then those of each batch tokenised in this run
        lists = [(self._surfaces, self._norms)]
        offsets: dict[int, int] = {}
        base = len(self._surfaces)
        for tokens, *_ in self._new.values():
            if id(tokens) not in offsets:
                offsets[id(tokens)] = base
                base += len(tokens.surfaces)
                lists.append((tokens.surfaces, tokens.norms))
        surfaces = [w for ws, _ in lists for w in ws]
        norms = [n for _, ns in lists for n in ns]
        word_id, _distinct = pd.factorize(pd.Series(surfaces, dtype=object))
        a = self._arrays
        docs = [(h, a["ids"][o:o + n], a["starts"][o:o + n], a["ends"][o:o + n])
                for h, (o, n) in sorted(self._index.items()) if h in self._used and h not in self._new]
        docs += [(h, ids + offsets[id(tokens)], starts, ends) for h, (tokens, ids, starts, ends) in self._new.items()]
        index, off = {}, 0
        for h, ids, _s, _e in docs:
            index[h] = (off, len(ids))
            off += len(ids)
        joined = [np.concatenate([d[k] for d in docs]) if docs else np.zeros(0, np.int64) for k in (1, 2, 3)]
        ids = word_id[joined[0]]  # the merged list's ids
        used = np.zeros(int(word_id.max()) + 1 if len(word_id) else 0, dtype=bool)
        used[ids] = True
        renumber = np.cumsum(used) - 1  # keep only words in use, in the order of the merged list
        first = np.zeros(len(used), dtype=np.int64)
        first[word_id[::-1]] = np.arange(len(word_id) - 1, -1, -1)  # where each word is first listed
        keep = first[used].tolist()
        data = {"index": index, "surfaces": [surfaces[i] for i in keep], "norms": [norms[i] for i in keep],
                "ids": renumber[ids].astype(np.int32), "starts": joined[1].astype(np.int32),
                "ends": joined[2].astype(np.int32)}
        self.cache.put("tokens", self.key, data)
