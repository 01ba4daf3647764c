"""The gates of verify, each a deterministic step in the sandbox with structured evidence.

lint        ruff check + ruff format --check
tests       pytest with coverage and JUnit XML, on a fresh PostgreSQL database
migrations  upgrade, downgrade base, upgrade head on a fresh database; declared indexes and
            foreign keys present (`schema_check`)
package     a clean virtualenv installs the service from its own pyproject, offline, and
            migrates, serves and collects its tests from that install (`package_gate`)
contract    /openapi.json against the backlog, then schemathesis (`contract_gate`)
security    token, ownership, injection, size and rate-limit probes, and bandit (`security_gate`)
load        a bounded load test: rps, p50/p95/p99, error rate against the SLA (`load_gate`)

The last three run the service itself in the sandbox (`probe`, `live/`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from agent.verify import database, parse
from agent.verify.context import OUT_DIR, GateContext
from agent.verify.contract_gate import contract
from agent.verify.evidence import CheckResult, Evidence, Failure
from agent.verify.load_gate import load
from agent.verify.package_gate import package
from agent.verify.schema_check import migrations
from agent.verify.security_gate import security
from sandbox.base import CommandResult

__all__ = ["GATES", "OUT_DIR", "GateContext", "GateSpan", "run_gates"]
# Around each gate: given its name, a block whose dict takes the gate's outcome (progress
# events `gate.start` / `gate.end`, `agent.events.Events.span`).
GateSpan = Callable[[str], AbstractContextManager[dict[str, Any]]]


def _tail(result: CommandResult, chars: int = 1500) -> str:
    return (result.stdout[-chars:] + "\n" + result.stderr[-chars:]).strip()


def lint(ctx: GateContext, evidence: Evidence) -> CheckResult:
    py = ctx.sandbox.python
    check = ctx.sandbox.run(
        [py, "-m", "ruff", "check", "--output-format", "json", "."], timeout=ctx.timeout_s
    )
    fmt = ctx.sandbox.run([py, "-m", "ruff", "format", "--check", "."], timeout=ctx.timeout_s)
    failures = parse.ruff_findings(check.stdout) if check.exit_code else []
    unformatted = [
        line.removeprefix("Would reformat: ")
        for line in fmt.stdout.splitlines()
        if line.startswith("Would reformat")
    ]
    failures += [
        Failure(check="lint", where=f, message="not formatted (ruff format)") for f in unformatted
    ]
    if fmt.exit_code and not unformatted:
        failures.append(Failure(check="lint", where="ruff format", message=_tail(fmt, 300)))
    return CheckResult(
        name="lint",
        passed=not failures,
        summary=f"{len(failures)} finding(s)",
        failures=failures,
        figures={"findings": len(failures)},
    )


def coverage_warning(evidence: Evidence, target: float) -> str | None:
    """Line coverage under the run's target: a warning in the summary and the report, not a
    failure (the offline scaffold cannot raise coverage; the criteria decide an item)."""
    if evidence.coverage is None or evidence.coverage.percent >= target:
        return None
    return f"coverage {evidence.coverage.percent:.1f}% below the target {target:g}%"


def tests(ctx: GateContext, evidence: Evidence) -> CheckResult:
    name = f"{ctx.db_prefix}_tests"
    url = database.create(ctx.sandbox, ctx.services.postgres_url, name)
    env = {"DATABASE_URL": url, "REDIS_URL": ctx.services.redis_url}
    py = ctx.sandbox.python
    try:
        run = ctx.sandbox.run(
            [
                py,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "--cov",
                "--cov-report=",
                f"--junitxml={OUT_DIR}/junit.xml",
            ],
            timeout=ctx.timeout_s,
            env=env,
        )
        ctx.sandbox.run(
            [py, "-m", "coverage", "json", "-q", "-o", f"{OUT_DIR}/coverage.json"],
            timeout=120,
            env=env,
        )
    finally:
        database.drop(ctx.sandbox, ctx.services.postgres_url, name)
    evidence.tests = parse.junit(ctx.repo / OUT_DIR / "junit.xml")
    evidence.coverage = parse.coverage(ctx.repo / OUT_DIR / "coverage.json", ctx.repo)
    failures = parse.test_failures(evidence.tests)
    if not evidence.tests and not failures:
        failures.append(
            Failure(
                check="tests",
                where="pytest",
                message="no test ran (no JUnit report came back)",
                detail=_tail(run),
            )
        )
    if run.exit_code and not failures:
        reason = "timed out" if run.timed_out else f"pytest exited {run.exit_code}"
        failures.append(Failure(check="tests", where="pytest", message=reason, detail=_tail(run)))
    warning = coverage_warning(evidence, ctx.min_coverage)
    passed = sum(1 for t in evidence.tests if t.outcome == "passed")
    return CheckResult(
        name="tests",
        passed=not failures,
        summary=f"{passed}/{len(evidence.tests)} passed" + (f"; {warning}" if warning else ""),
        failures=failures,
        figures={
            "tests": len(evidence.tests),
            "passed": passed,
            "coverage_percent": evidence.coverage.percent if evidence.coverage else None,
            "min_coverage": ctx.min_coverage,
            "coverage_warning": warning,
        },
    )


GATES: dict[str, Callable[[GateContext, Evidence], CheckResult]] = {
    "lint": lint,
    "tests": tests,
    "migrations": migrations,
    "package": package,
    "contract": contract,
    "security": security,
    "load": load,
}


@contextmanager
def _unwatched(name: str) -> Iterator[dict[str, Any]]:
    yield {}


def run_gates(
    ctx: GateContext, names: list[str], iteration: int, span: GateSpan = _unwatched
) -> Evidence:
    """Run the named gates in order; each gets its own timing, and runs inside `span`."""
    out = ctx.repo / OUT_DIR
    for stale in ("junit.xml", "coverage.json"):
        (out / stale).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "live", ignore_errors=True)  # a probe left behind by a crashed pass
    evidence = Evidence(iteration=iteration, sandbox=ctx.sandbox.name)
    for name in names:
        with span(name) as outcome:
            started = time.monotonic()
            result = GATES[name](ctx, evidence)
            result.duration_s = round(time.monotonic() - started, 2)
            outcome.update(passed=result.passed, summary=result.summary)
        evidence.checks.append(result)
    return evidence
