"""A model session on the repo: a scratch database for its tests, the tools, the loop.

Shared by implement and repair. A budget that stops the session is recorded on the item
(the router then delivers what there is); a provider that gives up raises, and the run
stays resumable from the node's checkpoint.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

import prompts
from agent.context import RunContext
from agent.errors import BudgetExceeded
from agent.loop import LoopOutcome, run_tools
from agent.models.base import Message
from agent.state import ItemRecord
from agent.verify import database
from agent.verify.brief import whole
from tools import Toolbox


def unmet(record: ItemRecord) -> list[dict[str, Any]]:
    """The criteria not met after the last verify, each with its status and why."""
    return [
        {"index": n, "text": text, "status": s.status, "reason": s.reason}
        for n, (text, s) in enumerate(zip(record.criteria, record.standings(), strict=True), 1)
        if s.status != "met"
    ]


def _evidence(record: ItemRecord) -> list[str] | None:
    """What `show_evidence` pages: the last verify's failures whole; once every gate
    passed, the criteria not met and what is left (None before any verify)."""
    if not record.evidence:
        return None
    found = whole(record.evidence[-1])
    if record.gates_passed:
        found += [
            f"criterion #{c['index']} not met: {c['text']}\nstatus: {c['status']}"
            + (f"\nwhy: {c['reason']}" if c["reason"] else "")
            for c in unmet(record)
        ]
        found += [f"not implemented yet ({g.kind}): {g.text}\nwhy: {g.reason}" for g in record.left]
    return found


def session(
    runtime: Runtime[RunContext], record: ItemRecord, node: str, prompt: str
) -> LoopOutcome | None:
    """Run one conversation for `record`; None when a budget stopped it (noted on it)."""
    ctx = runtime.context
    services = ctx.sandbox.start_services()
    name = f"ba_{ctx.config.run_id[:8]}_{record.id}_{node}_{record.repairs}"
    name = name.lower().replace("-", "_").replace(".", "_")
    url = database.create(ctx.sandbox, services.postgres_url, name)
    made: list[str] = []

    def service_db() -> dict[str, str]:
        """The database `http_request` and `make_migration` use: made on first use."""
        if not made:
            made.append(database.create(ctx.sandbox, services.postgres_url, f"{name}_svc"))
        return {"database_url": made[0], "redis_url": services.redis_url or ""}

    toolbox = Toolbox(
        ctx.sandbox,
        test_env={"DATABASE_URL": url, "REDIS_URL": services.redis_url},
        test_timeout_s=ctx.config.command_timeout_s,
        service_db=service_db,
        evidence=_evidence(record),
    )
    messages = [
        Message(role="system", content=prompts.render("system")),
        Message(role="user", content=prompt),
    ]
    transcript = ctx.config.run_dir / f"conversation-{record.id}-{node}-{record.repairs}.jsonl"
    try:
        with ctx.scope(node=node, item=record.id):
            return run_tools(
                ctx.model,
                toolbox,
                messages,
                max_turns=ctx.config.max_turns,
                transcript=transcript,
                events=ctx.events.tagged(item=record.id, node=node),
                spend=lambda: ctx.spend(record.id),
            )
    except BudgetExceeded as exc:
        record.stop_reason = f"budget: {exc}"
        return None
    finally:
        database.drop(ctx.sandbox, services.postgres_url, name)
        if made:
            database.drop(ctx.sandbox, services.postgres_url, f"{name}_svc")
