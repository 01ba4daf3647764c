"""The migrations gate: upgrade (one revision at a time), downgrade base, upgrade head on a
fresh database, timed in one process; then every declared index and foreign key must be in
the catalogue (`pg_indexes`, `pg_constraint`)."""

from __future__ import annotations

from typing import Any

from agent.spec.types import ServiceSpec
from agent.verify.context import GateContext
from agent.verify.evidence import CheckResult, Evidence, Failure
from agent.verify.probe import run_probe


def missing(spec: ServiceSpec | None, answer: dict[str, Any]) -> list[Failure]:
    """Declared indexes and foreign keys the migrated database does not have."""
    if spec is None:
        return []
    indexes = {(t, n) for t, n in answer.get("indexes", [])}
    fks = {(t, c, r) for t, c, r in answer.get("foreign_keys", [])}
    out = [
        Failure(
            check="migrations",
            where=f"index {ix.name} on {ix.table}",
            message=f"declared index ({', '.join(ix.columns)}) is missing after upgrade head",
        )
        for e in spec.entities
        for ix in e.indexes
        if (ix.table, ix.name) not in indexes
    ]
    out += [
        Failure(
            check="migrations",
            where=f"foreign key {fk.table}.{fk.column} -> {fk.ref_table}",
            message="declared relationship has no foreign key after upgrade head",
        )
        for e in spec.entities
        for fk in e.foreign_keys
        if (fk.table, fk.column, fk.ref_table) not in fks
    ]
    return out


def _declared(spec: ServiceSpec | None) -> tuple[int, int]:
    if spec is None:
        return 0, 0
    return sum(len(e.indexes) for e in spec.entities), sum(
        len(e.foreign_keys) for e in spec.entities
    )


def migrations(ctx: GateContext, evidence: Evidence) -> CheckResult:
    """Fails on the first migration step that fails, or on a declared index / FK missing."""
    outcome = run_probe(ctx, "migrations", {})
    answer = outcome.answer
    failures = [outcome.failure] if outcome.failure else []
    if answer.get("error"):
        step, _, message = str(answer["error"]).partition(": ")
        failures.append(Failure(check="migrations", where=f"alembic {step}", message=message))
    elif answer:
        failures += missing(ctx.spec, answer)
    timings: dict[str, float] = answer.get("timings", {})
    evidence.migration_s = timings
    indexes, fks = _declared(ctx.spec)
    return CheckResult(
        name="migrations",
        passed=not failures,
        summary="upgrade/downgrade/upgrade ok, "
        f"{indexes} index(es) and {fks} foreign key(s) present"
        if not failures
        else f"{len(failures)} failure(s)",
        failures=failures,
        figures={
            "revisions": len(answer.get("revisions", [])),
            "declared_indexes": indexes,
            "declared_foreign_keys": fks,
            "downgrade_base_s": timings.get("downgrade base"),
            "upgrade_head_s": timings.get("upgrade head"),
        },
    )
