"""repair: give the model the failing evidence, let it edit through the tools."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import RunContext
from agent.errors import ModelError
from agent.state import RunState, item, put_item


def repair(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """One repair round. The router sends nothing here without a model that can edit."""
    record = item(state)
    if runtime.context.model.offline:
        raise ModelError("repair needs a model; the offline model cannot repair")
    record.repairs += 1
    runtime.context.record(
        "repair", item=record.id, iteration=record.repairs, message="repair round"
    )
    return put_item(state, record)
