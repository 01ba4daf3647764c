"""A bug of ours while handling a delivery (here in the publisher, a collaborator that
raises something neither GitHub nor the queue would): 500, nothing queued, the delivery id
forgotten (a redelivery is handled), and one log line naming the traceback file, written
with the traceback; never a traceback on the service's output."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path

import httpx
import pytest
import structlog
from pydantic import SecretStr

from agent.jobs.job import Job
from agent.webhook import RedisDeduplicator, create_app, sign
from tests.fakes.github_server import FakeGitHub
from tests.webhook.conftest import REDIS_URL, SECRET, Hook, open_issue


class Broken:
    """A publisher with a bug in it."""

    async def publish(self, job: Job) -> None:
        raise RuntimeError(f"planted bug publishing {job.job_id}")


def test_a_bug_while_handling_a_delivery_is_a_500_with_its_traceback_filed(
    hook: Hook, github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    body = json.dumps(github.labeled_event(open_issue(github), "agent:backend", "alice")).encode()
    delivery = str(uuid.uuid4())
    headers = {
        "Content-Type": "application/json", "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": sign(SecretStr(SECRET), body),
    }  # fmt: skip

    async def scenario() -> tuple[int, str, bool]:
        dedup = RedisDeduplicator(REDIS_URL, 120)
        app = create_app(hook.settings(), Broken(), dedup=dedup)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://w.test") as http:
            answer = await http.post("/webhooks/github", content=body, headers=headers)
        forgotten = await dedup.first_time(delivery)
        await dedup.forget(delivery)
        await dedup.aclose()
        return answer.status_code, answer.json()["reason"], forgotten

    with structlog.testing.capture_logs() as logs:
        status, reason, forgotten = asyncio.run(scenario())

    assert (status, forgotten) == (500, True)
    assert "Traceback" not in reason and "planted" not in reason
    [line] = [e["error"] for e in logs if e["event"] == "webhook.crashed"]
    assert "RuntimeError: planted bug publishing" in line
    written = re.search(r"traceback: (\S+)", line)
    assert written
    assert "planted bug" in Path(written.group(1)).read_text()
    assert Path(written.group(1)).is_relative_to(tmp_path / "state")
