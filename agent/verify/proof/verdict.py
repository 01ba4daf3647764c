"""A criterion's standing and an item's status, from the last verify pass's evidence.

met                  every test marked for it passed, and one failed on a mutant (proven)
passed but unproven  its tests passed, but none failed without the behaviour it names
unmet                no test is marked for it, or one of them did not pass

An item is `passed` when every gate passed, every criterion is met and nothing is left
not implemented; `incomplete` when the gates passed but something is left; else `failed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from agent.verify.evidence import Evidence

CriterionStatus = Literal["met", "passed but unproven", "unmet"]
ItemVerdict = Literal["passed", "incomplete", "failed"]


@dataclass(frozen=True)
class Standing:
    """Where one criterion stands: its tests, and the mutant that proved it (met) or the
    mutants that did not make its tests fail (passed but unproven), with why."""

    status: CriterionStatus
    tests: list[str] = field(default_factory=list)
    reason: str = ""
    mutant: str | None = None


def standing(evidence: Evidence | None, item_id: str, index: int) -> Standing:
    """Criterion `index` (1-based) of item `item_id` after the pass `evidence`."""
    ran = evidence.tests if evidence else []
    marked = [t for t in ran if f"{item_id}#{index}" in t.criteria]
    ids = [t.id for t in marked]
    if not marked:
        return Standing("unmet", ids, "no test is marked for it")
    if any(t.outcome != "passed" for t in marked):
        return Standing("unmet", ids, "a test marked for it did not pass")
    proof = evidence.proof if evidence else None
    mine = proof.of(index) if proof and proof.item_id == item_id else None
    if mine is None:
        return Standing("passed but unproven", ids, "the proof step did not run")
    if mine.verdict == "proven":
        return Standing("met", ids, "", next(iter(mine.proven_by.values()), None))
    return Standing("passed but unproven", ids, mine.reason, "; ".join(mine.mutants) or None)


def item_status(evidence: Evidence | None, item_id: str, criteria: int, left: int) -> ItemVerdict:
    """`left`: how many rules, calculations or endpoints are not implemented."""
    if evidence is None or not evidence.passed:
        return "failed"
    unmet = [n for n in range(1, criteria + 1) if standing(evidence, item_id, n).status != "met"]
    return "incomplete" if unmet or left else "passed"
