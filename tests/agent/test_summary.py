"""The terminal summary: measured figures as measured, missing ones as not measured."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from agent.report.schema import (
    CriterionRow,
    GateRow,
    ItemReport,
    NotImplemented,
    Report,
    RunInfo,
)
from agent.runner import RunOutcome
from agent.summary import print_summary


def _summary(report: Report) -> str:
    console = Console(record=True, width=200)
    print_summary(console, RunOutcome(run_id="r1", report_path=Path("r.json"), report=report))
    return console.export_text()


def _report() -> Report:
    gate = GateRow(name="tests", passed=False, summary="0 passed", duration_s=1.0)
    item = ItemReport(id="A-1", priority=1, status="failed", gates=[gate])
    info = RunInfo(run_id="r1", model="offline", sandbox="local", started_at="2026-01-01T00:00Z")
    return Report(run=info, items=[item])


def test_a_missing_coverage_is_said_with_its_reason_never_printed_as_none() -> None:
    """No coverage figure prints the report's reason, not `None%`."""
    report = _report()
    report.test_results.integration_tests_passed = 0
    report.not_measured["test_results.unit_test_coverage"] = "the tests gate did not run"
    text = _summary(report)
    assert "None" not in text
    assert "coverage not measured (the tests gate did not run), tests passed 0" in text


def test_measured_figures_print_as_measured() -> None:
    """A measured coverage prints with its unit, and the tests passed as counted."""
    report = _report()
    report.test_results.unit_test_coverage = 91.5
    report.test_results.integration_tests_passed = 12
    assert "coverage 91.5%, tests passed 12" in _summary(report)


def _incomplete(model: str) -> Report:
    gate = GateRow(name="tests", passed=True, summary="3 passed", duration_s=1.0)
    rows = [
        CriterionRow(index=1, text="Creating a note returns 201", met=True, status="met"),
        CriterionRow(
            index=2,
            text="A password shorter than 8 characters returns 422",
            status="passed but unproven",
            reason="request field `password` without its lower bound: its tests still passed",
        ),
    ]
    left = [NotImplemented(kind="rule", text=f"rule {n}", reason="needs a model") for n in (1, 2)]
    item = ItemReport(
        id="A-1",
        priority=1,
        status="incomplete",
        gates=[gate],
        acceptance_criteria=rows,
        not_implemented=left,
        stop_reason="max repair iterations (5) reached",
    )
    info = RunInfo(run_id="r1", model=model, sandbox="local", started_at="2026-01-01T00:00Z")
    return Report(run=info, items=[item])


def test_the_last_line_is_the_verdict_and_what_would_finish_it() -> None:
    """failed names the gate; incomplete offline says what needs a model and how to give
    one; incomplete with a model says why the repair loop stopped; an unproven criterion
    is listed with its reason."""
    assert _summary(_report()).rstrip().splitlines()[-1] == (
        "failed: 1 item(s) failed a gate: A-1 (tests); see the report"
    )
    offline = _summary(_incomplete("offline")).rstrip().splitlines()
    assert offline[-1] == (
        "incomplete: 2 rules and 1 criterion need a model: "
        "--model anthropic:<model> (or openai:<model>)"
    )
    assert any("passed but unproven [A-1] #2" in line for line in offline)
    modelled = _summary(_incomplete("anthropic:claude-sonnet-4-6")).rstrip().splitlines()
    assert modelled[-1] == (
        "incomplete: 2 rules and 1 criterion left (max repair iterations (5) reached); "
        "see the report"
    )
    assert RunOutcome("r1", Path("r.json"), _incomplete("offline")).exit_code == 4
    assert RunOutcome("r1", Path("r.json"), _report()).exit_code == 1


def test_every_item_row_says_why_its_work_stopped() -> None:
    """The stop reason of each item, once only in the JSON report, is on its row of the
    summary table (a stuck repair loop, the repair limit); `-` where there is none."""
    stuck = _report()
    stuck.items[0].stop_reason = "stuck: the same failures twice in a row"
    limited = _incomplete("anthropic:claude-sonnet-4-6").items[0]
    limited.id = "B-2"
    stuck.items += [limited, ItemReport(id="C-3", priority=1, status="failed")]
    rows = {
        line.split("│")[1].strip(): line for line in _summary(stuck).splitlines() if "│" in line
    }
    assert rows["A-1"].rstrip("│ ").endswith("stuck: the same failures twice in a row")
    assert "max repair iterations (5) reached" in rows["B-2"]
    assert rows["C-3"].rstrip("│ ").endswith("-")
