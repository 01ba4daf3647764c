"""Endpoints that are not resource operations are actions: no table, codes as declared,
values that flow from the endpoint that answers them. Read from backlogs written by hand
and from OpenAPI documents in the style of public tasks (imported as a user would)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.backlog.loader import load_backlog
from agent.backlog.schema import Backlog
from agent.importer.build import import_files
from agent.spec.compiler import compile_backlog
from agent.spec.types import ServiceSpec

DATA = Path(__file__).parents[1] / "data"
OPENAPI = DATA / "openapi"


def _imported(name: str) -> Backlog:
    return import_files(OPENAPI / f"{name}.yaml", OPENAPI / f"{name}.md")


def _ops(spec: ServiceSpec) -> dict[str, tuple[str, int, int]]:
    return {
        f"{o.method} {o.path}": (o.kind, o.status_code, o.invalid_status) for o in spec.operations
    }


@pytest.mark.parametrize(
    "backlog", [load_backlog(DATA / "calculator.json"), _imported("calculator")]
)
def test_a_calculator_is_one_action_with_its_codes(backlog: Backlog) -> None:
    """POST /calculator computes: an action, 200 on success, 400 for invalid input, no table."""
    spec = compile_backlog(backlog)
    assert _ops(spec) == {"POST /calculator": ("action", 200, 400)}
    assert spec.entities == []


@pytest.mark.parametrize("backlog", [load_backlog(DATA / "cart.json"), _imported("shopping_cart")])
def test_a_cart_is_three_actions_and_cart_id_flows_from_create_cart(backlog: Backlog) -> None:
    """create_cart, add_to_cart, retrieve_cart: actions, no table; the cart_id the last two
    take comes from what create_cart answers."""
    spec = compile_backlog(backlog)
    kinds = {route: kind for route, (kind, _, _) in _ops(spec).items()}
    assert set(kinds.values()) == {"action"} and len(kinds) == 3
    assert spec.entities == []
    assert _ops(spec)["POST /create_cart"][1] == 201
    for op in spec.operations:
        if op.path != "/create_cart":
            [flow] = op.flows
            assert (flow.name, flow.path, flow.field) == ("cart_id", "/create_cart", "cart_id")


def test_a_list_nothing_creates_is_an_action_and_a_declared_kind_wins() -> None:
    """GET /formats (no create, no item, not declared) is computed, not stored; a binary
    upload is an action because the document says so (`kind`)."""
    spec = compile_backlog(_imported("file_converter"))
    assert {o.path: o.kind for o in spec.operations} == {"/convert": "action", "/formats": "action"}
    assert spec.entities == []
    [formats] = [o for o in spec.operations if o.path == "/formats"]
    assert "nothing in the backlog creates" in formats.kind_reason


def test_a_collection_with_a_verb_first_word_stays_a_collection_when_addressed() -> None:
    """`/leave-requests` with a `/leave-requests/{request_id}`: a collection, not an action."""
    backlog = load_backlog(
        Path(__file__).parents[2] / "evals/suites/builtin/leave-approvals/backlog.json"
    )
    kinds = {f"{o.method} {o.path}": o.kind for o in compile_backlog(backlog).operations}
    assert kinds["POST /leave-requests"] == "create"
    assert kinds["GET /leave-requests/{request_id}"] == "read"
