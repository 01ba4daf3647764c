"""The GitHub forge against the local fake GitHub: what it sends, what it leaves behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import SecretStr

from agent.delivery.forge import Forge, PullRequest
from agent.delivery.github import GitHubForge, GitHubTokenAuth
from agent.errors import DeliveryError
from tests.delivery.conftest import TOKEN
from tests.fakes.github_server import FakeGitHub

MakeForge = Callable[..., GitHubForge]


def _open(forge: GitHubForge, **overrides: Any) -> PullRequest:
    args: dict[str, Any] = {
        "head": "agent/run-1",
        "base": "main",
        "title": "Add orders API",
        "body": "## What was built\n| criterion | result |",
        "draft": False,
        "labels": [],
        "closes_issue": None,
    }
    args.update(overrides)
    return forge.open_or_update_pr(**args)


def test_forge_satisfies_the_protocol(make_forge: MakeForge) -> None:
    """GitHubForge is a `Forge`, so nodes can take either it or the in-memory fake."""
    assert isinstance(make_forge(), Forge)


def test_opens_a_pull_request_with_closes_line(github: FakeGitHub, make_forge: MakeForge) -> None:
    """A first delivery opens one PR from head into base, body ending with `Closes #N`."""
    pr = _open(make_forge(), closes_issue=7)

    assert pr.created and pr.number == 1 and pr.state == "open" and not pr.draft
    assert pr.url.endswith("/octo/svc/pull/1")
    [stored] = github.pulls
    assert (stored.head, stored.base, stored.title) == ("agent/run-1", "main", "Add orders API")
    assert stored.body is not None and stored.body.rstrip().endswith("Closes #7")
    create = next(r for r in github.requests if r.method == "POST")
    assert create.path == "/repos/octo/svc/pulls"
    assert create.headers["authorization"] == f"token {TOKEN}"
    assert create.json["draft"] is False


def test_second_call_updates_the_same_pull_request(
    github: FakeGitHub, make_forge: MakeForge
) -> None:
    """Running again for the same head branch edits that PR; there is never a second one."""
    forge = make_forge()
    first = _open(forge, title="v1", body="first report")
    second = _open(forge, title="v2", body="second report")

    assert len(github.pulls) == 1
    assert second.number == first.number and not second.created
    assert (github.pulls[0].title, github.pulls[0].body) == ("v2", "second report")
    methods = [(r.method, r.path) for r in github.requests]
    assert methods.count(("POST", "/repos/octo/svc/pulls")) == 1
    assert ("PATCH", "/repos/octo/svc/pulls/1") in methods


def test_opens_a_draft_when_asked(github: FakeGitHub, make_forge: MakeForge) -> None:
    """`draft=True` (a gate failed) opens the PR as a draft."""
    pr = _open(make_forge(), draft=True)

    assert pr.draft and github.pulls[0].draft


def test_rerun_marks_a_draft_ready_through_graphql(
    github: FakeGitHub, make_forge: MakeForge
) -> None:
    """REST cannot flip draft; a rerun whose gates pass marks the PR ready via GraphQL."""
    forge = make_forge()
    _open(forge, draft=True)
    pr = _open(forge, draft=False)

    assert not pr.draft and not github.pulls[0].draft
    [mutation] = [r for r in github.requests if r.path == "/graphql"]
    assert "markPullRequestReadyForReview" in mutation.json["query"]
    assert mutation.json["variables"] == {"id": github.pulls[0].node_id}
    _open(forge, draft=True)
    assert github.pulls[0].draft


def test_refused_draft_flip_keeps_the_real_state(
    github: FakeGitHub, make_forge: MakeForge, caplog: pytest.LogCaptureFixture
) -> None:
    """When GraphQL refuses the flip, delivery still succeeds and reports the PR's real state."""
    forge = make_forge()
    _open(forge, draft=True)
    github.refuse_graphql = True
    pr = _open(forge, draft=False, title="v2")

    assert pr.draft and github.pulls[0].title == "v2"
    assert "stays a draft" in caplog.text


def test_adds_labels(github: FakeGitHub, make_forge: MakeForge) -> None:
    """Configured labels land on the PR through the issues labels endpoint."""
    pr = _open(make_forge(), labels=["backend-agent", "needs-review"])

    assert github.pulls[0].labels == ["backend-agent", "needs-review"]
    [request] = [r for r in github.requests if r.path.endswith("/labels")]
    assert request.path == f"/repos/octo/svc/issues/{pr.number}/labels"
    assert request.json == {"labels": ["backend-agent", "needs-review"]}


