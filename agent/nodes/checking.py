"""verify and its router: run the gates in the sandbox, decide repair or deliver."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime

from agent.context import RunContext
from agent.state import RunState, item, put_item
from agent.verify.gates import GateContext, run_gates


def verify(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Run the configured gates on the repo, inside the sandbox; keep the evidence."""
    ctx, record = runtime.context, item(state)
    iteration = len(record.evidence) + 1
    services = ctx.sandbox.start_services()
    prefix = f"ba_{state['run_id'][:8]}_{record.id}_{iteration}".lower().replace("-", "_")
    gate_ctx = GateContext(
        sandbox=ctx.sandbox,
        services=services,
        repo=ctx.config.repo,
        db_prefix=prefix.replace(".", "_"),
        timeout_s=ctx.config.command_timeout_s,
    )
    evidence = run_gates(gate_ctx, list(ctx.config.gates), iteration)
    record.evidence.append(evidence)
    record.status = "verified"
    summary = ", ".join(
        f"{c.name} {'ok' if c.passed else 'FAILED'} ({c.summary})" for c in evidence.checks
    )
    ctx.record(
        "verify", item=record.id, iteration=iteration, passed=evidence.passed, message=summary
    )
    return put_item(state, record)


def after_verify(state: RunState, runtime: Runtime[RunContext]) -> Literal["repair", "deliver"]:
    """Repair while a model can and the limits allow; otherwise deliver what there is."""
    record = item(state)
    if record.passed or runtime.context.model.offline:
        return "deliver"
    if record.repairs >= runtime.context.config.max_repairs:
        return "deliver"
    evidence = record.evidence
    if len(evidence) >= 2 and evidence[-1].signature() == evidence[-2].signature():
        return "deliver"
    return "repair"
