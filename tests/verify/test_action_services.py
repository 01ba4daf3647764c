"""Actions implemented by hand (tests/verify/actions.py) through the live gates: a correct
calculator and a correct cart pass contract, security and load with no finding; a planted
wrong code gives exactly the finding that names it, with its request, the expectation and
the backlog path that declares the code.

The cart's `cart_id` flows from `POST /create_cart` (which answers `{cart_id}`, no `id`)
into `/add_to_cart` and `/retrieve_cart`: the probes obtain it from there. Real PostgreSQL
and Redis, the local sandbox, the service under uvicorn; one scaffolded tree per backlog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import prompts
from agent.verify.brief import brief
from agent.verify.evidence import CheckResult, Evidence
from evals.tasks import scaffold_backlog
from sandbox.local import LocalSandbox
from tests.verify import actions
from tests.verify.service import copy, plant, verify

pytestmark = pytest.mark.slow
Box = Callable[[Path], LocalSandbox]
LIVE = ["contract", "security", "load"]
SLA = {"p95_ms": 1000.0}  # what these pin is findings, not latency on a shared machine


def _built(
    factory: pytest.TempPathFactory, backlog: Path, implement: Callable[[Path], None]
) -> Path:
    repo = factory.mktemp(backlog.stem) / "svc"
    repo.mkdir()
    scaffold_backlog(backlog, repo)
    implement(repo)
    return repo


@pytest.fixture(scope="module")
def clean_calculator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, actions.CALCULATOR, actions.calculator)


@pytest.fixture(scope="module")
def clean_cart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, actions.CART, actions.cart)


def _problems(evidence: Evidence) -> list[str]:
    return [f"{c.name}: {f.where}: {f.message}" for c in evidence.checks for f in c.failures]


def _skipped(check: CheckResult) -> list[str]:
    return [f"{n.where}: {n.reason}" for n in check.not_exercised]


def test_a_correct_calculator_passes_contract_security_and_load(
    clean_calculator: Path, tmp_path: Path, local_box: Box
) -> None:
    """POST /calculator implemented as declared (200, 400 for invalid input and a division
    by zero): no finding in any live gate; the oracle sent its bodies (nothing left
    unexercised, nothing reported not implemented); load says it left the action out."""
    repo = copy(clean_calculator, tmp_path / "svc")
    evidence = verify(repo, local_box(repo), LIVE, backlog=actions.CALCULATOR, **SLA)
    assert evidence.passed, _problems(evidence)
    contract, security, load = evidence.checks
    assert contract.figures["not_implemented"] == 0
    assert contract.figures["oracle_requests"] >= 10
    assert contract.not_exercised == [], _skipped(contract)
    assert security.not_exercised == [], _skipped(security)
    assert [n.where for n in load.not_exercised] == ["POST /calculator (load)"]
    assert "an action" in load.not_exercised[0].reason


def test_a_correct_cart_passes_with_its_cart_id_from_create_cart(
    clean_cart: Path, tmp_path: Path, local_box: Box
) -> None:
    """create_cart answers `{cart_id}` and no `id`: no KeyError, no crash, no finding; every
    endpoint is exercised (add_to_cart and retrieve_cart with a cart create_cart made, so
    none of their valid requests is refused with 404)."""
    repo = copy(clean_cart, tmp_path / "svc")
    evidence = verify(repo, local_box(repo), LIVE, backlog=actions.CART, **SLA)
    assert evidence.passed, _problems(evidence)
    contract, security, load = evidence.checks
    assert contract.not_exercised == [], _skipped(contract)
    assert contract.figures["not_implemented"] == 0
    assert security.not_exercised == [], _skipped(security)
    assert {n.where for n in load.not_exercised} == {
        f"POST /{name} (load)" for name in ("create_cart", "add_to_cart", "retrieve_cart")
    }


def test_the_calculator_answering_422_where_the_backlog_declares_400(
    clean_calculator: Path, tmp_path: Path, local_box: Box
) -> None:
    """Invalid input refused with 422 (the convention) where the backlog declares 400: one
    finding, naming the backlog's `responses` entry, with an invalid request as evidence."""
    repo = copy(clean_calculator, tmp_path / "svc")
    plant(repo, "backend/core/errors.py", '{"POST /calculator": 400}', "{}")
    evidence = verify(repo, local_box(repo), ["contract"], backlog=actions.CALCULATOR)
    [check] = evidence.checks
    [found] = check.failures
    assert found.where == "POST /calculator"
    assert found.message.startswith("refused an invalid request (") and "with 422" in found.message
    assert found.expected == "400: the backlog declares 400 for invalid input"
    assert found.source == "backlog_items[0].api_requirements[0].responses['400']"
    assert found.exchange and found.exchange.status == 422 and found.exchange.method == "POST"
    # what the model is shown of it: the request, the response and the backlog path
    said = prompts.render(
        "repair", item_id="CALC-1", attempt=1, checks=brief(evidence), criteria=[], left=[]
    )
    assert "  request: POST /calculator {" in said
    assert "  response: 422 " in said and "validation_error" in said
    assert "(the backlog: backlog_items[0].api_requirements[0].responses['400'])" in said


def test_add_to_cart_answering_201_where_the_backlog_declares_200(
    clean_cart: Path, tmp_path: Path, local_box: Box
) -> None:
    """A success answered 201 where the backlog declares only 200: one finding on
    add_to_cart, naming its `responses` entry, with the valid request (its cart_id from
    create_cart) as evidence."""
    repo = copy(clean_cart, tmp_path / "svc")
    plant(
        repo,
        actions.ROUTER,
        '"/add_to_cart",\n    status_code=200,',
        '"/add_to_cart",\n    status_code=201,',
    )
    [check] = verify(repo, local_box(repo), ["contract"], backlog=actions.CART).checks
    [found] = check.failures
    assert found.where == "POST /add_to_cart"
    assert found.message.startswith("answered 201 to a valid request (")
    assert found.expected == "200: the backlog declares 200 for a success"
    assert found.source == "backlog_items[0].api_requirements[1].responses['200']"
    assert found.exchange and found.exchange.status == 201
    assert isinstance(found.exchange.body, dict) and found.exchange.body["cart_id"]
