"""Shared fixtures. Tests on real data use `shared_dir` and skip with a reason without it.

The data folder is named by the FRAMING_DATA environment variable (FRAMING_SHARED, its older name,
still works) and defaults to ``../shared`` beside the checkout; CONTRIBUTING.md says what it holds
and where its public data come from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_path() -> Path:
    named = os.environ.get("FRAMING_DATA") or os.environ.get("FRAMING_SHARED")
    return Path(named).resolve() if named else (REPO.parent / "shared").resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_path()
    if not (path / "corpora").is_dir():
        pytest.skip(f"no data folder at {path} (set FRAMING_DATA; see CONTRIBUTING.md): these tests need its corpora")
    return path


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    path = shared_dir / "corpora" / "seeds"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path
