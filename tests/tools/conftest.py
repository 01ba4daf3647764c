"""Fixtures of the tool tests: a small workspace, a Toolbox on it, the local runtime's python."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.base import Services
from sandbox.local import LocalSandbox
from sandbox.runtime import ensure_runtime
from tools.toolbox import Toolbox

CACHE_DIR = Path.home() / ".cache" / "backend-agent"
NO_SERVICES = Services(postgres_url="postgresql://unused@127.0.0.1/none", redis_url="redis://x")


@pytest.fixture(scope="session")
def runtime_python() -> Path:
    """The service runtime's interpreter (it has pytest and ruff)."""
    return ensure_runtime(CACHE_DIR)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A tiny project: a package, a passing and a failing test, a .git folder."""
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "pricing.py").write_text(
        "def discount(total: float) -> float:\n"
        "    if total > 100:\n"
        "        return total * 0.9\n"
        "    return total\n"
    )
    (root / "tests" / "test_pricing.py").write_text(
        "from app.pricing import discount\n\n\n"
        "def test_no_discount_below_100():\n"
        "    assert discount(50) == 50\n\n\n"
        "def test_discount_at_100():\n"
        "    assert discount(100) == 90\n"
    )
    return root


@pytest.fixture
def sandbox(workspace: Path, runtime_python: Path) -> LocalSandbox:
    return LocalSandbox(workspace, runtime_python, NO_SERVICES)


@pytest.fixture
def toolbox(sandbox: LocalSandbox) -> Toolbox:
    return Toolbox(sandbox, test_timeout_s=120, lint_timeout_s=60)
