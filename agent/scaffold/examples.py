"""Example values for generated tests: a valid value per field, and one that breaks it."""

from __future__ import annotations

import random
import re
from typing import Any

import rstr

from agent.spec.types import FieldSpec

FIXED: dict[str, Any] = {
    "boolean": True,
    "datetime": "2030-01-02T03:04:05Z",  # as the service answers: UTC with Z
    "date": "2030-01-02",
    "json": {"key": "value"},
    "array": ["value"],
    "any": "value",
}


def _pattern_value(pattern: str, low: int, high: int, seed: int) -> str | None:
    gen = rstr.Rstr(random.Random(seed))
    for _ in range(50):
        value = gen.xeger(pattern)
        if low <= len(value) <= high and re.fullmatch(pattern, value):
            return value
    return None


def _string(field: FieldSpec, seed: int) -> str:
    low, high = field.min_length or 0, field.max_length or 255
    if field.format == "email":
        return f"person{seed}@example.org"
    if field.format == "uri":
        return f"https://example.com/{seed}"
    if field.secret:
        return "S3cure-passw0rd!"
    if field.pattern:
        found = _pattern_value(field.pattern, low, high, seed)
        if found is not None:
            return found
    text = f"{field.name.replace('_', ' ')} {seed}"
    return (text * (low // max(len(text), 1) + 1))[: max(low, min(len(text), high))]


LATER = re.compile(r"end|until|finish|due|check_?out|expire|close|stop|valid_to", re.I)
LATER_FIXED = {"datetime": "2030-01-02T05:04:05Z", "date": "2030-01-03"}


def valid(field: FieldSpec, seed: int = 1) -> Any:
    """A value the request model accepts for `field`."""
    if field.example is not None:
        return field.example
    if field.enum:
        return field.default if field.default in field.enum else field.enum[0]
    if field.type in {"string", "text"}:
        return _string(field, seed)
    if field.type in {"integer", "number"}:
        return _number(field)
    if field.type == "uuid":
        return f"00000000-0000-4000-8000-{seed:012d}"
    later = field.type in LATER_FIXED and LATER.search(field.name)
    # an end after its start: a rule may check the order
    return LATER_FIXED[field.type] if later else FIXED[field.type]


def _number(field: FieldSpec) -> int | float:
    low = field.minimum if field.minimum is not None else 0
    high = field.maximum if field.maximum is not None else low + 100
    value = min(max(low, 1), high)
    return int(value) if field.type == "integer" else float(value)


def _bad_pattern(field: FieldSpec) -> tuple[Any, str] | None:
    if not field.pattern:
        return None
    bad = next((v for v in ("not valid!", "", "0") if re.search(field.pattern, v) is None), None)
    return None if bad is None else (bad, f"does not match {field.pattern}")


def _bad_size(field: FieldSpec, breaks: str | None = None) -> tuple[Any, str] | None:
    """Just past one bound: `breaks` ("min" or "max") names which, else the first declared.
    Too short is a valid value cut to N-1 characters, so the bound is all it breaks."""
    if field.max_length is not None and breaks != "min":
        return "x" * (field.max_length + 1), f"longer than {field.max_length} characters"
    if field.min_length and breaks != "max":
        value = (str(valid(field)) * field.min_length)[: field.min_length - 1]
        return value, f"shorter than {field.min_length} characters"
    whole = int if field.type == "integer" else float  # an integer field gets an integer
    if field.maximum is not None and breaks != "min":
        return whole(field.maximum + 1), f"above the maximum {whole(field.maximum)}"
    if field.minimum is not None and breaks != "max":
        return whole(field.minimum - 1), f"below the minimum {whole(field.minimum)}"
    return None


def _bad_choice(field: FieldSpec) -> Any:
    """A value of the enum's own type outside it (`61` for `[15, 30, 45, 60]`); text where
    there is none (a string enum, or both booleans)."""
    numbers = [v for v in field.enum or [] if not isinstance(v, bool | str)]
    if field.type in {"integer", "number"} and numbers:
        return int(max(numbers)) + 1 if field.type == "integer" else float(max(numbers)) + 1
    if field.type == "boolean" and len(set(field.enum or [])) == 1:
        return not (field.enum or [False])[0]
    return "not-a-valid-choice"


def invalid(field: FieldSpec, breaks: str | None = None) -> tuple[Any, str] | None:
    """A value the request model must refuse for `field`, and why; None when any fits.
    `breaks` ("min", "max") asks for a value past that bound and nothing else."""
    if breaks is not None:
        return _bad_size(field, breaks)
    if field.enum:
        return _bad_choice(field), "not one of the allowed values"
    if field.format == "email":
        return "not-an-email", "not an email address"
    found = _bad_pattern(field) or _bad_size(field)
    if found is None and field.type in {"integer", "number", "boolean", "uuid", "datetime", "date"}:
        found = "not-a-" + field.type, f"not a {field.type}"
    return found


def payload(fields: list[FieldSpec], seed: int = 1, required_only: bool = False) -> dict[str, Any]:
    """A valid request body from `fields`."""
    return {f.name: valid(f, seed) for f in fields if f.required or not required_only}


def breaking(fields: list[FieldSpec], breaks: str | None = None) -> tuple[str, Any, str] | None:
    """The first field that can be broken (past the bound `breaks` names): (name, value, why)."""
    for field in fields:
        found = invalid(field, breaks)
        if found is not None:
            return field.name, found[0], found[1]
    return None
