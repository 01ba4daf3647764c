"""A copy of the service per mutant, and its tests in one pytest session each.

Importing pytest, its plugins and the service's libraries costs seconds a session; a
mutant changes only the service's own modules. So this process imports the libraries once
(`warm`), and each session runs in a fork of it (`session`), which imports the mutant's
`backend` afresh from its copy. The tests are the ones the tests gate ran, by node id.
"""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import signal
import sys
import time
import xml.etree.ElementTree as ET
from contextlib import suppress
from importlib.metadata import entry_points
from pathlib import Path

NOT_COPIED = {
    ".verify",
    ".git",
    ".backend-agent",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".ruff_cache",
    ".pytest_cache",
    ".mypy_cache",
}


def pristine(workspace: Path, into: Path) -> Path:
    """The service's files, copied once (no caches, no agent state)."""
    shutil.copytree(workspace, into, ignore=lambda _, names: [n for n in names if n in NOT_COPIED])
    return into


def _library_imports(root: Path) -> set[str]:
    """Modules the service's code imports from outside itself."""
    own = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    own |= {p.stem for p in root.glob("*.py")}
    found: set[str] = set()
    for path in (root / "backend").rglob("*.py"):
        with suppress(SyntaxError, UnicodeDecodeError):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
    return {name for name in found if name.split(".")[0] not in own}


def warm(root: Path) -> None:
    """Import pytest, its plugins and the service's libraries in this (parent) process."""
    names = ["pytest", *(e.value.split(":")[0] for e in entry_points(group="pytest11"))]
    for name in [*names, *sorted(_library_imports(root))]:
        with suppress(Exception):
            importlib.import_module(name)


def node_id(test_id: str, root: Path) -> str:
    """A pytest node id from a JUnit-derived id: `a/b/TestX.py::t` is `a/b.py::TestX::t`."""
    path, _, name = test_id.partition("::")
    if (root / path).exists():
        return test_id
    parent = Path(path).with_suffix("")
    return f"{parent.parent.as_posix()}.py::{parent.name}::{name}"


def _child(copy: Path, args: list[str], log: Path) -> None:
    code = 3
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.chdir(copy)
        sys.path.insert(0, str(copy))
        import pytest

        code = int(pytest.main(args))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def session(copy: Path, tests: list[str], junit: Path, timeout_s: float) -> tuple[int | None, str]:
    """Run `tests` in `copy` in a forked pytest session: (exit code or None on a timeout,
    the tail of its output)."""
    log = junit.with_suffix(".log")
    args = [node_id(t, copy) for t in tests]
    args += ["-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
    pid = os.fork()
    if pid == 0:
        _child(copy, args, log)
    deadline = time.monotonic() + timeout_s
    status = None
    while status is None and time.monotonic() < deadline:
        done, raw = os.waitpid(pid, os.WNOHANG)
        status = os.waitstatus_to_exitcode(raw) if done else None
        if status is None:
            time.sleep(0.05)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
    return status, tail


def outcomes(junit: Path) -> dict[str, str]:
    """Test id (as the host names it) -> passed, failed, error or skipped."""
    if not junit.exists():
        return {}
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            if case.find(tag) is not None:
                outcome = {"failure": "failed"}.get(tag, tag)
                break
        found[f"{module}.py::{case.get('name', '')}"] = outcome
    return found
