"""Fixtures shared by the project's tests: the service runtime and local sandboxes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

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


TRACEBACK = "Traceback (most recent call last)"


@pytest.fixture(autouse=True)
def _no_traceback_in_cli_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CLI invocation of the suite (typer's CliRunner here; the subprocess helper in
    tests/e2e/helpers.py checks its own) ends without a traceback in its output and
    without an exception other than its exit, unless it asked for one with --debug."""
    invoke = CliRunner.invoke

    def checked(self: CliRunner, cli: Any, args: Any = None, *rest: Any, **kw: Any) -> Any:
        result = invoke(self, cli, args, *rest, **kw)
        if "--debug" not in (args or []):
            assert TRACEBACK not in result.output, result.output[-3000:]
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                f"the CLI raised {result.exception!r}"
            )
        return result

    monkeypatch.setattr(CliRunner, "invoke", checked)
