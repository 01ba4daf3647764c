"""Pushing the agent's branch: to a local bare repo, fast-forward only, never over others' work."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from agent.delivery.push import push_branch
from agent.errors import DeliveryError
from tests.delivery.conftest import commit_file, human_clone


def _remote_sha(bare: Path, branch: str) -> str:
    return str(git.Repo(bare).commit(f"refs/heads/{branch}").hexsha)


def test_pushes_a_new_branch_to_origin(work_repo: git.Repo, bare_remote: Path) -> None:
    """A branch the remote does not have is created there at the local commit."""
    result = push_branch(work_repo.working_dir, "agent/run-1")

    assert result.pushed and result.previous_sha is None and not result.forced
    assert _remote_sha(bare_remote, "agent/run-1") == work_repo.heads["agent/run-1"].commit.hexsha
    assert result.remote == str(bare_remote)


def test_second_push_of_the_same_commit_does_nothing(work_repo: git.Repo) -> None:
    """Delivery is idempotent: the same commit again reports `pushed=False`."""
    first = push_branch(work_repo.working_dir, "agent/run-1")
    again = push_branch(work_repo.working_dir, "agent/run-1")

    assert not again.pushed and again.sha == first.sha == again.previous_sha


def test_new_commits_fast_forward_the_remote_branch(work_repo: git.Repo, bare_remote: Path) -> None:
    """Commits added on top of what was pushed go up as a fast-forward."""
    first = push_branch(work_repo.working_dir, "agent/run-1")
    sha = commit_file(work_repo, "orders.py", "x = 1\n", "Add the second item")
    result = push_branch(work_repo.working_dir, "agent/run-1")

    assert result.pushed and result.previous_sha == first.sha and not result.forced
    assert _remote_sha(bare_remote, "agent/run-1") == sha


def test_refuses_when_the_remote_branch_moved(
    work_repo: git.Repo, bare_remote: Path, tmp_path: Path
) -> None:
    """Someone else pushed to the branch: stop with DeliveryError, leave their commit alone."""
    push_branch(work_repo.working_dir, "agent/run-1")
    other = human_clone(bare_remote, tmp_path / "other", "agent/run-1")
    theirs = commit_file(other, "hotfix.py", "fix = True\n", "A human's fix")
    other.git.push("origin", "agent/run-1")
    commit_file(work_repo, "orders.py", "x = 1\n", "Add the second item")

    with pytest.raises(DeliveryError, match="remote branch 'agent/run-1' moved"):
        push_branch(work_repo.working_dir, "agent/run-1")
    assert _remote_sha(bare_remote, "agent/run-1") == theirs


def test_lease_lets_the_agent_replace_only_its_own_push(
    work_repo: git.Repo, bare_remote: Path
) -> None:
    """A rewritten branch replaces the remote only when it still holds the agent's last push."""
    first = push_branch(work_repo.working_dir, "agent/run-1")
    work_repo.git.commit("--amend", "-m", "Add the first item (repairs squashed)")

    with pytest.raises(DeliveryError, match="moved"):
        push_branch(work_repo.working_dir, "agent/run-1")
    result = push_branch(work_repo.working_dir, "agent/run-1", lease=first.sha)

    assert result.forced and result.previous_sha == first.sha
    assert _remote_sha(bare_remote, "agent/run-1") == work_repo.head.commit.hexsha


def test_remote_argument_takes_a_file_url_and_saves_nothing(
    work_repo: git.Repo, tmp_path: Path
) -> None:
    """`--remote file://…` pushes there without adding a remote to the repository."""
    other = tmp_path / "elsewhere.git"
    git.Repo.init(other, bare=True)
    before = (Path(work_repo.git_dir) / "config").read_text()

    result = push_branch(work_repo.working_dir, "agent/run-1", remote=other.as_uri())

    assert result.pushed and _remote_sha(other, "agent/run-1") == result.sha
    assert (Path(work_repo.git_dir) / "config").read_text() == before


def test_missing_local_branch_is_a_delivery_error(work_repo: git.Repo) -> None:
    """Asking to push a branch that does not exist says so."""
    with pytest.raises(DeliveryError, match="no local branch 'nope'"):
        push_branch(work_repo.working_dir, "nope")


def test_unreachable_remote_is_a_delivery_error(work_repo: git.Repo, tmp_path: Path) -> None:
    """A remote path that is not a repository fails with git's reason, as a DeliveryError."""
    with pytest.raises(DeliveryError, match="git ls-remote failed"):
        push_branch(work_repo.working_dir, "agent/run-1", remote=str(tmp_path / "missing.git"))
