"""Structured evidence of a verify pass: which check, which test, which error.

The repair loop gets failures from here (trimmed), and the report gets its figures from
here; nothing is re-parsed from raw logs later.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from agent.verify.proof.record import Proof


class Exchange(BaseModel):
    """One HTTP request a check sent to the running service, and what came back (trimmed):
    the evidence a model or a person needs to act without digging through logs."""

    method: str
    path: str
    body: Any = None
    status: int | None = None  # None: no answer (the connection failed)
    response: str = ""  # the response body, trimmed

    def line(self) -> str:
        sent = f" {json.dumps(self.body)[:300]}" if self.body is not None else ""
        got = f" -> {self.status} {self.response[:300]}" if self.status is not None else ""
        return f"{self.method} {self.path}{sent}{got}"


class Failure(BaseModel):
    """One thing that went wrong: a failing test, a lint finding, a migration error, a
    finding on the running service (with the request and response that show it, what was
    expected, and where in the backlog that expectation comes from)."""

    check: str
    where: str
    message: str
    detail: str = ""
    exchange: Exchange | None = None
    expected: str | None = None
    source: str | None = None  # e.g. backlog_items[1].api_requirements[0].request_schema…


class NotExercised(BaseModel):
    """A check the gate could not set up (seeding refused by a declared rule, a limit out of
    reach in time, an endpoint not implemented): not a failure of the service, reported."""

    check: str
    where: str
    reason: str
    exchange: Exchange | None = None


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
    not_exercised: list[NotExercised] = Field(default_factory=list)


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
    refused: int = 0  # writes a business rule refused (409, 422), counted apart from errors
    measured: str | None = None  # how: "under load: 8 connections for 5.0 s, …", "10 deletes …"
    judged: bool = True  # False: reported, not held to the p95 SLA (bcrypt's register, login)


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
    proof: Proof | None = None  # the criteria proven on mutants (`agent.verify.proof`)

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
