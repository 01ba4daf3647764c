"""Fixtures for delivery tests: a fake GitHub on a local port, forges pointed at it, git repos."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import git
import pytest
from pydantic import SecretStr

from agent.delivery.github import GitHubConfig, GitHubForge, GitHubTokenAuth
from tests.fakes.github_server import FakeGitHub, serve

TOKEN = "ghp_deliveryTestToken0123456789abcdefXYZ"
"""The only good token; tests grep every artefact for it."""


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fresh fake GitHub that accepts `TOKEN`."""
    with serve(FakeGitHub(tokens={TOKEN})) as gh:
        yield gh


@pytest.fixture
def sleeps() -> list[float]:
    """What the forge asked to sleep, in order (nothing really sleeps)."""
    return []


@pytest.fixture
def make_forge(github: FakeGitHub, sleeps: list[float]) -> Callable[..., GitHubForge]:
    """Build a forge for `octo/svc` on the fake; keywords override the config."""

    def build(**overrides: Any) -> GitHubForge:
        fields: dict[str, Any] = {
            "repo": "octo/svc",
            "base_url": github.url,
            "auth": GitHubTokenAuth(token=SecretStr(TOKEN)),
        }
        fields.update(overrides)
        return GitHubForge(GitHubConfig(**fields), sleep=sleeps.append)

    return build


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record of every library, down to DEBUG, for secret greps."""
    caplog.set_level(logging.DEBUG)
    return caplog


def commit_file(repo: git.Repo, name: str, text: str, message: str) -> str:
    """Write `name`, commit it, return the new commit's sha."""
    path = Path(repo.working_dir) / name
    path.write_text(text)
    repo.index.add([name])
    return str(repo.index.commit(message).hexsha)


def human_clone(bare: Path, path: Path, branch: str) -> git.Repo:
    """A clone of `branch` by someone other than the agent, ready to commit."""
    repo = git.Repo.clone_from(bare, path, branch=branch)
    with repo.config_writer() as config:
        config.set_value("user", "name", "a human")
        config.set_value("user", "email", "human@example.invalid")
    return repo


@pytest.fixture
def bare_remote(tmp_path: Path) -> Path:
    """An empty bare repository standing in for the remote, with `main` as its default."""
    path = tmp_path / "remote.git"
    git.Repo.init(path, bare=True, initial_branch="main")
    return path


@pytest.fixture
def work_repo(tmp_path: Path, bare_remote: Path) -> git.Repo:
    """A clone of `bare_remote` with `main` pushed and branch `agent/run-1` one commit ahead."""
    repo = git.Repo.init(tmp_path / "work", initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "backend-agent")
        config.set_value("user", "email", "agent@example.invalid")
    commit_file(repo, "README.md", "svc\n", "Initial commit")
    repo.create_remote("origin", str(bare_remote))
    repo.git.push("origin", "main")
    repo.create_head("agent/run-1").checkout()
    commit_file(repo, "app.py", "print('hi')\n", "Add the first item")
    return repo
