"""repair: give the model the failing evidence, trimmed, and let it fix the service."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

import prompts
from agent.context import RunContext
from agent.nodes.building import claimed_gaps
from agent.nodes.modelwork import session, unmet
from agent.state import RunState, item, put_item
from agent.verify.brief import brief


def repair(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """One repair round on what the last verify left: the failing gates' evidence; once
    every gate passes, the criteria not met (unproven or without a test) and the rules not
    implemented. Only a model is sent here."""
    ctx, record = runtime.context, item(state)
    record.repairs += 1
    incomplete = record.gates_passed  # what is left matters once the gates pass
    prompt = prompts.render(
        "repair",
        item_id=record.id,
        attempt=record.repairs,
        checks=brief(
            record.evidence[-1], record.evidence[-2] if len(record.evidence) > 1 else None
        ),
        criteria=unmet(record) if incomplete else [],
        left=[f"({g.kind}) {g.text}" for g in record.left] if incomplete else [],
    )
    outcome = session(runtime, record, "repair", prompt)
    record.not_implemented = claimed_gaps(record.left, outcome)
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
