"""The layering of docs/ARCHITECTURE.md, checked with import-linter against the contracts in
pyproject.toml ([tool.importlinter]): they hold for the code, and adding a forbidden import to a
copy of the code breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason="import-linter is in the `test` extra: pip install -e '.[test]'")

REPO = Path(__file__).resolve().parents[1]


def _lint(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the package under ``root`` with the contracts of its pyproject.toml."""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [shutil.which("lint-imports") or "lint-imports"]
    return subprocess.run(command + ["--no-cache", "--no-logo"], cwd=root, capture_output=True, text=True)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "framing", root / "framing", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_import_contracts_hold() -> None:
    done = _lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("stats/keyness.py", "from framing.pipeline import run", "framing.stats is not allowed to import framing.pipeline"),
    ("corpus/ledger.py", "from framing.config import load_config", "framing.corpus is not allowed to import framing.config"),
    ("topics/units.py", "from framing.stats import keyness", "framing.topics is not allowed to import framing.stats"),
    ("report/kwic.py", "from framing.stats.scores import outlet_scores", "framing.report is not allowed to import framing.stats.scores"),
])
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    root = _copy(tmp_path)
    assert _lint(root).returncode == 0  # the copy is as good as the original
    path = root / "framing" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _reach():\n    {line}\n", encoding="utf-8")
    done = _lint(root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert broken in done.stdout, done.stdout
