"""The token reaches the git host and nothing else: not `.git/config`, remote URLs, errors, logs."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from pydantic import SecretStr

from agent.delivery.askpass import GitCredentials
from agent.delivery.push import push_branch
from agent.errors import DeliveryError
from tests.delivery.conftest import TOKEN, commit_file, human_clone
from tests.fakes.git_http_server import GitHttpHost, serve_git


@pytest.fixture
def git_host(bare_remote: Path) -> Iterator[GitHttpHost]:
    """`bare_remote` served over HTTP, accepting only `x-access-token:TOKEN`."""
    with serve_git(GitHttpHost(bare_remote.parent, "x-access-token", TOKEN)) as host:
        yield host


@pytest.fixture
def http_repo(work_repo: git.Repo, git_host: GitHttpHost) -> git.Repo:
    """The work repo with `origin` pointing at the HTTP host (no credentials in the URL)."""
    work_repo.remotes.origin.set_url(f"{git_host.url}/remote.git")
    return work_repo


def _files_with(root: Path, secret: str) -> list[Path]:
    """Every file under `root` whose bytes contain `secret`."""
    needle = secret.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def _askpass_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("backend-agent-askpass-*")}


def test_https_push_authenticates_without_saving_the_token(
    http_repo: git.Repo,
    git_host: GitHttpHost,
    bare_remote: Path,
    all_logs: pytest.LogCaptureFixture,
) -> None:
    """The token reaches the host through askpass; config, URL, logs and temp files stay clean."""
    before = _askpass_dirs()
    result = push_branch(
        http_repo.working_dir, "agent/run-1", credentials=GitCredentials(SecretStr(TOKEN))
    )

    assert result.pushed
    assert git.Repo(bare_remote).commit("refs/heads/agent/run-1").hexsha == result.sha
    assert git_host.expected() in git_host.authorizations
    assert _files_with(Path(http_repo.git_dir), TOKEN) == []
    assert TOKEN not in http_repo.remotes.origin.url
    assert TOKEN not in result.remote and TOKEN not in all_logs.text
    assert _askpass_dirs() == before


def test_no_credential_helper_stores_the_token(
    http_repo: git.Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with `credential.helper=store` configured, the token is not written to its file."""
    store = tmp_path / "git-credentials"
    with http_repo.config_writer() as config:
        config.set_value("credential", "helper", f"store --file={store}")
    monkeypatch.setenv("HOME", str(tmp_path))

    push_branch(http_repo.working_dir, "agent/run-1", credentials=GitCredentials(SecretStr(TOKEN)))

    assert not store.exists() or TOKEN not in store.read_text()
    assert not (tmp_path / ".git-credentials").exists()


def test_wrong_token_is_refused_without_showing_it(
    http_repo: git.Repo, all_logs: pytest.LogCaptureFixture
) -> None:
    """A refused push says authentication failed; neither the token nor the wrong one appears."""
    wrong = "ghp_wrongTokenForThePushTest0123456789"
    with pytest.raises(DeliveryError, match="authentication failed") as caught:
        push_branch(
            http_repo.working_dir, "agent/run-1", credentials=GitCredentials(SecretStr(wrong))
        )

    assert wrong not in str(caught.value) and TOKEN not in str(caught.value)
    assert wrong not in all_logs.text


def test_credentials_in_a_remote_url_are_not_repeated(
    work_repo: git.Repo,
    git_host: GitHttpHost,
    bare_remote: Path,
    tmp_path: Path,
    all_logs: pytest.LogCaptureFixture,
) -> None:
    """A `--remote` URL with user:token in it works; results, logs and `.git/` never show it."""
    url = git_host.url.replace("http://", f"http://x-access-token:{TOKEN}@") + "/remote.git"
    push_branch(work_repo.working_dir, "agent/run-1", remote=url)
    other = human_clone(bare_remote, tmp_path / "other", "agent/run-1")
    commit_file(other, "theirs.py", "z = 3\n", "A human's commit")
    other.git.push("origin", "agent/run-1")
    commit_file(work_repo, "more.py", "y = 2\n", "More")

    with pytest.raises(DeliveryError, match="moved") as caught:
        push_branch(work_repo.working_dir, "agent/run-1", remote=url)

    assert TOKEN not in str(caught.value) and TOKEN not in all_logs.text
    assert (Path(work_repo.git_dir) / "FETCH_HEAD").exists()  # the fetch ran with that URL
    assert _files_with(Path(work_repo.git_dir), TOKEN) == []
