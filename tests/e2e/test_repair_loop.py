"""The implement/repair loop with a scripted model: a buggy rule fails verify in the
sandbox, the repair prompt carries the failing test and its assertion, the fix passes, and
the report marks the criterion met only because its test passed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.report.schema import Report
from tests.e2e.helpers import cli, run_dir

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[1] / "data"

RULES = '''"""Business rules for Note."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.models.note import Note
from backend.domain.rules import RuleViolation


async def before_create(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    return values


async def before_update(session: AsyncSession, current: Note, changes: dict[str, Any]) -> dict[str, Any]:
    if current.status == "done" and changes.get("status") == "{back}":
        raise RuleViolation("a done note cannot move back to todo")
    return changes


async def before_delete(session: AsyncSession, current: Note) -> None:
    return None
'''
TEST = """import pytest
from fastapi.testclient import TestClient


@pytest.mark.criterion("NOTE-1", 2)
def test_done_note_cannot_go_back_to_todo(client: TestClient) -> None:
    note_id = client.post("/notes", json={"title": "write report"}).json()["id"]
    assert client.patch(f"/notes/{note_id}", json={"status": "done"}).status_code == 200
    response = client.patch(f"/notes/{note_id}", json={"status": "todo"})
    assert response.status_code == 422
"""
RULES_PATH = "backend/domain/rules/note.py"
USAGE = {"input_tokens": 1200, "output_tokens": 300}


def _call(name: str, call_id: str, **arguments: Any) -> dict[str, Any]:
    return {"id": call_id, "name": name, "arguments": arguments}


def _script(path: Path) -> Path:
    finish = {
        "summary": "rule enforced in before_update, with a test",
        "implemented": ["A note marked done cannot be moved back to todo"],
        "not_implemented": [],
    }
    steps = [
        {
            "reply": {
                "content": "Writing the rule and its test.",
                "usage": USAGE,
                "tool_calls": [
                    _call(
                        "write_file",
                        "w1",
                        path=RULES_PATH,
                        content=RULES.replace("{back}", "doing"),
                    ),
                    _call(
                        "write_file", "w2", path="backend/tests/test_note_rules.py", content=TEST
                    ),
                ],
            },
            "expect": {"contains": ["A note marked done cannot be moved back to todo"]},
        },
        {"reply": {"usage": USAGE, "tool_calls": [_call("finish", "f1", **finish)]}},
        {
            "reply": {
                "content": "The rule compared with the wrong status.",
                "usage": USAGE,
                "tool_calls": [
                    _call(
                        "write_file", "w3", path=RULES_PATH, content=RULES.replace("{back}", "todo")
                    )
                ],
            },
            "expect": {"contains": ["test_done_note_cannot_go_back_to_todo", "assert 200 == 422"]},
        },
        {"reply": {"usage": USAGE, "tool_calls": [_call("finish", "f2", **finish)]}},
    ]
    path.write_text("\n".join(json.dumps(s) for s in steps) + "\n")
    return path


def test_buggy_rule_is_repaired_and_the_criterion_met(tmp_path: Path) -> None:
    """implement (bug) -> verify fails -> repair sees the failing assertion -> verify passes."""
    repo = tmp_path / "svc"
    script = _script(tmp_path / "script.jsonl")
    done = cli(
        "run",
        str(DATA / "notes.json"),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--model",
        f"scripted:{script}",
    )
    assert done.returncode == 0, done.stderr[-4000:]
    runs = run_dir(repo)
    repair_prompt = [
        json.loads(line)
        for line in (runs / "conversation-NOTE-1-repair-1.jsonl").read_text().splitlines()
    ][1]
    assert "test_done_note_cannot_go_back_to_todo" in repair_prompt["content"]
    assert "assert 200 == 422" in repair_prompt["content"]
    report = Report.model_validate_json((runs / "report.json").read_text())
    [item] = report.items
    assert item.status == "passed" and item.repair_iterations == 1
    rule = item.acceptance_criteria[1]
    assert rule.met and rule.tests == [
        "backend/tests/test_note_rules.py::test_done_note_cannot_go_back_to_todo"
    ]
    assert item.not_implemented == []
    assert report.run.usage.calls == 4 and report.run.usage.input_tokens == 4800
    assert "RuleViolation" in (repo / RULES_PATH).read_text()
