"""The local backend: commands run on the host, unisolated. Only behind `--sandbox local`.

It still keeps the host's environment out (a minimal env), enforces timeouts by killing
the whole process group, and caps output.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from sandbox.base import CommandResult, SandboxError, Services

OUTPUT_CAP = 256_000


def _cap(text: str) -> tuple[str, bool]:
    if len(text) <= OUTPUT_CAP:
        return text, False
    return text[-OUTPUT_CAP:], True


class LocalSandbox:
    """Runs commands in `workspace` with the runtime venv's `python`, on the host;
    `wheelhouse` is the host folder of wheels that runtime came from (None: none)."""

    name = "local"

    def __init__(
        self, workspace: Path, python: Path, services: Services, wheelhouse: Path | None = None
    ) -> None:
        self.workspace = workspace
        self.python = str(python)
        self.wheelhouse = str(wheelhouse) if wheelhouse else None
        self._services = services
        self._bin = str(python.parent)

    def start_services(self) -> Services:
        return self._services

    def _env(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        env = {
            "PATH": f"{self._bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.workspace),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.update(extra or {})
        return env

    def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        cwd: str = ".",
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        workdir = (self.workspace / cwd).resolve()
        if not workdir.is_relative_to(self.workspace.resolve()):
            raise SandboxError(f"cwd {cwd!r} leaves the workspace")
        started = time.monotonic()
        proc = subprocess.Popen(
            list(argv),
            cwd=workdir,
            env=self._env(env),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        timed_out = False
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        out, cut_out = _cap(out)
        err, cut_err = _cap(err)
        return CommandResult(
            argv=tuple(argv),
            exit_code=proc.returncode if not timed_out else 124,
            stdout=out,
            stderr=err,
            duration_s=time.monotonic() - started,
            timed_out=timed_out,
            truncated=cut_out or cut_err,
        )

    def close(self) -> None:
        return None
