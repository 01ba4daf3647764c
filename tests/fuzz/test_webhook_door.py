"""The webhook door: any delivery (a real labelled-issue event with random edits, any JSON,
bytes that are not JSON; right, wrong, malformed or missing signatures; missing headers;
other events) gets a documented answer (202 ignored/queued/invalid, 400, 401, 413, 415),
never a 5xx, and a job is queued only by a delivery answered `queued` that was signed
with the secret and is an `issues` event. The real app, RabbitMQ, Redis and fake GitHub."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from agent.webhook import sign
from tests.fakes.github_server import FakeGitHub
from tests.fuzz.backlogs import edited, json_value
from tests.webhook.conftest import SECRET, Client, Hook, open_issue

DOCUMENTED = {202, 400, 401, 413, 415}
HEADERS = ("X-GitHub-Event", "X-GitHub-Delivery", "Content-Type", "X-Hub-Signature-256")


@st.composite
def delivery(draw: st.DrawFn, event: dict[str, Any]) -> dict[str, Any]:
    body = draw(
        st.one_of(
            st.just(event).map(lambda e: json.dumps(e).encode()),
            edited([event]).map(lambda e: json.dumps(e).encode()),
            json_value.map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=200),
            st.text(max_size=100).map(str.encode),
        )
    )
    signature = draw(
        st.sampled_from(["right", "wrong-secret", "garbage", "sha1", "empty", "missing"])
    )
    signed = {
        "right": sign(SecretStr(SECRET), body),
        "wrong-secret": sign(SecretStr("not-the-secret"), body),
        "garbage": "sha256=zz" + draw(st.text(max_size=10)),
        "sha1": "sha1=" + "0" * 40,
        "empty": "",
        "missing": None,
    }[signature]
    headers = {
        "Content-Type": draw(
            st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
        ),
        "X-GitHub-Event": draw(st.sampled_from(["issues", "ping", "push", "issue_comment", ""])),
        "X-GitHub-Delivery": draw(st.one_of(st.uuids().map(str), st.text(max_size=20))),
        "X-Hub-Signature-256": signed,
    }
    for name in draw(st.lists(st.sampled_from(HEADERS), max_size=2, unique=True)):
        headers.pop(name, None)
    return {
        "body": body,
        "headers": {
            k: v for k, v in headers.items() if v is not None and v.isascii() and "\n" not in v
        },
        "signed": signature == "right" and "X-Hub-Signature-256" in headers,
    }


@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_delivery_gets_a_documented_answer_and_queues_only_when_it_should(
    data: st.DataObject, github: FakeGitHub, queue_name: str, tmp_path_factory: Any
) -> None:
    """Twenty drawn deliveries per example against one app: each answer documented, and
    the queue grows by one exactly when the answer says `queued` (signed `issues` only)."""
    hook = Hook(github, queue_name, tmp_path_factory.mktemp("remotes"))
    event = github.labeled_event(open_issue(github), "agent:backend", "alice")
    drawn = data.draw(st.lists(delivery(event), min_size=20, max_size=20))

    async def scenario(client: Client) -> list[tuple[int, str, int, dict[str, Any]]]:
        seen = []
        for one in drawn:
            before = await client.depth()
            response = await client.http.post(
                "/webhooks/github", content=one["body"], headers=one["headers"]
            )
            after = await client.depth()
            status = response.json().get("status", "") if response.content else ""
            seen.append((response.status_code, status, after - before, one))
        return seen

    for code, status, grew, one in hook.run(scenario):
        where = (code, status, one["headers"], one["body"][:200])
        assert code in DOCUMENTED, where
        assert grew == (1 if status == "queued" else 0), where
        if status == "queued":
            assert one["signed"] and one["headers"].get("X-GitHub-Event") == "issues", where
