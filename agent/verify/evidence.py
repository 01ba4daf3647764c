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


class Evidence(BaseModel):
    """Everything one verify pass measured."""

    iteration: int
    sandbox: str
    checks: list[CheckResult] = Field(default_factory=list)
    tests: list[TestOutcome] = Field(default_factory=list)
    coverage: Coverage | None = None

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
