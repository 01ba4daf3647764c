"""NOTE-1's implement/repair conversation, written once for every model the e2e tests drive.

The model's side is a list of `Reply`s: a scripted model replays them from a script file,
and a fake wire-format server answers them in its API's JSON (`tests.fakes.model_dialects`).
The story: implement writes the "done never goes back to todo" rule with a bug (it guards
`doing`) and a test marked for criterion 2; verify fails with `assert 200 == 422`; repair
rewrites the rule; each session ends with `finish`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent.models.base import Reply, ToolCall, Usage

BACKLOG = Path(__file__).parents[1] / "data" / "notes.json"
RULE = "A note marked done cannot be moved back to todo"
RULES_PATH = "backend/domain/rules/note.py"
TEST_PATH = "backend/tests/test_note_rules.py"
TEST_NAME = "test_done_note_cannot_go_back_to_todo"
FAILING_TEST = f"{TEST_PATH}::{TEST_NAME}"
ASSERTION = "assert 200 == 422"
USAGE = Usage(input_tokens=1200, output_tokens=300)
# The gates the repair loop is judged by here; the live gates (contract, security, load)
# start the service and have tests of their own, so these runs leave them out for speed.
GATES = ["lint", "tests", "migrations"]

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
def {name}(client: TestClient) -> None:
    note_id = client.post("/notes", json={"title": "write report"}).json()["id"]
    assert client.patch(f"/notes/{note_id}", json={"status": "done"}).status_code == 200
    response = client.patch(f"/notes/{note_id}", json={"status": "todo"})
    assert response.status_code == 422
"""
BUGGY_RULES = RULES.replace("{back}", "doing")
FIXED_RULES = RULES.replace("{back}", "todo")


def rule_test(name: str = TEST_NAME) -> str:
    """The criterion's test module, its one test called `name`."""
    return TEST.replace("{name}", name)


def call(call_id: str, name: str, **arguments: Any) -> ToolCall:
    return ToolCall(id=call_id, name=name, arguments=arguments)


def turn(content: str, *calls: ToolCall, usage: Usage = USAGE) -> Reply:
    return Reply(content=content, tool_calls=list(calls), usage=usage)


def finish(call_id: str, usage: Usage = USAGE) -> Reply:
    """The session's last reply: `finish`, claiming the rule is done."""
    summary = {
        "summary": "rule enforced in before_update, with a test",
        "implemented": [RULE],
        "not_implemented": [],
    }
    return turn("", call(call_id, "finish", **summary), usage=usage)


def implement_buggy(usage: Usage = USAGE) -> list[Reply]:
    """Implement: the rule with the wrong status, its test, then finish (ids w1, w2, f1)."""
    write_rule = call("w1", "write_file", path=RULES_PATH, content=BUGGY_RULES)
    write_test = call("w2", "write_file", path=TEST_PATH, content=rule_test())
    return [
        turn("Writing the rule and its test.", write_rule, write_test, usage=usage),
        finish("f1", usage),
    ]


def repair_writing(path: str, content: str, usage: Usage = USAGE) -> list[Reply]:
    """A repair session that writes one file and finishes (ids w3, f2)."""
    return [
        turn(
            "Fixing what verify reported.",
            call("w3", "write_file", path=path, content=content),
            usage=usage,
        ),
        finish("f2", usage),
    ]


def repaired(usage: Usage = USAGE) -> list[Reply]:
    """The whole conversation of a run that ends with the criterion met: four replies."""
    return implement_buggy(usage) + repair_writing(RULES_PATH, FIXED_RULES, usage)


def write_script(path: Path, replies: list[Reply], expect: dict[int, list[str]]) -> Path:
    """A `scripted:` file replaying `replies`; `expect[n]` must appear in request n (0-based)."""
    steps = [
        {"reply": r.model_dump(mode="json"), "expect": {"contains": expect.get(n, [])}}
        for n, r in enumerate(replies)
    ]
    path.write_text("\n".join(json.dumps(s) for s in steps) + "\n")
    return path
