"""`backend-agent serve` as an operator starts it: a process that reads the environment,
connects to the queue, answers /health, queues a job for a signed delivery, comments on
the issue, logs JSON lines without a secret, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from agent.jobs.queue import JobQueue
from agent.webhook import sign
from tests.e2e.helpers import CLI, REPO_ROOT
from tests.fakes.github_server import FakeGitHub
from tests.webhook.conftest import AMQP_URL, REDIS_URL, SECRET, TOKEN, open_issue

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(
    url: str, process: subprocess.Popen[str], timeout: float = 120
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.communicate()}")
        try:
            health: dict[str, object] = httpx.get(f"{url}/health", timeout=2).json()
            return health
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError("serve did not answer /health")


def _depth(queue_name: str) -> int:
    async def count() -> int:
        async with await JobQueue.connect(AMQP_URL, queue_name) as queue:
            return await queue.depth()

    return asyncio.run(count())


def test_serve_process_queues_a_job(github: FakeGitHub, queue_name: str, tmp_path: Path) -> None:
    """The real `serve` process: healthy and accepting, 202 queued for a labelled issue,
    the job on the queue named by BACKEND_AGENT_QUEUE, the comment posted, no secret in
    its output, a graceful stop on SIGTERM."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BACKEND_"))}
    env |= {
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": github.url,
        "BACKEND_AGENT_AMQP_URL": AMQP_URL,
        "BACKEND_AGENT_QUEUE": queue_name,
        "BACKEND_AGENT_WEBHOOK_REDIS_URL": REDIS_URL,
        "BACKEND_AGENT_CLONE_URL_TEMPLATE": f"{tmp_path}/{{repository}}.git",
    }
    issue = open_issue(github)
    raw = json.dumps(github.labeled_event(issue, "agent:backend", "alice")).encode()
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        assert _wait_healthy(url, process) == {"status": "ok", "accepting": True}
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": sign(SecretStr(SECRET), raw),
        }
        answer = httpx.post(f"{url}/webhooks/github", content=raw, headers=headers, timeout=10)
        assert answer.status_code == 202, answer.text
        assert _depth(queue_name) == 1
        deadline = time.monotonic() + 10
        while not github.comments.get(("octo/svc", issue.number)) and time.monotonic() < deadline:
            time.sleep(0.1)
        [comment] = github.comments[("octo/svc", issue.number)]
        assert answer.json()["job_id"] in comment["body"]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal it caught
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert '"event": "webhook.queued"' in output
    assert SECRET not in output and TOKEN not in output
