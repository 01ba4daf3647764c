"""The graph's routers: when verify leads to repair, when to delivery, when to the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.config import RunConfig
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.nodes.checking import after_verify
from agent.nodes.delivering import after_next_item
from agent.state import ItemRecord, RunState
from agent.verify.evidence import CheckResult, Evidence, Failure


@dataclass
class _Model:
    name: str = "scripted:x"
    offline: bool = False


@dataclass
class _Context:
    model: Any
    config: RunConfig


@dataclass
class _Runtime:
    context: _Context


def _evidence(passed: bool, where: str = "t::a") -> Evidence:
    failures = [] if passed else [Failure(check="tests", where=where, message="boom")]
    return Evidence(
        iteration=1,
        sandbox="local",
        checks=[CheckResult(name="tests", passed=passed, failures=failures)],
    )


def _state(*evidence: Evidence, repairs: int = 0) -> RunState:
    record = ItemRecord(id="A", priority=1, evidence=list(evidence), repairs=repairs)
    return {"current": "A", "items": {"A": record.model_dump(mode="json")}}


def _runtime(model: Any, max_repairs: int = 5) -> Any:
    config = RunConfig(run_id="r", backlog=Path("b.json"), repo=Path("."), max_repairs=max_repairs)
    return _Runtime(_Context(model, config))


def test_pass_goes_to_deliver() -> None:
    """All gates green: deliver."""
    assert after_verify(_state(_evidence(True)), _runtime(_Model())) == "deliver"


def test_failure_with_a_model_goes_to_repair() -> None:
    """A failure and a model that can edit: repair."""
    assert after_verify(_state(_evidence(False)), _runtime(_Model())) == "repair"


def test_failure_offline_is_delivered_with_its_failures() -> None:
    """The offline model cannot repair: deliver what there is (the report says it failed)."""
    assert after_verify(_state(_evidence(False)), _runtime(OfflineModel())) == "deliver"


def test_repairs_stop_at_the_limit() -> None:
    """max_repairs rounds, then deliver."""
    state = _state(_evidence(False, "x"), _evidence(False, "y"), repairs=2)
    assert after_verify(state, _runtime(_Model(), max_repairs=2)) == "deliver"


def test_same_failure_twice_is_stuck() -> None:
    """The same failure signature twice in a row stops the loop."""
    state = _state(_evidence(False), _evidence(False), repairs=1)
    assert after_verify(state, _runtime(_Model())) == "deliver"


@pytest.mark.parametrize(("current", "route"), [("A", "scaffold"), (None, "report")])
def test_next_item_or_report(current: str | None, route: str) -> None:
    """After picking the next item: scaffold it, or report when none is left."""
    assert after_next_item({"current": current}) == route


def test_graph_wires_every_node() -> None:
    """The compiled graph has the design's nodes."""
    nodes = set(build_graph().get_graph().nodes)
    assert {
        "load_backlog",
        "plan",
        "next_item",
        "scaffold",
        "implement",
        "verify",
        "repair",
        "deliver",
        "report",
    } <= nodes
