"""Valid values for the spec's fields, distinct per row, so that a service's own rules (a
unique ISBN, no overlapping appointments, a lesson's capacity) do not refuse the seeding.

- Text: the field's name and a unique tag, within its lengths; a `pattern` field gets the
  pattern's next string (`pattern.sample`, hypothesis when that cannot build one).
- Times: every body is a row of its own, two days after the previous one, 10:00-11:00 UTC;
  a field named as an end (`ends_at`, `end_date`, `check_out`, `due_date`, `valid_to`) comes
  after the start (an hour later, or the next day for a date). A birth date is in the past.
- Numbers: a count that others draw from (`capacity`, `stock`, `copies`) is generous on an
  entity other rows refer to (a lesson, a book: 1000, or its maximum), and small on a row
  that refers to a parent without being referred to (a booking's `seats`, an order line's
  `quantity`: its minimum, at least 1); other numbers sit in the middle of their bounds.
- `attempt` > 0 gives other values after the service refused a body: other times (in the
  past, then soon), other numbers (the other end of the bounds), the next enum value.
"""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from . import pattern

Field = dict[str, Any]  # a FieldSpec, as JSON
_serial = itertools.count(1)
_rows = itertools.count(0)
_patterns: dict[str, itertools.count[int]] = {}  # pattern -> its counter
_matched: dict[str, set[str]] = {}  # pattern -> the strings hypothesis gave for it so far
END_WORDS = {"end", "ends", "ended", "ending", "until", "till", "finish", "finishes", "stop"}
END_WORDS |= {"out", "close", "closes", "expires", "expiry", "due", "return", "returned", "to"}
PAST_WORDS = {"birth", "birthday", "born", "dob"}
COUNT_WORDS = {"capacity", "stock", "copies", "seats", "slots", "places", "spaces", "quantity"}
COUNT_WORDS |= {"qty", "count", "available", "inventory", "units", "max", "limit", "size"}
GENEROUS = 1000
# (days from today, hour UTC) of the first row, per attempt: the future, the past, soon
STARTS = ((30, 10), (-400, 10), (1, 14))


def unique() -> str:
    return f"{next(_serial)}{uuid.uuid4().hex[:6]}"


def _words(name: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()))


def _text(field: Field, tag: str) -> str:
    text = f"Secret-pass-{tag}" if field.get("secret") else f"{field['name']}-{tag}"
    low, high = field.get("min_length") or 0, field.get("max_length")
    text = text.ljust(low, "x")
    return text[-high:] if high else text


def _found(field: Field, low: int, high: int) -> str | None:
    """A string of the field's pattern not given before, by hypothesis (which reads the
    pattern as Python's `re` does): slow, only for what `pattern.sample` cannot build."""
    used = _matched.setdefault(field["pattern"], set())
    try:
        found: str = find(
            st.from_regex(str(field["pattern"]), fullmatch=True),
            lambda s: low <= len(s) <= high and s not in used,
            settings=settings(database=None, suppress_health_check=list(HealthCheck)),
        )
    except NoSuchExample:
        return None
    used.add(found)
    return found


def _matching(field: Field, tag: str) -> str:
    """The pattern's next string within the field's lengths."""
    regex = field["pattern"]
    low, high = field.get("min_length") or 0, field.get("max_length") or 100_000
    n = next(_patterns.setdefault(regex, itertools.count(1)))
    found = pattern.sample(regex, n, low, high) or _found(field, low, high)
    return found if found is not None else _text(field, tag)  # refused: the seeding says so


def _number(field: Field, role: str, attempt: int) -> float:
    """A roomy value within the field's bounds (see the module's docstring)."""
    low, high = field.get("minimum"), field.get("maximum")
    floor = low if low is not None else (min(1, high) if high is not None else 1)
    ceiling = high if high is not None else max(floor, GENEROUS)
    middle = floor + (ceiling - floor) / 2 if high is not None else max(floor, 10)
    if _words(field["name"]) & COUNT_WORDS and role != "plain":
        generous, small = min(ceiling, max(floor, GENEROUS)), max(floor, min(1, ceiling))
        choices = [generous, small] if role == "parent" else [small, generous]
    else:
        choices = [middle, floor, ceiling]
    return choices[attempt % len(choices)]


def moment(field: Field, row: int, attempt: int) -> datetime:
    """When this row's field is: the row's own day, an end after the start."""
    words = _words(field["name"])
    days, hour = STARTS[attempt % len(STARTS)]
    if words & PAST_WORDS:
        days, hour = -365 * 30, 0
    day = datetime.now(UTC).date() + timedelta(days=days + 2 * row)
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    if words & END_WORDS:
        return start + (timedelta(days=1) if field.get("type") == "date" else timedelta(hours=1))
    return start


def _when(field: Field, row: int, attempt: int) -> str:
    at = moment(field, row, attempt)
    if field.get("type") == "date":
        return date(at.year, at.month, at.day).isoformat()
    return at.isoformat().replace("+00:00", "Z")


def value(field: Field, tag: str, role: str = "plain", attempt: int = 0, row: int = 0) -> Any:
    """A value the spec accepts for `field` (uuid fields: None, the caller knows the id)."""
    kind, fmt = field.get("type", "string"), field.get("format")
    if field.get("enum"):
        return field["enum"][attempt % len(field["enum"])]
    if "email" in field["name"]:
        fmt = "email"
    formats = {"email": f"u{tag}@example.com", "uri": f"https://example.com/{tag}"}
    if fmt in formats:
        return formats[fmt]
    if kind in ("datetime", "date"):
        return _when(field, row, attempt)
    simple: dict[str, Any] = {
        "boolean": attempt % 2 == 0,
        "json": {},
        "array": [],
        "uuid": None,
    }
    if kind in simple:
        return simple[kind]
    if kind in ("integer", "number"):
        number = _number(field, role, attempt)
        return int(number) if kind == "integer" else float(number)
    return _matching(field, tag) if field.get("pattern") else _text(field, tag)


def body(
    fields: list[Field], refs: dict[str, str], role: str = "plain", attempt: int = 0
) -> dict[str, Any]:
    """A valid body, a row of its own: every field with a value (ids from `refs`, by field
    name). `role` is "parent", "child" or "plain" (see the module's docstring)."""
    tag, row = unique(), next(_rows)
    out: dict[str, Any] = {}
    for field in fields:
        if field.get("type") == "uuid":
            got = refs.get(field["name"])
        else:
            got = value(field, tag, role, attempt, row)
        if got is not None:
            out[field["name"]] = got
    return out


def is_text(field: Field) -> bool:
    """A free-text field: where injection and oversized strings go."""
    return field.get("type") in ("string", "text") and not field.get("enum")
