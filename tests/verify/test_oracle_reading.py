"""The oracle's own reading of the backlog (agent/verify/live/backlog.py) and the instances
it sends (instances.py), checked against a real JSON Schema validator. No service here."""

from __future__ import annotations

import ast
from pathlib import Path

import jsonschema_rs
import pytest

from agent.verify.live import backlog, conformance, instances, oracle_state

LIVE = Path(__file__).parents[2] / "agent" / "verify" / "live"
APPOINTMENT = {
    "patient": "string(1-80)",
    "starts_at": "datetime",
    "duration_minutes": {"type": "integer", "enum": [15, 30, 45, 60]},
    "room": "string?",
    "email": "email",
    "status": "enum[open|done]?",
    "rating": "integer(1-5)",
}


def test_the_oracle_never_imports_the_spec_compiler() -> None:
    """The probe package reads the backlog itself: no module of it imports `agent` (the
    spec compiler's reading would be checked against itself)."""
    for path in LIVE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith("agent"), path.name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("agent") for a in node.names), path.name


def test_shorthand_reads_as_json_schema_with_paths() -> None:
    """Shorthand words become JSON Schema with their bounds, `?` makes a field optional,
    an integer enum keeps integers, and every property knows its backlog path."""
    body = backlog.read(APPOINTMENT, "backlog_items[2].api_requirements[0].request_schema")
    assert body is not None
    props = body.properties
    assert props["patient"] == {"type": "string", "minLength": 1, "maxLength": 80}
    assert props["duration_minutes"]["enum"] == [15, 30, 45, 60]
    assert props["rating"] == {"type": "integer", "minimum": 1, "maximum": 5}
    assert props["email"]["format"] == "email"
    assert set(body.required) == {"patient", "starts_at", "duration_minutes", "email", "rating"}
    assert body.source("duration_minutes", "enum") == (
        "backlog_items[2].api_requirements[0].request_schema.duration_minutes.enum"
    )
    assert body.source("rating", "maximum") == (
        "backlog_items[2].api_requirements[0].request_schema.rating"
    )


def test_json_schema_as_written_keeps_its_paths_and_openapi_spellings() -> None:
    """A JSON Schema body is taken as written: `properties.<name>.<keyword>` paths,
    `nullable: true` as a null type, a boolean `required` lifted to the object's list, an
    array response read as its element."""
    raw = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid", "required": True},
                "note": {"type": "string", "nullable": True},
            },
        },
    }
    body = backlog.read(raw, "backlog_items[0].api_requirements[1].response_schema")
    assert body is not None and body.is_list
    assert body.required == ["id"]
    assert body.properties["note"]["type"] == ["string", "null"]
    assert body.source("id", "format") == (
        "backlog_items[0].api_requirements[1].response_schema.items.properties.id.format"
    )


def test_an_unknown_word_is_refused_with_its_path() -> None:
    """A shorthand word the reader does not know is an error naming the word."""
    with pytest.raises(ValueError, match="unknown type 'colour'"):
        backlog.read({"tint": "colour"}, "x")


@pytest.mark.parametrize("name", sorted(APPOINTMENT))
def test_every_valid_value_is_valid_and_every_invalid_one_is_not(name: str) -> None:
    """Each edge value the oracle calls valid passes the backlog's schema, and each value it
    sends to break a constraint fails it: a generator slip is never blamed on a service."""
    body = backlog.read(APPOINTMENT, "x")
    assert body is not None
    prop = body.properties[name]
    check = jsonschema_rs.validator_for(prop, validate_formats=True)
    assert check.is_valid(instances.value(prop, name, instances.tag()))
    for keyword, good in instances.boundaries(prop, name):
        assert check.is_valid(good), (keyword, good)
    for keyword, bad in instances.invalids(prop):
        assert not check.is_valid(bad), (keyword, bad)


def test_instances_are_distinct_and_put_a_start_before_its_end() -> None:
    """Two instances never share a unique string or a time slot; within one, a start comes
    before its end (a rule against overlaps or reversed intervals is not tripped)."""
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": "^[0-9]{13}$"},
            "ends_at": {"type": "string", "format": "date-time"},
            "starts_at": {"type": "string", "format": "date-time"},
        },
    }
    first = instances.instance(schema, instances.tag())
    second = instances.instance(schema, instances.tag())
    assert first["code"] != second["code"] and len(first["code"]) == 13
    assert first["starts_at"] < first["ends_at"] < second["starts_at"]


def test_a_required_response_field_left_null_is_a_violation() -> None:
    """A response field the backlog requires may not be null, unless a client could have
    left it out (optional in a request schema); a missing one is named with its path."""
    body = backlog.read(
        {"id": "uuid", "ends_at": "datetime", "room": "string"},
        "backlog_items[0].api_requirements[0].response_schema",
    )
    assert body is not None
    row = {"id": "7d1c2a8e-8d8e-4a7e-9a51-0b2f4c1d9e3a", "ends_at": None, "room": None}
    found = conformance.violations(body, row, optional={"room"}, collection=False)
    assert [(v["source"], v["message"]) for v in found] == [
        (
            "backlog_items[0].api_requirements[0].response_schema.ends_at",
            "response field 'ends_at' is null: the backlog requires a value",
        )
    ]
    found = conformance.violations(body, {"id": row["id"], "room": "R1"}, set(), False)
    assert [v["message"] for v in found] == ["response field 'ends_at' is missing (the body)"]


def test_a_page_is_read_as_the_backlogs_list() -> None:
    """A list endpoint answers a page; its items are checked against the backlog's element."""
    body = backlog.read({"type": "array", "items": {"id": "uuid", "n": "integer"}}, "r")
    assert body is not None
    page = {"items": [{"id": "7d1c2a8e-8d8e-4a7e-9a51-0b2f4c1d9e3a", "n": "2"}], "total": 1}
    found = conformance.violations(body, page, set(), collection=True)
    assert [v["source"] for v in found] == ["r.items.n"]
    assert "items[0].n" in found[0]["message"]


def test_a_field_the_run_leaves_to_a_model_is_named_as_unfilled() -> None:
    """A required response field left null is marked unfilled, so the oracle can report it
    as not exercised when the run already reports the gap that names it (and only then)."""
    body = backlog.read({"id": "uuid", "ends_at": "datetime"}, "r")
    assert body is not None
    [problem] = conformance.violations(
        body, {"id": "7d1c2a8e-8d8e-4a7e-9a51-0b2f4c1d9e3a", "ends_at": None}, set(), False
    )
    assert problem["unfilled"] == "ends_at"
    left = oracle_state.Oracle(
        world=None, served={}, optional=set(), left=["calculation: `ends_at` …"]
    )  # type: ignore[arg-type]
    assert left.left_to_model("ends_at") == "calculation: `ends_at` …"
    assert left.left_to_model("end") is None
