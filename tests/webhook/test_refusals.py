"""Refusals of `POST /webhooks/github`: no secret configured, a missing, wrong or forged
signature, unusable headers or bodies; and a broker that fails while publishing. Nothing
is queued by any of them (the real queue's depth is 0)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

from pydantic import SecretStr

from agent.jobs.queue import JobQueue
from agent.webhook import RedisDeduplicator, sign
from tests.fakes.github_server import FakeGitHub
from tests.webhook.conftest import AMQP_URL, REDIS_URL, SECRET, Client, Hook, open_issue

LABEL = "agent:backend"


def _permission_checks(github: FakeGitHub) -> int:
    return sum(1 for r in github.requests if r.path.endswith("/permission"))


def test_wrong_signature_is_refused(hook: Hook, github: FakeGitHub) -> None:
    """A delivery signed with another secret: 401, no permission check, nothing queued."""
    payload = github.labeled_event(open_issue(github), LABEL, "alice")

    async def scenario(client: Client) -> tuple[int, int]:
        response = await client.deliver(payload, secret="not-the-secret")
        return response.status_code, await client.depth()

    assert hook.run(scenario) == (401, 0)
    assert _permission_checks(github) == 0


def test_tampered_body_is_refused(hook: Hook, github: FakeGitHub) -> None:
    """The right secret over a different body (the signature of the original): 401."""
    issue = open_issue(github)
    original = json.dumps(github.labeled_event(issue, "bug", "alice")).encode()
    forged = json.dumps(github.labeled_event(issue, LABEL, "alice")).encode()

    async def scenario(client: Client) -> tuple[int, int]:
        response = await client.http.post(
            "/webhooks/github",
            content=forged,
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": "issues",
                "X-GitHub-Delivery": str(uuid.uuid4()),
                "X-Hub-Signature-256": sign(SecretStr(SECRET), original),  # GitHub's, for it
            },
        )
        return response.status_code, await client.depth()

    assert hook.run(scenario) == (401, 0)


def test_missing_signature_is_refused(hook: Hook, github: FakeGitHub) -> None:
    """An unsigned delivery: 401, nothing queued."""
    payload = github.labeled_event(open_issue(github), LABEL, "alice")

    async def scenario(client: Client) -> tuple[int, str, int]:
        response = await client.deliver(payload, secret=None)
        return response.status_code, response.json()["reason"], await client.depth()

    status, reason, depth = hook.run(scenario)
    assert (status, depth) == (401, 0)
    assert "X-Hub-Signature-256" in reason


def test_no_configured_secret_refuses_everything(hook: Hook, github: FakeGitHub) -> None:
    """Without GITHUB_WEBHOOK_SECRET every delivery is refused with 503, whether signed
    (with any secret) or not, and /health says it is not accepting: fail closed."""
    hook.overrides["github_webhook_secret"] = None
    payload = github.labeled_event(open_issue(github), LABEL, "alice")

    async def scenario(client: Client) -> tuple[list[int], bool, int]:
        signed = await client.deliver(payload)
        empty = await client.deliver(payload, secret="")
        unsigned = await client.deliver(payload, secret=None)
        health = (await client.http.get("/health")).json()
        codes = [signed.status_code, empty.status_code, unsigned.status_code]
        return codes, health["accepting"], await client.depth()

    assert hook.run(scenario) == ([503, 503, 503], False, 0)
    assert _permission_checks(github) == 0


def test_unusable_deliveries_get_a_clear_4xx(hook: Hook, github: FakeGitHub) -> None:
    """Signed but unusable: a body that is not JSON, no X-GitHub-Event, no delivery id, an
    `issues` payload without an issue: 400 each, nothing queued."""
    payload = github.labeled_event(open_issue(github), LABEL, "alice")

    async def scenario(client: Client) -> tuple[list[int], int]:
        answers = [
            await client.deliver(None, body=b"{not json"),
            await client.deliver(payload, drop=("X-GitHub-Event",)),
            await client.deliver(payload, drop=("X-GitHub-Delivery",)),
            await client.deliver({"action": "labeled", "sender": {"login": "alice"}}),
        ]
        return [a.status_code for a in answers], await client.depth()

    assert hook.run(scenario) == ([400, 400, 400, 400], 0)


def test_queue_failure_answers_503_and_forgets_the_delivery(
    hook: Hook, github: FakeGitHub, queue_name: str
) -> None:
    """The broker connection gone when publishing: 503 naming no URL or password, no job,
    no comment, and the delivery id forgotten so GitHub's redelivery is handled."""
    issue = open_issue(github)
    payload = github.labeled_event(issue, LABEL, "alice")
    delivery = str(uuid.uuid4())

    async def scenario(client: Client) -> tuple[int, str, bool, int]:
        await client.queue.close()
        response = await client.deliver(payload, delivery=delivery)
        dedup = RedisDeduplicator(REDIS_URL, 120)
        forgotten = await dedup.first_time(delivery)
        await dedup.forget(delivery)
        await dedup.aclose()
        async with await JobQueue.connect(AMQP_URL, queue_name) as fresh:
            depth = await fresh.depth()
        return response.status_code, response.json()["reason"], forgotten, depth

    status, reason, forgotten, depth = hook.run(scenario)
    assert (status, forgotten, depth) == (503, True, 0)
    assert "guest" not in reason and "amqp://" not in reason
    assert github.comments.get(("octo/svc", issue.number)) is None


def test_an_oversized_body_is_refused_before_it_is_read_whole(
    hook: Hook, github: FakeGitHub
) -> None:
    """A body over GitHub's 25 MB cap, declared or streamed without a length: 413, no
    permission check, nothing queued (the signature is right: size is checked first)."""
    payload = github.labeled_event(open_issue(github), LABEL, "alice")
    payload["padding"] = "x" * (26 * 1024 * 1024)
    raw = json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "issues",
        "X-Hub-Signature-256": sign(SecretStr(SECRET), raw),
    }

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(raw), 1 << 20):
            yield raw[start : start + (1 << 20)]

    async def scenario(client: Client) -> tuple[int, int, str, int]:
        declared = await client.http.post(
            "/webhooks/github",
            content=raw,
            headers={**headers, "X-GitHub-Delivery": str(uuid.uuid4())},
        )
        streamed = await client.http.post(
            "/webhooks/github",
            content=chunks(),
            headers={**headers, "X-GitHub-Delivery": str(uuid.uuid4())},
        )
        return (
            declared.status_code,
            streamed.status_code,
            streamed.json()["reason"],
            (await client.depth()),
        )

    declared, streamed, reason, depth = hook.run(scenario)
    assert (declared, streamed, depth) == (413, 413, 0)
    assert "bytes" in reason
    assert _permission_checks(github) == 0
