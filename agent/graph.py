"""The state machine, on one screen.

load_backlog -> plan -> next_item -> scaffold -> implement -> verify -> deliver -> next_item
                            |                                  |   ^
                            v                                  v   |
                          report -> publish                   repair
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agent.context import RunContext
from agent.nodes.building import implement, scaffold
from agent.nodes.checking import after_verify, verify
from agent.nodes.delivering import after_next_item, deliver
from agent.nodes.observed import observed
from agent.nodes.planning import load_backlog, next_item, plan
from agent.nodes.publishing import publish
from agent.nodes.repairing import repair
from agent.nodes.reporting import report
from agent.state import RunState


def build_graph(
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> CompiledStateGraph[RunState, RunContext, RunState, RunState]:
    """The run's graph; every node's update is checkpointed under the run's thread, and
    its start and end are progress events."""
    graph = StateGraph(RunState, context_schema=RunContext)
    for name, node in [
        ("load_backlog", load_backlog),
        ("plan", plan),
        ("next_item", next_item),
        ("scaffold", scaffold),
        ("implement", implement),
        ("verify", verify),
        ("repair", repair),
        ("deliver", deliver),
        ("report", report),
        ("publish", publish),
    ]:
        graph.add_node(name, observed(name, node))
    graph.add_edge(START, "load_backlog")
    graph.add_edge("load_backlog", "plan")
    graph.add_edge("plan", "next_item")
    graph.add_conditional_edges("next_item", after_next_item)
    graph.add_edge("scaffold", "implement")
    graph.add_edge("implement", "verify")
    graph.add_conditional_edges("verify", after_verify)
    graph.add_edge("repair", "verify")
    graph.add_edge("deliver", "next_item")
    graph.add_edge("report", "publish")
    graph.add_edge("publish", END)
    return graph.compile(checkpointer=checkpointer)
