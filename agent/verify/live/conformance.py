"""Responses against the backlog's response schemas, with a real JSON Schema validator.

A property the backlog requires must be present and of its type, enum and format; it may
be null only where the backlog lets a client leave it out (not required in the response,
or optional in some request schema of the backlog), so a required field the service has
no way to fill (a computed `ends_at`, a `due_at` with no column) is a finding, not silence.
Lists are read as the README documents them: a page `{items, total, limit, offset}` whose
`items` are the backlog's elements, unless the backlog describes the page itself.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs

from .backlog import Body, Schema

REQUIRED = re.compile(r'^"(?P<name>[^"]+)" is a required property')


def nullable_schema(body: Body, optional: set[str]) -> Schema:
    """The response schema with null allowed where a client may leave the value out."""
    props = {}
    required = set(body.required)
    for name, prop in body.properties.items():
        loose = name not in required or name in optional
        props[name] = (
            {"anyOf": [prop, {"type": "null"}]} if loose and isinstance(prop, dict) else prop
        )
    return {**body.schema, "properties": props}


def elements(body: Body, data: Any, collection: bool) -> list[tuple[str, Any]]:
    """What to validate in a response, with its place in the response (`items[2]`)."""
    if isinstance(data, dict) and "items" in body.properties:
        return [("", data)]
    page = isinstance(data, dict) and isinstance(data.get("items"), list)
    if body.is_list or (collection and page):
        listed = data["items"] if page else data
        if isinstance(listed, list):
            prefix = "items" if page else ""
            return [(f"{prefix}[{i}]", e) for i, e in enumerate(listed)]
        return [("", data)]
    return [("", data)]


def _violation(body: Body, error: Any, at: str) -> dict[str, str]:
    place = [str(p) for p in error.instance_path]
    keyword = str(list(error.schema_path)[-1]) if list(error.schema_path) else None
    missing = REQUIRED.match(error.message)
    prop = missing["name"] if missing else (place[0] if place else None)
    spot = ".".join(filter(None, [at, *place])) or "the body"
    if missing:
        message = f"response field {prop!r} is missing ({at or 'the body'})"
        source = body.source(prop)
    elif error.instance is None and place:
        message = f"response field {spot!r} is null: the backlog requires a value"
        source = body.source(prop)
    elif keyword == "anyOf" and place:
        message = f"response field {spot!r} is of the wrong type: {error.message[:200]}"
        source = body.source(prop)
    else:
        message = f"response {spot}: {error.message[:200]}"
        source = body.source(prop, keyword) if prop else body.source(None, keyword)
    return {"message": message, "source": source, "key": f"{prop}:{keyword}"}


def violations(body: Body, data: Any, optional: set[str], collection: bool) -> list[dict[str, str]]:
    """Each way `data` breaks the backlog's response schema (one per property and keyword)."""
    try:
        validator = jsonschema_rs.validator_for(
            nullable_schema(body, optional), validate_formats=True
        )
    except (ValueError, jsonschema_rs.ReferencingError):  # a schema it cannot compile
        return []
    found: dict[str, dict[str, str]] = {}
    for at, element in elements(body, data, collection):
        for error in validator.iter_errors(element):
            problem = _violation(body, error, at)
            found.setdefault(problem.pop("key"), problem)
    return list(found.values())


def accepts(schema: Schema, instance: Any) -> bool | None:
    """Whether the backlog's schema accepts `instance` (None: the schema does not compile)."""
    try:
        return bool(jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(instance))
    except (ValueError, jsonschema_rs.ReferencingError):
        return None
