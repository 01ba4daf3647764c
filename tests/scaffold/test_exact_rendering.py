"""The scaffold writes what the spec read: an integer enum as `Literal[15, 30, 45, 60]` over an
integer column, a list's declared page bounds, and factory rows whose unique values still fit
their field's pattern and length. (The shapes test serves the result.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.backlog.schema import Backlog
from agent.scaffold import context, examples, render
from agent.spec.compiler import compile_backlog
from agent.spec.types import EntitySpec, FieldSpec, IndexSpec

SHAPES = Path(__file__).parents[1] / "data" / "shapes.json"


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render.files(compile_backlog(load_backlog(SHAPES)))


def test_enums_of_numbers_and_booleans_keep_their_type(rendered: dict[str, str]) -> None:
    """Request models take the enum's own JSON values, columns and responses have its type,
    a query filter reads `?duration_minutes=45` as the integer 45, and a generated test
    breaks the field with a value of its type outside the enum."""
    schemas = rendered["backend/api/schemas/appointment.py"]
    assert "duration_minutes: Literal[15, 30, 45, 60]\n" in schemas
    assert "fee: Literal[0.0, 12.5, 25.0] | None = None" in schemas
    assert "remote: Literal[True] | None = None" in schemas
    assert "Literal[15, 30, 45, 60] | None, from_query(int)]" in schemas
    assert "    duration_minutes: int | None = None" in schemas  # the response
    model = rendered["backend/domain/models/appointment.py"]
    assert re.search(r"duration_minutes: Mapped\[int \| None\] = mapped_column\(BigInteger", model)
    assert re.search(r"fee: Mapped\[float \| None\] = mapped_column\(Float", model)
    assert re.search(r"remote: Mapped\[bool \| None\] = mapped_column\(Boolean", model)
    minutes = FieldSpec(name="m", type="integer", enum=[15, 30, 45, 60])
    assert examples.valid(minutes) == 15
    assert examples.invalid(minutes) == (61, "not one of the allowed values")


def test_a_lists_declared_page_bounds_are_served(rendered: dict[str, str]) -> None:
    """GET /appointments declares `limit` 1-50, default 10: its page dependency has those
    bounds; a list that declares none keeps `page_params` (1-100, default 20)."""
    appointments = rendered["backend/api/routers/appointments.py"]
    assert "Depends(paging(limit_max=50, limit_default=10))" in appointments
    assert "Depends(page_params)" in rendered["backend/api/routers/events.py"]
    assert "page_params = paging()" in rendered["backend/core/pagination.py"]


@pytest.mark.parametrize(
    "field",
    [
        FieldSpec(name="isbn", pattern="^[0-9]{13}$"),
        FieldSpec(name="isbn", min_length=13, max_length=13),
        FieldSpec(name="code", pattern=r"^[A-Z]{3}-\d{4}$"),
        FieldSpec(name="code", pattern="^[A-Z]{3}$"),
        FieldSpec(name="slug", pattern="^[a-z]+$", max_length=12),
        FieldSpec(name="name", max_length=5),
        FieldSpec(name="name"),
        FieldSpec(name="site", format="uri"),
        FieldSpec(name="email", format="email"),
    ],
    ids=lambda f: f"{f.name}-{f.pattern or f.max_length or f.format}",
)
def test_unique_factory_values_fit_their_field(field: FieldSpec) -> None:
    """Factory rows of a unique column differ from each other and each one is a value the
    request model takes: `9141777631706-1` is no value of `^[0-9]{13}$`."""
    index = IndexSpec(name="uq", table="things", columns=[field.name], unique=True)
    entity = EntitySpec(
        name="Thing", table="things", module="thing", item_id="T", fields=[field], indexes=[index]
    )
    expr = str(context.factory_values(entity)[field.name])
    made = [eval(expr, {"n": n}) for n in range(1, 25)]  # our own expression
    assert len(set(made)) == len(made), made
    for value in made:
        assert (field.min_length or 0) <= len(value) <= (field.max_length or 255), value
        assert field.pattern is None or re.match(field.pattern, value), value


def test_a_body_naming_the_owner_key_is_sent_the_callers_id() -> None:
    """A create body that carries the key to the user (`member_id`, the owner column the
    service fills with the caller) gets the caller's id in the generated tests, so what they
    send is what comes back (they sent another user's, which the service overwrote)."""
    backlog = Backlog.model_validate(
        {"backlog_items": [{
            "id": "LOAN-1", "user_story": "As a member I borrow books", "priority": 50,
            "api_requirements": [
                {"method": "POST", "endpoint": "/auth/register",
                 "request_schema": {"email": "email", "password": "string(8-)"}},
                {"method": "POST", "endpoint": "/loans", "auth_required": True,
                 "request_schema": {"book_id": "uuid", "member_id": "uuid"}},
            ],
            "data_requirements": {"entities": ["User", "Book", "Loan"],
                                  "relationships": ["User has many Loans", "Loan belongs to Book"]},
        }]}
    )  # fmt: skip
    tests = render.files(compile_backlog(backlog))["backend/tests/test_loans.py"]
    assert "body['member_id'] = str(user_id)" in tests
    assert "body['book_id'] = str(make_book(owner=user_id))" in tests


def test_an_array_is_a_list_not_an_object() -> None:
    """`{"type": "array", "items": {"type": "string"}}` is typed `list[Any]` over a JSON
    column; it was `dict[str, Any]`, so the service refused every list of tags (the oracle
    found it on shapes' POST /forms)."""
    from agent.scaffold import pyexpr
    from agent.spec.schemas import field_from

    tags = field_from("tags", {"type": "array", "items": {"type": "string"}}, required=False)
    assert tags.type == "array"
    assert pyexpr.py_type(tags) == "list[Any]"
    assert pyexpr.sa_type(tags) == "JSON()"
    assert examples.valid(tags) == ["value"]


def test_a_union_of_types_takes_exactly_its_branches() -> None:
    """`oneOf: [string, integer]` is `str | int` (a list is refused, as the backlog says);
    a union whose branches name no type is any JSON value, never an object only."""
    from agent.scaffold.pyexpr import request_field
    from agent.spec.schemas import object_fields

    [scalar, shapeless] = object_fields(
        {
            "type": "object",
            "required": ["v", "w"],
            "properties": {
                "v": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "w": {"anyOf": [{"$comment": "a"}, {"$comment": "b"}]},
            },
        }
    )
    assert request_field(scalar, False) == "v: str | int"
    assert request_field(shapeless, False) == "w: Any"
