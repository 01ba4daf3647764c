"""The report for humans (terminal, PR body): what was built, what passed, what is missing."""

from __future__ import annotations

from agent.report.schema import (
    CriterionRow,
    Delivery,
    EndpointReport,
    GateRow,
    ItemReport,
    Report,
    Usage,
)

PR_BODY_LIMIT = 60_000
"""GitHub refuses bodies over 65,536 characters; past this the body is cut, with a note."""

HOW_TO_RUN = """### How to run it

```bash
pip install -e ".[dev]"
export DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/app
export JWT_SECRET=$(python -c "import secrets; print(secrets.token_urlsafe(32))")
alembic upgrade head && uvicorn backend.main:app   # docs at /docs, /health, /metrics
DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/app_test pytest --cov
```
"""


def _gate_details(gate: GateRow) -> list[str]:
    """A gate's failures (with the request, response and backlog path behind each) and
    the checks it could not exercise."""
    shown = {f"{e.where}: {e.message}": e for e in gate.evidence}
    lines = []
    for failure in gate.failures:
        lines.append(f"- {gate.name}: {failure}")
        found = shown.get(failure)
        if found and found.expected:
            lines.append(
                f"  - expected {found.expected}" + (f" ({found.source})" if found.source else "")
            )
        if found and found.request:
            lines.append(f"  - sent `{found.request}` -> `{found.response or 'no answer'}`")
    if gate.not_exercised:
        lines.append(f"- {gate.name}: {len(gate.not_exercised)} check(s) not exercised:")
        lines += [f"  - {n}" for n in gate.not_exercised]
    return lines


def _criterion(c: CriterionRow) -> str:
    """The criteria table's last column: met (and the mutant that proved it), or not."""
    if c.status == "met":
        return f"yes (fails without: {c.mutant})" if c.mutant else "yes"
    if c.status == "passed but unproven":
        return f"passed but unproven: {c.reason}"
    return f"no: {c.reason}"


def _item(item: ItemReport) -> list[str]:
    mark = {"passed": "passed", "incomplete": "**INCOMPLETE**"}.get(item.status, "**FAILED**")
    lines = [f"### {item.id} (priority {item.priority}): {mark}", ""]
    lines += ["| gate | result | summary | seconds |", "|---|---|---|---|"]
    lines += [
        f"| {g.name} | {'pass' if g.passed else 'FAIL'} | {g.summary} | {g.duration_s} |"
        for g in item.gates
    ]
    for gate in item.gates:
        lines += _gate_details(gate)
    lines += ["", "| # | acceptance criterion | tests | met |", "|---|---|---|---|"]
    lines += [
        f"| {c.index} | {c.text} | {', '.join(f'`{t}`' for t in c.tests) or '-'} | "
        f"{_criterion(c)} |"
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


def _live(report: Report) -> list[str]:
    """The figures of the service running in the sandbox: load, security, where it ran."""
    load, dep = report.test_results.load_test_results, report.deployment
    lines = [
        f"- load test: {_figure(load.requests_per_second, ' rps')}, "
        f"p95 {_figure(load.p95_latency)}, error rate {_figure(load.error_rate)}",
        f"- security: {_figure(report.test_results.security_scan_status)}",
    ]
    lines += [
        f"- migration {d.migration_id}: {d.performance_impact}"
        for d in report.database_changes
        if d.performance_impact
    ]
    if dep.health_check_url:
        lines.append(f"- ran at {dep.api_base_url} (docs {dep.documentation_url}): {dep.note}")
    return lines


def _route(e: EndpointReport) -> str:
    notes = [f"p95 {e.response_time_p95}"] if e.response_time_p95 else []
    if e.response_time_p95 and e.response_time_measured:
        notes[0] += f", {e.response_time_measured}"
    if e.kind == "action":
        codes = ", ".join(sorted({str(e.status_code), *e.responses}))
        notes.append(f"action, answers {codes}")
        if e.implemented is False:
            notes.append("not implemented: 501")
    return f"`{e.method} {e.path}`" + (f" ({'; '.join(notes)})" if notes else "")


def _built(report: Report) -> list[str]:
    lines = ["### What was built", ""]
    for group in report.implemented_endpoints:
        routes = ", ".join(_route(e) for e in group.endpoints)
        routes = routes or "no endpoint"
        lines.append(f"- {group.backlog_id}: {routes}")
    return [*lines, ""]


def _usage(usage: Usage) -> list[str]:
    cost = "not priced" if usage.cost_usd is None else f"${usage.cost_usd}"
    return [
        f"Model usage: {usage.calls} call(s) ({usage.failed_calls} failed), "
        f"{usage.input_tokens} input / {usage.output_tokens} output tokens "
        f"({usage.cached_tokens} cached), cost {cost}.",
        "",
    ]


def _delivery(delivery: Delivery) -> list[str]:
    lines = ["### Delivery", "", f"- branch `{delivery.branch}` into `{delivery.base}`"]
    if delivery.pushed_sha:
        lines.append(f"- pushed `{delivery.pushed_sha[:12]}` to {delivery.remote}")
    pr = delivery.pull_request
    if pr is not None:
        state = "draft" if pr.draft else "ready for review"
        verb = "opened" if pr.created else "updated"
        lines.append(f"- pull request #{pr.number} {verb} ({state}): {pr.url}")
    if delivery.skipped:
        lines.append(f"- no pull request: {delivery.skipped}")
    return [*lines, ""]


def _totals(report: Report) -> list[str]:
    """Per gate: its findings and the checks it could not exercise, by reason."""
    if not report.gates:
        return []
    lines = ["| gate | findings | not exercised |", "|---|---|---|"]
    for name, total in report.gates.items():
        why = "; ".join(f"{n}x {reason}" for reason, n in total.reasons.items())
        lines.append(
            f"| {name} | {total.findings} | {total.not_exercised}{': ' + why if why else ''} |"
        )
    return [*lines, ""]


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
        *_live(report),
        "",
    ]
    lines += _built(report)
    lines += _totals(report)
    for item in report.items:
        lines += _item(item)
    lines += _usage(report.run.usage)
    lines += ["Not measured:"] + [f"- `{k}`: {v}" for k, v in report.not_measured.items()]
    if report.delivery is not None:
        lines += ["", *_delivery(report.delivery)]
    return "\n".join(lines) + "\n"


