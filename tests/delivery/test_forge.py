"""The forge seam itself: the `Closes #N` rule and the in-memory fake's contract."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from agent.delivery.forge import Forge, InMemoryForge, pr_body
from agent.delivery.redact import redact, strip_userinfo
from agent.delivery.remotes import repo_slug


def test_pr_body_appends_closes_once() -> None:
    """`Closes #N` goes on its own line at the end, and is not repeated on a rerun's body."""
    body = pr_body("report\n", 12)
    assert body == "report\n\nCloses #12\n"
    assert pr_body(body, 12) == body
    assert pr_body("report", None) == "report"


def test_in_memory_forge_keeps_one_pull_request_per_branch() -> None:
    """The fake honours the contract: a second call for the same head updates, labels merge."""
    forge = InMemoryForge()
    assert isinstance(forge, Forge)
    first = forge.open_or_update_pr(
        head="b", base="main", title="v1", body="x", draft=True, labels=["a"], closes_issue=3
    )
    second = forge.open_or_update_pr(
        head="b", base="main", title="v2", body="y", draft=False, labels=["a", "b"],
        closes_issue=None,
    )  # fmt: skip
    forge.comment_on_issue(3, "done")

    assert first.created and not second.created and first.number == second.number
    assert len(forge.pulls) == 1 and forge.pulls[0].title == "v2" and not second.draft
    assert forge.pulls[0].labels == ["a", "b"] and forge.comments == [(3, "done")]


def test_redact_removes_secrets_and_url_credentials() -> None:
    """Messages lose secret values and the user:password part of any URL."""
    text = "push to https://x-access-token:s3cret@host/o/r.git failed with s3cret"
    assert redact(text, [SecretStr("s3cret"), None]) == (
        "push to https://***@host/o/r.git failed with ***"
    )
    assert strip_userinfo("/srv/repo.git") == "/srv/repo.git"


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://github.com/octo/svc.git", "octo/svc"),
        ("https://x-access-token:t@ghe.example/octo/svc", "octo/svc"),
        ("git@github.com:octo/svc.git", "octo/svc"),
        ("ssh://git@ghe.example:2222/octo/svc.git", "octo/svc"),
        ("https://gitlab.example/group/sub/svc.git", "group/sub/svc"),
        ("/srv/git/svc.git", None),
        ("file:///srv/git/svc.git", None),
    ],
)
def test_repo_slug_reads_owner_and_name(url: str, slug: str | None) -> None:
    """The forge repository comes from the remote URL; local paths have none."""
    assert repo_slug(url) == slug
