"""The fake GitHub's issue and collaborator-permission answers parse as githubkit's models,
and the permission check reads them through githubkit as it reads github.com."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from githubkit.compat import type_validate_python
from githubkit_schemas.latest.models import Issue, RepositoryCollaboratorPermission
from pydantic import SecretStr

from agent.delivery.github import GitHubTokenAuth
from agent.webhook import GitHubPermissions
from tests.fakes.github_server import FakeGitHub
from tests.webhook.conftest import TOKEN, open_issue


def test_payloads_parse_as_githubkit_models(github: FakeGitHub) -> None:
    """GET issue and GET collaborator permission (and the event's issue) validate."""
    issue = open_issue(github)
    event = github.labeled_event(issue, "agent:backend", "alice")
    headers = {"Authorization": f"token {TOKEN}"}
    root = f"{github.url}/repos/octo/svc"
    with httpx.Client(headers=headers) as client:
        got = client.get(f"{root}/issues/{issue.number}")
        permission = client.get(f"{root}/collaborators/alice/permission")
    checks: list[tuple[Any, Any]] = [
        (got.json(), Issue),
        (permission.json(), RepositoryCollaboratorPermission),
        (event["issue"], Issue),
    ]
    for payload, model in checks:
        type_validate_python(model, payload)
    assert permission.json()["permission"] == "write"


def test_permission_check_reads_role_and_base_permission(github: FakeGitHub) -> None:
    """Roles as GitHub names them: maintain (base write) and write pass, triage (base
    read) and read do not; a custom role counts by its base permission."""
    github.collaborators["cara"] = "release-manager"
    check = GitHubPermissions(GitHubTokenAuth(token=SecretStr(TOKEN)), github.url)

    async def roles() -> list[str]:
        return [await check.role("octo/svc", u) for u in ("mia", "alice", "tom", "rita", "cara")]

    assert asyncio.run(roles()) == ["maintain", "write", "read", "read", "release-manager"]
