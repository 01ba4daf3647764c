"""verify and its router: run the gates in the sandbox, decide repair or deliver."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from langgraph.runtime import Runtime

from agent.backlog import load_backlog as read_backlog
from agent.context import RunContext
from agent.scaffold.workspace import Manifest
from agent.spec.types import ServiceSpec
from agent.state import RunState, item, put_item
from agent.verify.gates import GateContext, run_gates


def as_written(context: RunContext, spec: ServiceSpec) -> list[dict[str, Any]]:
    """The run's backlog items built so far, as the backlog writes them, with their place
    in the file: the contract gate's oracle (earlier backlogs' items were checked in their
    own runs)."""
    built = set(spec.item_ids())
    backlog = read_backlog(context.config.backlog)
    return [
        {"index": i, "item": entry.model_dump(mode="json")}
        for i, entry in enumerate(backlog.backlog_items)
        if entry.id in built
    ]


def verify(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Run the configured gates on the repo, inside the sandbox; keep the evidence."""
    ctx, record = runtime.context, item(state)
    iteration = len(record.evidence) + 1
    services = ctx.sandbox.start_services()
    prefix = f"ba_{state['run_id'][:8]}_{record.id}_{iteration}".lower().replace("-", "_")
    spec = Manifest.load(ctx.config.repo).spec
    gate_ctx = GateContext(
        sandbox=ctx.sandbox,
        services=services,
        repo=ctx.config.repo,
        db_prefix=prefix.replace(".", "_"),
        timeout_s=ctx.config.command_timeout_s,
        spec=spec,
        backlog=as_written(ctx, spec),
        min_coverage=ctx.config.min_coverage,
        p95_ms=ctx.config.p95_ms,
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


def _minutes_since(started_at: str) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(started_at)).total_seconds() / 60


def why_stop(state: RunState, context: RunContext) -> str | None:
    """Why the repair loop ends for the current item, or None to repair once more."""
    record, config = item(state), context.config
    evidence = record.evidence
    limit = config.time_limit_min
    stops = [
        (record.passed, "all gates passed"),
        (context.model.offline, "the offline model cannot repair"),
        (bool(record.stop_reason), record.stop_reason or ""),
        (
            record.repairs >= config.max_repairs,
            f"max repair iterations ({config.max_repairs}) reached",
        ),
        (
            len(evidence) >= 2 and evidence[-1].signature() == evidence[-2].signature(),
            "stuck: the same failures twice in a row",
        ),
        (
            limit is not None and _minutes_since(state["started_at"]) > limit,
            f"time limit ({limit} min) reached",
        ),
    ]
    return next((reason for hit, reason in stops if hit), None)


def after_verify(state: RunState, runtime: Runtime[RunContext]) -> Literal["repair", "deliver"]:
    """Repair while a model can and the limits allow; otherwise deliver what there is."""
    return "deliver" if why_stop(state, runtime.context) else "repair"
