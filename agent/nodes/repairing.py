"""repair: give the model the failing evidence, trimmed, and let it fix the service."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

import prompts
from agent.context import RunContext
from agent.nodes.modelwork import session
from agent.state import RunState, item, put_item
from agent.verify.brief import brief


def repair(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """One repair round on the last verify's failures. The router sends only a model here."""
    ctx, record = runtime.context, item(state)
    record.repairs += 1
    prompt = prompts.render(
        "repair", item_id=record.id, attempt=record.repairs, checks=brief(record.evidence[-1])
    )
    outcome = session(runtime, record, "repair", prompt)
    ctx.record(
        "repair",
        item=record.id,
        iteration=record.repairs,
        turns=outcome.turns if outcome else None,
        stop=record.stop_reason,
        message=f"repair {record.repairs}: "
        f"{'finished' if outcome and outcome.finished else 'stopped'}",
    )
    return {**put_item(state, record), "usage": ctx.usage()}
