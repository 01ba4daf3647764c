"""Valid values for the spec's fields, unique per call so unique indexes do not collide."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

Field = dict[str, Any]  # a FieldSpec, as JSON
_serial = itertools.count(1)
_matched: dict[str, set[str]] = {}  # pattern -> the strings given for it so far


def unique() -> str:
    return f"{next(_serial)}{uuid.uuid4().hex[:6]}"


def _text(field: Field, tag: str) -> str:
    text = f"Secret-pass-{tag}" if field.get("secret") else f"{field['name']}-{tag}"
    low, high = field.get("min_length") or 0, field.get("max_length")
    text = text.ljust(low, "x")
    return text[-high:] if high else text


def _matching(field: Field, tag: str) -> str:
    """The smallest string of the field's pattern and length not given before (hypothesis,
    which schemathesis brings into the sandbox, reads the pattern as Python's `re` does)."""
    pattern = field["pattern"]
    low, high = field.get("min_length") or 0, field.get("max_length") or 100_000
    used = _matched.setdefault(pattern, set())
    try:
        found: str = find(
            st.from_regex(pattern, fullmatch=True),
            lambda s: low <= len(s) <= high and s not in used,
            settings=settings(database=None, suppress_health_check=list(HealthCheck)),
        )
    except NoSuchExample:
        return _text(field, tag)  # the service will refuse it: the seeding says so
    used.add(found)
    return found


def _number(field: Field) -> float:
    low, high = field.get("minimum"), field.get("maximum")
    value = low if low is not None else 1
    return min(value, high) if high is not None else value


def value(field: Field, tag: str) -> Any:
    """A value the spec accepts for `field` (uuid fields: None, the caller knows the id)."""
    kind, fmt = field.get("type", "string"), field.get("format")
    if field.get("enum"):
        return field["enum"][0]
    if "email" in field["name"]:
        fmt = "email"
    formats = {"email": f"u{tag}@example.com", "uri": f"https://example.com/{tag}"}
    simple: dict[str, Any] = {
        "boolean": True,
        "datetime": "2030-01-01T00:00:00Z",
        "date": "2030-01-01",
        "json": {},
        "array": [],
        "uuid": None,
        "integer": int(_number(field)),
        "number": float(_number(field)),
    }
    if fmt in formats:
        return formats[fmt]
    if kind in simple:
        return simple[kind]
    return _matching(field, tag) if field.get("pattern") else _text(field, tag)


def body(fields: list[Field], refs: dict[str, str]) -> dict[str, Any]:
    """A valid body: every field with a value (ids from `refs`, by field name)."""
    tag = unique()
    out: dict[str, Any] = {}
    for field in fields:
        got = refs.get(field["name"]) if field.get("type") == "uuid" else value(field, tag)
        if got is not None:
            out[field["name"]] = got
    return out


def is_text(field: Field) -> bool:
    """A free-text field: where injection and oversized strings go."""
    return field.get("type") in ("string", "text") and not field.get("enum")