def pr_title(report: Report) -> str:
    """The pull request's title: the run's items, by priority."""
    ids = ", ".join(item.id for item in report.items) or report.run.run_id
    title = f"backend-agent: {ids}"
    return title if len(title) <= 200 else title[:197] + "..."


def _failures(report: Report) -> list[str]:
    """Why the pull request is a draft: each failed item, gate and finding; each incomplete
    item, with its criteria not met and what is not implemented."""
    failed = [item for item in report.items if item.status == "failed"]
    incomplete = [item for item in report.items if item.status == "incomplete"]
    if not failed and not incomplete:
        return []
    lines = []
    if failed:
        lines += [f"> **Draft: {len(failed)} item(s) failed their gates.**", ">"]
    for item in failed:
        gates = [g for g in item.gates if not g.passed]
        names = ", ".join(g.name for g in gates) or "no gate ran"
        lines.append(f"> - {item.id}: {names} ({item.stop_reason or 'stopped'})")
        lines += [f">   - {g.name}: {f}" for g in gates for f in g.failures]
    if incomplete:
        lines += [
            f"> **Draft: {len(incomplete)} item(s) incomplete: every gate passed, but "
            "criteria or rules are left.**",
            ">",
        ]
    for item in incomplete:
        left = [c for c in item.acceptance_criteria if c.status != "met"]
        criteria = f"{len(left)} {'criterion' if len(left) == 1 else 'criteria'} not met"
        lines.append(f"> - {item.id}: {criteria}, {len(item.not_implemented)} not implemented")
        lines += [f">   - criterion {c.index} ({c.status}): {c.text}" for c in left]
        lines += [f">   - ({n.kind}) {n.text}" for n in item.not_implemented]
    return [*lines, ""]


def render_pr_body(report: Report) -> str:
    """The pull request's body: the failures first (when any), the report, how to run it."""
    head = "\n".join(_failures(report))
    body = "\n".join(part for part in (head, render_markdown(report), HOW_TO_RUN) if part)
    if len(body) <= PR_BODY_LIMIT:
        return body
    note = (
        f"\n\n*(cut at {PR_BODY_LIMIT} characters: the whole report is "
        f"`.backend-agent/runs/{report.run.run_id}/report.md`)*\n"
    )
    return body[:PR_BODY_LIMIT] + note
