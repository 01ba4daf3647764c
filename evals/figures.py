"""A task-run's record, filled from the two sources of truth: the agent's own report
(contract gate, load p95, repair iterations, usage) and the hidden tests' grade
(resolved, partial, exploits, build). A figure with no source stays null, with why."""

from __future__ import annotations

import re

from agent.report.schema import Report
from agent.report.verdict import run_verdict
from evals.grading import Grade
from evals.records import TaskRunRecord

_MS = re.compile(r"^\s*([0-9.]+)\s*ms\s*$")


def add_grade(record: TaskRunRecord, grade: Grade) -> None:
    hidden = grade.hidden
    functional = hidden.functional
    passed = sum(1 for t in functional if t.passed)
    record.build_ok = grade.build_ok
    record.functional_total, record.functional_passed = len(functional), passed
    record.partial = passed / len(functional) if functional else None
    record.resolved = bool(functional) and passed == len(functional)
    record.security_total = len(hidden.security)
    record.security_failed = sum(1 for t in hidden.security if not t.passed)
    record.exploits = hidden.exploits
    record.secure_resolved = record.resolved and record.security_failed == 0
    record.failed_tests = [t.name for t in hidden.tests if not t.passed]
    if not functional:
        record.notes["partial"] = "no hidden functional test reported (see the grade log)"
    if grade.error:
        record.notes["build_ok"] = grade.error[:500]


def _contract(report: Report) -> bool | None:
    rows = [g for item in report.items for g in item.gates if g.name == "contract"]
    return all(g.passed for g in rows) if rows else None


def _p95(report: Report) -> float | None:
    text = report.test_results.load_test_results.p95_latency
    match = _MS.match(text) if text else None
    return float(match.group(1)) if match else None


def add_report(record: TaskRunRecord, report: Report | None, gates: list[str]) -> None:
    if report is None:
        for name in ("contract_ok", "p95_ms", "repair_iterations", "tokens", "cost_usd"):
            record.notes[name] = "the agent wrote no report"
        return
    record.agent_verdict = run_verdict(report)
    record.agent_passed = record.agent_verdict == "passed"
    record.contract_ok = _contract(report)
    if record.contract_ok is None:
        record.notes["contract_ok"] = "the contract gate did not run (--gates)"
    record.p95_ms = _p95(report)
    if record.p95_ms is None:
        why = report.not_measured.get("test_results.load_test_results")
        off = "load" not in gates
        record.notes["p95_ms"] = "the load gate was not run (--gates)" if off else why or "none"
    else:
        record.p95_met = record.p95_ms <= record.p95_target_ms
    record.repair_iterations = sum(item.repair_iterations for item in report.items)
    usage = report.run.usage
    record.tokens = usage.input_tokens + usage.output_tokens
    record.model_calls = usage.calls
    record.cost_usd = 0.0 if usage.calls == 0 else usage.cost_usd
    if record.cost_usd is None:
        record.notes["cost_usd"] = f"{usage.unpriced_calls} call(s) without a price in the table"
