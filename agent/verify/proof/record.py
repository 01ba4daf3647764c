"""What the proof step records: each mutant it ran, and each criterion's verdict.

Kept in the verify pass's `Evidence.proof`; the report and the item's status read it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

MutantKind = Literal[
    "validation",
    "token",
    "credentials",
    "limit",
    "conflict",
    "not_found",
    "status",
    "endpoint",
    "rule",
    "hooks",
    "scope",
]
Verdict = Literal["proven", "unproven", "no test"]


class Mutant(BaseModel):
    """One way to take a behaviour away, read from a criterion's words and the backlog:
    `field` and `bound` for validation (min, max, pattern, format, enum, required, any),
    `endpoints` (method, path as the backlog writes them) where the words name some."""

    kind: MutantKind
    field: str | None = None
    bound: str | None = None
    endpoints: list[tuple[str, str]] = Field(default_factory=list)
    status: int | None = None  # for `status`: the code whose raises are taken away

    @property
    def key(self) -> str:
        parts = [self.kind, self.field, self.bound, *(f"{m} {p}" for m, p in self.endpoints)]
        parts += [str(self.status)] if self.status else []
        return ":".join(p for p in parts if p)

    def describe(self, module: str | None = None) -> str:
        """What the mutant takes away, for a reader."""
        where = ", ".join(f"{m} {p}" for m, p in self.endpoints) or "every endpoint"
        bound = BOUNDS.get(self.bound or "any", self.bound or "")
        return {
            "validation": f"request field `{self.field or '*'}` without {bound} ({where})",
            "token": "the bearer-token check lets requests through (its 401s removed)",
            "credentials": f"login takes any credentials (401s of {where} removed)",
            "limit": "the rate limiter never refuses (429s removed)",
            "conflict": "no conflict answer: 409 raises and the unique-violation handler removed",
            "not_found": "no not-found answer: 404 raises removed",
            "status": f"no {self.status} answer: every raise of {self.status} removed",
            "endpoint": f"{where} does nothing (its handler raises)",
            "rule": f"the RuleViolation raises of {module or 'every rule module'} disabled",
            "scope": f"{where} lists without its scope (the handler's filters taken away)",
            "hooks": f"the hooks of {module or 'every rule module'} do nothing (each returns "
            "what it was given: no calculation, no refusal)",
        }[self.kind]


BOUNDS = {
    "min": "its lower bound (min_length, ge, gt)",
    "max": "its upper bound (max_length, le, lt)",
    "pattern": "its pattern",
    "format": "its format (email, uri, uuid, date… read as plain text)",
    "enum": "its allowed values",
    "required": "being required",
    "any": "any validation",
}


class MutantRun(BaseModel):
    """One mutant as it ran: the files it changed (none: nothing to take away, not run),
    each test's outcome on it, and why it proves nothing when it could not run."""

    key: str
    description: str
    module: str | None = None  # a rule mutant's module
    files: list[str] = Field(default_factory=list)
    outcomes: dict[str, str] = Field(default_factory=dict)  # test id -> passed/failed/error
    duration_s: float = 0.0
    error: str = ""


class CriterionProof(BaseModel):
    """One criterion of the item: its passed tests, the mutants it needed, and whether a
    test of it failed on one of them (`proven_by`: test id -> the mutant that showed it)."""

    index: int  # 1-based, as in the backlog
    text: str
    mutants: list[str] = Field(default_factory=list)  # descriptions, in the order tried
    tests: list[str] = Field(default_factory=list)
    proven_by: dict[str, str] = Field(default_factory=dict)
    verdict: Verdict = "no test"
    reason: str = ""


class Proof(BaseModel):
    """The proof step of one verify pass: per criterion a verdict, per mutant its run."""

    item_id: str
    criteria: list[CriterionProof] = Field(default_factory=list)
    mutants: list[MutantRun] = Field(default_factory=list)
    duration_s: float = 0.0
    skipped: str | None = None  # why no mutant ran at all

    def of(self, index: int) -> CriterionProof | None:
        return next((c for c in self.criteria if c.index == index), None)
