"""The contract gate: the running service's /openapi.json against the backlog's endpoints,
then property-based tests (schemathesis) from that schema: responses conform, no 5xx."""

from __future__ import annotations

from typing import Any

from agent.spec.types import FieldSpec, Operation, ServiceSpec
from agent.verify.context import GateContext
from agent.verify.evidence import CheckResult, Evidence, Failure, ServiceFigures
from agent.verify.probe import run_probe

MAX_EXAMPLES = 5  # per operation: a bounded run, not a soak
FUZZ_TIME_S = 240.0
ENTITY_SHAPED = {"create", "read", "list", "update", "replace", "register", "me"}


def response_fields(spec: ServiceSpec, op: Operation) -> list[FieldSpec]:
    """What the backlog says the endpoint returns (the entity's public fields by default)."""
    if op.status_code == 204 or op.kind == "delete":
        return []
    if op.response is not None:
        return op.response
    if op.kind not in ENTITY_SHAPED:
        return []
    entity = spec.entity(op.entity)
    return [f for f in entity.fields if not f.secret] if entity else []


def options(ctx: GateContext) -> dict[str, Any]:
    spec = ctx.spec or ServiceSpec()
    return {
        "max_examples": MAX_EXAMPLES,
        "fuzz_time_s": min(FUZZ_TIME_S, max(ctx.timeout_s - 60, 30)),
        "responses": {
            o.handler: [f.model_dump(mode="json") for f in response_fields(spec, o)]
            for o in spec.operations
        },
    }


def note_service(evidence: Evidence, answer: dict[str, Any]) -> None:
    """Remember where the service answered in the sandbox (the report's deployment URLs)."""
    if answer.get("base_url") and evidence.service is None:
        evidence.service = ServiceFigures(
            base_url=answer["base_url"], upgrade_s=answer.get("upgrade_s")
        )


def contract(ctx: GateContext, evidence: Evidence) -> CheckResult:
    outcome = run_probe(ctx, "contract", options(ctx))
    answer = outcome.answer
    note_service(evidence, answer)
    found = answer.get("schema_mismatches", []) + answer.get("fuzz_failures", [])
    failures = [outcome.failure] if outcome.failure else []
    failures += [Failure(check="contract", where=f["where"], message=f["message"]) for f in found]
    cases = int(answer.get("fuzz_cases", 0))
    stubs = answer.get("not_implemented", [])
    skipped = f", {len(stubs)} not implemented (501) and not exercised" if stubs else ""
    return CheckResult(
        name="contract",
        passed=not failures,
        summary=f"{len(ctx.spec.operations) if ctx.spec else 0} endpoint(s) in the schema, "
        f"{cases} generated case(s), {len(failures)} failure(s){skipped}",
        failures=failures,
        figures={
            "schema_mismatches": len(answer.get("schema_mismatches", [])),
            "fuzz_cases": cases,
            "fuzz_failures": len(answer.get("fuzz_failures", [])),
            "not_implemented": len(stubs),
        },
    )
