"""Helpers of the end-to-end tests: run the CLI, read a run's artefacts, serve a service."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).parents[2]
CLI = [sys.executable, "-m", "agent.cli"]


def cli(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run `backend-agent ARGS` as a user would, from the project root."""
    return subprocess.run(
        [*CLI, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_dir(repo: Path) -> Path:
    [found] = list((repo / ".backend-agent" / "runs").iterdir())
    return found


def trajectory(repo: Path) -> list[dict[str, Any]]:
    runs = repo / ".backend-agent" / "runs"
    if not runs.exists() or not any(runs.iterdir()):
        return []
    path = run_dir(repo) / "trajectory.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(repo: Path, python: Path, env: dict[str, str]) -> Iterator[httpx.Client]:
    """`alembic upgrade head`, then `uvicorn backend.main:app` on a free port."""
    full = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(repo), **env}
    subprocess.run(
        [str(python), "-m", "alembic", "upgrade", "head"],
        cwd=repo,
        env=full,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    server = subprocess.Popen(
        [str(python), "-m", "uvicorn", "backend.main:app", "--port", str(port)],
        cwd=repo,
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(100):
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield client
    finally:
        server.terminate()
        server.wait(timeout=10)


def fresh_database(name: str) -> str:
    """Create database `name` on the machine's PostgreSQL; its asyncpg URL."""
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql],
            check=True,
            capture_output=True,
            env={**os.environ, "PGCONNECT_TIMEOUT": "5"},
        )
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
