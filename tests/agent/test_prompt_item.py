"""What the model is told when it implements an item: the item exactly as written (its
schemas with their types, its declared codes) beside the plan's reading of each endpoint
(kind and why, codes, typed fields, flows), and a policy that lets it move the code
toward the backlog."""

from __future__ import annotations

import json
from pathlib import Path

import prompts
from agent.backlog.loader import load_backlog
from agent.nodes.building import implement_prompt
from agent.spec.compiler import compile_backlog

CART = Path(__file__).parents[1] / "data" / "cart.json"


def _prompt() -> str:
    backlog = load_backlog(CART)
    return implement_prompt(backlog.backlog_items[0], compile_backlog(backlog))


def test_the_item_as_written_is_in_the_prompt() -> None:
    """The schemas (an integer stays an integer) and the declared responses, verbatim."""
    prompt = _prompt()
    written = prompt.split("```json\n", 1)[1].split("\n```", 1)[0]
    req = json.loads(written)["api_requirements"][1]
    assert req["request_schema"]["properties"]["quantity"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
    }
    assert req["responses"]["404"] == "Cart not found"


def test_the_plans_reading_says_kind_codes_and_flows() -> None:
    """Each endpoint: its kind with the reason, success and invalid-input codes, and where
    a flowed value comes from."""
    prompt = _prompt()
    assert "POST /add_to_cart: action (`add_to_cart` names what it does" in prompt
    assert "answers 200 on success (declared by the backlog), 400 for a request" in prompt
    assert "`cart_id` (body) is the `cart_id` that POST /create_cart answers" in prompt


def test_the_policy_lets_the_backlog_win_and_any_4xx_refuse() -> None:
    """The system prompt: the backlog wins over generated code; a rule refuses with the
    backlog's 4xx; a column comes through a new migration, never an edited one."""
    system = prompts.render("system")
    assert "The backlog wins" in system
    assert "the 4xx the backlog gives (400, 403, 404, 409, 422" in system
    assert "through a new Alembic migration" in system
    assert "never edit one the\n  scaffold or an earlier item made" in system
