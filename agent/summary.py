"""The terminal summary at the end of a run."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from agent.runner import RunOutcome


def print_summary(console: Console, outcome: RunOutcome) -> None:
    """Items, gates, criteria met, and what was not implemented; then the report's path."""
    report = outcome.report
    table = Table(title=f"run {outcome.run_id}")
    for column in ("item", "status", "gates", "criteria met", "not implemented"):
        table.add_column(column)
    for item in report.items:
        gates = ", ".join(f"{g.name}:{'ok' if g.passed else 'FAIL'}" for g in item.gates)
        met = sum(c.met for c in item.acceptance_criteria)
        table.add_row(
            item.id,
            item.status,
            gates,
            f"{met}/{len(item.acceptance_criteria)}",
            str(len(item.not_implemented)),
        )
    console.print(table)
    tr = report.test_results
    console.print(
        f"coverage {tr.unit_test_coverage}%, tests passed {tr.integration_tests_passed}",
        highlight=False,
    )
    for item in report.items:
        for gap in item.not_implemented:
            console.print(f"  not implemented [{item.id}] ({gap.kind}) {gap.text}", highlight=False)
    console.print(f"report: {outcome.report_path}", highlight=False)
