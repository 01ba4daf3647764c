"""Instances of the backlog's JSON Schemas: valid ones a service must accept, and one
invalid instance per constraint it must refuse.

Values are distinct per call (unique indexes), datetimes a day apart per instance with a
start before its end, numbers inside their bounds; every instance is checked against the
schema by a real validator (`jsonschema_rs`) before it is sent, so a generator slip is
never blamed on the service.
"""

from __future__ import annotations

import itertools
import re
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import HypothesisException, NonInteractiveExampleWarning

Schema = dict[str, Any]
_serial = itertools.count(1)
EPOCH = datetime(2031, 1, 1, 9, tzinfo=UTC)
LATER = re.compile(r"end|until|finish|due|check_?out|return|expire|close|stop|to$", re.I)
EARLIER = re.compile(r"start|begin|from|check_?in|open", re.I)
BAD_FORMATS = {
    "email": "not-an-email",
    "uuid": "not-a-uuid",
    "date-time": "not-a-date-time",
    "date": "2031-13-45",
    "uri": "not a uri",
    "time": "25:61:00",
}
TEXT_FOR = {"integer": "7", "number": "7.5", "boolean": "true"}  # text, not the JSON type
BAD_TYPES = {
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "not-a-boolean",
    # not a number: pydantic reads a number as a timestamp where a date-time is declared
    "string": ["not-a-string"],
    "object": "not-an-object",
    "array": "not-an-array",
}


@dataclass(frozen=True)
class Variant:
    """One instance to send: which property it varies (None: the whole instance), by which
    keyword of the schema, and whether the backlog allows it."""

    label: str
    body: dict[str, Any]
    prop: str | None
    keyword: str | None
    valid: bool


def kind(schema: Schema) -> str:
    """The JSON type a property takes (the first non-null one; from its enum if untyped)."""
    raw = schema.get("type")
    if isinstance(raw, list):
        raw = next((t for t in raw if t != "null"), "null")
    if raw:
        return str(raw)
    values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number"
    return "object" if "properties" in schema else "string"


def _pattern_text(pattern: str, low: int, high: int, used: set[str]) -> str | None:
    """A random string of the pattern and length not given before (not the simplest one,
    which another prober, the world's seeding, may have taken already)."""
    try:
        strategy = st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NonInteractiveExampleWarning)
            for _ in range(30):
                found = strategy.example()
                if found not in used:
                    used.add(found)
                    return found
    except (HypothesisException, re.error):
        return None
    return None


_used: dict[str, set[str]] = {}