def test_comments_on_an_issue(github: FakeGitHub, make_forge: MakeForge) -> None:
    """`comment_on_issue` posts the body to the issue's comments."""
    make_forge().comment_on_issue(7, "Opened #1 for this issue.")

    [comment] = github.comments[("octo/svc", 7)]
    assert comment["body"] == "Opened #1 for this issue."


def test_already_exists_422_finds_and_updates_that_pull_request(
    github: FakeGitHub, make_forge: MakeForge
) -> None:
    """Another run opened the PR between our lookup and our create: the 422 leads to an update."""
    github.race_next_create = True
    pr = _open(make_forge(), title="ours")

    assert not pr.created
    assert len(github.pulls) == 1 and github.pulls[0].title == "ours"
    statuses = [r.method for r in github.requests]
    assert statuses == ["GET", "POST", "GET", "PATCH"]


def test_bad_token_is_a_clear_delivery_error_without_the_token(
    github: FakeGitHub, make_forge: MakeForge, all_logs: pytest.LogCaptureFixture
) -> None:
    """A 401 becomes a DeliveryError that says what to check and never shows the token."""
    wrong = TOKEN[:-3] + "bad"
    forge = make_forge(auth=GitHubTokenAuth(token=SecretStr(wrong)))
    with pytest.raises(DeliveryError) as caught:
        _open(forge)

    message = str(caught.value)
    assert "401" in message and "Bad credentials" in message and "GITHUB_TOKEN" in message
    assert wrong not in message and TOKEN not in message
    assert caught.value.__suppress_context__  # githubkit's exception (and its request) stays out
    assert wrong not in all_logs.text and wrong not in repr(forge)


def test_secondary_rate_limit_waits_retry_after_then_succeeds(
    github: FakeGitHub, make_forge: MakeForge, sleeps: list[float]
) -> None:
    """403 with Retry-After: the forge sleeps that long (injected sleep) and retries."""
    github.rate_limit_next, github.retry_after = 2, 7
    pr = _open(make_forge())

    assert sleeps == [7.0, 7.0]
    assert pr.created and len(github.pulls) == 1


def test_rate_limit_outlasting_the_retries_is_a_delivery_error(
    github: FakeGitHub, make_forge: MakeForge, sleeps: list[float]
) -> None:
    """Retries are bounded: past `max_retries` the forge stops with a DeliveryError."""
    github.rate_limit_next = 10
    with pytest.raises(DeliveryError, match="rate-limiting"):
        _open(make_forge(max_retries=2))
    assert sleeps == [1.0, 1.0]


def test_retry_after_longer_than_the_ceiling_is_not_waited(
    github: FakeGitHub, make_forge: MakeForge, sleeps: list[float]
) -> None:
    """A Retry-After above `max_wait_s` fails at once instead of blocking a worker for it."""
    github.rate_limit_next, github.retry_after = 1, 3600
    with pytest.raises(DeliveryError, match="rate-limiting"):
        _open(make_forge(max_wait_s=60))
    assert sleeps == []


def test_enterprise_base_url(github: FakeGitHub, make_forge: MakeForge) -> None:
    """A GitHub Enterprise `/api/v3` base URL is honoured, GraphQL included (`/api/graphql`)."""
    forge = make_forge(base_url=f"{github.url}/api/v3", api_version="2022-11-28")
    _open(forge, draft=True)
    _open(forge, draft=False)

    paths = {r.path for r in github.requests}
    assert "/api/v3/repos/octo/svc/pulls" in paths and "/api/graphql" in paths
    rest = [r for r in github.requests if r.path.startswith("/api/v3")]
    assert {r.headers["x-github-api-version"] for r in rest} == {"2022-11-28"}


def test_unreachable_github_is_a_delivery_error(make_forge: MakeForge) -> None:
    """No server at the base URL: a DeliveryError naming it, not a raw httpx error."""
    forge = make_forge(base_url="http://127.0.0.1:9")
    with pytest.raises(DeliveryError, match=r"no answer from GitHub at http://127\.0\.0\.1:9"):
        _open(forge)


def test_reprs_hide_the_token(make_forge: MakeForge) -> None:
    """Neither the forge nor its config shows the token in a repr or a JSON dump."""
    forge = make_forge()
    config = GitHubTokenAuth(token=SecretStr(TOKEN))
    assert TOKEN not in repr(forge) + repr(config) + config.model_dump_json()
