"""Messages that send a user the right way: each names only flags its command has, and what
the run reports and leaves behind is true (duration, a clean tree). Commands run through
typer's CliRunner, in this process, refused before any run starts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import git
import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from agent.cli import app
from agent.config import RunConfig, Settings
from agent.delivery.git import STATE_IGNORE, commit_all, open_repo
from agent.errors import ConfigError
from agent.jobs.execute import JobDeps, job_forge
from agent.jobs.job import Job
from agent.models.factory import ProviderKeys
from agent.report.build import build_report
from agent.spec.types import ServiceSpec
from evals.cli import eval_app
from tests.evals.suites import small_suite

runner = CliRunner()
BACKLOG = Path(__file__).parents[1] / "data" / "notes.json"
# Nothing of these in the commands' environment: no base URL, no GitHub credentials.
UNSET: dict[str, str | None] = {
    name: None
    for name in (
        "OPENAI_BASE_URL", "GITHUB_TOKEN", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY",
        "GITHUB_APP_PRIVATE_KEY_PATH", "GITHUB_APP_INSTALLATION_ID",
    )
}  # fmt: skip


def options(group: typer.Typer, name: str) -> set[str]:
    """Every --flag of one command of `group`."""
    command = typer.main.get_command(group)
    assert isinstance(command, TyperGroup)
    return {o for p in command.commands[name].params for o in p.opts if o.startswith("--")}


def named_flags(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))


def _saved_run(repo: Path, model: str) -> str:
    folder = repo / ".backend-agent" / "runs" / "r1"
    folder.mkdir(parents=True)
    config = RunConfig(run_id="r1", backlog=folder / "backlog.json", repo=repo, model=model)
    (folder / "config.json").write_text(config.model_dump_json())
    return "r1"


@pytest.mark.parametrize("command", ["run", "resume", "eval"])
def test_a_base_url_is_asked_for_with_a_flag_the_command_has(command: str, tmp_path: Path) -> None:
    """openai-compatible without a base URL: exit 2 before anything runs; the message
    names --base-url (which run, resume and eval each take) and OPENAI_BASE_URL, and no
    flag the command does not have."""
    model = "openai-compatible:qwen2.5-coder"
    repo = tmp_path / "svc"
    group, name, args = {
        "run": (app, "run", ["run", str(BACKLOG), "--repo", str(repo), "--model", model]),
        "resume": (app, "resume", ["resume", _saved_run(repo, model), "--repo", str(repo)]),
        "eval": (eval_app, "run", ["run", str(small_suite(tmp_path)), "--model", model]),
    }[command]
    done = runner.invoke(group, args, env=UNSET)
    message = " ".join(done.output.split())
    assert done.exit_code == 2, done.output
    assert "needs the server's base URL: pass --base-url URL or set OPENAI_BASE_URL" in message
    assert "--base-url" in options(group, name)
    assert named_flags(message) <= options(group, name)
    assert not (repo / ".git").exists()


def test_resume_asks_for_a_missing_key_without_naming_a_flag_it_lacks(tmp_path: Path) -> None:
    """resume has no --model (the run's own is used): a missing key is named as the
    variable to set, with no flag resume does not have."""
    repo = tmp_path / "svc"
    args = ["resume", _saved_run(repo, "anthropic:claude-sonnet-4-5"), "--repo", str(repo)]
    done = runner.invoke(app, args, env={**UNSET, "ANTHROPIC_API_KEY": None})
    message = " ".join(done.output.split())
    assert done.exit_code == 2, done.output
    assert "needs an API key: set ANTHROPIC_API_KEY" in message
    assert named_flags(message) <= options(app, "resume"), message


def test_serve_and_enqueue_take_a_base_url_for_their_jobs() -> None:
    """serve and enqueue put the jobs' model on the queue; they take --base-url too."""
    assert "--base-url" in options(app, "serve") and "--base-url" in options(app, "enqueue")


def test_a_base_url_with_credentials_is_refused(tmp_path: Path) -> None:
    """A base URL is saved with the run and put in jobs: a password in it is refused, and
    the message says where a key goes."""
    args = ["run", str(BACKLOG), "--repo", str(tmp_path / "svc"), "--model", "openai:gpt-5"]
    done = runner.invoke(app, [*args, "--base-url", "https://me:secret@llm.example/v1"])
    assert done.exit_code == 2
    assert "put no credentials in the URL" in done.output and "secret" not in done.output


def test_serve_without_github_credentials_names_no_flag_it_lacks() -> None:
    """serve without GITHUB_TOKEN or a GitHub App: exit 2, saying what needs them and what
    to set, with no --open-pr or --dry-run (serve has neither)."""
    done = runner.invoke(app, ["serve", "--port", "0"], env=UNSET)
    message = " ".join(done.output.split())
    assert done.exit_code == 2, done.output
    assert "serve needs GitHub credentials" in message and "GITHUB_TOKEN" in message
    assert named_flags(message) <= options(app, "serve"), message


def test_a_worker_without_github_credentials_names_no_flag() -> None:
    """A job that opens a PR on a worker without credentials: the error (its failure, in
    the worker's log) says to set them on the worker, naming no command-line flag."""
    job = Job(backlog={"backlog_items": []}, clone_url="/x", repository="o/r", open_pr=True)
    settings = Settings(github_token=None, github_app_id=None)  # type: ignore[call-arg]
    with pytest.raises(ConfigError) as refused:
        job_forge(job, JobDeps(settings, ProviderKeys()))
    assert "on the worker" in str(refused.value) and named_flags(str(refused.value)) == set()


def test_the_report_says_how_long_the_run_took(tmp_path: Path) -> None:
    """run.duration_s is finished_at minus started_at, in seconds."""
    started = datetime.now(UTC) - timedelta(seconds=90)
    report = build_report(
        records=[],
        spec=ServiceSpec(),
        migrations=[],
        config=RunConfig(run_id="t", backlog=tmp_path / "b.json", repo=tmp_path),
        sandbox="local",
        started_at=started.isoformat(),
        branch=None,
    )
    assert report.run.finished_at is not None and report.run.duration_s is not None
    took = datetime.fromisoformat(report.run.finished_at) - started
    assert report.run.duration_s == pytest.approx(took.total_seconds(), abs=0.01)
    assert 90 <= report.run.duration_s < 120


def test_a_repo_that_committed_its_run_records_is_cleaned_up(tmp_path: Path) -> None:
    """A service repo from before runs.sqlite was ignored: the next commit takes the
    database out of git (it stays on disk for `runs` and `resume`) and the ignore file
    gets the missing lines, keeping the user's; afterwards a rewritten database leaves the
    tree clean."""
    author = git.Actor("t", "t@example.com")
    repo = open_repo(tmp_path / "svc", author)
    state = tmp_path / "svc" / ".backend-agent"
    (state / ".gitignore").write_text("runs/\ncheckpoints.sqlite*\nverify/\nmine.txt\n")
    (state / "runs.sqlite").write_bytes(b"SQLite format 3\x00 old")
    repo.git.add(A=True)
    repo.index.commit("an older version committed its run records", author=author)

    commit_all(repo, "item 1", author)
    assert repo.git.ls_files(".backend-agent").splitlines() == [".backend-agent/.gitignore"]
    assert (state / "runs.sqlite").read_bytes().startswith(b"SQLite format 3")
    lines = (state / ".gitignore").read_text().splitlines()
    assert set(STATE_IGNORE.splitlines()) | {"mine.txt"} == set(lines)
    (state / "runs.sqlite").write_bytes(b"SQLite format 3\x00 new")
    assert repo.git.status("--porcelain") == ""
