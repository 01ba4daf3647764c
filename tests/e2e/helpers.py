"""Helpers of the end-to-end tests: run the CLI, read a run's artefacts, serve a service."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from agent.models.base import ChatModel, Reply
from agent.models.factory import ModelOptions, ProviderKeys, build_model
from agent.models.ledger import Ledger
from agent.runner import ModelFactory, RunOutcome, drive, new_run
from sandbox.base import Sandbox
from tests.fakes.model_dialects import Dialect
from tests.fakes.model_servers import Canned, Received, serve

REPO_ROOT = Path(__file__).parents[2]
CLI = [sys.executable, "-m", "agent.cli"]
# The gates of runs that pin something else than the live gates: the three that need no
# running service. The load gate's SLA is a measurement, and a busy machine breaks it.
QUICK_GATES = "lint,tests,migrations"
TEST_KEYS = ProviderKeys(anthropic=SecretStr("sk-ant-test"), openai=SecretStr("sk-test"))


def cli(
    *args: str, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `backend-agent ARGS` as a user would, from the project root, in this process's
    environment or in `env` when given."""
    done = subprocess.run(
        [*CLI, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )
    if "--debug" not in args:  # no CLI output of the suite holds a traceback
        assert "Traceback (most recent call last)" not in done.stdout + done.stderr, done.stderr
    return done


def run_local(
    backlog: Path,
    repo: Path,
    make_model: ModelFactory,
    local_box: Callable[[Path], Sandbox],
    **choices: Any,
) -> RunOutcome:
    """A run in this process, as the CLI would start it, on a local sandbox of the repo."""
    config = new_run(backlog, repo, sandbox="local", **choices)
    box = local_box(config.repo)
    try:
        return drive(config, make_model, box, resume=False)
    finally:
        box.close()


@dataclass
class WireRun:
    """A run against a fake model server: its outcome, what the server received, and the
    delays the retry wrapper asked for (recorded, never slept)."""

    outcome: RunOutcome
    received: list[Received]
    sleeps: list[float]
    unanswered: int  # queued answers nobody asked for

    @property
    def bodies(self) -> list[Any]:
        return [r.json for r in self.received]


def run_on_wire(
    dialect: Dialect,
    model: str,
    replies: list[Reply],
    backlog: Path,
    *,
    repo: Path,
    local_box: Callable[[Path], Sandbox],
    first: tuple[Canned, ...] = (),
    **choices: Any,
) -> WireRun:
    """Run `backlog` with `<dialect.provider>:<model>` through the real SDK against a local
    server answering `first` (errors, say), then `replies` in its wire format."""
    spec, sleeps = f"{dialect.provider}:{model}", list[float]()
    with serve() as server:
        for canned in first:
            server.queue(canned.body, canned.status, canned.headers)
        for reply in replies:
            server.queue(dialect.answer(reply))

        def make_model(ledger: Ledger) -> ChatModel:
            return build_model(
                spec,
                keys=TEST_KEYS,
                base_url=server.url + dialect.root,
                options=ModelOptions(sleep=sleeps.append),
                ledger=ledger,
            )

        outcome = run_local(backlog, repo, make_model, local_box, model=spec, **choices)
        return WireRun(outcome, list(server.received), sleeps, len(server.answers))


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
