"""scaffold and implement: render the item's part of the service, then fill what the
scaffold cannot (with a model; without one, list it as not implemented)."""

from __future__ import annotations

import json
from typing import Any

from langgraph.runtime import Runtime

import prompts
from agent.backlog import load_backlog as read_backlog
from agent.backlog.schema import BacklogItem
from agent.context import RunContext
from agent.loop import LoopOutcome
from agent.nodes.modelwork import session
from agent.scaffold.workspace import Formatter, scaffold_item
from agent.spec.types import FieldSpec, Gap, Operation, ServiceSpec
from agent.state import RunState, item, put_item
from sandbox.base import Sandbox


def ruff_formatter(sandbox: Sandbox) -> Formatter:
    """Tidy freshly written files with the sandbox's ruff (imports, then format)."""

    def fmt(files: list[str]) -> None:
        sandbox.run(
            [
                sandbox.python,
                "-m",
                "ruff",
                "check",
                "--fix",
                "--select",
                "F401,F841,I",
                "--quiet",
                *files,
            ],
            timeout=120,
        )
        sandbox.run([sandbox.python, "-m", "ruff", "format", "--quiet", *files], timeout=120)

    return fmt


def scaffold(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Bring the repo to the spec of the items done so far plus this one."""
    record = item(state)
    spec = ServiceSpec.model_validate(state["spec"])
    result = scaffold_item(
        runtime.context.config.repo, spec, record.id, ruff_formatter(runtime.context.sandbox)
    )
    record.scaffold = result
    record.status = "scaffolded"
    runtime.context.record(
        "scaffold",
        item=record.id,
        message=f"{len(result.written)} file(s) written, "
        f"{len(result.kept_hand_edits)} hand edit(s) kept",
        migration=result.migration.revision if result.migration else None,
    )
    return put_item(state, record)


def implement(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Offline: the scaffold is the implementation and every gap of the item is reported.
    With a model: it implements the gaps and writes tests for the criteria, through tools."""
    ctx, record = runtime.context, item(state)
    spec = ServiceSpec.model_validate(state["spec"])
    gaps = [g for g in spec.gaps if g.item_id == record.id]
    record.status = "implemented"
    if ctx.model.offline:
        record.not_implemented = gaps
        ctx.record(
            "implement",
            item=record.id,
            model=ctx.model.name,
            message=f"{len(gaps)} gap(s) left for a model",
        )
        return put_item(state, record)
    backlog = read_backlog(ctx.config.backlog)
    source = next(i for i in backlog.backlog_items if i.id == record.id)
    outcome = session(runtime, record, "implement", implement_prompt(source, spec))
    record.not_implemented = claimed_gaps(gaps, outcome)
    ctx.record(
        "implement",
        item=record.id,
        model=ctx.model.name,
        turns=outcome.turns if outcome else None,
        stop=record.stop_reason,
        message=f"model {'finished' if outcome and outcome.finished else 'stopped'}",
    )
    return {**put_item(state, record), "usage": ctx.usage()}


def claimed_gaps(gaps: list[Gap], outcome: LoopOutcome | None) -> list[Gap]:
    """What stays not implemented: the model's own list when it finished, else every gap.

    A claim of "implemented" is not believed for criteria (only passing tests count); for
    free-text rules the claim is all there is, and the report shows it as the model's."""
    if outcome is None or outcome.finished is None:
        return gaps
    said = outcome.finished.not_implemented
    return [
        g.model_copy(update={"reason": "the model says it did not implement it"})
        for g in gaps
        if g.kind != "criterion" and any(g.text in s or s in g.text for s in said)
    ] + [
        Gap(
            item_id=gaps[0].item_id if gaps else "",
            kind="rule",
            text=s,
            reason="the model says it did not implement it",
        )
        for s in said
        if not any(g.text in s or s in g.text for g in gaps)
    ]


def _fields(fields: list[FieldSpec]) -> str:
    return ", ".join(
        f"{f.name}: {f.type}"
        + (f" one of {f.enum}" if f.enum else "")
        + (" (required)" if f.required else "")
        for f in fields
    )


def reading(op: Operation) -> str:
    """How the plan read one endpoint, for the model: its kind and why, its codes, its
    fields as typed, and the values it takes from other endpoints."""
    extras = [
        ", auth" if op.auth_required else "",
        f", {op.rate_limit.text}" if op.rate_limit else "",
    ]
    lines = [
        f"- {op.method} {op.path}: {op.kind} ({op.kind_reason}) -> `{op.handler}`{''.join(extras)}"
    ]
    codes = [f"{c}{' ' + w if w else ''}" for c, w in op.responses.items() if c >= 300]
    lines.append(
        f"  answers {op.status_code} on success ({op.status_reason}), {op.invalid_status} for a "
        "request its schema refuses" + ("; declared: " + "; ".join(codes) if codes else "")
    )
    lines += [f"  body: {_fields(op.body)}"] if op.body else []
    lines += [f"  query: {_fields(op.query)}"] if op.query else []
    lines += [f"  response: {_fields(op.response)}"] if op.response else []
    lines += [
        f"  `{f.name}` ({f.location}) is the `{f.field}` that {f.method} {f.path} answers"
        for f in op.flows
    ]
    return "\n".join(lines)


def implement_prompt(item: BacklogItem, spec: ServiceSpec) -> str:
    """What the model is told to implement: the item as written, the plan's reading of its
    endpoints, its criteria (those a generated test shows marked) and its gaps."""
    return prompts.render(
        "implement",
        item=item,
        written=json.dumps(item.model_dump(mode="json", exclude_defaults=True), indent=1),
        gaps=[g for g in spec.gaps if g.item_id == item.id],
        covered={t.index + 1 for t in spec.criteria_tests if t.item_id == item.id},
        operations=[reading(o) for o in spec.operations if o.item_id == item.id],
    )
