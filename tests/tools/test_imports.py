"""Import direction: `tools` depends on `sandbox`, the standard library and pydantic only."""

from __future__ import annotations

import ast
from pathlib import Path

import tools

ALLOWED_FIRST_PARTY = {"tools", "sandbox"}
FIRST_PARTY = {"agent", "prompts", "tools", "sandbox", "evals"}


def test_tools_import_nothing_of_the_agent():
    """No module of `tools` imports `agent`, `prompts` or `evals`."""
    offenders = []
    for path in Path(tools.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                if root in FIRST_PARTY and root not in ALLOWED_FIRST_PARTY:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
