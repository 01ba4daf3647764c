"""Fixtures of the webhook tests: the fake GitHub with collaborators and an issue, a private
queue on the machine's RabbitMQ, Redis for delivery ids, and a signed-delivery client.

Every test builds the app inside its own event loop (`Hook.run`), the way
`backend-agent serve` builds it, with the real `JobQueue`, `RedisDeduplicator`,
`GitHubPermissions` and `GitHubForge`; only the transport is in-process (httpx's ASGI).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import SecretStr

from agent.config import Settings
from agent.jobs.job import Job
from agent.jobs.queue import JobQueue
from agent.webhook import RedisDeduplicator, create_app, sign
from tests.fakes.github_payloads import StoredIssue
from tests.fakes.github_server import FakeGitHub, serve

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "whsec-test-0123456789abcdef"
TOKEN = "ghp_webhookTestToken0123456789abcdefXYZ"
ROLES = {"alice": "write", "mia": "maintain", "ada": "admin", "rita": "read", "tom": "triage"}
T = TypeVar("T")


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fake GitHub accepting `TOKEN`, with `ROLES` as octo/svc's collaborators."""
    with serve(FakeGitHub(tokens={TOKEN}, collaborators=dict(ROLES))) as gh:
        yield gh


@pytest.fixture
def queue_name() -> Iterator[str]:
    """`agent.backend.test-<uuid>`, deleted (with its dead letters) after the test."""
    name = f"agent.backend.test-{uuid.uuid4().hex[:8]}"
    yield name

    async def drop() -> None:
        queue = await JobQueue.connect(AMQP_URL, name)
        await queue.delete()
        await queue.close()

    asyncio.run(drop())


@dataclass
class Client:
    """Sends deliveries to the app as GitHub does, and reads what they left."""

    http: httpx.AsyncClient
    queue: JobQueue

    async def deliver(
        self,
        payload: Any,
        *,
        event: str = "issues",
        delivery: str | None = None,
        secret: str | None = SECRET,
        drop: tuple[str, ...] = (),
        body: bytes | None = None,
    ) -> httpx.Response:
        """POST a delivery signed with `secret` (None: unsigned); `drop` removes headers."""
        raw = body if body is not None else json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/a1b2c3d",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "X-GitHub-Hook-ID": "420",
        }
        if secret is not None:
            headers["X-Hub-Signature-256"] = sign(SecretStr(secret), raw)
        headers = {k: v for k, v in headers.items() if k not in drop}
        return await self.http.post("/webhooks/github", content=raw, headers=headers)

    async def depth(self) -> int:
        return await self.queue.depth()

    async def jobs(self) -> list[Job]:
        """Take every job off the queue (acknowledged), in delivery order."""
        found = []
        while (message := await self.queue.queue.get(fail=False)) is not None:
            found.append(Job.model_validate_json(message.body))
            await message.ack()
        return found


@dataclass
class Hook:
    """Builds the app for one test and runs a scenario against it."""

    github: FakeGitHub
    queue_name: str
    clone_root: Path
    overrides: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> Settings:
        values: dict[str, Any] = {
            "github_webhook_secret": SecretStr(SECRET),
            "github_token": SecretStr(TOKEN),
            "github_app_id": None,
            "github_api_url": self.github.url,
            "backend_agent_clone_url_template": f"{self.clone_root}/{{repository}}.git",
            "backend_agent_webhook_redis_url": REDIS_URL,
            "backend_agent_webhook_dedup_ttl_s": 120,
            "backend_agent_label": "agent:backend",
        }
        return Settings(**(values | self.overrides))

    def run(self, scenario: Callable[[Client], Awaitable[T]], *, model: str = "offline") -> T:
        async def main() -> T:
            settings = self.settings()
            dedup = RedisDeduplicator(REDIS_URL, 120)
            async with await JobQueue.connect(AMQP_URL, self.queue_name) as queue:
                app = create_app(settings, queue, model=model, dedup=dedup)
                transport = httpx.ASGITransport(app=app)
                try:
                    async with httpx.AsyncClient(
                        transport=transport, base_url="http://webhook.test"
                    ) as http:
                        return await scenario(Client(http, queue))
                finally:
                    await dedup.aclose()

        return asyncio.run(main())


@pytest.fixture
def hook(github: FakeGitHub, queue_name: str, tmp_path: Path) -> Hook:
    return Hook(github, queue_name, tmp_path / "remotes")


FORM_BODY = """<!-- Fill in the fields below; the agent reads them. -->
### User story

As a team lead I want to keep a list of tasks so that nothing is forgotten.

### Endpoints

POST /tasks - Create a task
GET /tasks/{id} - Read one task

### Authentication

No authentication

### Acceptance criteria

- Creating a task returns 201 with its id
- Reading a missing task returns 404

### Business logic

- A task title is at most 200 characters

### Entities

Task

### Priority

10
"""


def open_issue(github: FakeGitHub, body: str = FORM_BODY, title: str = "Task list") -> StoredIssue:
    """An open issue on octo/svc written by alice."""
    return github.open_issue("octo", "svc", title, body, "alice")
