"""End to end delivery: `run --open-pr` pushes the run's branch to a local bare repo (served
over HTTP behind the token) and opens, then updates, one pull request on the fake GitHub;
failed gates (or an incomplete item) open a draft; `--dry-run` touches nothing; the token
is in no artefact."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import git
import pytest

from agent.report.schema import Report
from tests.e2e.helpers import CLI, QUICK_GATES, REPO_ROOT
from tests.fakes.git_http_server import GitHttpHost, serve_git
from tests.fakes.github_server import FakeGitHub, serve

pytestmark = pytest.mark.slow

TOKEN = "ghp_publishEndToEnd0123456789abcdefQRS"
"""The only token the fakes accept; no artefact of a run may contain it."""

CRITERIA_TABLE = "| # | acceptance criterion | tests | met |"


def _env(github: FakeGitHub, **extra: str) -> dict[str, str]:
    """This process's environment without any GITHUB_*, pointed at the fake GitHub."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return {**env, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github.url, **extra}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`backend-agent run ARGS --sandbox local`, as a user would start it (the quick gates
    unless ARGS name others)."""
    gates = [] if "--gates" in args else ["--gates", QUICK_GATES]
    return subprocess.run(
        [*CLI, "run", *args, "--sandbox", "local", *gates],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _remote(root: Path, slug: str, files: dict[str, str] | None = None) -> Path:
    """A bare repo `root/<slug>.git` whose `main` holds a README (and `files`)."""
    bare = root / f"{slug}.git"
    git.Repo.init(bare, bare=True, initial_branch="main")
    seed = git.Repo.init(root / f"seed-{slug.replace('/', '-')}", initial_branch="main")
    for name, text in {"README.md": "svc\n", **(files or {})}.items():
        (Path(seed.working_dir) / name).write_text(text)
        seed.index.add([name])
    seed.index.commit("Initial commit")
    seed.git.push(str(bare), "main")
    return bare


def _remote_sha(bare: Path, branch: str) -> str | None:
    heads = {h.name: h.commit.hexsha for h in git.Repo(bare).heads}
    return heads.get(branch)


@dataclass
class Published:
    """Two runs with --open-pr on one clone, and everything they left behind."""

    repo: Path
    bare: Path
    github: FakeGitHub
    host: GitHttpHost
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    first_report: Report
    first_body: str
    branch: str


def _report(repo: Path, run_id: str) -> Report:
    path = repo / ".backend-agent" / "runs" / run_id / "report.json"
    return Report.model_validate_json(path.read_text())


def _runs(repo: Path) -> list[str]:
    runs = (repo / ".backend-agent" / "runs").iterdir()
    return [p.name for p in sorted(runs, key=lambda p: p.stat().st_mtime)]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """The example backlog, then a second backlog on the same branch: both --open-pr.

    The clone's `origin` is the bare repo served over HTTP, answering only to the token,
    so the push really authenticates; its URL names `octo/svc`, the forge's repository.
    """
    root = tmp_path_factory.mktemp("publish")
    bare = _remote(root / "git", "octo/svc")
    repo = root / "svc"
    clone = git.Repo.clone_from(bare, repo)
    with (
        serve(FakeGitHub(tokens={TOKEN})) as github,
        serve_git(GitHttpHost(root / "git", "x-access-token", TOKEN)) as host,
    ):
        clone.remotes.origin.set_url(f"{host.url}/octo/svc.git")
        env = _env(github)
        labels = ["--label", "backend-agent", "--label", "needs-review"]
        first = _run(
            "examples/taskboard.json", "--repo", str(repo), "--open-pr", *labels,
            "--issue", "6", env=env,
        )  # fmt: skip
        [run_id] = _runs(repo)
        report = _report(repo, run_id)
        branch = str(report.run.branch)
        body = github.pulls[0].body if github.pulls else ""
        second = _run(
            "tests/data/notes.json", "--repo", str(repo), "--open-pr", "--branch", branch,
            env=env,
        )  # fmt: skip
        yield Published(repo, bare, github, host, first, second, report, body or "", branch)


def test_open_pr_pushes_the_branch_and_opens_one_pull_request(published: Published) -> None:
    """The first run pushes its branch (with the token, over HTTP) and opens one PR into
    `main` whose body has the criteria table, the gates' figures, and `Closes #6`. Every
    gate passed but the rules are a model's: exit 4, and the PR is a draft that says so."""
    p = published
    assert p.first.returncode == 4, p.first.stderr[-3000:]
    delivery = p.first_report.delivery
    assert delivery is not None and delivery.pull_request is not None
    assert delivery.pull_request.number == 1 and delivery.pull_request.created
    assert delivery.pull_request.draft and delivery.base == "main"
    assert "Draft: 3 item(s) incomplete: every gate passed, but criteria" in p.first_body
    assert "> - TASK-1: 1 criterion not met, 3 not implemented" in p.first_body
    assert delivery.pushed_sha is not None and delivery.remote == f"{p.host.url}/octo/svc.git"
    assert p.host.expected() in p.host.authorizations
    figures = p.first_report.test_results
    assert f"line coverage: {figures.unit_test_coverage}%" in p.first_body
    assert f"tests passed: {figures.integration_tests_passed}" in p.first_body
    assert CRITERIA_TABLE in p.first_body and "| lint | pass |" in p.first_body
    assert "A task cannot move from done back to todo" in p.first_body  # not implemented
    assert "alembic upgrade head" in p.first_body  # how to run it
    assert p.first_body.rstrip().endswith("Closes #6")
    assert "pull request #1 (draft)" in p.first.stderr


