"""Shared fixtures. Tests that need ../shared use `shared_dir` and skip with a reason without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_path() -> Path:
    return Path(os.environ.get("FRAMING_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_path()
    if not (path / "corpora").is_dir():
        pytest.skip(f"../shared is absent ({path}): these tests need the shared corpora")
    return path


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    path = shared_dir / "corpora" / "seeds"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path
