"""Fixtures shared by the project's tests: the service runtime and local sandboxes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.base import Services
from sandbox.local import LocalSandbox
from sandbox.runtime import ensure_runtime

CACHE = Path.home() / ".cache" / "backend-agent"
HOST_SERVICES = Services(
    "postgresql://postgres@127.0.0.1:5432/postgres", "redis://127.0.0.1:6379/0"
)
REPO_ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="session")
def service_python() -> Path:
    """The runtime venv that runs generated code (its pytest, ruff, alembic)."""
    return ensure_runtime(CACHE)


@pytest.fixture
def local_box(service_python: Path) -> Callable[[Path], LocalSandbox]:
    """A local sandbox on a given workspace, with the machine's PostgreSQL and Redis."""
    return lambda workspace: LocalSandbox(workspace, service_python, HOST_SERVICES)
