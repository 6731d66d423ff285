"""Packaging and the README's promises: every subpackage ships, lexicons ship as package data,
and .ci/run runs exactly the README's test command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_python_package_is_listed() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "framing").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found - listed == set(), f"add these to [tool.setuptools] packages: {sorted(found - listed)}"


def test_lexicons_ship_as_package_data() -> None:
    tool = _pyproject()["tool"]["setuptools"]
    assert tool["package-dir"]["framing.lexicons"] == "lexicons"
    assert "*.yaml" in tool["package-data"]["framing.lexicons"]
    assert {p.stem for p in (REPO / "lexicons").glob("*.yaml")} >= {"conflict", "naming", "attribution"}


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    head = text.split("---", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", head, flags=re.S)


def test_readme_starts_with_the_two_commands() -> None:
    demo, tests = _readme_commands()[:2]
    assert "pip install torch==2.13.0" in demo and demo.rstrip().endswith("framing demo")
    assert "pip install torch==2.13.0" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    tests = _readme_commands()[1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_reports_folder_is_ignored() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert "reports/" in ignored