def text(schema: Schema, name: str, tag: str, length: int | None = None) -> str | None:
    """A string of the property's format, pattern and length (exactly `length` if given)."""
    fmt, low = schema.get("format"), int(schema.get("minLength", 0))
    high = int(schema.get("maxLength", 10_000))
    if length is not None:
        low = high = length
    if schema.get("pattern"):
        return _pattern_text(
            schema["pattern"], low, high, _used.setdefault(schema["pattern"], set())
        )
    formats = {
        "email": f"u{tag}@example.com",
        "uri": f"https://example.com/{tag}",
        "uuid": str(uuid.uuid4()),
        "date": (EPOCH + timedelta(days=int(tag.split("x")[0]))).date().isoformat(),
        "time": "10:30:00",
    }
    if fmt == "date-time":
        return when(name, int(tag.split("x")[0]))
    if fmt in formats and length is None:
        return formats[fmt]
    seed = f"Pass-{tag}-word1" if "password" in name.lower() else f"{name}-{tag}"
    seed = (seed * (low // max(len(seed), 1) + 1)) if len(seed) < low else seed
    return seed[:high] if len(seed) > high else seed


def when(name: str, day: int) -> str:
    """A datetime a day apart per instance; a start before an end within one instance."""
    hours = 2 if LATER.search(name) else 0 if EARLIER.search(name) else 1
    return (EPOCH + timedelta(days=day, hours=hours)).isoformat().replace("+00:00", "Z")


def number(schema: Schema) -> int | float:
    """A roomy value inside the bounds (not at an edge: capacities and stock fit more)."""
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and high is not None:
        value = low + (high - low) / 2
    elif low is not None:
        value = low + 10
    elif high is not None:
        value = min(high - 1, 10)
    else:
        value = 10
    return int(value) if kind(schema) == "integer" else float(value)


def value(schema: Schema, name: str, tag: str) -> Any:
    """A valid value for one property (None when the generator cannot make one)."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    typ = kind(schema)
    makers: dict[str, Callable[[], Any]] = {
        "string": lambda: text(schema, name, tag),
        "integer": lambda: number(schema),
        "number": lambda: number(schema),
        "boolean": lambda: True,
        "array": lambda: _array(schema, name, tag),
        "object": lambda: instance(schema, tag, required_only=True),
    }
    return makers[typ]() if typ in makers else None


def _array(schema: Schema, name: str, tag: str) -> list[Any]:
    items: Schema = schema["items"] if isinstance(schema.get("items"), dict) else {}
    return [value(items, name, tag)] if schema.get("minItems") else []


def instance(
    schema: Schema, tag: str, *, required_only: bool = False, refs: dict[str, str] | None = None
) -> dict[str, Any]:
    """A valid object: every property (or only the required ones), ids from `refs`."""
    out: dict[str, Any] = {}
    required = set(schema.get("required", []))
    for name, prop in (schema.get("properties") or {}).items():
        if required_only and name not in required:
            continue
        got = (refs or {}).get(name)
        got = got if got is not None else value(prop if isinstance(prop, dict) else {}, name, tag)
        if got is not None:
            out[name] = got
    return out


def tag() -> str:
    """A fresh tag: the day index, then a random suffix (distinct strings per instance)."""
    return f"{next(_serial)}x{uuid.uuid4().hex[:6]}"


def boundaries(schema: Schema, name: str) -> list[tuple[str, Any]]:
    """Valid edge values of one property: each enum value, each bound met exactly."""
    if schema.get("enum"):
        return [("enum", v) for v in schema["enum"]]
    typ, out = kind(schema), list[tuple[str, Any]]()
    if typ in ("integer", "number"):
        for key in ("minimum", "maximum"):
            if key in schema:
                out.append((key, int(schema[key]) if typ == "integer" else schema[key]))
    if typ == "string":
        for key in ("minLength", "maxLength"):
            if key in schema and 0 < int(schema[key]) <= 10_000:
                found = text(schema, name, tag(), int(schema[key]))
                if found is not None:
                    out.append((key, found))
    return out


def _not_matching(pattern: str) -> str | None:
    return next(
        (s for s in ("not valid!", "", "0", "zz", "A-1 ~") if re.search(pattern, s) is None), None
    )


def _bad_numbers(schema: Schema, typ: str) -> list[tuple[str, Any]]:
    if typ not in ("integer", "number"):
        return []
    step = 1 if typ == "integer" else 0.5
    out = [(k, schema[k] + d) for k, d in (("minimum", -step), ("maximum", step)) if k in schema]
    return out + [
        (k, schema[k])
        for k in ("exclusiveMinimum", "exclusiveMaximum")
        if isinstance(schema.get(k), int | float)
    ]


def _bad_strings(schema: Schema) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if int(schema.get("minLength", 0)) > 0:
        out.append(("minLength", "x" * (int(schema["minLength"]) - 1)))
    if "maxLength" in schema and int(schema["maxLength"]) < 100_000:
        out.append(("maxLength", "x" * (int(schema["maxLength"]) + 1)))
    if schema.get("pattern"):
        out.append(("pattern", _not_matching(schema["pattern"])))
        if str(schema["pattern"]).endswith("$"):  # `$` is the end of the text, not a newline
            out.append(("pattern", f"{value(schema, 'pattern', tag())}\n"))
    if schema.get("format") in BAD_FORMATS:
        out.append(("format", BAD_FORMATS[schema["format"]]))
    return out


def _bad_enum(schema: Schema, typ: str) -> Any:
    numeric = [v for v in schema["enum"] if isinstance(v, int | float) and not isinstance(v, bool)]
    if numeric:
        return max(numeric) + 1
    return "not-one-of-them" if typ == "string" else None


def invalids(schema: Schema, body: bool = True) -> list[tuple[str, Any]]:
    """One value per constraint of a property that the constraint refuses; in a body, a
    number or boolean written as text too (a query parameter is always text)."""
    typ = kind(schema)
    out: list[tuple[str, Any]] = []
    if typ in BAD_TYPES and "null" not in str(schema.get("type")):
        out.append(("type", BAD_TYPES[typ]))
        out += [("type", TEXT_FOR[typ])] if body and typ in TEXT_FOR else []
    if schema.get("enum"):
        out.append(("enum", _bad_enum(schema, typ)))
    out += _bad_numbers(schema, typ)
    if typ == "string":
        out += _bad_strings(schema)
    return [(k, v) for k, v in out if v is not None]
