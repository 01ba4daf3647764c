"""With a model, an item whose prose left it without criteria (a `--spec` text with no
recognised headings) gets criteria and rules planned from its story and text; what the
item declares stays as written. The planner drives a scripted model (the same replies a
real one would send through `submit_plan`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent.backlog.loader import load_backlog
from agent.models.scripted import ScriptedModel
from agent.planner import needs_plan, plan_item, with_plans

CART = Path(__file__).parents[1] / "data" / "cart.json"
PROSE = "A cart holds items with their quantity. Adding an item already there adds to it."


def _script(path: Path, *arguments: dict[str, Any], expect: list[str]) -> ScriptedModel:
    """`submit_plan` with each of `arguments` in turn; the second request must carry `expect`."""
    steps: list[dict[str, Any]] = [
        {"reply": {"tool_calls": [{"id": f"p{i}", "name": "submit_plan", "arguments": a}]}}
        for i, a in enumerate(arguments, start=1)
    ]
    steps[1]["expect"] = {"contains": expect}
    path.write_text("\n".join(json.dumps(s) for s in steps) + "\n")
    return ScriptedModel.from_file(path)


def _prose_cart(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    raw = json.loads(CART.read_text())
    item = raw["backlog_items"][0]
    item["acceptance_criteria"] = []
    item["business_logic"] = {"rules": [PROSE]}
    path = tmp_path / "backlog.json"
    path.write_text(json.dumps(raw))
    return raw, path


def test_prose_item_gets_criteria_and_rules_and_keeps_its_endpoints(tmp_path: Path) -> None:
    """An invalid first plan (endpoints for an item that declares them, no criteria) goes
    back with both problems; the second plan's criteria and rules are added beside the
    item's own, its endpoints untouched."""
    raw, path = _prose_cart(tmp_path)
    [item] = load_backlog(path).backlog_items
    assert needs_plan(item)
    criteria = ["POST /add_to_cart returns 404 when the cart does not exist"]
    model = _script(
        tmp_path / "script.jsonl",
        {"api_requirements": [{"method": "GET", "endpoint": "/carts"}]},
        {"acceptance_criteria": criteria, "rules": ["A quantity is at least 1"]},
        expect=[
            "api_requirements: the item declares its endpoints: leave this empty",
            "acceptance_criteria: the item has none: write at least one",
        ],
    )
    plan = plan_item(model, item, taken=set())
    done = with_plans(raw, {item.id: plan})["backlog_items"][0]
    assert done["acceptance_criteria"] == criteria
    assert done["business_logic"]["rules"] == [PROSE, "A quantity is at least 1"]
    assert (
        done["api_requirements"]
        == json.loads(CART.read_text())["backlog_items"][0]["api_requirements"]
    )


def test_an_item_with_endpoints_and_criteria_is_not_planned() -> None:
    """What the backlog fully declares is never sent to the model."""
    [item] = load_backlog(CART).backlog_items
    assert not needs_plan(item)
