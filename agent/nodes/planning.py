"""load_backlog and plan: read the backlog, order its items, compile the spec."""

from __future__ import annotations

import json
from typing import Any

from langgraph.runtime import Runtime

from agent.backlog import load_backlog as read_backlog
from agent.context import RunContext
from agent.planner import needs_plan, plan_item, with_plans
from agent.scaffold.workspace import Manifest
from agent.spec.compiler import compile_backlog
from agent.state import ItemRecord, RunState


def load_backlog(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Check the run's copy of the backlog and fix the order items run in."""
    backlog = read_backlog(runtime.context.config.backlog)
    order = [item.id for item in backlog.by_priority()]
    items = {
        i.id: ItemRecord(id=i.id, priority=i.priority, criteria=i.acceptance_criteria).model_dump(
            mode="json"
        )
        for i in backlog.backlog_items
    }
    runtime.context.record("load_backlog", message=f"{len(order)} item(s): {', '.join(order)}")
    return {"order": order, "items": items, "current": None}


def _plan_missing_endpoints(context: RunContext) -> None:
    """With a model, items that declare no endpoints or no criteria get them planned from
    their story and prose; the run's copy of the backlog is rewritten with them (so a
    resumed run does not plan twice)."""
    backlog = read_backlog(context.config.backlog)
    empty = [i for i in backlog.by_priority() if needs_plan(i)]
    if context.model.offline or not empty:
        return
    taken = {r.key for i in backlog.backlog_items for r in i.api_requirements}
    planned = {}
    for item in empty:
        with context.scope(node="plan", item=item.id):
            plan = planned[item.id] = plan_item(context.model, item, taken)
        taken |= {r.key for r in plan.api_requirements}
        context.record(
            "plan",
            item=item.id,
            message=(
                f"planned {len(plan.api_requirements)} endpoint(s), "
                f"{len(plan.acceptance_criteria)} criteria and {len(plan.rules)} rule(s) "
                "from the story and its prose"
            ),
        )
    raw = json.loads(context.config.backlog.read_text())
    context.config.backlog.write_text(json.dumps(with_plans(raw, planned), indent=1))
    read_backlog(context.config.backlog)


def plan(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Compile the backlog onto what the repo already has; write the plan beside the run."""
    config = runtime.context.config
    _plan_missing_endpoints(runtime.context)
    backlog = read_backlog(config.backlog)
    base = Manifest.load(config.repo).spec
    spec = compile_backlog(backlog, base=base)
    plan_doc = {
        "order": state["order"],
        "endpoints": [
            {
                "item": o.item_id,
                "method": o.method,
                "path": o.path,
                "kind": o.kind,
                "kind_reason": o.kind_reason,
                "handler": o.handler,
                "status_code": o.status_code,
                "invalid_status": o.invalid_status,
                "responses": o.responses,
                "flows": [f.model_dump() for f in o.flows],
            }
            for o in spec.operations
        ],
        "entities": [e.name for e in spec.entities],
        "criteria_tests": [t.model_dump() for t in spec.criteria_tests],
        "gaps": [g.model_dump() for g in spec.gaps],
    }
    (config.run_dir / "plan.json").write_text(json.dumps(plan_doc, indent=1))
    runtime.context.record(
        "plan",
        message=f"{len(spec.operations)} endpoint(s), "
        f"{len(spec.entities)} entit(ies), {len(spec.gaps)} gap(s)",
    )
    return {"spec": spec.model_dump(mode="json"), "usage": runtime.context.usage()}


def next_item(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Pick the first item, by priority, that is not delivered yet."""
    pending = [i for i in state["order"] if state["items"][i]["status"] != "delivered"]
    current = pending[0] if pending else None
    if current:
        runtime.context.record("next_item", item=current, message=f"item {current}")
    return {"current": current}
