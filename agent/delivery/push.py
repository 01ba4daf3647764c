"""Push the branch the agent committed on to its remote, fast-forward only.

The agent never force-pushes over commits it did not make: when the remote branch has
commits the local branch lacks, `push_branch` stops with `DeliveryError` and says the
remote branch moved. The one exception is `lease`: the commit the agent itself pushed
last time (kept in the run's state). When the remote still points exactly there, a
rewritten local branch (squashed repairs) replaces it with `--force-with-lease`.

Credentials reach git only through `askpass.git_auth_env`; nothing is written to the
repository's configuration and the remote URL is passed per command, never saved.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import git

from agent.delivery.askpass import NO_HELPER_ARGS, GitCredentials, git_auth_env
from agent.delivery.redact import redact, strip_userinfo
from agent.errors import DeliveryError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushResult:
    """What the push did. `remote` is the URL without any user:password part."""

    branch: str
    remote: str
    sha: str
    previous_sha: str | None
    pushed: bool
    forced: bool = False


@dataclass(frozen=True)
class _Git:
    """Runs git commands in one repository with one environment; messages are redacted."""

    repo: git.Repo
    env: dict[str, str]
    credentials: GitCredentials | None

    def run(self, *args: str, check: bool = True) -> tuple[int, str, str]:
        argv = ["git", *NO_HELPER_ARGS, *args]
        status, out, err = self.repo.git.execute(
            argv, env=self.env, with_extended_output=True, with_exceptions=False
        )
        if check and status != 0:
            raise DeliveryError(self.explain(args[0], err))
        return int(status or 0), str(out), str(err)

    def explain(self, command: str, stderr: str) -> str:
        secret = self.credentials.token if self.credentials else None
        text = redact(stderr.strip(), [secret])
        if "Authentication failed" in stderr or "could not read Username" in stderr:
            hint = "check the token" if secret else "no token was given for this remote"
            return f"git {command} was refused: authentication failed ({text}); {hint}"
        return f"git {command} failed: {text}"


def push_branch(
    repo_path: git.Repo | str | os.PathLike[str],
    branch: str,
    *,
    remote: str | None = None,
    credentials: GitCredentials | None = None,
    lease: str | None = None,
) -> PushResult:
    """Push local `branch` to the same branch of the remote and say what happened.

    `repo_path` is the working tree (or an open `git.Repo`). `remote` is a URL, a path,
    or the name of a configured remote; by default the repository's `origin`. Raises
    `DeliveryError` when the remote branch moved, when the remote refuses, or when
    `branch` does not exist locally.
    """
    repo = _open(repo_path)
    sha = _local_sha(repo, branch)
    target = _target_url(repo, remote)
    shown = strip_userinfo(target)
    with git_auth_env(credentials) as env:
        runner = _Git(repo, env, credentials)
        previous = _remote_sha(runner, target, branch)
        if previous == sha:
            log.info("branch %s is already at %s on %s", branch, sha[:12], shown)
            return PushResult(branch, shown, sha, previous, pushed=False)
        forced = previous is not None and _needs_force(
            runner, target, branch, previous, sha, lease=lease
        )
        _push(runner, target, branch, lease=previous if forced else None)
    log.info("pushed %s (%s) to %s", branch, sha[:12], shown)
    return PushResult(branch, shown, sha, previous, pushed=True, forced=forced)


def _open(repo_path: git.Repo | str | os.PathLike[str]) -> git.Repo:
    if isinstance(repo_path, git.Repo):
        return repo_path
    try:
        return git.Repo(repo_path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise DeliveryError(f"{repo_path} is not a git repository") from exc


def _local_sha(repo: git.Repo, branch: str) -> str:
    try:
        return str(repo.heads[branch].commit.hexsha)
    except IndexError as exc:
        raise DeliveryError(f"there is no local branch {branch!r} to push") from exc


def _target_url(repo: git.Repo, remote: str | None) -> str:
    name = remote or "origin"
    if name in [r.name for r in repo.remotes]:
        return str(repo.remotes[name].url)
    if remote is None:
        raise DeliveryError("the repository has no `origin` remote; pass --remote URL")
    return remote


def _remote_sha(runner: _Git, target: str, branch: str) -> str | None:
    _, out, _ = runner.run("ls-remote", "--heads", target, f"refs/heads/{branch}")
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def _needs_force(
    runner: _Git, target: str, branch: str, previous: str, sha: str, *, lease: str | None
) -> bool:
    """False for a fast-forward, True when `lease` allows replacing the agent's own push."""
    known, _, _ = runner.run("cat-file", "-e", f"{previous}^{{commit}}", check=False)
    if known != 0:
        runner.run("fetch", "--no-tags", "--quiet", target, f"refs/heads/{branch}")
    status, _, _ = runner.run("merge-base", "--is-ancestor", previous, sha, check=False)
    if status == 0:
        return False
    if lease is not None and lease == previous:
        return True
    raise DeliveryError(
        f"the remote branch {branch!r} moved: it is at {previous[:12]}, which is not in the "
        f"local branch ({sha[:12]}); someone else pushed to it. Not force-pushing: merge "
        "or rebase those commits, or deliver on a new branch."
    )


def _push(runner: _Git, target: str, branch: str, *, lease: str | None) -> None:
    ref = f"refs/heads/{branch}"
    args = ["push", "--porcelain", target, f"{ref}:{ref}"]
    if lease is not None:
        args.insert(1, f"--force-with-lease={ref}:{lease}")
    status, out, err = runner.run(*args, check=False)
    if status == 0:
        return
    if "[rejected]" in out or "non-fast-forward" in err or "stale info" in out + err:
        raise DeliveryError(
            f"the remote branch {branch!r} moved while pushing; not force-pushing over it"
        )
    raise DeliveryError(runner.explain("push", err or out))
