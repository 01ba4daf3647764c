"""Payload shapes of the GitHub REST API (docs.github.com/rest), built for the fake server.

Each builder returns every field githubkit's response models require (checked by
`tests/delivery/test_github_server.py`), with the names and nesting of GitHub's own
examples, so the real client parses them the way it parses github.com.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

_USER_LINKS = {
    "followers_url": "followers",
    "following_url": "following{/other_user}",
    "gists_url": "gists{/gist_id}",
    "starred_url": "starred{/owner}{/repo}",
    "subscriptions_url": "subscriptions",
    "organizations_url": "orgs",
    "repos_url": "repos",
    "events_url": "events{/privacy}",
    "received_events_url": "received_events",
}
_REPO_LINKS = {
    "archive_url": "{archive_format}{/ref}",
    "assignees_url": "assignees{/user}",
    "blobs_url": "git/blobs{/sha}",
    "branches_url": "branches{/branch}",
    "collaborators_url": "collaborators{/collaborator}",
    "comments_url": "comments{/number}",
    "commits_url": "commits{/sha}",
    "compare_url": "compare/{base}...{head}",
    "contents_url": "contents/{+path}",
    "contributors_url": "contributors",
    "deployments_url": "deployments",
    "downloads_url": "downloads",
    "events_url": "events",
    "forks_url": "forks",
    "git_commits_url": "git/commits{/sha}",
    "git_refs_url": "git/refs{/sha}",
    "git_tags_url": "git/tags{/sha}",
    "hooks_url": "hooks",
    "issue_comment_url": "issues/comments{/number}",
    "issue_events_url": "issues/events{/number}",
    "issues_url": "issues{/number}",
    "keys_url": "keys{/key_id}",
    "labels_url": "labels{/name}",
    "languages_url": "languages",
    "merges_url": "merges",
    "milestones_url": "milestones{/number}",
    "notifications_url": "notifications{?since,all,participating}",
    "pulls_url": "pulls{/number}",
    "releases_url": "releases{/id}",
    "stargazers_url": "stargazers",
    "statuses_url": "statuses/{sha}",
    "subscribers_url": "subscribers",
    "subscription_url": "subscription",
    "tags_url": "tags",
    "teams_url": "teams",
    "trees_url": "git/trees{/sha}",
}


def now() -> str:
    """A timestamp the way GitHub writes them."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind: str, number: int) -> str:
    """A global node id (base64, like the legacy ones) for GraphQL lookups."""
    return base64.b64encode(f"{kind}{number}".encode()).decode()


def sha_of(text: str) -> str:
    """A stable 40-hex commit id for a branch the fake knows only by name."""
    return hashlib.sha1(text.encode()).hexdigest()


def user(api: str, web: str, login: str) -> JSON:
    """A `simple-user`."""
    payload: JSON = {
        "login": login,
        "id": int(hashlib.sha1(login.encode()).hexdigest()[:6], 16),
        "node_id": node_id("User", len(login)),
        "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
        "gravatar_id": "",
        "url": f"{api}/users/{login}",
        "html_url": f"{web}/{login}",
        "type": "User",
        "site_admin": False,
    }
    payload.update({k: f"{api}/users/{login}/{v}" for k, v in _USER_LINKS.items()})
    return payload


def repository(api: str, web: str, owner: str, name: str) -> JSON:
    """A `repository` as nested in a pull request's head and base."""
    full = f"{owner}/{name}"
    payload: JSON = {
        "id": 1296269,
        "node_id": node_id("Repository", 1296269),
        "name": name,
        "full_name": full,
        "owner": user(api, web, owner),
        "private": False,
        "html_url": f"{web}/{full}",
        "description": None,
        "fork": False,
        "url": f"{api}/repos/{full}",
        "clone_url": f"{web}/{full}.git",
        "git_url": f"git:{web.split(':', 1)[1]}/{full}.git",
        "ssh_url": f"git@{web.split('//', 1)[1]}:{full}.git",
        "svn_url": f"{web}/{full}",
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "license": None,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "watchers": 0,
        "size": 108,
        "default_branch": "main",
        "open_issues_count": 0,
        "open_issues": 0,
        "has_pages": False,
        "disabled": False,
        "pushed_at": "2026-01-26T19:06:43Z",
        "created_at": "2025-01-26T19:01:12Z",
        "updated_at": "2026-01-26T19:14:43Z",
    }
    payload.update({k: f"{api}/repos/{full}/{v}" for k, v in _REPO_LINKS.items()})
    return payload


def branch_ref(api: str, web: str, owner: str, name: str, ref: str) -> JSON:
    """A pull request's `head` or `base`."""
    return {
        "label": f"{owner}:{ref}",
        "ref": ref,
        "sha": sha_of(ref),
        "user": user(api, web, owner),
        "repo": repository(api, web, owner, name),
    }


def label(api: str, full: str, name: str, number: int) -> JSON:
    """A `label`."""
    return {
        "id": 208045946 + number,
        "node_id": node_id("Label", number),
        "url": f"{api}/repos/{full}/labels/{name}",
        "name": name,
        "description": None,
        "color": "ededed",
        "default": False,
        "archived_at": None,
        "archived_by": None,
    }


def error(status: int, message: str, **extra: Any) -> JSON:
    """GitHub's error body."""
    return {
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": str(status),
        **extra,
    }


