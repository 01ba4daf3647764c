"""Values that differ from one factory row to the next and still fit their field.

A factory row of a unique column needs its own value, numbered by the row counter `n`; the
number must not break the field's pattern, length or format (`9141777631706-1` is no ISBN
of `^[0-9]{13}$`). Each way of numbering is tried on a few counters and kept only when every
one fits; a pattern that takes no digits gets a pool of distinct values it matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.scaffold import examples
from agent.spec.types import FieldSpec

SAMPLES = (1, 2, 9, 10, 99, 100, 999, 12_345)  # row counters a numbering must fit
WIDTHS = (6, 5, 4, 3)  # digits a fixed-width number takes, widest first
POOL = 24  # distinct values to cycle through when no numbering fits


@dataclass(frozen=True)
class FactoryValue:
    """A Python expression of a factory row's value; `counted` when it uses the counter."""

    expr: str
    counted: bool = False

    def __str__(self) -> str:
        return self.expr


def fits(field: FieldSpec, text: str) -> bool:
    """Whether the request model takes `text` for `field` (length, pattern as matched by
    Python's regex engine, which implies the JSON Schema search)."""
    if len(text) < (field.min_length or 0):
        return False
    if field.max_length is not None and len(text) > field.max_length:
        return False
    return field.pattern is None or re.match(field.pattern, text) is not None


def _templates(value: str) -> list[tuple[str, int | None]]:
    """Ways to number `value`: (template with `{n}` in it, the width of `n` or None)."""
    safe = value.replace("{", "{{").replace("}", "}}")
    out: list[tuple[str, int | None]] = [(safe + "-{n}", None), (safe + "{n}", None)]
    for width in WIDTHS:
        if len(value) >= width:
            cut = value[:-width].replace("{", "{{").replace("}", "}}")
            out.append((cut + "{n:0" + str(width) + "d}", width))
            rest = value[width:].replace("{", "{{").replace("}", "}}")
            out.append(("{n:0" + str(width) + "d}" + rest, width))
    return out


def _numbered(field: FieldSpec, value: str) -> str | None:
    """An f-string template of `value` numbered by `n` that fits `field` for every sample."""
    for template, width in _templates(value):
        samples = [n for n in SAMPLES if width is None or n < 10**width]
        if all(fits(field, template.format(n=n)) for n in samples):
            return template
    return None


def _pool(field: FieldSpec) -> list[str]:
    """Distinct values of `field`'s pattern (and length), as many as POOL, or fewer."""
    found: list[str] = []
    for seed in range(1, POOL * 4):
        value = examples.valid(field.model_copy(update={"example": None}), seed)
        if isinstance(value, str) and fits(field, value) and value not in found:
            found.append(value)
        if len(found) == POOL:
            break
    return found


def unique_text(field: FieldSpec, value: str) -> FactoryValue:
    """The expression of a unique text column's value in factory row `n`."""
    if field.format == "email":
        return FactoryValue('f"user{n}@example.com"', counted=True)
    template = _numbered(field, value)
    if template is not None:
        return FactoryValue(f"f{template!r}", counted=True)
    pool = _pool(field)
    if len(pool) > 1:
        return FactoryValue(f"{tuple(pool)!r}[n % {len(pool)}]", counted=True)
    return FactoryValue(repr(value))


def unique_number(field: FieldSpec, value: float) -> FactoryValue:
    """The expression of a unique number column's value in factory row `n`, within bounds."""
    high = field.maximum
    if field.type == "integer" and high is not None:
        high = int(high)
    expr = f"{value!r} + n" if high is None else f"min({value!r} + n, {high!r})"
    return FactoryValue(expr, counted=True)
