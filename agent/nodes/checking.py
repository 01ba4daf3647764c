"""verify and its router: run the gates in the sandbox, decide repair or deliver."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from langgraph.runtime import Runtime

from agent.backlog import load_backlog
from agent.backlog.schema import Backlog
from agent.context import RunContext
from agent.scaffold.workspace import Manifest
from agent.spec.types import ServiceSpec
from agent.state import ItemRecord, RunState, item, put_item
from agent.verify.gates import GateContext, run_gates
from agent.verify.proof.step import prove


def as_written(backlog: Backlog, spec: ServiceSpec) -> list[dict[str, Any]]:
    """The run's backlog items built so far, as the backlog writes them, with their place
    in the file: the contract gate's oracle (earlier backlogs' items were checked in their
    own runs)."""
    built = set(spec.item_ids())
    return [
        {"index": i, "item": entry.model_dump(mode="json")}
        for i, entry in enumerate(backlog.backlog_items)
        if entry.id in built
    ]


def left_undone(state: RunState) -> list[str]:
    """What the items built so far report not implemented (the offline model leaves every
    rule and calculation; a model leaves what it says it did not do)."""
    return [
        f"{gap.kind}: {gap.text}" for key in state.get("items", {}) for gap in item(state, key).left
    ]


def verify(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Run the configured gates on the repo, inside the sandbox; keep the evidence."""
    ctx, record = runtime.context, item(state)
    iteration = len(record.evidence) + 1
    services = ctx.sandbox.start_services()
    prefix = f"ba_{state['run_id'][:8]}_{record.id}_{iteration}".lower().replace("-", "_")
    spec = Manifest.load(ctx.config.repo).spec
    backlog = load_backlog(ctx.config.backlog)
    gate_ctx = GateContext(
        sandbox=ctx.sandbox,
        services=services,
        repo=ctx.config.repo,
        db_prefix=prefix.replace(".", "_"),
        timeout_s=ctx.config.command_timeout_s,
        spec=spec,
        backlog=as_written(backlog, spec),
        left=left_undone(state),
        min_coverage=ctx.config.min_coverage,
        p95_ms=ctx.config.p95_ms,
    )
    events = ctx.events.tagged(item=record.id, node="verify", iteration=iteration)
    evidence = run_gates(
        gate_ctx, list(ctx.config.gates), iteration, lambda name: events.span("gate", gate=name)
    )
    source = next((i for i in backlog.backlog_items if i.id == record.id), None)
    record.evidence.append(evidence)
    if source is not None:
        with events.span("proof", criteria=len(source.acceptance_criteria)) as proven:
            evidence.proof = prove(gate_ctx, evidence, source)
            proven["summary"] = evidence.proof.skipped or criteria_line(record)
    record.status = "verified"
    summary = ", ".join(
        f"{c.name} {'ok' if c.passed else 'FAILED'} ({c.summary})" for c in evidence.checks
    )
    ctx.record(
        "verify",
        item=record.id,
        iteration=iteration,
        passed=evidence.passed,
        verdict=record.verdict,
        criteria=criteria_line(record),
        message=f"{summary}; {criteria_line(record)}",
    )
    return put_item(state, record)


def criteria_line(record: ItemRecord) -> str:
    """`criteria 4/5 met (proven), 1 passed but unproven; proof 21.3 s`."""
    statuses = [s.status for s in record.standings()]
    line = f"criteria {statuses.count('met')}/{len(statuses)} met (proven)"
    if "passed but unproven" in statuses:
        line += f", {statuses.count('passed but unproven')} passed but unproven"
    proof = record.evidence[-1].proof if record.evidence else None
    return line + (f"; proof {proof.duration_s} s" if proof and proof.mutants else "")


def signature(record: ItemRecord) -> str:
    """What is wrong after the last verify, without timings: the gates' failures and the
    criteria not met. Equal twice in a row: the repair is stuck."""
    last = record.evidence[-1] if record.evidence else None
    criteria = [f"{n}:{s.status}" for n, s in enumerate(record.standings(), 1) if s.status != "met"]
    return "|".join([last.signature() if last else "", *criteria])


def _minutes_since(started_at: str) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(started_at)).total_seconds() / 60


def why_stop(state: RunState, context: RunContext) -> str | None:
    """Why the repair loop ends for the current item, or None to repair once more."""
    record, config = item(state), context.config
    evidence = record.evidence
    limit = config.time_limit_min
    stops = [
        (record.passed, "passed: every gate, every criterion proven, nothing left"),
        (context.model.offline, "the offline model cannot repair"),
        (bool(record.stop_reason), record.stop_reason or ""),
        (
            record.repairs >= config.max_repairs,
            f"max repair iterations ({config.max_repairs}) reached",
        ),
        (
            len(evidence) >= 2 and signature(record) == _before(record),
            "stuck: the same failures twice in a row",
        ),
        (
            limit is not None and _minutes_since(state["started_at"]) > limit,
            f"time limit ({limit} min) reached",
        ),
    ]
    return next((reason for hit, reason in stops if hit), None)


def _before(record: ItemRecord) -> str:
    """The signature the item had one verify earlier."""
    return signature(record.model_copy(update={"evidence": record.evidence[:-1]}))


def after_verify(state: RunState, runtime: Runtime[RunContext]) -> Literal["repair", "deliver"]:
    """Repair while a model can and the limits allow; otherwise deliver what there is."""
    return "deliver" if why_stop(state, runtime.context) else "repair"
