"""Backlogs whose endpoints are actions, not resources: a calculator (one POST that
computes, 200, 400 for invalid input) and a cart (create_cart answers a `cart_id` that
add_to_cart and retrieve_cart take, 404 for an unknown cart). A scripted model implements
each correctly and the run ends `passed` with every gate: no table for an action, the
declared codes served, and no false failure ("status 201 is not documented", "seeding got
404", "probe: KeyError: 'id'" were what a correct cart service got before).

The load gate's SLA is 2 s (`--p95-ms`): this pins that the gates read the backlog's
actions, not latency on a machine other test runs share.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.report.schema import Report
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import cli, run_dir

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[1] / "data"
ROUTER = "backend/api/routers/actions.py"
TESTS = "backend/tests/test_actions.py"

CALCULATOR = '''"""The calculator: two numbers and an operation in, the result out."""

import math
from typing import Any

from fastapi import APIRouter, HTTPException

from backend.api.schemas.actions import PostCalculatorRequest, PostCalculatorResponse

router = APIRouter(tags=["actions"])


@router.post(
    "/calculator",
    status_code=200,
    response_model=PostCalculatorResponse,
    responses={400: {"description": "Invalid input"}},
)
async def post_calculator(body: PostCalculatorRequest) -> Any:
    """Computes a op b and returns the result; 400 for a division by zero or a result too large."""
    if body.operation == "divide" and body.b == 0:
        raise HTTPException(400, "division by zero")
    results = {
        "add": lambda: body.a + body.b,
        "subtract": lambda: body.a - body.b,
        "multiply": lambda: body.a * body.b,
        "divide": lambda: body.a / body.b,
    }
    result = results[body.operation]()
    if not math.isfinite(result):
        raise HTTPException(400, "the result is out of range")
    return {"result": result}
'''
CALCULATOR_TESTS = """import pytest
from fastapi.testclient import TestClient


def test_each_operation(client: TestClient) -> None:
    for operation, expected in (("add", 8), ("subtract", 4), ("multiply", 12), ("divide", 3)):
        response = client.post("/calculator", json={"a": 6, "b": 2, "operation": operation})
        assert response.status_code == 200, response.text
        assert response.json() == {"result": expected}


@pytest.mark.criterion("CALC-1", 1)
def test_ac_calc_1_1_ok(client: TestClient) -> None:
    response = client.post("/calculator", json={"a": 1.5, "b": 2, "operation": "add"})
    assert response.status_code == 200, response.text
    assert response.json()["result"] == 3.5


