"""The spec compiler reads a backlog's schemas exactly: an enum keeps its JSON type, a field
only a response names becomes a column the model is told to fill, a query parameter that is
not a field is kept and reported, and a key to the user keeps the name the backlog gives it."""

from __future__ import annotations

from typing import Any

import pytest

from agent.backlog.schema import Backlog
from agent.spec.compiler import compile_backlog
from agent.spec.schemas import field_from
from agent.spec.types import ServiceSpec

WHEN = {"type": "string", "format": "date-time"}
MINUTES = {"type": "integer", "enum": [15, 30, 45, 60]}


def _compile(*items: dict[str, Any]) -> ServiceSpec:
    defaults = {"user_story": "As a user I want it", "priority": 50}
    return compile_backlog(
        Backlog.model_validate({"backlog_items": [{**defaults, **i} for i in items]})
    )


@pytest.mark.parametrize(
    ("fragment", "kind", "values"),
    [
        (MINUTES, "integer", [15, 30, 45, 60]),
        ({"enum": [1, 2]}, "integer", [1, 2]),
        ({"type": "number", "enum": [0, 12.5]}, "number", [0.0, 12.5]),
        ({"type": "boolean", "enum": [True]}, "boolean", [True]),
        ({"type": ["integer", "null"], "enum": [5, None]}, "integer", [5]),
        ({"type": "string", "enum": ["a", "b"]}, "string", ["a", "b"]),
        ({"enum": ["a", 1]}, "string", ["a", "1"]),
        ("enum[1|2]", "string", ["1", "2"]),
    ],
)
def test_an_enum_keeps_its_json_type(fragment: Any, kind: str, values: list[Any]) -> None:
    """`{"type": "integer", "enum": [15, 30]}` is an integer enum of integers (it was read
    as the strings "15", "30"), likewise numbers and booleans; string enums and the
    shorthand `enum[a|b]` stay strings."""
    field = field_from("f", fragment)
    assert (field.type, field.enum) == (kind, values)
    assert [type(v) for v in field.enum or []] == [type(v) for v in values]


APPOINTMENTS = {
    "id": "APT-1",
    "api_requirements": [
        {
            "method": "POST",
            "endpoint": "/appointments",
            "request_schema": {"starts_at": WHEN, "duration_minutes": MINUTES},
            "response_schema": {
                "id": "uuid", "starts_at": WHEN, "ends_at": WHEN, "created_at": "datetime",
            },
        },
        {
            "method": "GET",
            "endpoint": "/appointments",
            "request_schema": {
                "date": "date?",
                "duration_minutes": "integer?",
                "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            },
        },
        {
            "method": "GET",
            "endpoint": "/appointments/{appointment_id}",
            "response_schema": {"id": "uuid", "ends_at": WHEN},
        },
    ],
}  # fmt: skip


def test_a_response_only_field_becomes_a_column_and_a_gap() -> None:
    """`ends_at`, returned by the create and read endpoints and set by nothing the backlog
    declares, is a nullable column of the entity (a model's rule hook can fill it), and one
    calculation gap names it and both endpoints; `id` and `created_at` are not added."""
    spec = _compile(APPOINTMENTS)
    entity = spec.entity("Appointment")
    assert entity is not None
    ends_at = entity.field("ends_at")
    assert ends_at is not None and (ends_at.type, ends_at.nullable) == ("datetime", True)
    assert not ends_at.required and entity.field("id") is entity.field("created_at") is None
    [gap] = [g for g in spec.gaps if g.kind == "calculation"]
    assert "`ends_at`" in gap.text
    assert "POST /appointments" in gap.text and "GET /appointments/{appointment_id}" in gap.text
    assert gap.reason == "the backlog returns it but never says how it is set: a model fills it"


def test_a_query_parameter_that_is_not_a_field_is_kept_and_reported() -> None:
    """`date` on GET /appointments is not a column: it stays in the list's query (the query
    model validates it) and is a gap telling a model to apply it; `limit` is the page's and
    `duration_minutes` a column filter, so neither is reported."""
    spec = _compile(APPOINTMENTS)
    listing = next(o for o in spec.operations if o.kind == "list")
    assert [f.name for f in listing.query] == ["date", "duration_minutes", "limit"]
    assert [g.text for g in spec.gaps if g.kind == "endpoint"] == [
        "query parameter `date` of GET /appointments is not a field: a model must apply it"
    ]


def _loans(user: str, fields: dict[str, str] | None = None) -> ServiceSpec:
    return _compile(
        {
            "id": "AUTH-1",
            "api_requirements": [
                {"method": "POST", "endpoint": "/auth/register",
                 "request_schema": {"email": "email", "password": "string(8-)"}},
            ],
            "data_requirements": {"entities": [user]},
        },
        {
            "id": "LOAN-1",
            "api_requirements": [
                {"method": "POST", "endpoint": "/loans", "auth_required": True,
                 "request_schema": {"book_id": "uuid"}},
            ],
            "data_requirements": {
                "entities": ["Book", {"name": "Loan", "fields": fields or {}}],
                "relationships": [f"{user} has many Loans", "Book has many Loans"],
                "indexes": ["unique index on loans(member_id, book_id)"],
            },
        },
    )  # fmt: skip


@pytest.mark.parametrize(
    ("user", "fields"), [("Member", None), ("User", {"member_id": "uuid", "book_id": "uuid"})]
)
def test_a_key_to_the_user_keeps_the_backlogs_column_name(
    user: str, fields: dict[str, str] | None
) -> None:
    """The user entity `Member` and an index on loans(member_id, book_id): the key is
    `member_id` (it was `owner_id`, and the declared index was dropped as naming a column
    that did not exist). Likewise a Loan field `member_id` beside the user entity `User`: it
    is the key the token's user is written to, not a second column beside `owner_id`."""
    spec = _loans(user, fields)
    loan = spec.entity("Loan")
    assert loan is not None
    assert {(k.column, k.ref_table) for k in loan.foreign_keys} == {
        ("member_id", "members" if user == "Member" else "users"),
        ("book_id", "books"),
    }
    assert loan.owner_column == "member_id" and loan.field("owner_id") is None
    index = next(i for i in loan.indexes if i.name == "uq_loans_member_id_book_id")
    assert index.columns == ["member_id", "book_id"] and index.unique
    assert not [g for g in spec.gaps if g.kind == "index"]


def test_a_field_named_as_its_type_gets_a_safe_attribute() -> None:
    """A query parameter `date` (now kept in the query model) would be `date: date | None =
    None`, which Python cannot build (the annotation is evaluated after the default); it is
    `date_` in Python and `date` on the wire, likewise `datetime` and `uuid`."""
    spec = _compile(APPOINTMENTS)
    listing = next(o for o in spec.operations if o.kind == "list")
    assert {f.name: f.attr for f in listing.query}["date"] == "date_"
    fields = {"uuid": "uuid", "datetime": WHEN, "title": "string"}
    spec = _compile({"id": "T-1", "data_requirements": {"entities": [
        {"name": "Thing", "fields": fields}]}})  # fmt: skip
    thing = spec.entity("Thing")
    assert thing is not None
    assert {f.name: f.attr for f in thing.fields} == {
        "uuid": "uuid_", "datetime": "datetime_", "title": "title",
    }  # fmt: skip
