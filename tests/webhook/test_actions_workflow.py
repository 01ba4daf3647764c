"""The GitHub Actions workflow: it parses, triggers on the label, and the command it calls
turns a realistic `issues` event into a backlog the CLI accepts (or comments why not)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from agent.backlog import load_backlog
from agent.cli import app
from tests.e2e.helpers import CLI, REPO_ROOT
from tests.fakes import github_payloads as gp
from tests.webhook.conftest import FORM_BODY

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "backend-agent.yml"
API, WEB = "https://api.github.com", "https://github.com"


def _event(tmp_path: Path, body: str, label: str = "agent:backend") -> Path:
    """The event file Actions gives the job ($GITHUB_EVENT_PATH): the webhook payload."""
    issue = gp.StoredIssue(12, "octo", "svc", "Task list", body, "alice", labels=[label])
    payload = gp.issues_event(API, WEB, issue, action="labeled", label_name=label, sender="alice")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_workflow_parses_and_runs_the_cli_for_the_labelled_issue() -> None:
    """`on: issues: labeled`, the job gated on the label and on no bot, the labeller's
    permission checked, then issue-to-backlog and `run --open-pr --issue --sandbox local`
    with the job's GITHUB_TOKEN."""
    workflow: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger == {"issues": {"types": ["labeled"]}}
    job = workflow["jobs"]["run"]
    assert "github.event.label.name == 'agent:backend'" in job["if"]
    assert "github.event.sender.type != 'Bot'" in job["if"]
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("/permission" in r for r in runs)
    assert any('backend-agent issue-to-backlog --event "$GITHUB_EVENT_PATH"' in r for r in runs)
    [run_step] = [s for s in job["steps"] if "backend-agent run" in s.get("run", "")]
    for flag in ("--repo .", "--open-pr", '--issue "$ISSUE"', "--sandbox local"):
        assert flag in run_step["run"]
    assert run_step["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert workflow["permissions"]["pull-requests"] == "write"


def test_issue_to_backlog_on_a_realistic_event(tmp_path: Path) -> None:
    """The labelled issue's event, through the installed CLI as the workflow calls it,
    becomes a backlog file the backlog loader accepts."""
    out = tmp_path / "backlog.json"
    made = _cli("issue-to-backlog", "--event", str(_event(tmp_path, FORM_BODY)), "-o", str(out),
                cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    [item] = load_backlog(out).backlog_items
    assert item.id == "issue-12"
    assert [r.key for r in item.api_requirements] == ["POST /tasks", "GET /tasks/{id}"]


def test_issue_to_backlog_refuses_with_the_comment_to_post(tmp_path: Path) -> None:
    """An invalid issue: exit 2 and the comment listing the problems; another label:
    exit 1 (nothing to do); no backlog file either way."""
    out, problems = tmp_path / "backlog.json", tmp_path / "problems.md"
    bad = _event(tmp_path, "### User story\n\nTasks\n\n### Endpoints\n\nFETCH /tasks\n")
    runner = CliRunner()
    refused = runner.invoke(app, ["issue-to-backlog", "--event", str(bad), "-o", str(out),
                                  "--problems", str(problems)])  # fmt: skip
    assert refused.exit_code == 2
    assert "backlog_items[0].api_requirements[0].method" in problems.read_text()
    other = _event(tmp_path, FORM_BODY, label="bug")
    ignored = runner.invoke(app, ["issue-to-backlog", "--event", str(other), "-o", str(out)])
    assert ignored.exit_code == 1
    assert "'bug'" in ignored.output
    assert not out.exists()
