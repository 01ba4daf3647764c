"""The sandbox seam: run a command where generated code may run, get its result back.

Generated code is untrusted. A `Sandbox` runs commands inside one workspace (a folder of
the host that holds the generated repository), with the service runtime's Python, and
next to a PostgreSQL server and a Redis server it can reach.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable


class SandboxError(RuntimeError):
    """The sandbox itself failed (engine down, container died, service not ready).

    Not a failing test or lint: those are ordinary `CommandResult`s with a non-zero exit.
    """


@dataclass(frozen=True)
class CommandResult:
    """What one command did: exit code and both streams, kept apart."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False
    oom_killed: bool = False
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


@dataclass(frozen=True)
class Services:
    """Servers the generated service may use, as seen from inside the sandbox.

    `postgres_url` is a libpq URL of a role that may create databases
    (`postgresql://user@host:port/postgres`); `redis_url` a plain `redis://` URL.
    """

    postgres_url: str
    redis_url: str


@runtime_checkable
class Sandbox(Protocol):
    """A place to run commands on a workspace.

    `workspace` is the host folder; commands see it as their working directory
    (`cwd` is relative to it). `python` is the interpreter, as seen inside, that has
    the generated service's dependencies. `wheelhouse` is the folder of wheels, as seen
    inside and read-only, that the runtime was installed from (a clean install of the
    service takes its packages from there, offline); None when the sandbox has none.
    """

    name: str
    workspace: Path
    python: str
    wheelhouse: str | None

    def start_services(self) -> Services:
        """Make PostgreSQL and Redis ready (idempotent) and say where they are."""
        ...

    def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        cwd: str = ".",
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        """Run `argv` (no shell) with a hard timeout; `env` adds to a minimal environment."""
        ...

    def close(self) -> None:
        """Release everything the sandbox holds (containers, processes). Idempotent."""
        ...
