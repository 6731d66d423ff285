"""The Dask backend (``run: {backend: dask, scheduler: ...}``) on a dask.distributed LocalCluster
writes byte-identical data files to the local run."""

from __future__ import annotations

from pathlib import Path

import pytest

distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")

from framing.analyse import parallel  # noqa: E402
from framing.config import load_config  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "framing" / "demo" / "demo.yaml"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as c:
        yield c


def _run(tmp_path: Path, name: str, run_options: dict):
    from framing.pipeline import run

    cfg = load_config(DEMO)
    cfg.run = cfg.run.model_copy(update={"cache": False, **run_options})
    return run(cfg, output=tmp_path / name, topics=False, classify=False)


def _data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "data").iterdir())}


def test_dask_run_writes_the_same_data_files_as_the_local_run(tmp_path, cluster, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORDS", 0)  # the local run uses worker processes too
    local = _run(tmp_path, "local", {"jobs": 2})
    dask = _run(tmp_path, "dask", {"backend": "dask", "scheduler": cluster.scheduler_address})
    assert dask.manifest["run"]["backend"] == "dask"
    a, b = _data_files(tmp_path / "local"), _data_files(tmp_path / "dask")
    assert sorted(a) == sorted(b) and "matches.csv" in a and "documents.csv" in a
    assert len(local.tables["matches"]) > 0
    for name in a:
        assert a[name] == b[name], f"data/{name} differs between the local and the dask run"


def test_map_documents_on_the_cluster_keeps_input_order(cluster):
    from tests.test_parallel import _analyser, _flat, _items

    items = _items(25)
    expected = _flat(_analyser()(d, t) for d, t in items)
    got = parallel.map_documents(_analyser(), items, backend="dask", scheduler=cluster.scheduler_address)
    assert _flat(got) == expected


@pytest.mark.slow
def test_dask_without_scheduler_starts_a_local_cluster():
    from tests.test_parallel import _length

    items = [(f"d{i}", "نص " * i) for i in range(12)]
    assert parallel.map_documents(_length, items, jobs=2, backend="dask") == [_length(d, t) for d, t in items]
