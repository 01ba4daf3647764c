"""The security gate: spec-derived probes on the running service, and bandit on its code.

A bandit finding of medium or high severity fails the gate (SQL built from strings is
B608, medium); low ones are counted only. Findings are summarised by CWE, each with the
request that showed it, the expectation and its backlog source. What the probes could not
set up (a row a rule refused to seed, a limit out of reach in time) is listed as not
exercised and counted, never a failure.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from agent.verify.context import GateContext
from agent.verify.contract_gate import note_service
from agent.verify.evidence import CheckResult, Evidence, Failure
from agent.verify.findings import failure, not_exercised, seed_problems
from agent.verify.probe import run_probe

FAILING_SEVERITY = {"MEDIUM", "HIGH"}
JSON = ("-f", "json", "-q")


def bandit(ctx: GateContext) -> tuple[list[Failure], Counter[str]]:
    """Bandit on `backend/` (tests left out): failures, and the count per severity."""
    run = ctx.sandbox.run(
        [ctx.sandbox.python, "-m", "bandit", "-r", "backend", "-x", "backend/tests", *JSON],
        timeout=ctx.timeout_s,
    )
    try:
        results: list[dict[str, Any]] = json.loads(run.stdout or "{}").get("results", [])
    except json.JSONDecodeError:
        return [Failure(check="security", where="bandit", message=run.stderr[-500:])], Counter()
    severities = Counter(str(r["issue_severity"]).lower() for r in results)
    failures = [
        Failure(
            check="security",
            where=f"{r['filename']}:{r['line_number']} (CWE-{r['issue_cwe']['id']})",
            message=f"bandit {r['test_id']} ({r['issue_severity'].lower()}): {r['issue_text']}",
        )
        for r in results
        if r["issue_severity"] in FAILING_SEVERITY
    ]
    return failures, severities


def _cwe(failure: Failure) -> str:
    return failure.where.rsplit("(", 1)[-1].rstrip(")") if "(CWE-" in failure.where else "probe"


def status(failures: list[Failure], probes: int, severities: Counter[str], skipped: int = 0) -> str:
    """`security_scan_status`: passed with the counts, or failed with the findings by CWE;
    either way how many cases were not exercised."""
    unexercised = f"; {skipped} not exercised" if skipped else ""
    if failures:
        by_cwe = Counter(_cwe(f) for f in failures)
        found = ", ".join(f"{cwe} x{n}" for cwe, n in sorted(by_cwe.items()))
        return f"failed: {found}{unexercised}"
    return (
        f"passed: 0 findings (probes: {probes}; bandit: {severities['high']} high, "
        f"{severities['medium']} medium, {severities['low']} low{unexercised})"
    )


def security(ctx: GateContext, evidence: Evidence) -> CheckResult:
    outcome = run_probe(ctx, "security", {})
    answer = outcome.answer
    note_service(evidence, answer)
    failures = [outcome.failure] if outcome.failure else []
    failures += [
        failure(ctx, "security", f, f"{f['where']} ({f['cwe']})")
        for f in answer.get("findings", [])
    ]
    failures += seed_problems(ctx, "security", answer)
    found, severities = bandit(ctx)
    failures += found
    probes = int(answer.get("probes", 0))
    skipped = not_exercised("security", answer)
    evidence.security_status = status(failures, probes, severities, len(skipped))
    stubs = answer.get("not_implemented", [])
    return CheckResult(
        name="security",
        passed=not failures,
        summary=evidence.security_status
        + (f" ({len(stubs)} endpoint(s) not implemented: 501, not probed)" if stubs else ""),
        failures=failures,
        not_exercised=skipped,
        figures={
            "probes": probes,
            "findings": len(failures),
            "not_exercised": len(skipped),
            "not_implemented": len(stubs),
            "bandit_high": severities["high"],
            "bandit_medium": severities["medium"],
            "bandit_low": severities["low"],
        },
    )
