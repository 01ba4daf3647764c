"""Paths the model names, confined to the workspace.

Refused: absolute paths, `..` anywhere, anything that resolves outside the root (a
symlink out, a symlinked folder), writes into `.git/` or `.backend-agent/` (the
repository's history and the agent's own checkpoints are not the model's to change), and
any use of `.verify/` (the gates' working files: probe data the model should not need).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

from tools.base import ToolError

PROTECTED = frozenset({".git", ".backend-agent"})
HIDDEN = frozenset({".verify"})  # the verify's working files: `show_evidence` shows what counts
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".verify",
        ".backend-agent",
        "__pycache__",
        ".venv",
        "venv",
        "node_modules",
        ".pytest_cache",
        ".ruff_cache",
        ".mypy_cache",
        ".tox",
        ".eggs",
    }
)


class Workspace:
    """The folder the model works in; every path goes through `resolve`."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def resolve(self, path: str, *, write: bool = False) -> Path:
        """The absolute path for a workspace-relative `path`, or a ToolError saying why not."""
        if not path.strip() or "\x00" in path:
            raise ToolError("the path is empty; give a path relative to the workspace root")
        pure = PurePosixPath(path)
        if pure.is_absolute() or PureWindowsPath(path).drive:
            raise ToolError(f"{path!r} is absolute; give a path relative to the workspace root")
        if ".." in pure.parts:
            raise ToolError(f"{path!r} contains '..'; paths must stay inside the workspace")
        target = (self.root / pure).resolve()
        if not target.is_relative_to(self.root):
            raise ToolError(f"{path!r} resolves outside the workspace (through a symlink)")
        inside = target.relative_to(self.root).parts
        if inside and inside[0] in HIDDEN:
            raise ToolError(
                f"{path!r} is the verify's working folder, not part of the service: "
                "show_evidence shows the last verify's failures whole"
            )
        if write and self._protected(pure, target):
            raise ToolError(f"{path!r} is inside .git/ or .backend-agent/, which tools never write")
        return target

    def _protected(self, pure: PurePosixPath, target: Path) -> bool:
        inside = target.relative_to(self.root).parts
        given = [p for p in pure.parts if p != "."]
        return bool((inside and inside[0] in PROTECTED) or (given and given[0] in PROTECTED))

    def relative(self, path: Path) -> str:
        """`path` as the model should name it (POSIX, relative to the root)."""
        return path.relative_to(self.root).as_posix() if path != self.root else "."

    def files(self, start: Path) -> Iterator[Path]:
        """Files under `start`, sorted; caches, venvs, VCS folders and links out are skipped."""
        if start.is_file():
            yield start
            return
        for folder, dirs, names in os.walk(start):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for name in sorted(names):
                path = Path(folder) / name
                if path.resolve().is_relative_to(self.root):
                    yield path
