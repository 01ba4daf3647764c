"""The README's rule for reading a schema (JSON Schema or shorthand), and the shrunk inputs
the backlog fuzzer found crashing `validate` or `run`: each is now refused by `validate`
with the path of the problem, or read as the rule says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent.backlog.loader import parse_backlog
from agent.errors import BacklogError
from agent.spec.schema_check import is_json_schema
from agent.spec.schemas import object_fields

AT = "backlog_items[0].api_requirements[0]"


def _backlog(response: Any = None, fields: Any = None, relationships: Any = None) -> str:
    api = {"method": "GET", "endpoint": "/x"}
    if response is not None:
        api["response_schema"] = response
    data: dict[str, Any] = {}
    if fields is not None:
        data["entities"] = [{"name": "Project", "fields": fields}]
    if relationships is not None:
        data["relationships"] = relationships
    item = {"id": "X-1", "user_story": "s", "priority": 1, "api_requirements": [api]}
    return json.dumps({"backlog_items": [{**item, "data_requirements": data}]})


@pytest.mark.parametrize(
    ("response", "fields", "relationships", "expected"),
    [
        # entity field `None`: died in plan ("expected a type name or a schema object")
        (
            None,
            {"color": None},
            None,
            "backlog_items[0].data_requirements.entities[0].fields.color: expected a type word",
        ),
        # entity field "": died in plan ("unknown type ''")
        (
            None,
            {"color": ""},
            None,
            "backlog_items[0].data_requirements.entities[0].fields.color: unknown type ''",
        ),
        # `items: ["0"]`: AttributeError in validate
        (
            {"type": "array", "items": ["0"]},
            None,
            None,
            f"{AT}.response_schema.items[0]: expected a schema object",
        ),
        # `type: []`: TypeError (unhashable list) in validate
        (
            {"type": [], "items": {"id": "uuid"}},
            None,
            None,
            f"{AT}.response_schema.type: expected a type word",
        ),
        # `required: None`: TypeError in validate
        (
            {"type": "object", "required": None, "properties": {"a": {"type": "number"}}},
            None,
            None,
            f"{AT}.response_schema.required: expected a list of field names",
        ),
        # a relationship that is null: its path carried pydantic's tag `dict[constrained-str,any]`
        (
            None,
            None,
            [None],
            "backlog_items[0].data_requirements.relationships[0]: Input should be",
        ),
        (
            {"$ref": "#/components/schemas/Page"},
            None,
            None,
            f"{AT}.response_schema.$ref: a backlog has nothing to refer to",
        ),
        (
            {"title": "string(10-5)"},
            None,
            None,
            f"{AT}.response_schema.title: 'string(10-5)': the least length 10 is above the most 5",
        ),
        (
            {"status": "enum[]"},
            None,
            None,
            f"{AT}.response_schema.status: 'enum[]': an enum needs at least one value",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "maxlength": 5}}},
            None,
            None,
            f"{AT}.response_schema.properties.a.maxlength: not a JSON Schema keyword",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "minLength": 9, "maxLength": 2}},
            },
            None,
            None,
            f"{AT}.response_schema.properties.a.minLength: 9 is above maxLength 2",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "pattern": "["}}},
            None,
            None,
            f"{AT}.response_schema.properties.a.pattern: not a regular expression",
        ),
        (
            {"type": "object", "properties": {"a": {"enum": []}}},
            None,
            None,
            f"{AT}.response_schema.properties.a.enum: expected a list of at least one value",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "null"}}},
            None,
            None,
            f"{AT}.response_schema.properties.a.type: a field that can only be null",
        ),
    ],
)
def test_a_found_input_is_refused_with_its_path(
    response: Any, fields: Any, relationships: Any, expected: str
) -> None:
    """Refused by validate (BacklogError), one problem line starting with the path."""
    with pytest.raises(BacklogError) as refused:
        parse_backlog(_backlog(response, fields, relationships))
    assert any(p.startswith(expected) for p in refused.value.problems), refused.value.problems


@pytest.mark.parametrize(
    ("schema", "json_schema", "fields"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}}, True, ["a"]),
        ({"properties": {"a": "integer"}}, True, ["a"]),
        ({"type": "string", "example": "Login successful"}, True, []),
        ({"type": ["number", "null"]}, True, []),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, True, []),
        ({"items": [{"id": "uuid"}]}, True, ["id"]),
        # a field named like a keyword, or a free-text keyword holding a type word: shorthand
        ({"type": "string", "title": "string"}, False, ["type", "title"]),
        ({"type": "enum[bug|task]", "name": "string"}, False, ["type", "name"]),
        ({"items": "array", "total": "number"}, False, ["items", "total"]),
        (
            {"title": "string(1-200)", "due": {"type": "string", "format": "date"}},
            False,
            ["title", "due"],
        ),
    ],
)
def test_the_reading_rule(schema: dict[str, Any], json_schema: bool, fields: list[str]) -> None:
    """JSON Schema when every key is a keyword and one says what it is; else shorthand.
    Each such schema is accepted and read into the fields the rule gives."""
    assert is_json_schema(schema) is json_schema
    parse_backlog(_backlog(schema))
    assert [f.name for f in object_fields(schema)] == fields
