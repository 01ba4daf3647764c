"""The fake GitHub answers in shapes githubkit's response models accept, as github.com does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from githubkit.compat import type_validate_python
from githubkit_schemas.latest.models import (
    IssueComment,
    Label,
    PullRequest,
    PullRequestSimple,
)

from tests.delivery.conftest import TOKEN
from tests.fakes.github_server import FakeGitHub


@pytest.mark.parametrize("prefix", ["", "/api/v3"])
def test_payloads_parse_as_githubkit_models(github: FakeGitHub, prefix: str) -> None:
    """Every payload the fake returns validates against the model githubkit parses it with."""
    headers = {"Authorization": f"token {TOKEN}"}
    root = f"{github.url}{prefix}/repos/octo/svc"
    with httpx.Client(headers=headers) as client:
        created = client.post(f"{root}/pulls", json={"head": "b", "base": "main", "title": "t"})
        listed = client.get(f"{root}/pulls", params={"head": "octo:b"})
        labels = client.post(f"{root}/issues/1/labels", json={"labels": ["x"]})
        comment = client.post(f"{root}/issues/1/comments", json={"body": "hi"})

    checks: list[tuple[httpx.Response, Any]] = [
        (created, PullRequest),
        (listed, list[PullRequestSimple]),
        (labels, list[Label]),
        (comment, IssueComment),
    ]
    for response, model in checks:
        assert response.is_success, response.text
        type_validate_python(model, response.json())
    assert created.json()["url"].startswith(f"{github.url}{prefix}/repos/")


def test_records_requests_and_rejects_unknown_tokens(github: FakeGitHub) -> None:
    """Requests are recorded as sent; a token the server does not know gets 401 Bad credentials."""
    response = httpx.get(
        f"{github.url}/repos/octo/svc/pulls", headers={"Authorization": "token nope"}
    )

    assert response.status_code == 401 and response.json()["message"] == "Bad credentials"
    [recorded] = github.requests
    assert (recorded.method, recorded.path) == ("GET", "/repos/octo/svc/pulls")
    assert recorded.headers["authorization"] == "token nope"