@dataclass
class StoredPull:
    """A pull request's state."""

    number: int
    owner: str
    repo: str
    head: str
    base: str
    title: str
    body: str | None
    draft: bool
    author: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)

    @property
    def node_id(self) -> str:
        return node_id("PullRequest", self.number)


def render_pull(api: str, web: str, pull: StoredPull, *, full: bool) -> dict[str, Any]:
    """GitHub's pull request payload for `pull`."""
    full_name = f"{pull.owner}/{pull.repo}"
    self_url = f"{api}/repos/{full_name}/pulls/{pull.number}"
    issue_url = f"{api}/repos/{full_name}/issues/{pull.number}"
    html = f"{web}/{full_name}/pull/{pull.number}"
    payload: dict[str, Any] = {
        "url": self_url,
        "id": 1000 + pull.number,
        "node_id": pull.node_id,
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue_url,
        "commits_url": f"{self_url}/commits",
        "review_comments_url": f"{self_url}/comments",
        "review_comment_url": f"{api}/repos/{full_name}/pulls/comments{{/number}}",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": f"{api}/repos/{full_name}/statuses/{sha_of(pull.head)}",
        "number": pull.number,
        "state": pull.state,
        "locked": False,
        "title": pull.title,
        "user": user(api, web, pull.author),
        "body": pull.body,
        "labels": [label(api, full_name, n, i) for i, n in enumerate(pull.labels)],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": pull.created_at,
        "updated_at": pull.updated_at,
        "closed_at": None,
        "merged_at": None,
        "merge_commit_sha": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": branch_ref(api, web, pull.owner, pull.repo, pull.head),
        "base": branch_ref(api, web, pull.owner, pull.repo, pull.base),
        "_links": {
            name: {"href": href}
            for name, href in {
                "self": self_url,
                "html": html,
                "issue": issue_url,
                "comments": f"{issue_url}/comments",
                "review_comments": f"{self_url}/comments",
                "review_comment": f"{api}/repos/{full_name}/pulls/comments{{/number}}",
                "commits": f"{self_url}/commits",
                "statuses": f"{api}/repos/{full_name}/statuses/{sha_of(pull.head)}",
            }.items()
        },
        "author_association": "NONE",
        "auto_merge": None,
        "draft": pull.draft,
    }
    if full:
        payload.update(
            merged=False,
            mergeable=True,
            rebaseable=True,
            mergeable_state="clean",
            merged_by=None,
            comments=0,
            review_comments=0,
            maintainer_can_modify=False,
            commits=1,
            additions=10,
            deletions=0,
            changed_files=1,
        )
    return payload


# The issue-label trigger: issues, collaborator permissions, the `issues` webhook event.

BASE_PERMISSION = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read"}


@dataclass
class StoredIssue:
    """An issue's state."""

    number: int
    owner: str
    repo: str
    title: str
    body: str | None
    author: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)


def issue(api: str, web: str, stored: StoredIssue) -> JSON:
    """An `issue` (REST `GET /repos/{o}/{r}/issues/{n}`, and `issue` in webhook events)."""
    full = f"{stored.owner}/{stored.repo}"
    url = f"{api}/repos/{full}/issues/{stored.number}"
    return {
        "id": 2000 + stored.number,
        "node_id": node_id("Issue", stored.number),
        "url": url,
        "repository_url": f"{api}/repos/{full}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{web}/{full}/issues/{stored.number}",
        "number": stored.number,
        "state": stored.state,
        "state_reason": None,
        "title": stored.title,
        "body": stored.body,
        "user": user(api, web, stored.author),
        "labels": [label(api, full, n, i) for i, n in enumerate(stored.labels)],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": 0,
        "closed_at": None,
        "created_at": stored.created_at,
        "updated_at": stored.updated_at,
        "author_association": "OWNER" if stored.author == stored.owner else "NONE",
        "reactions": {"url": f"{url}/reactions", "total_count": 0}
        | dict.fromkeys(["+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket"], 0),
    }


def collaborator_permission(api: str, web: str, login: str, role: str) -> JSON:
    """A `repository-collaborator-permission`: `permission` is the base level (maintain
    reads as write, triage as read), `role_name` the role itself."""
    base = BASE_PERMISSION.get(role, role)
    collaborator = user(api, web, login) | {
        "permissions": {
            "admin": base == "admin",
            "maintain": role in ("admin", "maintain"),
            "push": base in ("admin", "write"),
            "triage": role in ("admin", "maintain", "write", "triage"),
            "pull": True,
        },
        "role_name": role,
    }
    return {"permission": base, "role_name": role, "user": collaborator}


def issues_event(
    api: str,
    web: str,
    stored: StoredIssue,
    *,
    action: str,
    label_name: str | None,
    sender: str,
    sender_type: str = "User",
    installation: int | None = None,
) -> JSON:
    """An `issues` webhook payload (`labeled` carries the label that was added; a GitHub
    App's delivery carries the installation the repository belongs to)."""
    payload: JSON = {
        "action": action,
        "issue": issue(api, web, stored),
        "repository": repository(api, web, stored.owner, stored.repo),
        "sender": user(api, web, sender) | {"type": sender_type},
    }
    if label_name is not None:
        payload["label"] = label(api, f"{stored.owner}/{stored.repo}", label_name, 0)
    if installation is not None:
        payload["installation"] = {
            "id": installation,
            "node_id": node_id("Integration::Installation", installation),
        }
    return payload
