"""Local delivery with GitPython: the repo, the run's branch, one commit per item."""

from __future__ import annotations

from pathlib import Path

from git import Actor, Repo
from git.exc import InvalidGitRepositoryError, NoSuchPathError

from agent.errors import DeliveryError

# What of the agent's state dir stays out of the service's history: each run's folder
# (report, trajectory, transcripts, events), the checkpoints and the run records (binary
# databases, rewritten by every run). Only `manifest.json` and this file are committed.
STATE_IGNORE = "runs/\ncheckpoints.sqlite*\nruns.sqlite*\nverify/\n"
UNTRACKED = ".backend-agent/runs.sqlite"  # committed by versions before it was ignored


def open_repo(path: Path, author: Actor) -> Repo:
    """The git repo at `path`, created (with a first commit) when missing."""
    try:
        repo = Repo(path)
    except (InvalidGitRepositoryError, NoSuchPathError):
        path.mkdir(parents=True, exist_ok=True)
        repo = Repo.init(path, initial_branch="main")
    if not repo.head.is_valid():
        readme = path / ".backend-agent" / ".gitignore"
        readme.parent.mkdir(parents=True, exist_ok=True)
        readme.write_text(STATE_IGNORE)
        repo.index.add([str(readme.relative_to(path))])
        repo.index.commit("Start a repository for backend-agent", author=author, committer=author)
    return repo


def ensure_clean(repo: Repo) -> None:
    """Refuse to start on uncommitted work that is not ours (it would land in our commits)."""
    dirty = [
        line
        for line in repo.git.status("--porcelain").splitlines()
        if ".backend-agent/" not in line
    ]
    if dirty:
        raise DeliveryError(
            "the repo has uncommitted changes; commit or stash them first:\n"
            + "\n".join(dirty[:10])
        )


def checkout_branch(repo: Repo, name: str) -> None:
    """Switch to `name`, creating it from HEAD when it does not exist."""
    if repo.active_branch.name == name:
        return
    if name in repo.heads:
        repo.heads[name].checkout()
    else:
        repo.create_head(name).checkout()


def ignore_state(repo: Repo) -> None:
    """The state dir's `.gitignore` holds every line of STATE_IGNORE (lines a user added
    stay), and the run records an earlier version committed leave the index (not the disk)."""
    state = Path(repo.working_tree_dir or ".") / ".backend-agent"
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    lines = ignore.read_text().splitlines() if ignore.exists() else []
    missing = [line for line in STATE_IGNORE.splitlines() if line not in lines]
    if missing:
        ignore.write_text("\n".join([*lines, *missing]) + "\n")
    if repo.git.ls_files(UNTRACKED):
        repo.git.rm("--cached", "--quiet", UNTRACKED)


def commit_all(repo: Repo, message: str, author: Actor) -> str:
    """Commit every change in the tree (the state dir ignores its own state); the new sha,
    or HEAD's when there was nothing to commit (a resumed run that committed already)."""
    ignore_state(repo)
    repo.git.add(A=True)
    if not repo.index.diff("HEAD"):
        return repo.head.commit.hexsha
    return repo.index.commit(message, author=author, committer=author).hexsha
