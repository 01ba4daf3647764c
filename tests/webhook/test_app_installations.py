"""A GitHub App installed on more than one account: each delivery's GitHub calls act as
the installation its payload names (`installation.id`), else as GITHUB_APP_INSTALLATION_ID,
and the job carries it. The fake GitHub answers 404 to a token of another installation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import SecretStr

from agent.jobs.job import Job
from agent.webhook.github_access import NO_INSTALLATION
from tests.fakes.github_server import FakeGitHub, RecordedRequest, app_key_pair
from tests.webhook.conftest import Client, Hook, open_issue

LABEL = "agent:backend"
APP_ID = 424242
INSTALLATION_A = 1001  # GITHUB_APP_INSTALLATION_ID; holds acme/api
INSTALLATION_B = 2002  # holds octo/svc


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    return app_key_pair()


@pytest.fixture
def app_hook(hook: Hook, github: FakeGitHub, key_pair: tuple[str, str]) -> Hook:
    """The service with App credentials only (no token), GITHUB_APP_INSTALLATION_ID = A;
    on the fake, acme/api belongs to installation A and octo/svc to installation B."""
    private, public = key_pair
    github.add_app(APP_ID, public)
    github.add_installation(INSTALLATION_A, "acme/api")
    github.add_installation(INSTALLATION_B, "octo/svc")
    hook.overrides = {
        "github_token": None,
        "github_app_id": str(APP_ID),
        "github_app_private_key": SecretStr(private),
        "github_app_installation_id": INSTALLATION_A,
    }
    return hook


def _acting(github: FakeGitHub, request: RecordedRequest) -> int | None:
    """The installation whose token `request` carried."""
    return github.installation_of(request.headers["authorization"].partition(" ")[2])


def _calls(github: FakeGitHub, repository: str, number: int) -> list[RecordedRequest]:
    """The permission check and the comment on issue `number` of `repository`."""
    root = f"/repos/{repository}"
    return [
        r
        for r in github.requests
        if r.path == f"{root}/collaborators/alice/permission"
        or (r.method == "POST" and r.path == f"{root}/issues/{number}/comments")
    ]


def _exchanges(github: FakeGitHub) -> set[str]:
    return {r.path for r in github.requests if r.path.endswith("/access_tokens")}


async def _deliver_and_take(client: Client, payload: Any) -> tuple[int, Any, list[Job]]:
    response = await client.deliver(payload)
    return response.status_code, response.json(), await client.jobs()


def test_delivery_of_another_installation_acts_as_that_installation(
    app_hook: Hook, github: FakeGitHub
) -> None:
    """A labelled issue on octo/svc (installation B) while the settings name A: the payload's
    installation B is used, so the permission check and the queued comment go through B's
    token (A's would get 404: alice would read as `none` and nothing be queued), only B's
    token is asked for, and the job carries B for the worker."""
    issue = open_issue(github)
    payload = github.labeled_event(issue, LABEL, "alice", installation=INSTALLATION_B)

    status, answer, jobs = app_hook.run(lambda client: _deliver_and_take(client, payload))

    assert (status, answer["status"]) == (202, "queued"), answer
    [job] = jobs
    assert (job.repository, job.installation_id) == ("octo/svc", INSTALLATION_B)
    check, comment = _calls(github, "octo/svc", issue.number)
    assert [_acting(github, check), _acting(github, comment)] == [INSTALLATION_B] * 2
    assert job.job_id in comment.json["body"]
    assert _exchanges(github) == {f"/app/installations/{INSTALLATION_B}/access_tokens"}


def test_delivery_naming_no_installation_acts_as_the_configured_one(
    app_hook: Hook, github: FakeGitHub
) -> None:
    """A delivery without `installation` (a repository webhook) on acme/api, which belongs
    to GITHUB_APP_INSTALLATION_ID's installation A: queued through A's token; the job names
    no installation, so its worker falls back to its own setting too."""
    issue = github.open_issue("acme", "api", "Task list", open_issue(github).body, "alice")
    payload = github.labeled_event(issue, LABEL, "alice")
    assert "installation" not in payload

    status, answer, jobs = app_hook.run(lambda client: _deliver_and_take(client, payload))

    assert (status, answer["status"]) == (202, "queued"), answer
    [job] = jobs
    assert (job.repository, job.installation_id) == ("acme/api", None)
    calls = _calls(github, "acme/api", issue.number)
    assert [_acting(github, r) for r in calls] == [INSTALLATION_A] * 2


def test_app_delivery_with_no_installation_anywhere_is_refused_with_503(
    app_hook: Hook, github: FakeGitHub
) -> None:
    """App credentials, GITHUB_APP_INSTALLATION_ID unset, a delivery naming no installation:
    503 saying so (the service still starts), nothing queued, no comment, no token asked
    for; the delivery id is forgotten, so GitHub's redelivery is handled, not a duplicate."""
    app_hook.overrides["github_app_installation_id"] = None
    payload = github.labeled_event(open_issue(github), LABEL, "alice")
    delivery = str(uuid.uuid4())

    async def scenario(client: Client) -> tuple[list[int], list[Any], int]:
        first = await client.deliver(payload, delivery=delivery)
        again = await client.deliver(payload, delivery=delivery)
        codes = [first.status_code, again.status_code]
        return codes, [first.json(), again.json()], await client.depth()

    codes, answers, depth = app_hook.run(scenario)

    assert codes == [503, 503] and depth == 0
    assert answers == [{"status": "refused", "reason": NO_INSTALLATION}] * 2
    assert NO_INSTALLATION == (
        "GitHub App: no installation id in the delivery and GITHUB_APP_INSTALLATION_ID unset"
    )
    assert github.comments == {} and _exchanges(github) == set()
