"""Which mutant a criterion needs, read from its own words and the backlog as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.backlog.schema import BacklogItem
from agent.verify.proof.reading import mutants

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"


def _item(backlog: str, item_id: str) -> BacklogItem:
    found = load_backlog(EXAMPLES / backlog).backlog_items
    return next(i for i in found if i.id == item_id)


def _keys(text: str, item: BacklogItem) -> list[str]:
    return [m.key for m in mutants(text, item)]


@pytest.mark.parametrize(
    ("item_id", "text", "keys"),
    [
        (
            "AUTH-1",
            "POST /api/v1/auth/register returns 201 with the new user's id and no password",
            ["endpoint:POST /api/v1/auth/register"],
        ),
        ("AUTH-1", "Registering an email that is already registered returns 409", ["conflict"]),
        (
            "AUTH-1",
            "An invalid email is rejected with 422",
            ["validation:email:format:POST /api/v1/auth/register:POST /api/v1/auth/login"],
        ),
        (
            "AUTH-1",
            "Logging in with a wrong password returns 401",
            ["credentials:POST /api/v1/auth/login"],
        ),
        ("AUTH-1", "More than 5 login attempts per minute return 429 with Retry-After", ["limit"]),
        (
            "AUTH-1",
            "A password shorter than 8 characters returns 422",
            ["validation:password:min:POST /api/v1/auth/register:POST /api/v1/auth/login"],
        ),
        (
            "AUTH-1",
            "A password longer than 128 characters returns 422",
            ["validation:password:max:POST /api/v1/auth/register:POST /api/v1/auth/login"],
        ),
        ("PROJ-1", "Creating a project without a token returns 401", ["token"]),
        ("PROJ-1", "Reading a project that does not exist returns 404", ["not_found"]),
        ("PROJ-1", "Creating a project returns 201", ["endpoint:POST /api/v1/projects"]),
        (
            "PROJ-1",
            "Deleting a project returns 204 and it is no longer listed",
            ["endpoint:DELETE /api/v1/projects/{project_id}"],
        ),
        (
            "TASK-1",
            "A task title longer than 200 characters is rejected with 422",
            [
                "validation:title:max:POST /api/v1/projects/{project_id}/tasks:"
                "PATCH /api/v1/tasks/{task_id}"
            ],
        ),
        ("TASK-1", "A task marked done cannot be moved back to todo", ["rule", "hooks"]),
    ],
)
def test_the_taskboard_criteria_name_their_behaviour(
    item_id: str, text: str, keys: list[str]
) -> None:
    """Status, field and constraint word pick the mutant: "shorter than" takes the lower
    bound away (not the upper one a 129-character value would hit), "invalid email" the
    format, "wrong password" login's check, "without a token" the token check, a rule's
    words the rule modules."""
    assert _keys(text, _item("taskboard.json", item_id)) == keys


def test_a_calculation_is_tried_on_the_rules_then_on_the_endpoint_it_names() -> None:
    """No status, no rule word: a rule module first, its hooks doing nothing next, then
    the endpoint its noun names (`discount`, not every endpoint under `books`)."""
    item = _item("bookshop.json", "BOOK-1")
    keys = _keys("A discount of 10% on a 20.00 book makes it 18.00", item)
    assert keys == ["rule", "hooks", "endpoint:POST /books/{book_id}/discount"]


def test_a_computed_total_is_tried_on_the_hooks_first() -> None:
    """ "Totals are recomputed": a calculation, taken away by hooks that do nothing (not
    only by refusals switched off, which a calculation has none of)."""
    item = _item("bookshop.json", "BOOK-1")
    keys = _keys("The invoice totals are recomputed after each line", item)
    assert keys[:2] == ["hooks", "rule"]


def test_a_malformed_field_loses_the_constraint_the_backlog_declares() -> None:
    """A "malformed ISBN" breaks the shape the backlog gives isbn: its pattern."""
    item = _item("bookshop.json", "BOOK-1")
    [mutant] = mutants("A book with a malformed ISBN is rejected with 422", item)
    assert (mutant.kind, mutant.field, mutant.bound) == ("validation", "isbn", "pattern")
    assert mutant.describe() == (
        "request field `isbn` without its pattern (POST /authors/{author_id}/books, "
        "PUT /books/{book_id})"
    )


def test_each_clause_names_its_own_field_and_constraint() -> None:
    """A criterion "An unknown category, a capacity below 1 or a missing date": one
    mutant per field the backlog declares, each with the constraint its clause names."""
    item = BacklogItem.model_validate(
        {
            "id": "EVT-1",
            "user_story": "As an organiser I want to publish events.",
            "priority": 10,
            "api_requirements": [
                {
                    "method": "POST",
                    "endpoint": "/events",
                    "request_schema": {
                        "category": "enum[music|sport]",
                        "capacity": "integer(1-)",
                        "date": "date",
                    },
                }
            ],
        }
    )
    text = "An unknown category, a capacity below 1 or a missing date is rejected with 422"
    assert _keys(text, item) == [
        "validation:category:enum:POST /events",
        "validation:capacity:min:POST /events",
        "validation:date:required:POST /events",
    ]


def test_a_comparison_of_two_fields_is_a_rule_not_a_format() -> None:
    """A criterion "An end date before the start date is rejected" does not name the
    dates' format: it reads as a rule."""
    item = BacklogItem.model_validate(
        {
            "id": "LEAVE-1",
            "user_story": "As an employee I want to request leave.",
            "priority": 10,
            "api_requirements": [
                {
                    "method": "POST",
                    "endpoint": "/leave-requests",
                    "request_schema": {"start_date": "date", "end_date": "date"},
                }
            ],
        }
    )
    assert _keys("An end date before the start date is rejected with 422", item) == [
        "rule",
        "hooks",
    ]


def test_a_list_showing_only_its_own_rows_is_proven_by_taking_its_scope_away() -> None:
    """ "A warehouse's stock list shows only its own lines": the scope of the list endpoint
    (its handler's filters) is what a test must notice missing (seen with a model in the
    loop: a refusal mutant could not touch a list's filter)."""
    backlog = Path(__file__).parents[2] / "evals/suites/builtin/inventory-conflicts/backlog.json"
    [item] = [i for i in load_backlog(backlog).backlog_items if i.id == "INV-2"]
    keys = _keys("A warehouse's stock list shows only its own lines", item)
    assert keys[0] == "scope:GET /warehouses/{warehouse_id}/stock-lines"