@pytest.mark.criterion("CALC-1", 2)
def test_ac_calc_1_2_invalid(client: TestClient) -> None:
    response = client.post("/calculator", json={"a": "not-a-number", "b": 1, "operation": "add"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.criterion("CALC-1", 3)
def test_ac_calc_1_3_divide_by_zero(client: TestClient) -> None:
    response = client.post("/calculator", json={"a": 1, "b": 0, "operation": "divide"})
    assert response.status_code == 400, response.text


def test_a_result_too_large_is_refused(client: TestClient) -> None:
    response = client.post("/calculator", json={"a": 1e308, "b": 1e308, "operation": "multiply"})
    assert response.status_code == 400, response.text
"""
# The cart as a model would write it: the cart-actions eval task's reference router.
CART = (
    Path(__file__).parents[2]
    / "evals/suites/builtin/cart-actions/reference/backend/api/routers/actions.py"
).read_text()
CART_TESTS = """import pytest
from fastapi.testclient import TestClient

MISSING = "no-such-cart"


def new_cart(client: TestClient) -> str:
    return str(client.post("/create_cart").json()["cart_id"])


@pytest.mark.criterion("CART-1", 1)
def test_ac_cart_1_1_created(client: TestClient) -> None:
    response = client.post("/create_cart")
    assert response.status_code == 201, response.text
    assert response.json()["cart_id"]


@pytest.mark.criterion("CART-1", 2)
def test_ac_cart_1_2_add_to_missing(client: TestClient) -> None:
    response = client.post("/add_to_cart", json={"cart_id": MISSING, "item_id": 1, "quantity": 1})
    assert response.status_code == 404, response.text


@pytest.mark.criterion("CART-1", 3)
def test_ac_cart_1_3_retrieve_missing(client: TestClient) -> None:
    response = client.post("/retrieve_cart", json={"cart_id": MISSING})
    assert response.status_code == 404, response.text


@pytest.mark.criterion("CART-1", 4)
def test_ac_cart_1_4_every_item_and_quantity(client: TestClient) -> None:
    cart = new_cart(client)
    for item, quantity in ((7, 2), (3, 1), (7, 3)):
        body = {"cart_id": cart, "item_id": item, "quantity": quantity}
        added = client.post("/add_to_cart", json=body)
        assert added.status_code == 200, added.text
    response = client.post("/retrieve_cart", json={"cart_id": cart})
    assert response.status_code == 200, response.text
    items = [{"item_id": 3, "quantity": 1}, {"item_id": 7, "quantity": 5}]
    assert response.json() == {"items": items}


def test_add_to_cart_invalid(client: TestClient) -> None:
    body = {"cart_id": new_cart(client), "item_id": 0, "quantity": 1}
    response = client.post("/add_to_cart", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "validation_error"
"""


def _formatted(code: str) -> str:
    """`code` as the generated service's ruff formats it (120 columns)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--line-length", "120", "-"],
        input=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _gaps(backlog: Path) -> list[str]:
    """What the plan leaves for a model in `backlog`: its endpoints, rules and criteria."""
    from agent.backlog import load_backlog
    from agent.spec.compiler import compile_backlog

    return [g.text for g in compile_backlog(load_backlog(backlog)).gaps]


def _script(path: Path, backlog: Path, router: str, tests: str) -> Path:
    """Implement: the actions router and its tests, then finish; no repair is needed."""
    writes = [
        flow.call("w1", "write_file", path=ROUTER, content=_formatted(router)),
        flow.call("w2", "write_file", path=TESTS, content=_formatted(tests)),
    ]
    summary = {"summary": "the actions", "implemented": _gaps(backlog), "not_implemented": []}
    replies = [
        flow.turn("Implementing the actions and their tests.", *writes),
        flow.turn("", flow.call("f1", "finish", **summary)),
    ]
    return flow.write_script(path, replies, {})


@pytest.mark.parametrize(
    ("name", "router", "tests"),
    [("calculator", CALCULATOR, CALCULATOR_TESTS), ("cart", CART, CART_TESTS)],
)
def test_a_correct_action_service_ends_passed(
    tmp_path: Path, name: str, router: str, tests: str
) -> None:
    """Every gate passes on a correct implementation; no table was made for an action; the
    report shows each action with its declared codes."""
    backlog = DATA / f"{name}.json"
    repo = tmp_path / "svc"
    done = cli(
        "run",
        str(backlog),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--model",
        f"scripted:{_script(tmp_path / 'script.jsonl', backlog, router, tests)}",
        "--p95-ms",
        "2000",
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    [item] = report.items
    assert item.status == "passed" and item.repair_iterations == 0
    assert not list((repo / "backend" / "domain" / "models").glob("[!_]*.py"))  # no table
    declared = json.loads(backlog.read_text())["backlog_items"][0]["api_requirements"]
    [endpoints] = report.implemented_endpoints
    for endpoint, req in zip(endpoints.endpoints, declared, strict=True):
        assert endpoint.kind == "action" and endpoint.implemented
        assert endpoint.responses == req["responses"]
    assert report.test_results.security_scan_status.startswith("passed: 0 findings")


def test_offline_each_action_answers_501_and_is_reported_with_its_codes(tmp_path: Path) -> None:
    """With no model, every action is the scaffold's 501 stub (its generated test asserts
    the 501 and passes), the run ends incomplete (4), and the report lists each action as
    not implemented with the codes the backlog declares."""
    backlog = DATA / "cart.json"
    repo = tmp_path / "svc"
    done = cli(
        "run",
        str(backlog),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--gates",
        "lint,tests,contract",
    )
    assert done.returncode == 4, (done.stdout + done.stderr)[-6000:]
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    [item] = report.items
    declared = json.loads(backlog.read_text())["backlog_items"][0]["api_requirements"]
    left = {n.text: n.reason for n in item.not_implemented if n.kind == "endpoint"}
    [endpoints] = report.implemented_endpoints
    for endpoint, req in zip(endpoints.endpoints, declared, strict=True):
        route = f"{req['method']} {req['endpoint']}"
        assert endpoint.kind == "action" and endpoint.implemented is False
        assert endpoint.responses == req["responses"]
        for code in req["responses"]:
            assert code in left[route]
    tests = (repo / "backend/tests/test_actions.py").read_text()
    assert tests.count("assert response.status_code == 501") == len(declared)
