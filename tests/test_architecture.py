"""Import direction is the architecture: prompts and sandbox depend on nothing of ours,
tools on sandbox only, agent on all three, evals on agent."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
OURS = {"agent", "prompts", "tools", "sandbox", "evals"}
ALLOWED = {
    "prompts": set(),
    "sandbox": set(),
    "tools": {"sandbox"},
    "agent": {"prompts", "tools", "sandbox"},
    "evals": {"agent", "prompts", "tools", "sandbox"},
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    """No module of a package imports a package it must not depend on."""
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imports(path) - ALLOWED[package] - {package})
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) - ALLOWED[package] - {package}
    }
    assert wrong == {}
