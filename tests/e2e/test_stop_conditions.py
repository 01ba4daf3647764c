"""The repair loop's stop conditions, each ending a real NOTE-1 run and named in its report.

A cost budget stops the call that would cross it (through the real anthropic SDK against
a local wire-format server, so the stop is seen from the server's side); a repair that
leaves the same failures stops as stuck; `max_repairs` caps the rounds even when the
failures change. Runs go through `runner.new_run` + `runner.drive` on a local sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.models.base import ChatModel, Reply, Usage
from agent.models.factory import ProviderKeys, build_model
from agent.models.ledger import Ledger
from agent.report.schema import ItemReport
from agent.runner import RunOutcome
from sandbox.base import Sandbox
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import run_dir, run_local, run_on_wire
from tests.fakes.model_dialects import ANTHROPIC
from tests.fakes.model_servers import Canned

pytestmark = pytest.mark.slow
Box = Callable[[Path], Sandbox]


def run_scripted(
    replies: list[Reply], tmp_path: Path, local_box: Box, **choices: object
) -> RunOutcome:
    """A run whose model replays `replies`; every repair request must name the failing test.

    A run that asks for more replies than the script has fails with a ModelError."""
    repair_starts = {2: [flow.FAILING_TEST, flow.ASSERTION]}
    script = flow.write_script(tmp_path / "script.jsonl", replies, repair_starts)

    def make_model(ledger: Ledger) -> ChatModel:
        return build_model(f"scripted:{script}", keys=ProviderKeys(), ledger=ledger)

    return run_local(
        flow.BACKLOG, tmp_path / "svc", make_model, local_box, gates=flow.GATES, **choices
    )


def failing_tests(item: ItemReport) -> list[str]:
    """The ids of the tests that failed in the last verify, where only the tests gate failed."""
    [tests] = [g for g in item.gates if not g.passed]
    assert tests.name == "tests", tests
    return [f.split(": ", 1)[0] for f in tests.failures]


def test_cost_budget_stops_the_call_that_would_cross_it(tmp_path: Path, local_box: Box) -> None:
    """Per-item budget $0.35 on claude-sonnet-4-6: after a 429 (counted, unbilled) the first
    reply bills $0.30, so the next call (up to 8192 output tokens, ~$0.12 more) is never sent;
    the item stops with the budget named, verify judges what was written, no repair runs."""
    costly = Usage(input_tokens=100_000, output_tokens=0)
    limited = Canned(429, ANTHROPIC.rate_limit, {"retry-after": "1"})
    run = run_on_wire(
        ANTHROPIC,
        "claude-sonnet-4-6",
        flow.implement_buggy(costly),
        flow.BACKLOG,
        repo=tmp_path / "svc",
        local_box=local_box,
        first=(limited,),
        budget_item_usd=0.35,
        gates=flow.GATES,
    )

    assert len(run.received) == 2 and run.unanswered == 1
    [item] = run.outcome.report.items
    assert not run.outcome.passed and item.repair_iterations == 0
    assert item.stop_reason is not None
    assert item.stop_reason.startswith("budget: the item NOTE-1 cost budget of $0.3500")
    assert "$0.3000 spent" in item.stop_reason and "(2 calls so far, 1 failed)" in item.stop_reason
    assert failing_tests(item) == [flow.FAILING_TEST]
    spent = run.outcome.report.run.usage
    assert spent.calls == 2 and spent.failed_calls == 1
    assert spent.cost_usd == pytest.approx(0.30)
    assert run.outcome.report.run.usage_by_item["NOTE-1"].failed_calls == 1


def test_a_repair_that_changes_nothing_stops_as_stuck(tmp_path: Path, local_box: Box) -> None:
    """The repair rewrites the same buggy rule: the second verify fails with the same
    signature, so the loop stops after one repair (the script has no third session)."""
    replies = flow.implement_buggy() + flow.repair_writing(flow.RULES_PATH, flow.BUGGY_RULES)
    outcome = run_scripted(replies, tmp_path, local_box)

    [item] = outcome.report.items
    assert not outcome.passed and item.status == "failed"
    assert item.stop_reason == "stuck: the same failures twice in a row"
    assert item.repair_iterations == 1
    assert failing_tests(item) == [flow.FAILING_TEST]
    transcript = run_dir(tmp_path / "svc") / "conversation-NOTE-1-repair-1.jsonl"
    closing = json.loads(transcript.read_text().splitlines()[-1])
    assert closing["role"] == "user"
    assert closing["content"].startswith(
        "The run stops working on item NOTE-1: stuck: the same failures twice in a row."
    )
    rule = item.acceptance_criteria[1]
    assert not rule.met and rule.reason == "a test marked for it did not pass"


def test_max_repairs_caps_the_rounds_though_the_failure_moved(
    tmp_path: Path, local_box: Box
) -> None:
    """With max_repairs=1 the repair renames the test (rule still buggy): the failure's
    signature changes, so it is not stuck, yet the loop stops on the repair limit."""
    moved = f"{flow.TEST_PATH}::test_done_note_stays_done"
    replies = flow.implement_buggy() + flow.repair_writing(
        flow.TEST_PATH, flow.rule_test("test_done_note_stays_done")
    )
    outcome = run_scripted(replies, tmp_path, local_box, max_repairs=1)

    [item] = outcome.report.items
    assert not outcome.passed
    assert item.stop_reason == "max repair iterations (1) reached"
    assert item.repair_iterations == 1
    assert failing_tests(item) == [moved]
