"""The report for humans (terminal, PR body): what was built, what passed, what is missing."""

from __future__ import annotations

from agent.report.schema import ItemReport, Report


def _item(item: ItemReport) -> list[str]:
    mark = "passed" if item.status == "passed" else "**FAILED**"
    lines = [f"### {item.id} (priority {item.priority}): {mark}", ""]
    lines += ["| gate | result | summary | seconds |", "|---|---|---|---|"]
    lines += [
        f"| {g.name} | {'pass' if g.passed else 'FAIL'} | {g.summary} | {g.duration_s} |"
        for g in item.gates
    ]
    for gate in item.gates:
        lines += [f"- {gate.name}: {f}" for f in gate.failures]
    lines += ["", "| # | acceptance criterion | tests | met |", "|---|---|---|---|"]
    lines += [
        f"| {c.index} | {c.text} | {', '.join(f'`{t}`' for t in c.tests) or '-'} | "
        f"{'yes' if c.met else 'no: ' + c.reason} |"
        for c in item.acceptance_criteria
    ]
    if item.not_implemented:
        lines += ["", "Not implemented:"]
        lines += [f"- ({n.kind}) {n.text}: {n.reason}" for n in item.not_implemented]
    if item.kept_hand_edits:
        lines += ["", "Hand-edited files left as they were: " + ", ".join(item.kept_hand_edits)]
    return [*lines, ""]


def _figure(value: object, unit: str = "") -> str:
    return "not measured" if value is None else f"{value}{unit}"


def render_markdown(report: Report) -> str:
    """The Markdown rendering of a report."""
    tr = report.test_results
    migrations = ", ".join(d.migration_id for d in report.database_changes) or "none"
    lines = [
        f"## backend-agent run `{report.run.run_id}`",
        "",
        f"Model `{report.run.model}`, sandbox `{report.run.sandbox}`, "
        f"gates: {', '.join(report.run.gates)}.",
        "",
        f"- line coverage: {_figure(tr.unit_test_coverage, '%')}",
        f"- tests passed: {_figure(tr.integration_tests_passed)}",
        f"- migrations: {migrations}",
        "",
    ]
    for item in report.items:
        lines += _item(item)
    lines += ["Not measured:"] + [f"- `{k}`: {v}" for k, v in report.not_measured.items()]
    return "\n".join(lines) + "\n"
