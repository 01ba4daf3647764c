"""The contract gate, on the running service:
- the oracle (`live/oracle.py`): the backlog as written — its request schemas accepted and
  each constraint refused, its query parameters honoured, its response schemas met — each
  finding with its request, response and backlog path;
- property-based tests (schemathesis) from the served schema: responses conform, no 5xx."""

from __future__ import annotations

from typing import Any

from agent.verify.context import GateContext
from agent.verify.evidence import CheckResult, Evidence, Failure, ServiceFigures
from agent.verify.findings import exchange, not_exercised
from agent.verify.probe import run_probe

MAX_EXAMPLES = 5  # per operation: a bounded run, not a soak
FUZZ_TIME_S = 240.0


def options(ctx: GateContext) -> dict[str, Any]:
    return {
        "backlog": ctx.backlog,
        "left": ctx.left,
        "max_examples": MAX_EXAMPLES,
        "fuzz_time_s": min(FUZZ_TIME_S, max(ctx.timeout_s - 60, 30)),
    }


def note_service(evidence: Evidence, answer: dict[str, Any]) -> None:
    """Remember where the service answered in the sandbox (the report's deployment URLs)."""
    if answer.get("base_url") and evidence.service is None:
        evidence.service = ServiceFigures(
            base_url=answer["base_url"], upgrade_s=answer.get("upgrade_s")
        )


def oracle_failures(answer: dict[str, Any]) -> list[Failure]:
    """The oracle's findings: each with its request and response, expectation and source."""
    return [
        Failure(
            check="contract",
            where=f["where"],
            message=f["message"]
            + (f" (and {f['repeats']} more request(s) like it)" if f.get("repeats") else ""),
            exchange=exchange(f.get("exchange")),
            expected=f.get("expected"),
            source=f.get("source"),
        )
        for f in answer.get("findings", [])
    ]


def contract(ctx: GateContext, evidence: Evidence) -> CheckResult:
    outcome = run_probe(ctx, "contract", options(ctx))
    answer = outcome.answer
    note_service(evidence, answer)
    checked = answer.get("oracle", {})
    found = answer.get("fuzz_failures", [])
    failures = [outcome.failure] if outcome.failure else []
    failures += oracle_failures(checked)
    failures += [Failure(check="contract", where=f["where"], message=f["message"]) for f in found]
    cases = int(answer.get("fuzz_cases", 0))
    stubs = answer.get("not_implemented", [])
    skipped = not_exercised("contract", answer) + not_exercised("contract", checked)
    return CheckResult(
        name="contract",
        passed=not failures,
        summary=f"{len(ctx.backlog)} backlog item(s) checked as written "
        f"({checked.get('checks', 0)} request(s)), "
        f"{cases} generated case(s), {len(failures)} failure(s), "
        f"{len(skipped)} check(s) not exercised"
        + (f" ({len(stubs)} endpoint(s) not implemented: 501)" if stubs else ""),
        failures=failures,
        not_exercised=skipped,
        figures={
            "oracle_requests": int(checked.get("checks", 0)),
            "oracle_findings": len(checked.get("findings", [])),
            "fuzz_cases": cases,
            "fuzz_failures": len(answer.get("fuzz_failures", [])),
            "not_implemented": len(stubs),
            "not_exercised": len(skipped),
        },
    )
