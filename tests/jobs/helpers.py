"""Helpers of the queue and worker tests: a bare remote, a fresh database, workers as
subprocesses (`backend-agent worker`), jobs published straight onto a test queue."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import git

from agent.jobs.job import Job
from agent.jobs.queue import JobQueue
from agent.runs.store import RunsStore
from tests.e2e.helpers import CLI, REPO_ROOT, free_port
from tests.jobs.conftest import AMQP_URL

TOKEN = "ghp_queueWorkers0123456789abcdefQRSTUV"
"""The only token the fake GitHub accepts."""


def bare_remote(root: Path, slug: str = "octo/svc") -> Path:
    """A bare repo `root/<slug>.git` whose `main` holds a README."""
    bare = root / f"{slug}.git"
    git.Repo.init(bare, bare=True, initial_branch="main")
    seed = git.Repo.init(root / f"seed-{slug.replace('/', '-')}", initial_branch="main")
    (Path(seed.working_dir) / "README.md").write_text("svc\n")
    seed.index.add(["README.md"])
    seed.index.commit("Initial commit")
    seed.git.push(str(bare), "main")
    return bare


def worker_env(github_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """This environment without GITHUB_*, pointed at the fake GitHub and the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BACKEND_AGENT_"))}
    return {
        **env, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github_url,
        "BACKEND_AGENT_DATABASE_URL": database_url, "BACKEND_AGENT_AMQP_URL": AMQP_URL,
        "BACKEND_AGENT_MAX_ATTEMPTS": "2", **extra,
    }  # fmt: skip


def start_worker(
    env: dict[str, str],
    queue: str,
    workdir: Path,
    log: Path,
    *,
    metrics_port: int = 0,
    gates: str = "lint,tests,migrations",
    sandbox: str = "local",
) -> subprocess.Popen[bytes]:
    """`backend-agent worker` on the local sandbox, its log in `log`; `gates` for jobs that
    name none (the load gate's SLA depends on how busy the machine is: left out)."""
    args = ["worker", "--queue", queue, "--workdir", str(workdir), "--sandbox", sandbox,
            "--gates", gates]  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(
            [*CLI, *args, "--metrics-port", str(metrics_port)],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


@contextmanager
def workers(procs: list[subprocess.Popen[bytes]]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Stop (SIGTERM, then SIGKILL) every worker still running when the block ends."""
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def publish(queue: str, jobs: list[Job]) -> None:
    async def go() -> None:
        async with await JobQueue.connect(AMQP_URL, queue) as q:
            for job in jobs:
                await q.publish(job)

    asyncio.run(go())


def depth(queue: str) -> tuple[int, int]:
    """(ready, dead-lettered) messages of `queue`."""

    async def go() -> tuple[int, int]:
        async with await JobQueue.connect(AMQP_URL, queue) as q:
            return await q.depth(), await q.dead_depth()

    return asyncio.run(go())


def wait_until(check: Callable[[], Any], timeout: float, what: str, step: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def runs_of(database_url: str) -> list[dict[str, Any]]:
    store = RunsStore.open(database_url)
    try:
        return store.recent(limit=1000)
    finally:
        store.close()


def trajectory(workdir: Path, job_id: str) -> list[dict[str, Any]]:
    path = workdir / job_id / "repo" / ".backend-agent" / "runs" / job_id / "trajectory.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def tiny_item(item_id: str, priority: int) -> dict[str, Any]:
    """A one-endpoint item: the cheapest real run. No acceptance criterion and no rule, so
    it can pass on the lint gate alone (a criterion is met only when its test is proven)."""
    entity = "".join(ch for ch in item_id.title() if ch.isalpha()) or "Thing"
    return {
        "id": item_id,
        "user_story": f"As a user I want to record {entity} entries.",
        "api_requirements": [{
            "method": "POST", "endpoint": f"/{entity.lower()}s",
            "request_schema": {"name": "string(1-50)"},
        }],
        "data_requirements": {"entities": [entity]},
        "priority": priority,
    }  # fmt: skip


__all__ = ["free_port"]
