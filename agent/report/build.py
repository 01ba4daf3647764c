"""Fill the report from the run's records: figures come from evidence, or are null with why."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from agent.config import RunConfig
from agent.models.ledger import Ledger, Totals
from agent.report.measured import add_measured
from agent.report.schema import (
    CriterionRow,
    DatabaseChange,
    EndpointReport,
    Finding,
    GateRow,
    GateTotals,
    ImplementedEndpoints,
    ItemReport,
    NotImplemented,
    Report,
    RunInfo,
    Usage,
)
from agent.scaffold.migrations import MigrationRecord
from agent.spec.types import ServiceSpec
from agent.state import ItemRecord
from agent.verify.evidence import Evidence, Failure

NOT_RUN = "not measured: no gate of this run {what} (gates run: {gates})"


def _criteria(record: ItemRecord, spec: ServiceSpec) -> list[CriterionRow]:
    """Each criterion with the tests marked for it in the last verify: met when they all
    passed and one of them failed on a mutant without the behaviour (proven)."""
    rows = []
    for number, (text, found) in enumerate(
        zip(record.criteria, record.standings(), strict=True), start=1
    ):
        gap = next(
            (
                g
                for g in spec.gaps
                if g.item_id == record.id and g.kind == "criterion" and g.text == text
            ),
            None,
        )
        reason = found.reason
        if not found.tests and gap is not None:
            reason = gap.reason
        rows.append(
            CriterionRow(
                index=number,
                text=text,
                tests=found.tests,
                met=found.status == "met",
                status=found.status,
                mutant=found.mutant,
                reason=reason,
            )
        )
    return rows


def _finding(failure: Failure) -> Finding:
    exchange = failure.exchange
    body = f" {json.dumps(exchange.body)[:300]}" if exchange and exchange.body is not None else ""
    return Finding(
        where=failure.where,
        message=failure.message,
        expected=failure.expected,
        source=failure.source,
        request=f"{exchange.method} {exchange.path}{body}" if exchange else None,
        response=f"{exchange.status} {exchange.response[:300]}"
        if exchange and exchange.status is not None
        else None,
    )


def _gates(evidence: Evidence | None) -> list[GateRow]:
    if evidence is None:
        return []
    return [
        GateRow(
            name=c.name,
            passed=c.passed,
            summary=c.summary,
            duration_s=c.duration_s,
            findings=len(c.failures),
            failures=[f"{f.where}: {f.message}" for f in c.failures[:20]],
            evidence=[_finding(f) for f in c.failures[:20] if f.exchange or f.source],
            not_exercised=[f"{n.where}: {n.reason}" for n in c.not_exercised[:20]],
        )
        for c in evidence.checks
    ]


def _item(record: ItemRecord, spec: ServiceSpec) -> ItemReport:
    last = record.evidence[-1] if record.evidence else None
    return ItemReport(
        id=record.id,
        priority=record.priority,
        status=record.verdict,
        repair_iterations=record.repairs,
        stop_reason=record.stop_reason,
        commit=record.commit,
        gates=_gates(last),
        acceptance_criteria=_criteria(record, spec),
        not_implemented=[
            NotImplemented(kind=g.kind, text=g.text, reason=g.reason)
            for g in record.not_implemented
            if g.kind != "criterion"
        ],
        kept_hand_edits=record.scaffold.kept_hand_edits if record.scaffold else [],
    )


def _endpoints(record: ItemRecord, spec: ServiceSpec) -> ImplementedEndpoints:
    last = record.evidence[-1] if record.evidence else None
    handlers = last.coverage.handlers if last and last.coverage else {}
    left = {g.text for g in record.not_implemented if g.kind == "endpoint"}
    return ImplementedEndpoints(
        backlog_id=record.id,
        endpoints=[
            EndpointReport(
                method=o.method,
                path=o.path,
                test_coverage=handlers.get(o.handler),
                kind=o.kind,
                kind_reason=o.kind_reason or None,
                status_code=o.status_code,
                responses={str(code): when for code, when in o.responses.items()},
                implemented=f"{o.method} {o.path}" not in left,
            )
            for o in spec.operations
            if o.item_id == record.id
        ],
    )


def _usage(totals: Totals) -> Usage:
    return Usage(
        calls=totals.calls,
        failed_calls=totals.failed_calls,
        input_tokens=totals.usage.input_tokens,
        output_tokens=totals.usage.output_tokens,
        cached_tokens=totals.usage.cached_tokens,
        cost_usd=round(totals.cost_usd, 6)
        if totals.calls > totals.unpriced_calls or not totals.calls
        else None,
        unpriced_calls=totals.unpriced_calls,
    )


def gate_totals(records: list[ItemRecord]) -> dict[str, GateTotals]:
    """Per gate, over each item's last verify: findings, and checks not exercised by reason
    (the reason without its endpoint, so alike ones add up)."""
    totals: dict[str, GateTotals] = {}
    for record in records:
        for check in record.evidence[-1].checks if record.evidence else []:
            total = totals.setdefault(check.name, GateTotals())
            total.findings += len(check.failures)
            total.not_exercised += len(check.not_exercised)
            for skipped in check.not_exercised:
                why = skipped.reason.split(":")[0][:120]
                total.reasons[why] = total.reasons.get(why, 0) + 1
    return totals


def build_report(
    *,
    records: list[ItemRecord],
    spec: ServiceSpec,
    migrations: list[MigrationRecord],
    config: RunConfig,
    sandbox: str,
    started_at: str,
    branch: str | None,
    ledger: Ledger | None = None,
) -> Report:
    """The report of a run, from its item records, the repo's migrations and the ledger."""
    gates = ", ".join(config.gates)
    final = next((r.evidence[-1] for r in reversed(records) if r.evidence), None)
    tests = final.check("tests") if final else None
    finished = datetime.now(UTC)
    report = Report(
        run=RunInfo(
            run_id=config.run_id,
            model=config.model,
            sandbox=sandbox,
            branch=branch,
            started_at=started_at,
            finished_at=finished.isoformat(),
            duration_s=round((finished - datetime.fromisoformat(started_at)).total_seconds(), 2),
            gates=list(config.gates),
        )
    )
    run_items = {r.id for r in records}
    report.implemented_endpoints = [_endpoints(r, spec) for r in records]
    report.database_changes = [
        DatabaseChange(
            migration_id=m.revision,
            tables_affected=m.tables_affected,
            indexes_created=m.indexes_created,
        )
        for m in migrations
        if m.item_id in run_items
    ]
    if final and final.coverage:
        report.test_results.unit_test_coverage = final.coverage.percent
    if tests:
        report.test_results.integration_tests_passed = int(tests.figures.get("passed") or 0)
    report.items = [_item(r, spec) for r in records]
    report.gates = gate_totals(records)
    if ledger is not None:
        report.run.usage = _usage(ledger.totals())
        report.run.usage_by_item = {k: _usage(v) for k, v in ledger.by_item().items()}
        report.run.usage_by_node = {k: _usage(v) for k, v in ledger.by_node().items()}
    report.not_measured = {
        "deployment": NOT_RUN.format(what="deployed or started the service", gates=gates),
        "implemented_endpoints[].endpoints[].response_time_p95": NOT_RUN.format(
            what="ran a load test", gates=gates
        ),
        "implemented_endpoints[].endpoints[].documentation_link": NOT_RUN.format(
            what="served the OpenAPI docs", gates=gates
        ),
        "database_changes[].performance_impact": NOT_RUN.format(
            what="measured query plans or timings", gates=gates
        ),
        "test_results.load_test_results": NOT_RUN.format(what="ran a load test", gates=gates),
        "test_results.security_scan_status": NOT_RUN.format(
            what="scanned or probed for vulnerabilities", gates=gates
        ),
        "monitoring.logs_aggregation_url": "the service logs JSON to stdout; no aggregation "
        "is configured",
        "monitoring.metrics_dashboard_url": "the service exposes /metrics (Prometheus); no "
        "dashboard is configured",
    }
    add_measured(report, final)
    if tests is not None and (final is None or final.coverage is None):
        report.not_measured["test_results.unit_test_coverage"] = (
            "the tests gate ran but wrote no coverage data (pytest stopped before it could)"
        )
    elif final is None or final.coverage is None:
        report.not_measured["test_results.unit_test_coverage"] = "the tests gate did not run"
    if tests is None:
        report.not_measured["test_results.integration_tests_passed"] = "the tests gate did not run"
    return report
