"""The backlog loader: the Input Schema, and every refusal with its JSON path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.backlog import load_backlog
from agent.backlog.loader import parse_backlog
from agent.backlog.schema import EntitySpec
from agent.errors import BacklogError
from agent.spec.operations import rate_limit

EXAMPLES = Path(__file__).parents[2] / "examples"


def _item(**over: Any) -> dict[str, Any]:
    item = {
        "id": "A-1",
        "user_story": "As a user I want things.",
        "priority": 50,
        "api_requirements": [{"method": "GET", "endpoint": "/things"}],
    }
    item.update(over)
    return item


def _problems(doc: Any) -> list[str]:
    with pytest.raises(BacklogError) as raised:
        parse_backlog(json.dumps(doc) if not isinstance(doc, str) else doc)
    return raised.value.problems


@pytest.mark.parametrize("name", ["taskboard.json", "bookshop.json"])
def test_examples_load(name: str) -> None:
    """The shipped examples fit the Input Schema."""
    assert load_backlog(EXAMPLES / name).backlog_items


def test_bad_method_is_reported_with_its_path() -> None:
    """An unknown method names its JSON path and the allowed values."""
    item = _item(
        api_requirements=[
            {"method": "GET", "endpoint": "/a"},
            {"method": "FETCH", "endpoint": "/b"},
        ]
    )
    assert _problems({"backlog_items": [item]}) == [
        "backlog_items[0].api_requirements[1].method: must be one of GET, POST, PUT, DELETE, PATCH"
    ]


def test_priority_outside_1_to_100() -> None:
    """Priority is a number from 1 to 100."""
    assert _problems({"backlog_items": [_item(priority=0)]}) == [
        "backlog_items[0].priority: must be at least 1"
    ]
    assert _problems({"backlog_items": [_item(priority=101)]}) == [
        "backlog_items[0].priority: must be at most 100"
    ]


def test_duplicate_ids_and_routes() -> None:
    """Two items with one id, or two declarations of one method+endpoint, are refused."""
    problems = _problems({"backlog_items": [_item(), _item()]})
    assert "backlog_items[1].id: duplicate id 'A-1' (also backlog_items[0].id)" in problems
    assert (
        "backlog_items[1].api_requirements[0]: GET /things is already declared at "
        "backlog_items[0].api_requirements[0]"
    ) in problems


def test_every_error_is_listed_at_once() -> None:
    """Several problems in one file: one line each, nothing hidden behind the first."""
    doc = {"backlog_items": [_item(priority=300, unknown=1)], "deployment_target": "prod"}
    problems = _problems(doc)
    assert "backlog_items[0].priority: must be at most 100" in problems
    assert "backlog_items[0].unknown: unknown field" in problems
    assert "deployment_target: must be one of dev, staging, production" in problems


def test_malformed_json_and_unreadable_file(tmp_path: Path) -> None:
    """Broken JSON says where; a missing file says which."""
    assert _problems('{"backlog_items": [')[0].startswith("$: not valid JSON")
    with pytest.raises(BacklogError) as raised:
        load_backlog(tmp_path / "missing.json")
    assert "cannot read" in raised.value.problems[0]


def test_entities_as_names_or_objects() -> None:
    """`entities` takes plain names and objects with fields; a bad object names its field."""
    doc = {
        "backlog_items": [
            _item(
                data_requirements={
                    "entities": ["Thing", {"name": "Other", "fields": {"size": "integer"}}]
                }
            )
        ]
    }
    entities = parse_backlog(json.dumps(doc)).backlog_items[0].data_requirements.entities
    assert entities[0] == "Thing"
    assert isinstance(entities[1], EntitySpec) and entities[1].fields == {"size": "integer"}
    bad = {"backlog_items": [_item(data_requirements={"entities": [{"nam": "X"}]})]}
    assert "backlog_items[0].data_requirements.entities[0].name: Field required" in _problems(bad)


def test_rate_limit_format() -> None:
    """A rate limit reads like `100/minute`; anything else is refused with its path."""
    item = _item(api_requirements=[{"method": "GET", "endpoint": "/a", "rate_limit": "lots"}])
    assert _problems({"backlog_items": [item]})[0].startswith(
        "backlog_items[0].api_requirements[0].rate_limit: must read like"
    )


@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [("100/minute", 100, 60), ("5 per minute", 5, 60), ("10/s", 10, 1),
     ("1000 per Hour", 1000, 3600), ("3/secs", 3, 1), ("50/days", 50, 86400)],
)  # fmt: skip
def test_rate_limit_spellings(text: str, count: int, seconds: int) -> None:
    """`5 per minute`, `10/s`, `1000 per Hour`: the window is the unit's, whatever the
    spelling, and the count as written."""
    item = _item(api_requirements=[{"method": "GET", "endpoint": "/a", "rate_limit": text}])
    backlog = parse_backlog(json.dumps({"backlog_items": [item]}))
    assert backlog.backlog_items[0].api_requirements[0].rate_limit == text
    found = rate_limit(text)
    assert found is not None and (found.count, found.seconds) == (count, seconds)


def test_items_run_by_priority() -> None:
    """Higher priority first; ties keep the file's order."""
    doc = {
        "backlog_items": [
            _item(id="low", priority=1, api_requirements=[]),
            _item(id="high", priority=90, api_requirements=[]),
            _item(id="tie", priority=1, api_requirements=[]),
        ]
    }
    assert [i.id for i in parse_backlog(json.dumps(doc)).by_priority()] == ["high", "low", "tie"]


def test_a_schema_the_compiler_cannot_read_is_refused_by_validate_with_its_path() -> None:
    """`{"type": "string", "content_type": "text/html"}` (a JSON Schema with a key beyond
    JSON Schema's reads as shorthand) used to pass `validate` and crash `run` in plan with a
    traceback; now it is refused up front, naming where."""
    raw = {
        "backlog_items": [
            {
                "id": "X-1",
                "user_story": "s",
                "priority": 10,
                "api_requirements": [
                    {"method": "POST", "endpoint": "/pages", "request_schema": {"title": "string"}},
                    {
                        "method": "GET",
                        "endpoint": "/pages/{page_id}",
                        "response_schema": {"type": "string", "content_type": "text/html"},
                    },
                ],
            }
        ]
    }
    with pytest.raises(BacklogError) as caught:
        parse_backlog(json.dumps(raw))
    field, reading = caught.value.problems
    assert field.startswith(
        "backlog_items[0].api_requirements[1].response_schema.content_type: unknown type "
        "'text/html'"
    )
    assert reading == (
        "backlog_items[0].api_requirements[1].response_schema: read as shorthand (a field per "
        "key): 'content_type' is not a JSON Schema keyword"
    )
