"""The terminal summary at the end of a run; its last line is the verdict and what would
finish the work."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from agent.report.verdict import verdict_line
from agent.runner import RunOutcome


def print_summary(console: Console, outcome: RunOutcome) -> None:
    """Items, gates, criteria met, what was not implemented and why the work on each item
    stopped; the report's path; the verdict."""
    report = outcome.report
    table = Table(title=f"run {outcome.run_id}")
    for column in ("item", "status", "gates", "criteria met", "not implemented", "stopped"):
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
            item.stop_reason or "-",
        )
    console.print(table)
    tr = report.test_results
    figures = (
        ("coverage", tr.unit_test_coverage, "unit_test_coverage", "%"),
        ("tests passed", tr.integration_tests_passed, "integration_tests_passed", ""),
    )
    console.print(
        ", ".join(_figure(report.not_measured, *figure) for figure in figures), highlight=False
    )
    for item in report.items:
        for c in item.acceptance_criteria:
            if c.status == "passed but unproven":
                console.print(
                    f"  passed but unproven [{item.id}] #{c.index} {c.text}: {c.reason}",
                    highlight=False,
                )
        for gap in item.not_implemented:
            console.print(f"  not implemented [{item.id}] ({gap.kind}) {gap.text}", highlight=False)
    console.print(f"report: {outcome.report_path}", highlight=False)
    console.print(verdict_line(report), highlight=False)


def _figure(not_measured: dict[str, str], label: str, value: object, key: str, unit: str) -> str:
    """`coverage 91.2%`, or `coverage not measured (the tests gate did not run)`."""
    if value is not None:
        return f"{label} {value}{unit}"
    reason = not_measured.get(f"test_results.{key}", "no figure")
    return f"{label} not measured ({reason})"
