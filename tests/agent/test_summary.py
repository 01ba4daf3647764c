"""The terminal summary: measured figures as measured, missing ones as not measured."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from agent.report.schema import GateRow, ItemReport, Report, RunInfo
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
