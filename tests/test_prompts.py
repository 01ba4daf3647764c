"""Every prompt template renders with the context its node gives it (StrictUndefined)."""

from __future__ import annotations

from pathlib import Path

import prompts
from agent.backlog import load_backlog
from agent.nodes.building import implement_prompt
from agent.spec.compiler import compile_backlog
from agent.verify.brief import brief
from agent.verify.evidence import CheckResult, Evidence, Failure

EXAMPLE = Path(__file__).parents[1] / "examples" / "taskboard.json"


def test_every_template_is_covered() -> None:
    """The templates shipped are the ones the nodes render."""
    assert prompts.template_names() == ["implement", "plan", "repair", "system"]


def test_implement_and_plan_render_from_the_example() -> None:
    """implement lists endpoints, criteria and gaps; plan lists the routes already taken."""
    backlog = load_backlog(EXAMPLE)
    spec = compile_backlog(backlog)
    item = backlog.by_priority()[2]
    text = implement_prompt(item, spec)
    assert "PATCH /api/v1/tasks/{task_id}" in text
    assert "A task cannot move from done back to todo" in text
    assert "(already shown by a generated test)" in text
    plan = prompts.render("plan", item=item, taken=["GET /api/v1/projects"])
    assert "GET /api/v1/projects" in plan and item.user_story in plan
    assert "FastAPI" in prompts.render("system")


def test_repair_carries_only_the_failures() -> None:
    """repair shows each failed gate's failures with their trimmed detail, not passed gates."""
    detail = (
        "def test_x():\n>       assert r.status_code == 422\nE       assert 200 == 422\n"
        "backend/tests/test_notes.py:12: AssertionError"
    )
    evidence = Evidence(
        iteration=1,
        sandbox="local",
        checks=[
            CheckResult(name="lint", passed=True, summary="0 finding(s)"),
            CheckResult(
                name="tests",
                passed=False,
                summary="1/2 passed",
                failures=[
                    Failure(
                        check="tests",
                        where="backend/tests/test_notes.py::test_x",
                        message="assert 200 == 422",
                        detail=detail,
                    )
                ],
            ),
        ],
    )
    text = prompts.render(
        "repair", item_id="N-1", attempt=1, checks=brief(evidence), criteria=[], left=[]
    )
    assert "backend/tests/test_notes.py::test_x" in text and "E       assert 200 == 422" in text
    assert "at backend/tests/test_notes.py:12: AssertionError" in text
    assert "== lint" not in text
    assert "acceptance criteria not met" not in text and "not implemented yet" not in text


def test_repair_carries_the_criteria_and_rules_left() -> None:
    """With every gate passed, repair lists the criteria not met (with why) and the rules
    left, so an incomplete item can still be finished."""
    unproven = {
        "index": 3,
        "text": "A password shorter than 8 characters returns 422",
        "status": "passed but unproven",
        "reason": "request field `password` without its lower bound: its tests still passed",
    }
    text = prompts.render(
        "repair",
        item_id="AUTH-1",
        attempt=2,
        checks=[],
        criteria=[unproven],
        left=["(rule) A user may own at most 50 active projects"],
    )
    assert "#3 A password shorter than 8 characters returns 422: passed but unproven" in text
    assert "without its lower bound: its tests still passed" in text
    assert "- (rule) A user may own at most 50 active projects" in text
    assert '@pytest.mark.criterion("AUTH-1", <number>)' in text


def test_a_failure_the_last_verify_had_too_is_marked_repeated() -> None:
    """The repair prompt says which failures are repeated, so a model knows its last fix
    did not take; a new one is not marked."""
    old = Failure(check="oracle", where="POST /add_to_cart", message="422 where 400 is declared")
    new = Failure(check="oracle", where="POST /retrieve_cart", message="201 where 200")
    before = Evidence(
        iteration=1,
        sandbox="local",
        checks=[CheckResult(name="contract", passed=False, failures=[old])],
    )
    now = Evidence(
        iteration=2,
        sandbox="local",
        checks=[CheckResult(name="contract", passed=False, failures=[old, new])],
    )
    text = prompts.render(
        "repair", item_id="CART-1", attempt=2, checks=brief(now, before), criteria=[], left=[]
    )
    lines = [line for line in text.splitlines() if line.startswith("- POST")]
    assert lines == [
        "- POST /add_to_cart: 422 where 400 is declared"
        " (repeated: the verify before this one had it too)",
        "- POST /retrieve_cart: 201 where 200",
    ]
