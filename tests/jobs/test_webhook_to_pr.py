"""The whole trigger, on real RabbitMQ, Redis and PostgreSQL: a signed `issues` `labeled`
delivery → the webhook app → a job on the queue → a worker subprocess → the PR that
closes the issue, on the local GitHub test server."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from agent.config import Settings
from agent.jobs.queue import JobQueue
from agent.webhook import RedisDeduplicator, create_app, sign
from tests.fakes.github_server import FakeGitHub, serve
from tests.jobs.conftest import AMQP_URL
from tests.jobs.helpers import (
    TOKEN,
    bare_remote,
    depth,
    runs_of,
    start_worker,
    wait_until,
    worker_env,
    workers,
)
from tests.webhook.conftest import REDIS_URL, ROLES

pytestmark = pytest.mark.slow

SECRET = "whsec-queue-e2e-0123456789abcdef"
NOTES = Path(__file__).parents[1] / "data" / "notes.json"


def _issue_body() -> str:
    """An issue asking for the notes item, as a ```json block (its id comes from the issue)."""
    [item] = json.loads(NOTES.read_text())["backlog_items"]
    del item["id"]
    return f"Please build this:\n\n```json\n{json.dumps(item, indent=1)}\n```\n"


def _deliver(github: FakeGitHub, queue: str, clone_root: Path, payload: object) -> dict:
    """POST the delivery, signed as GitHub signs it, to the app `serve` builds."""
    settings = Settings(
        github_webhook_secret=SecretStr(SECRET), github_token=SecretStr(TOKEN),
        github_app_id=None, github_api_url=github.url,
        backend_agent_clone_url_template=f"{clone_root}/{{repository}}.git",
        backend_agent_webhook_redis_url=REDIS_URL, backend_agent_webhook_dedup_ttl_s=120,
    )  # fmt: skip
    raw = json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json", "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": str(uuid.uuid4()), "X-Hub-Signature-256": sign(SecretStr(SECRET), raw),
    }  # fmt: skip

    async def main() -> dict:
        dedup = RedisDeduplicator(REDIS_URL, 120)
        async with await JobQueue.connect(AMQP_URL, queue) as jobs:
            app = create_app(settings, jobs, dedup=dedup)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hook") as http:
                answer = await http.post("/webhooks/github", content=raw, headers=headers)
            await dedup.aclose()
        assert answer.status_code == 202, answer.text
        return dict(answer.json())

    return asyncio.run(main())


def test_signed_webhook_to_worker_to_pull_request(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """alice (write) labels an issue holding an item as a ```json block: the webhook queues
    one job; a worker runs it (lint, tests, migrations) and opens one PR into `main` whose body ends
    with `Closes #N`; the issue has the webhook's and the worker's comments; every gate
    passed but the item's rule is a model's, so the PR is a draft, the last comment says
    what is left, and the run is recorded as incomplete with the job id as run id; the
    queue and its dead letters are empty."""
    clone_root = tmp_path / "remotes"
    bare_remote(clone_root)
    with serve(FakeGitHub(tokens={TOKEN}, collaborators=dict(ROLES))) as github:
        issue = github.open_issue("octo", "svc", "Notes", _issue_body(), "alice")
        answer = _deliver(github, queue_name, clone_root, github.labeled_event(
            issue, "agent:backend", "alice"))  # fmt: skip
        assert answer["status"] == "queued" and depth(queue_name) == (1, 0)
        env = worker_env(github.url, database)
        log = tmp_path / "worker.log"
        with workers([start_worker(env, queue_name, tmp_path / "work", log)]) as [proc]:
            wait_until(lambda: github.pulls, 600, "the pull request", step=1)
            wait_until(lambda: runs_of(database)[0]["status"] == "incomplete", 60, "the record")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
        assert depth(queue_name) == (0, 0)  # acked: the worker is gone and the job is not back
    [pull] = github.pulls
    body = pull.body or ""
    assert (pull.head, pull.base, pull.draft) == (
        f"backend-agent/issue-{issue.number}",
        "main",
        True,
    ), body[-2000:]
    assert body.rstrip().endswith(f"Closes #{issue.number}")
    comments = [c["body"] for c in github.comments[("octo/svc", issue.number)]]
    assert answer["job_id"] in comments[0]  # the webhook's "queued" comment
    assert any("first green verify" in c for c in comments[1:])
    assert f"pull request #{pull.number} opened (draft)" in comments[-1]
    assert "incomplete: 1 rule and 1 criterion need a model" in comments[-1]
    [run] = runs_of(database)
    assert (run["run_id"], run["status"], run["source"], run["repository"]) == (
        answer["job_id"],
        "incomplete",
        "webhook",
        "octo/svc",
    )
