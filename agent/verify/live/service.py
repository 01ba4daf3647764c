"""The generated service, running on a loopback port for the length of one probe."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


class ProbeError(RuntimeError):
    """The service could not be brought up (migration failed, never healthy)."""


@dataclass(frozen=True)
class Running:
    """Where the service answers, and how long its start took."""

    base_url: str
    upgrade_s: float
    startup_s: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def upgrade(root: Path) -> float:
    """`alembic upgrade head` on the probe's own database; seconds it took."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise ProbeError(f"alembic upgrade head failed: {done.stderr[-800:]}")
    return time.perf_counter() - started


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ProbeError(f"the service exited at start: {log.read_text()[-1500:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ProbeError(f"/health did not answer 200 within {limit_s}s: {log.read_text()[-1500:]}")


@contextmanager
def running(root: Path, log: Path, healthy_within_s: float = 90.0) -> Iterator[Running]:
    """Migrate, start `uvicorn backend.main:app` in the background, wait for /health (a
    slow start on a busy machine is not a failure: its time is reported); stop it after."""
    upgrade_s = upgrade(root)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "uvicorn", "backend.main:app"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    started = time.perf_counter()
    with log.open("wb") as sink:
        proc = subprocess.Popen(argv, cwd=root, env=dict(os.environ), stdout=sink, stderr=sink)
        try:
            _wait_healthy(url, proc, log, healthy_within_s)
            yield Running(url, upgrade_s, time.perf_counter() - started)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
