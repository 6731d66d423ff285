"""`framing cache info|prune` through the command line, and the compressed entries they read."""

from __future__ import annotations

import json
import os
import pickle
import time
from pathlib import Path

from typer.testing import CliRunner

from framing.analyse.store import tokens_key
from framing.arabic import Normaliser
from framing.cache import Cache, corpus_key
from framing.cli import app
from framing.config import load_config
from framing.publish import CacheLock

CODE = ("framing.records",)
DAY = 86400


def _cli(*args: str):
    return CliRunner().invoke(app, ["cache", *args])


def _age(cache: Cache, kind: str, key: str, days: float) -> None:
    t = time.time() - days * DAY
    os.utime(cache._path(kind, key), (t, t))


def _old_code(cache: Cache, kind: str, key: str) -> None:
    """Rewrite an entry's header as if older code had made it."""
    path = cache._path(kind, key)
    magic, header, rest = path.read_bytes().split(b"\n", 2)
    h = json.loads(header)
    h["revision"] = "0" * 64
    path.write_bytes(magic + b"\n" + json.dumps(h).encode() + b"\n" + rest)


def _filled(root: Path) -> Cache:
    """A cache with: a token index naming one of two shards, a corpus entry, two entries of one
    stage (one a day old), an entry of older code, a file of the earlier layout and a leftover
    temporary file."""
    cache = Cache(root)
    cache.put("token_shard", "a1" * 32, {"ids": list(range(1000))}, code=CODE)
    cache.put("token_shard", "b2" * 32, {"ids": [1]}, code=CODE)
    cache.put("tokens", "c3" * 32, {"index": {}}, code=CODE, refs=("a1" * 32,))
    cache.put("corpus", "d4" * 32, ["text"] * 100, code=CODE)
    cache.put("stage", "e5" * 32, {"t": 1}, code=CODE, stage="topic_model", corpus="d4" * 32)
    cache.put("stage", "f6" * 32, {"t": 2}, code=CODE, stage="topic_model", corpus="d4" * 32)
    _age(cache, "stage", "f6" * 32, 1)
    cache.put("stage", "07" * 32, {"t": 3}, code=CODE, stage="outlet_classifier", corpus="d4" * 32)
    _old_code(cache, "stage", "07" * 32)
    legacy = root / "corpus" / "99" / ("99" * 32 + ".pkl")
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(pickle.dumps(["old"]))
    (root / "corpus" / "d4" / ".tmp-x").write_bytes(b"half")
    return cache


def _names(root: Path) -> set[str]:
    return {p.name if p.name.startswith(".") else p.name.split(".")[0] for p in root.rglob("*") if p.is_file()}


def test_entries_are_compressed_and_a_read_marks_them_used(tmp_path):
    cache = Cache(tmp_path)
    value = {"texts": ["قالت وزارة الخارجية إن القوات اقتحمت القرية فجر اليوم"] * 2000}
    cache.put("corpus", "ab" * 32, value, code=CODE)
    path = cache._path("corpus", "ab" * 32)
    assert path.stat().st_size * 10 < len(pickle.dumps(value))
    _age(cache, "corpus", "ab" * 32, 3)
    assert cache.get("corpus", "ab" * 32) == value
    assert time.time() - path.stat().st_mtime < 60


def test_info_sizes_by_kind_and_state(tmp_path):
    _filled(tmp_path)
    result = _cli("info", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    for line in ("stage:topic_model", "stage:outlet_classifier", "token_shard", "tokens", "corpus", "in use"):
        assert line in result.output
    s = json.loads(_cli("info", "--dir", str(tmp_path), "--json").output)
    states = {k: v["entries"] for k, v in s["by_state"].items()}
    # in use: the index, its shard, the corpus and the two topic_model entries
    assert states == {"in use": 5, "old code": 1, "unreferenced": 1, "old format": 1, "temporary": 1}
    assert s["by_kind"]["stage:topic_model"]["entries"] == 2
    assert 0.9 < s["by_kind"]["stage:topic_model"]["oldest_days"] < 1.1
    assert s["bytes"] == sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())


def test_prune_dry_run_lists_and_removes_nothing(tmp_path):
    _filled(tmp_path)
    before = _names(tmp_path)
    result = _cli("prune", "--dir", str(tmp_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("would remove") == 4
    assert _names(tmp_path) == before


def test_prune_removes_what_no_run_reads(tmp_path):
    _filled(tmp_path)
    result = _cli("prune", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert _names(tmp_path) == {"a1" * 32, "c3" * 32, "d4" * 32, "e5" * 32, "f6" * 32, ".lock"}


def test_prune_keep_and_older_than(tmp_path):
    cache = _filled(tmp_path)
    assert _cli("prune", "--dir", str(tmp_path), "--keep", "1").exit_code == 0
    assert "f6" * 32 not in _names(tmp_path) and "e5" * 32 in _names(tmp_path)  # the newer one stays
    _age(cache, "tokens", "c3" * 32, 10)
    assert _cli("prune", "--dir", str(tmp_path), "--older-than", "7").exit_code == 0
    names = _names(tmp_path)
    assert "c3" * 32 not in names and "a1" * 32 not in names  # the index and the shard only it named
    assert "d4" * 32 in names


def test_with_a_config_its_entries_stay_and_others_can_go(tmp_path):
    (tmp_path / "docs.txt").write_text("قالت وزارة الخارجية إن القوات اقتحمت القرية " * 5, encoding="utf-8")
    (tmp_path / "study.yaml").write_text("title: t\nsources: [{path: docs.txt, outlet: one}]\noutput: out\n",
                                         encoding="utf-8")
    cfg = load_config(tmp_path / "study.yaml")
    version = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura).version
    mine = corpus_key(cfg, version)
    cache = Cache(tmp_path / ".framing-cache")
    cache.put("corpus", mine, ["mine"], code=CODE)
    cache.put("tokens", tokens_key(version), {"index": {}}, code=CODE, refs=("a1" * 32,))
    cache.put("token_shard", "a1" * 32, {"ids": [1]}, code=CODE)
    cache.put("stage", "e5" * 32, {"t": 1}, code=CODE, stage="topic_model", corpus=mine)
    cache.put("corpus", "d4" * 32, ["another study"], code=CODE)
    cache.put("stage", "f6" * 32, {"t": 2}, code=CODE, stage="topic_model", corpus="d4" * 32)
    cache.put("texts", "18" * 32, b"mine", code=CODE, corpus=mine)
    cache.put("texts", "29" * 32, b"another study's", code=CODE, corpus="d4" * 32)
    for kind, key in (("corpus", mine), ("stage", "e5" * 32), ("texts", "18" * 32)):
        _age(cache, kind, key, 30)
    config = str(tmp_path / "study.yaml")
    info = _cli("info", config)
    assert info.exit_code == 0, info.output
    assert "other inputs" in info.output
    result = _cli("prune", config, "--older-than", "0", "--keep", "0")
    assert result.exit_code == 0, result.output
    assert _names(tmp_path / ".framing-cache") == {mine, tokens_key(version), "a1" * 32, "e5" * 32, "18" * 32, ".lock"}


def test_prune_waits_for_running_runs_and_info_needs_a_folder(tmp_path):
    _filled(tmp_path)
    lock = CacheLock(tmp_path)  # a run using the cache
    try:
        result = _cli("prune", "--dir", str(tmp_path))
        assert result.exit_code == 2 and "a run is using the cache" in result.output
    finally:
        lock.close()
    assert _cli("info").exit_code == 2
    missing = _cli("info", "--dir", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "no cache folder" in missing.output
