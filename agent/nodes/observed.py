"""Every node between two progress events: `node.start` and `node.end` (with its time)."""

from __future__ import annotations

from typing import Any, Protocol

from langgraph.runtime import Runtime

from agent.context import RunContext
from agent.state import RunState


class Node(Protocol):
    """A node as the graph calls it (the runtime passed by name)."""

    __name__: str

    def __call__(self, state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]: ...


def observed(name: str, node: Node) -> Node:
    """`node`, its run announced to the run's events, tagged with the item it works on
    (none for next_item, which picks it)."""

    def run(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        item = None if name == "next_item" else state.get("current")
        with runtime.context.events.span("node", node=name, item=item):
            return node(state, runtime)

    run.__name__ = name
    return run
