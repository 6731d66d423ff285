"""On-disk cache of a run's lexicon-independent work, so that a re-run after editing a lexicon
redoes only what the lexicon changes.

What is cached, and the key it is stored under (a SHA-256 over everything the output depends on):

* ``corpus``: the cleaned documents (the corpus stage's output, every ``Document`` of the ledger)
  — the bytes of every input file with its path as the run shows it, the config sections the
  corpus stage reads (``outlets``, ``sources``, ``corpus``), the bytes of extra cleaning profiles,
  the normaliser version and the code revision of the corpus stage;
* ``tokens`` and ``token_shard``: every document's tokens (word ids into a word list of their
  shard, offsets), indexed by the SHA-256 of the cleaned text — under the normaliser version and
  the code revision of the tokeniser and of this module (the token store,
  :mod:`framing.analyse.store`);
* ``stage``: the output of every stage the pipeline declares lexicon-free (the outlet classifier,
  the topic model), keyed by the corpus key, the stage's options, the seed and its code.
* ``voices``: the voice of every lexicon hit of the last run on a corpus (a hit a lexicon edit
  leaves in place keeps its voice), keyed by the corpus key;
* ``outlet_terms``: the keyness-term counts per outlet (from the documents' words, no lexicon),
  keyed by the corpus key;
* ``texts``: the bytes of the data folder's ``documents.jsonl.gz`` (the cleaned texts, gzip),
  keyed by the corpus key and the code that writes them (:func:`framing.outputs.packed_texts`);
* ``stats_parts``: statistics whose inputs a lexicon edit seldom changes (the scare-quote shares of
  naming variants, :mod:`framing.stats.memo`; the shared-copy edit rates and lean tests,
  ``framing.wire.stage``), keyed by a digest of exactly the tables they read;
* ``wire_edits``: the shared-copy edits of the last run on a corpus, classified by the lexicon hits
  they touch, with a sum of the hits each derivative was classified with (:mod:`framing.wire.kept`),
  keyed by the corpus key, the shared-copy options and the code.

A code revision is the SHA-256 of the source files of the modules an entry depends on, so that an
upgrade or a local edit of that code invalidates exactly the entries it can change.

An entry is one file, ``<kind>/<key[:2]>/<key>.entry``: a first line ``framing-cache``, a line of
JSON (its header: the kind, the cache format, the modules whose code revision the entry was made
by and that revision, the entries it refers to, and what the writer adds, such as the corpus key of
a stage entry), then the pickled value compressed with zstandard. The header is what
:mod:`framing.cachedir` reads to tell which entries the current code still uses (``framing cache
info``) and which can go (``framing cache prune``), without opening the values. Entries are written
atomically (a temporary file, then a rename), so an interrupted run never leaves a half-written
entry; an unreadable entry counts as a miss. A read sets the entry's modification time, so that
the time is when it was last used.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = "2"  # bump when the layout of cached values changes
MAGIC = b"framing-cache\n"  # the first line of every entry file
SUFFIX = ".entry"
LEVEL = 3  # zstandard's level: a third of the pickle's size, about 300 MB/s each way
CORPUS_CODE = ("framing.corpus", "framing.records", "framing.config")  # what a corpus entry depends on


@lru_cache(maxsize=None)
def code_revision(*modules: str) -> str:
    """SHA-256 over the framing version and the source files (.py, .yaml) of ``modules``
    (a package counts with everything under it)."""
    import importlib

    from framing.version import __version__

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
    """SHA-256 of a file's bytes, read a megabyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def text_sha256(text: str) -> str:
    """SHA-256 of a text's UTF-8 bytes (lone surrogates kept)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Cache:
    """A folder of pickled entries by kind and key; ``enabled=False`` makes every read a miss and
    every write a no-op (``run.cache: false``). ``hits`` and ``misses`` count reads by kind."""

    def __init__(self, root: str | Path, enabled: bool = True, *, deferred: bool = False, shared: bool = False) -> None:
        self.root = Path(root)
        self.enabled = enabled
        self.deferred = deferred  # writes wait for flush(): a run writes its entries at its end
        self._pending: list[tuple[str, str, Any]] = []
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}
        self._lock = None
        if shared and enabled:  # a run's cache: shared with the other runs using it until close()
            from framing.publish import CacheLock

            self._lock = CacheLock(self.root)

    def alone(self) -> bool:
        """Whether no other run uses the cache now (always, without ``shared``); if so, it is this
        run's alone until :meth:`share`: the time to delete entries other runs might read."""
        return self._lock is None or self._lock.alone()

    def share(self) -> None:
        """Take part in the cache as one of the runs sharing it (after a time alone)."""
        if self._lock is not None:
            self._lock.shared()

    def close(self) -> None:
        """Let go of the cache (its lock); later reads and writes still work."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{SUFFIX}"

    def get(self, kind: str, key: str, default: Any = None, *, count: bool = True) -> Any:
        """The entry, or ``default`` when it is missing or unreadable; ``count``: add the read to
        hits/misses (the figures of manifest.json)."""
        missing = object()
        value = self._read(kind, key, missing) if self.enabled else missing
        if count:
            tally = self.misses if value is missing else self.hits
            tally[kind] = tally.get(kind, 0) + 1
        return default if value is missing else value

    def _read(self, kind: str, key: str, missing: Any) -> Any:
        import zstandard

        path = self._path(kind, key)
        try:
            with open(path, "rb") as fh:
                if fh.readline() != MAGIC:
                    return missing
                fh.readline()  # the header
                with zstandard.ZstdDecompressor().stream_reader(fh, closefd=False) as z:
                    value = pickle.load(z)
        except FileNotFoundError:
            return missing
        except Exception:  # noqa: BLE001 - a damaged entry is a miss, and is rewritten
            return missing
        try:
            os.utime(path)  # last used now (framing cache prune --older-than)
        except OSError:
            pass
        return value

    def put(self, kind: str, key: str, value: Any, *, code: tuple[str, ...] = (), refs: tuple[str, ...] = (),
            **about: Any) -> None:
        """Store ``value`` under ``kind`` and ``key`` (at once, or at :meth:`flush` when
        ``deferred``); nothing when the cache is off. The header records ``code`` (the modules
        whose revision the entry depends on), ``refs`` (keys of the entries it refers to, such as
        a token index's shards) and ``about`` (JSON-able facts: a stage's name, its corpus key)."""
        if not self.enabled:
            return
        header = {"kind": kind, "format": FORMAT, "code": sorted(code),
                  "revision": code_revision(*code) if code else None, "refs": sorted(refs), **about}
        if self.deferred:
            self._pending.append((kind, key, value, header))
            return
        self._write(kind, key, value, header)

    def flush(self) -> None:
        """Write the entries put since the last flush (with ``deferred``)."""
        self.write_entries(self.take_pending())

    def take_pending(self) -> list[tuple]:
        """The entries put since the last flush, taken out for :meth:`write_entries` (which
        another process may call: the entries are files, each written whole or not at all)."""
        pending, self._pending = self._pending, []
        return pending

    def write_entries(self, entries: list[tuple]) -> None:
        """Write entries :meth:`take_pending` took out."""
        for kind, key, value, header in entries:
            self._write(kind, key, value, header)

    def _write(self, kind: str, key: str, value: Any, header: dict) -> None:
        import zstandard

        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n")
                with zstandard.ZstdCompressor(level=LEVEL).stream_writer(fh, closefd=False) as z:
                    pickle.dump(value, z, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def exists(self, kind: str, key: str) -> bool:
        """Whether an entry is stored (false when the cache is off)."""
        return self.enabled and self._path(kind, key).is_file()

    def delete(self, kind: str, key: str) -> None:
        """Remove an entry if it is stored."""
        if self.enabled:
            self._path(kind, key).unlink(missing_ok=True)

    def memo(self, kind: str, key: str, compute: Callable[[], Any], **header: Any) -> Any:
        """The cached value of ``key``, or ``compute()`` stored under it (``header``: as for :meth:`put`)."""
        missing = object()
        value = self.get(kind, key, missing)
        if value is missing:
            value = compute()
            self.put(kind, key, value, **header)
        return value

    def info(self) -> dict:
        """Hits and misses, for manifest.json."""
        return {"enabled": self.enabled, "path": str(self.root), "hits": dict(self.hits), "misses": dict(self.misses)}


def cache_dir(config) -> Path:
    """The run's cache folder: ``run.cache_dir``, else ``.framing-cache`` beside the output folder."""
    return config.resolve(config.run.cache_dir) if config.run.cache_dir else config.output_dir.parent / ".framing-cache"


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
    return digest("corpus", code_revision(*CORPUS_CODE), normaliser_version, str(config.base_dir.resolve()),
                  sections, files, profiles)
