"""The publish node with the in-memory forge, and how the edge chooses the forge."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git
import pytest
from pydantic import SecretStr

from agent.config import RunConfig, Settings
from agent.context import RunContext
from agent.delivery.forge import InMemoryForge
from agent.delivery.github import GitHubAppAuth, GitHubTokenAuth
from agent.delivery.select import check_remote, github_auth, open_forge
from agent.errors import ConfigError
from agent.nodes.publishing import publish
from agent.report.schema import GateRow, ItemReport, Report, RunInfo
from tests.delivery.conftest import commit_file


@dataclass
class _Runtime:
    context: RunContext


def _setup(repo: git.Repo, *, passed: bool, **choices: Any) -> tuple[dict[str, Any], _Runtime]:
    """A finished run's state and context on `repo`'s branch `agent/run-1`."""
    config = RunConfig(
        run_id="r1", backlog=Path("b.json"), repo=Path(repo.working_dir),
        branch="agent/run-1", base="main", **choices,
    )  # fmt: skip
    gate = GateRow(name="tests", passed=passed, summary="2 passed", duration_s=1.0,
                   failures=[] if passed else [f"{config.repo}/t.py::a: boom"])  # fmt: skip
    item = ItemReport(id="A-1", priority=1, status="passed" if passed else "failed", gates=[gate])
    report = Report(run=RunInfo(run_id="r1", model="offline", sandbox="local",
                                started_at="2024-01-01T00:00:00+00:00"), items=[item])  # fmt: skip
    config.run_dir.mkdir(parents=True)
    path = config.run_dir / "report.json"
    path.write_text(report.model_dump_json())
    context = RunContext(config=config, sandbox=None, model=None, forge=InMemoryForge())  # type: ignore[arg-type]
    return {"run_id": "r1", "report_path": str(path)}, _Runtime(context)


def test_publish_twice_updates_one_pr_and_keeps_the_lease(
    work_repo: git.Repo, bare_remote: Path
) -> None:
    """A resumed publish (same state) pushes the new commit and updates the same PR; the
    pushed sha lands in the state and report.json; a failed gate makes a draft that lists
    it, with repo-relative paths and `Closes #N`."""
    state, runtime = _setup(work_repo, passed=False, open_pr=True, labels=["x"], issue=4)
    first = publish(state, runtime)  # type: ignore[arg-type]
    sha = git.Repo(bare_remote).commit("refs/heads/agent/run-1").hexsha
    assert first["delivery"]["pushed_sha"] == sha
    commit_file(work_repo, "more.py", "x = 1\n", "More")
    second = publish({**state, **first}, runtime)  # type: ignore[arg-type]

    forge = runtime.context.forge
    assert isinstance(forge, InMemoryForge)
    [pull] = forge.pulls
    assert pull.draft and pull.labels == ["x"] and pull.base == "main"
    assert "Draft: 1 item(s) failed" in pull.body and "- tests: t.py::a: boom" in pull.body
    assert str(work_repo.working_dir) not in pull.body and pull.body.endswith("Closes #4\n")
    assert second["delivery"]["pull_request"] == {
        "number": 1, "url": "https://forge.invalid/pulls/1", "draft": True, "created": False,
    }  # fmt: skip
    assert second["delivery"]["pushed_sha"] == work_repo.head.commit.hexsha != sha
    saved = Report.model_validate_json(Path(state["report_path"]).read_text())
    assert saved.delivery is not None and saved.delivery.pushed_sha == work_repo.head.commit.hexsha


def test_no_pr_pushes_nothing_and_says_why(work_repo: git.Repo, bare_remote: Path) -> None:
    """Without --open-pr the forge is not called, nothing is pushed, the report says why."""
    state, runtime = _setup(work_repo, passed=True)
    update = publish(state, runtime)  # type: ignore[arg-type]
    assert update["delivery"]["pull_request"] is None
    assert update["delivery"]["skipped"].startswith("--no-pr")
    assert [h.name for h in git.Repo(bare_remote).heads] == ["main"]
    assert runtime.context.forge.pulls == []  # type: ignore[union-attr]


def _settings(**env: Any) -> Settings:
    return Settings.model_validate(env)


def test_github_auth_prefers_a_complete_app_then_the_token(tmp_path: Path) -> None:
    """GITHUB_APP_ID chooses the App (key from the variable, `\\n` unescaped, or a file);
    an incomplete App names what is missing; else GITHUB_TOKEN; else a ConfigError."""
    key = tmp_path / "app.pem"
    key.write_text("-----BEGIN KEY-----\nabc\n")
    app = github_auth(_settings(github_app_id="9", github_app_private_key_path=key,
                                github_app_installation_id=5, github_token="t"))  # fmt: skip
    assert isinstance(app, GitHubAppAuth) and app.private_key.get_secret_value().endswith("abc\n")
    inline = github_auth(_settings(github_app_id="9", github_app_private_key="a\\nb",
                                   github_app_installation_id=5))  # fmt: skip
    assert isinstance(inline, GitHubAppAuth) and inline.private_key.get_secret_value() == "a\nb"
    with pytest.raises(ConfigError, match="GITHUB_APP_INSTALLATION_ID"):
        github_auth(_settings(github_app_id="9", github_app_private_key="k"))
    token = github_auth(_settings(github_token="t"))
    assert isinstance(token, GitHubTokenAuth) and token.token == SecretStr("t")
    with pytest.raises(ConfigError, match="GITHUB_TOKEN"):
        github_auth(_settings())


def test_forge_repository_comes_from_the_remote_or_github_repository(
    work_repo: git.Repo,
) -> None:
    """A GitHub URL names the repository; a local path needs GITHUB_REPOSITORY; URLs with
    credentials are refused without echoing them."""
    repo = Path(work_repo.working_dir)
    forge = open_forge(_settings(github_token="t"), repo, "https://github.com/octo/svc.git")
    assert "octo/svc" in repr(forge)
    with pytest.raises(ConfigError, match="GITHUB_REPOSITORY"):
        open_forge(_settings(github_token="t"), repo, None)  # origin is a local path
    named = open_forge(_settings(github_token="t", github_repository="o/n"), repo, None)
    assert "o/n" in repr(named)
    with pytest.raises(ConfigError) as refused:
        check_remote("https://x-access-token:s3cret@github.com/octo/svc.git")
    assert "s3cret" not in str(refused.value)
    assert check_remote("git@github.com:octo/svc.git") == "git@github.com:octo/svc.git"