def test_second_run_on_the_branch_updates_that_pull_request(published: Published) -> None:
    """A second backlog on the same branch pushes on top and edits PR #1: still one PR."""
    p = published
    assert p.second.returncode == 4, p.second.stderr[-3000:]
    [pull] = p.github.pulls
    assert (pull.number, pull.head, pull.base, pull.draft) == (1, p.branch, "main", True)
    assert pull.title == "backend-agent: NOTE-1" and "NOTE-1" in (pull.body or "")
    assert pull.labels == ["backend-agent", "needs-review"]
    calls = [(r.method, r.path) for r in p.github.requests]
    assert calls.count(("POST", "/repos/octo/svc/pulls")) == 1
    assert ("PATCH", "/repos/octo/svc/pulls/1") in calls
    second = _report(p.repo, _runs(p.repo)[1])
    assert second.delivery is not None and second.delivery.pull_request is not None
    assert second.delivery.pull_request.number == 1 and not second.delivery.pull_request.created
    assert _remote_sha(p.bare, p.branch) == second.delivery.pushed_sha
    assert git.Repo(p.repo).heads[p.branch].commit.hexsha == second.delivery.pushed_sha


def _leaks(root: Path) -> list[str]:
    """Files under `root`, and git objects of any repo in it, whose bytes hold the token."""
    needle = TOKEN.encode()
    found = [str(f) for f in root.rglob("*") if f.is_file() and needle in f.read_bytes()]
    for git_dir in [root, *root.rglob("*.git"), *root.rglob(".git")]:
        if (git_dir / "HEAD").is_file() and (git_dir / "objects").is_dir():
            objects = subprocess.run(
                ["git", "--git-dir", str(git_dir), "cat-file", "--batch-all-objects", "--batch"],
                capture_output=True,
                check=True,
            ).stdout
            found += [f"{git_dir} (objects)"] if needle in objects else []
    return found


def test_the_token_is_in_no_artefact(published: Published) -> None:
    """The token reached GitHub and git (so it was there to leak), yet is not in stdout or
    stderr, report.json / report.md / trajectory.jsonl, the PR title or body, any request
    body the fake GitHub got, `.git/config`, commit messages, or any file or git object of
    the clone or the bare remote."""
    p = published
    assert any(TOKEN in r.headers.get("authorization", "") for r in p.github.requests)
    assert p.host.expected() in p.host.authorizations
    for done in (p.first, p.second):
        assert TOKEN not in done.stdout + done.stderr
    for run_id in _runs(p.repo):
        folder = p.repo / ".backend-agent" / "runs" / run_id
        for name in ("report.json", "report.md", "trajectory.jsonl", "pull_request.md"):
            assert TOKEN not in (folder / name).read_text(), name
    [pull] = p.github.pulls
    assert TOKEN not in f"{pull.title}\n{pull.body}"
    assert all(TOKEN not in json.dumps(r.json) for r in p.github.requests)
    assert TOKEN not in (p.repo / ".git" / "config").read_text()
    assert TOKEN not in git.Repo(p.repo).git.log("--all", "--format=%B")
    assert _leaks(p.repo) == [] and _leaks(p.bare) == []


def test_failed_gates_open_a_draft_listing_the_failures(tmp_path: Path) -> None:
    """A defect planted on the remote's `main` (an unused import) fails the lint gate:
    the run exits 1 and opens a draft whose body names the item, the gate and the finding.
    The remote is a local path, so `GITHUB_REPOSITORY` names the forge's repository."""
    bare = _remote(tmp_path / "git", "octo/broken", {"legacy.py": "import os\n"})
    repo = tmp_path / "svc"
    git.Repo.clone_from(bare, repo)
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = _env(github, GITHUB_REPOSITORY="octo/broken")
        done = _run("tests/data/notes.json", "--repo", str(repo), "--gates", "lint",
                    "--open-pr", env=env)  # fmt: skip
    assert done.returncode == 1, done.stderr[-3000:]
    [pull] = github.pulls
    body = pull.body or ""
    assert (pull.owner, pull.repo, pull.draft) == ("octo", "broken", True)
    assert "Draft: 1 item(s) failed their gates" in body
    assert "NOTE-1: lint" in body and "legacy.py" in body and "F401" in body
    assert "| lint | FAIL |" in body and CRITERIA_TABLE in body
    assert _remote_sha(bare, pull.head) == git.Repo(repo).heads[pull.head].commit.hexsha
    assert "pull request #1 (draft)" in done.stderr


def test_dry_run_prints_the_pull_request_and_touches_nothing(tmp_path: Path) -> None:
    """`--dry-run` prints the PR it would open (title, draft, labels, body) and sends
    nothing: no request to GitHub, no branch on the remote; the report says why. The rule
    of NOTE-1 is left to a model: exit 4, a draft."""
    bare = _remote(tmp_path / "git", "octo/svc")
    repo = tmp_path / "svc"
    git.Repo.clone_from(bare, repo)
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        done = _run("tests/data/notes.json", "--repo", str(repo), "--gates", "lint",
                    "--dry-run", "--label", "agent", env=_env(github))  # fmt: skip
    assert done.returncode == 4, done.stderr[-3000:]
    assert github.requests == [] and github.pulls == []
    assert [h.name for h in git.Repo(bare).heads] == ["main"]
    out = done.stdout
    assert "title: backend-agent: NOTE-1" in out and "draft: yes" in out
    assert "labels: agent" in out and "head: backend-agent/NOTE-1 -> base: main" in out
    assert CRITERIA_TABLE in out and "| lint | pass |" in out
    [run_id] = _runs(repo)
    delivery = _report(repo, run_id).delivery
    assert delivery is not None and delivery.pull_request is None
    assert delivery.pushed_sha is None and (delivery.skipped or "").startswith("dry run")
