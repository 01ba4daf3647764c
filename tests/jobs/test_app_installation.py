"""A worker for a GitHub App installed on two accounts: a job names the installation its
repository belongs to, and the worker clones, pushes, comments and opens the PR as that
installation, not as its GITHUB_APP_INSTALLATION_ID."""

from __future__ import annotations

import base64
from pathlib import Path

import git
import pytest

from agent.jobs.job import Job
from tests.fakes.git_http_server import GitHttpHost, serve_git
from tests.fakes.github_server import FakeGitHub, app_key_pair, serve
from tests.jobs.helpers import (
    bare_remote,
    depth,
    publish,
    runs_of,
    start_worker,
    tiny_item,
    wait_until,
    worker_env,
    workers,
)

pytestmark = pytest.mark.slow

APP_ID = 424242
INSTALLATION_A = 1001  # the worker's GITHUB_APP_INSTALLATION_ID; holds acme/api
INSTALLATION_B = 2002  # holds octo/svc, the job's repository


def _token(authorization: str) -> str:
    """The token of a `token X` / `Bearer X` / HTTP Basic `user:X` Authorization header."""
    scheme, _, value = authorization.partition(" ")
    if scheme == "Basic":
        return base64.b64decode(value).decode().partition(":")[2]
    return value


def test_worker_pushes_and_opens_the_pr_as_the_jobs_installation(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """A job for issue 7 of octo/svc naming installation B, on a worker configured with App
    credentials and installation A (no token GitHub accepts): it clones and pushes over
    HTTP with B's installation tokens (the git host lets in no other), opens one PR and
    posts its progress comments with them, and never asks for A's token. With A's token
    every call on octo/svc would get 404 and the push 401."""
    private, public = app_key_pair()
    bare = bare_remote(tmp_path / "git")
    with serve(FakeGitHub()) as github:
        github.add_app(APP_ID, public)
        github.add_installation(INSTALLATION_A, "acme/api")
        github.add_installation(INSTALLATION_B, "octo/svc")
        host = GitHttpHost(tmp_path / "git", "x-access-token", "-", accepts=lambda _, token: (
            github.installation_of(token) == INSTALLATION_B))  # fmt: skip
        with serve_git(host):
            job = Job(
                backlog={"backlog_items": [tiny_item("PING-1", 50)]},
                clone_url=f"{host.url}/octo/svc.git", repository="octo/svc", issue=7,
                installation_id=INSTALLATION_B, gates=["lint"], source="webhook",
            )  # fmt: skip
            env = worker_env(
                github.url, database, GITHUB_APP_ID=str(APP_ID), GITHUB_APP_PRIVATE_KEY=private,
                GITHUB_APP_INSTALLATION_ID=str(INSTALLATION_A),
            )  # fmt: skip
            publish(queue_name, [job])
            log = tmp_path / "worker.log"
            with workers([start_worker(env, queue_name, tmp_path / "work", log)]):
                wait_until(lambda: github.pulls or depth(queue_name)[1], 180, "the PR", step=0.5)
                assert github.pulls, log.read_text()[-3000:]
                wait_until(lambda: runs_of(database)[0]["finished_at"], 60, "the run's end")
    assert depth(queue_name) == (0, 0)
    [pull] = github.pulls
    assert (pull.owner, pull.repo, pull.head) == ("octo", "svc", "backend-agent/PING-1")
    assert "backend-agent/PING-1" in [h.name for h in git.Repo(bare).heads]
    pushed_with = {github.installation_of(_token(a)) for a in host.authorizations}
    assert pushed_with == {INSTALLATION_B}
    on_repo = [r for r in github.requests if r.path.startswith("/repos/octo/svc/")]
    assert {github.installation_of(_token(r.headers["authorization"])) for r in on_repo} == {
        INSTALLATION_B
    }
    assert len(github.comments[("octo/svc", 7)]) == 3
    exchanges = {r.path for r in github.requests if r.path.endswith("/access_tokens")}
    assert exchanges == {f"/app/installations/{INSTALLATION_B}/access_tokens"}
