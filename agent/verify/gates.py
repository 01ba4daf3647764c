"""The gates of verify, each a deterministic step in the sandbox with structured evidence.

lint        ruff check + ruff format --check
tests       pytest with coverage and JUnit XML, on a fresh PostgreSQL database
migrations  alembic upgrade head, downgrade base, upgrade head on another fresh database
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.verify import database, parse
from agent.verify.evidence import CheckResult, Evidence, Failure
from sandbox.base import CommandResult, Sandbox, Services

OUT_DIR = ".verify"  # inside the workspace the sandbox syncs; git-ignored in the service


@dataclass(frozen=True)
class GateContext:
    sandbox: Sandbox
    services: Services
    repo: Path
    db_prefix: str
    timeout_s: float


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
    passed = sum(1 for t in evidence.tests if t.outcome == "passed")
    return CheckResult(
        name="tests",
        passed=not failures,
        summary=f"{passed}/{len(evidence.tests)} passed",
        failures=failures,
        figures={
            "tests": len(evidence.tests),
            "passed": passed,
            "coverage_percent": evidence.coverage.percent if evidence.coverage else None,
        },
    )


def migrations(ctx: GateContext, evidence: Evidence) -> CheckResult:
    name = f"{ctx.db_prefix}_migrations"
    url = database.create(ctx.sandbox, ctx.services.postgres_url, name)
    failures: list[Failure] = []
    steps = (("upgrade", "head"), ("downgrade", "base"), ("upgrade", "head"))
    try:
        for verb, target in steps:
            run = ctx.sandbox.run(
                [ctx.sandbox.python, "-m", "alembic", verb, target],
                timeout=ctx.timeout_s,
                env={"DATABASE_URL": url},
            )
            if not run.ok:
                failures.append(
                    Failure(
                        check="migrations",
                        where=f"alembic {verb} {target}",
                        message=run.stderr.strip().splitlines()[-1:][0]
                        if run.stderr.strip()
                        else f"exit {run.exit_code}",
                        detail=_tail(run),
                    )
                )
                break
    finally:
        database.drop(ctx.sandbox, ctx.services.postgres_url, name)
    return CheckResult(
        name="migrations",
        passed=not failures,
        summary="upgrade/downgrade/upgrade ok" if not failures else "failed",
        failures=failures,
    )


GATES: dict[str, Callable[[GateContext, Evidence], CheckResult]] = {
    "lint": lint,
    "tests": tests,
    "migrations": migrations,
}


def run_gates(ctx: GateContext, names: list[str], iteration: int) -> Evidence:
    """Run the named gates in order; each gets its own timing."""
    out = ctx.repo / OUT_DIR
    for stale in ("junit.xml", "coverage.json"):
        (out / stale).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    evidence = Evidence(iteration=iteration, sandbox=ctx.sandbox.name)
    for name in names:
        started = time.monotonic()
        result = GATES[name](ctx, evidence)
        result.duration_s = round(time.monotonic() - started, 2)
        evidence.checks.append(result)
    return evidence
