"""Local delivery with GitPython: the repo, the run's branch, one commit per item."""

from __future__ import annotations

from pathlib import Path

from git import Actor, Repo
from git.exc import InvalidGitRepositoryError, NoSuchPathError

from agent.errors import DeliveryError

STATE_IGNORE = "runs/\ncheckpoints.sqlite*\nverify/\n"


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


def commit_all(repo: Repo, message: str, author: Actor) -> str:
    """Commit every change in the tree (the state dir ignores itself); the new sha,
    or HEAD's when there was nothing to commit (a resumed run that committed already)."""
    (Path(repo.working_tree_dir or ".") / ".backend-agent").mkdir(exist_ok=True)
    ignore = Path(repo.working_tree_dir or ".") / ".backend-agent" / ".gitignore"
    if not ignore.exists():
        ignore.write_text(STATE_IGNORE)
    repo.git.add(A=True)
    if not repo.index.diff("HEAD"):
        return repo.head.commit.hexsha
    return repo.index.commit(message, author=author, committer=author).hexsha
