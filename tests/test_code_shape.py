"""The shape the code keeps so that a newcomer can read it: modules of at most 500 lines, a
docstring on every public function and method, and a repository that speaks to its users (no
tracker numbers, no particular machine)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "framing"
MAX_LINES = 500


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _public(path: Path) -> bool:
    return not any(part.startswith("_") and part != "__init__.py" for part in path.relative_to(PACKAGE).parts)


def test_no_module_is_longer_than_500_lines() -> None:
    long = {str(p.relative_to(REPO)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these modules by responsibility: {long}"


def _undocumented(body: list[ast.stmt], where: str) -> list[str]:
    out = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            if ast.get_docstring(node) is None:
                out.append(f"{where}{node.name} (line {node.lineno})")
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            out += _undocumented(node.body, f"{where}{node.name}.")
    return out


def test_every_public_function_has_a_docstring() -> None:
    missing = []
    for path in filter(_public, _modules()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        missing += _undocumented(tree.body, f"{path.relative_to(REPO)}: ")
    assert missing == [], f"{len(missing)} public functions without a docstring:\n" + "\n".join(missing)


# Built from pieces so that this file does not match itself.
_INTERNAL = re.compile("|".join([r"\b[Ii]ssue" + r" #?\d+", "development" + " machine", "build" + " machine"]))


def test_the_repository_speaks_to_its_users() -> None:
    """No tracker numbers and no particular machine in code, tests, docs or benchmarks (the
    contributors' brief, DEVELOPERS.md, is the one internal document)."""
    files = [*_modules(), *(REPO / "tests").rglob("*.py"), *(REPO / "docs").glob("*.md"),
             *(REPO / "benchmarks").glob("*"), REPO / "README.md", REPO / "pyproject.toml"]
    found = []
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".md", ".toml", ".yaml", ""):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _INTERNAL.search(line):
                    found.append(f"{path.relative_to(REPO)}:{n}: {line.strip()[:100]}")
    assert found == [], "\n".join(found)
