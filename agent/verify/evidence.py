"""Structured evidence of a verify pass: which check, which test, which error.

The repair loop gets failures from here (trimmed), and the report gets its figures from
here; nothing is re-parsed from raw logs later.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Failure(BaseModel):
    """One thing that went wrong: a failing test, a lint finding, a migration error."""

    check: str
    where: str
    message: str
    detail: str = ""


class TestOutcome(BaseModel):
    """One test case as JUnit XML reported it."""

    id: str  # backend/tests/test_auth.py::test_name
    name: str
    outcome: str  # passed, failed, error, skipped
    message: str = ""
    duration_s: float = 0.0
    criteria: list[str] = Field(default_factory=list)  # "ITEM#n" from criterion markers


class CheckResult(BaseModel):
    """One gate: passed or not, how long it took, its figures and its failures."""

    name: str
    passed: bool
    duration_s: float = 0.0
    summary: str = ""
    figures: dict[str, float | int | str | None] = Field(default_factory=dict)
    failures: list[Failure] = Field(default_factory=list)


class Coverage(BaseModel):
    percent: float
    files: dict[str, float] = Field(default_factory=dict)
    handlers: dict[str, float] = Field(default_factory=dict)  # handler name -> line coverage %


class LatencyFigures(BaseModel):
    """Load-test figures of one endpoint, or of all of them together."""

    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    error_rate: float
    rate_limited: int = 0  # 429s, counted apart from errors


class LoadFigures(BaseModel):
    """What the load gate measured, and the conditions the figures should be read under."""

    overall: LatencyFigures
    endpoints: dict[str, LatencyFigures] = Field(default_factory=dict)  # "GET /path" -> figures
    duration_s: float
    concurrency: int
    sla_p95_ms: float
    limits: str  # the sandbox's CPU and memory, e.g. "2 CPUs, 2.0 GiB (Docker sandbox)"


class ServiceFigures(BaseModel):
    """The generated service as it ran in the sandbox (a sandbox-internal address)."""

    base_url: str
    upgrade_s: float | None = None


class Evidence(BaseModel):
    """Everything one verify pass measured."""

    iteration: int
    sandbox: str
    checks: list[CheckResult] = Field(default_factory=list)
    tests: list[TestOutcome] = Field(default_factory=list)
    coverage: Coverage | None = None
    load: LoadFigures | None = None
    security_status: str | None = None  # "passed: …" or "failed: CWE-287 x1, …"
    service: ServiceFigures | None = None
    migration_s: dict[str, float] = Field(default_factory=dict)  # "upgrade <rev>" -> seconds

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)

    def failures(self) -> list[Failure]:
        return [f for c in self.checks for f in c.failures]

    def signature(self) -> str:
        """What failed, without timings: equal signatures mean the same failure again."""
        return "|".join(sorted(f"{f.check}:{f.where}" for f in self.failures()))
