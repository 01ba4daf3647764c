"""The implement/repair loop with a scripted model: a buggy rule fails verify in the
sandbox, the repair prompt carries the failing test and its assertion, the fix passes, and
the report marks the criterion met only because its test passed, and failed once the rule
was taken away (a mutant of the service without the rule module's raises)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.report.schema import Report
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import cli, run_dir, trajectory

pytestmark = pytest.mark.slow


def test_buggy_rule_is_repaired_and_the_criterion_met(tmp_path: Path) -> None:
    """implement (bug) -> verify fails -> repair sees the failing assertion -> verify passes."""
    repo = tmp_path / "svc"
    script = flow.write_script(
        tmp_path / "script.jsonl",
        flow.repaired(),
        {0: [flow.RULE], 2: [flow.TEST_NAME, flow.ASSERTION]},
    )
    done = cli(
        "run",
        str(flow.BACKLOG),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--model",
        f"scripted:{script}",
        "--gates",
        ",".join(flow.GATES),
    )
    assert done.returncode == 0, done.stderr[-4000:]
    runs = run_dir(repo)
    repair_prompt = [
        json.loads(line)
        for line in (runs / "conversation-NOTE-1-repair-1.jsonl").read_text().splitlines()
    ][1]
    assert flow.TEST_NAME in repair_prompt["content"]
    assert flow.ASSERTION in repair_prompt["content"]
    report = Report.model_validate_json((runs / "report.json").read_text())
    [item] = report.items
    assert item.status == "passed" and item.repair_iterations == 1
    rule = item.acceptance_criteria[1]
    assert rule.met and rule.tests == [flow.FAILING_TEST]
    # proven: the test fails once the rule module's RuleViolation raises are switched off
    assert rule.status == "met"
    assert rule.mutant == f"the RuleViolation raises of {flow.RULES_PATH} disabled"
    assert item.not_implemented == []
    assert report.run.usage.calls == 4 and report.run.usage.input_tokens == 4800
    assert "RuleViolation" in (repo / flow.RULES_PATH).read_text()


WEAK_TEST = """import pytest
from fastapi.testclient import TestClient


@pytest.mark.criterion("NOTE-1", 2)
def test_done_note_cannot_go_back_to_todo(client: TestClient) -> None:
    note_id = client.post("/notes", json={"title": "write report"}).json()["id"]
    assert client.patch(f"/notes/{note_id}", json={"status": "done"}).status_code == 200
"""


def test_an_unproven_criterion_goes_back_to_the_model(tmp_path: Path) -> None:
    """implement writes the right rule but a test that never tries todo: every gate passes,
    yet the test still passes with the rule switched off, so the item is incomplete and
    repair gets the criterion as passed but unproven, with the mutant; the model's real
    test then fails on that mutant, and the run ends passed (exit 0)."""
    repo = tmp_path / "svc"
    implement = [
        flow.turn(
            "Writing the rule and a test.",
            flow.call("w1", "write_file", path=flow.RULES_PATH, content=flow.FIXED_RULES),
            flow.call("w2", "write_file", path=flow.TEST_PATH, content=WEAK_TEST),
        ),
        flow.finish("f1"),
    ]
    unproven = (
        f"#2 {flow.RULE}: passed but unproven (the RuleViolation raises of "
        f"{flow.RULES_PATH} disabled: its tests still passed; the hooks of {flow.RULES_PATH} "
        "do nothing"
    )
    script = flow.write_script(
        tmp_path / "script.jsonl",
        implement + flow.repair_writing(flow.TEST_PATH, flow.rule_test()),
        {0: [flow.RULE], 2: [unproven]},
    )
    done = cli(
        "run", str(flow.BACKLOG), "--repo", str(repo), "--sandbox", "local",
        "--model", f"scripted:{script}", "--gates", ",".join(flow.GATES),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    [item] = report.items
    assert item.status == "passed" and item.repair_iterations == 1
    assert [c.status for c in item.acceptance_criteria] == ["met", "met"]
    first_verify = next(e for e in trajectory(repo) if e["node"] == "verify")
    assert first_verify["passed"] and first_verify["verdict"] == "incomplete"
