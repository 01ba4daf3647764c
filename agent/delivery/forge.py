"""The forge seam: open or update the pull request of a branch, comment on an issue.

A `Forge` is bound to one repository when it is built (at the edge); nodes only call it.
Running `open_or_update_pr` again for the same head branch updates that pull request and
never opens a second one. `InMemoryForge` is the fake beside the seam for node tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from agent.delivery.askpass import GitCredentials


@dataclass(frozen=True)
class PullRequest:
    """The pull (or merge) request as the forge left it.

    `created` is true when this call opened it, false when it updated an existing one.
    `draft` is the state the forge reports after the call, which is the truth a report
    should print even when a requested flip could not be made.
    """

    number: int
    url: str
    state: Literal["open", "closed", "merged"]
    draft: bool
    created: bool


@runtime_checkable
class Forge(Protocol):
    """Where pull requests live (GitHub, GitHub Enterprise, GitLab).

    Implementations raise `agent.errors.DeliveryError` when the forge refuses (bad
    credentials, missing permission, rate limit outlasting the retries).
    """

    def open_or_update_pr(
        self,
        *,
        head: str,
        base: str,
        title: str,
        body: str,
        draft: bool,
        labels: Sequence[str],
        closes_issue: int | None,
    ) -> PullRequest:
        """Open the pull request of `head` into `base`, or update the open one."""
        ...

    def comment_on_issue(self, number: int, body: str) -> None:
        """Add a comment to issue (or pull request) `number`."""
        ...

    def git_credentials(self) -> GitCredentials | None:
        """Credentials for pushing the branch over HTTPS to this forge (None: git's own)."""
        ...


def pr_body(body: str, closes_issue: int | None) -> str:
    """The body as sent: `body`, then `Closes #N` on its own line when a run came from issue N."""
    if closes_issue is None:
        return body
    closing = f"Closes #{closes_issue}"
    if closing in body:
        return body
    return f"{body.rstrip()}\n\n{closing}\n"


@dataclass
class _StoredPR:
    number: int
    head: str
    base: str
    title: str
    body: str
    draft: bool
    labels: list[str]


@dataclass
class InMemoryForge:
    """A forge in memory, for tests of the nodes that deliver: same contract, no network."""

    url_prefix: str = "https://forge.invalid/pulls/"
    pulls: list[_StoredPR] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)

    def open_or_update_pr(
        self,
        *,
        head: str,
        base: str,
        title: str,
        body: str,
        draft: bool,
        labels: Sequence[str],
        closes_issue: int | None,
    ) -> PullRequest:
        """Store or update the one pull request of `head`."""
        text = pr_body(body, closes_issue)
        existing = next((pr for pr in self.pulls if pr.head == head), None)
        if existing is None:
            existing = _StoredPR(len(self.pulls) + 1, head, base, title, text, draft, [])
            self.pulls.append(existing)
            created = True
        else:
            existing.title, existing.body, existing.draft = title, text, draft
            created = False
        existing.labels.extend(name for name in labels if name not in existing.labels)
        url = f"{self.url_prefix}{existing.number}"
        return PullRequest(existing.number, url, "open", existing.draft, created)

    def comment_on_issue(self, number: int, body: str) -> None:
        """Record the comment."""
        self.comments.append((number, body))

    def git_credentials(self) -> GitCredentials | None:
        """None: pushes use whatever git already has (a local path needs nothing)."""
        return None
