"""Naming: entity names, table names, module names, singular and plural, and safe Python
names for what the backlog names (a field `from`, an entity `Class`)."""

from __future__ import annotations

import keyword
import re

IRREGULAR = {
    "people": "person",
    "children": "child",
    "data": "datum",
    "statuses": "status",
    "addresses": "address",
    "indices": "index",
    "analyses": "analysis",
}
# Python names a generated class cannot take for a field: SQLAlchemy's Declarative base
# keeps `metadata` and `registry`; pydantic's BaseModel keeps `model_config`; and a field
# named as the type of its annotation (`date: date | None = None`) shadows it, since Python
# evaluates the annotation after the default.
TAKEN = {"metadata", "registry", "model_config", "date", "datetime", "uuid"}


def snake(name: str) -> str:
    """`OrderItem`, `order-item`, `order item` -> `order_item`."""
    name = re.sub(r"[\s\-]+", "_", name.strip())
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return re.sub(r"_+", "_", name).lower().strip("_")


def pascal(name: str) -> str:
    return "".join(part.capitalize() for part in snake(name).split("_") if part)


def singular(word: str) -> str:
    """Plural noun (snake_case) -> singular; only the last word changes."""
    head, _, last = word.rpartition("_")
    if last in IRREGULAR:
        out = IRREGULAR[last]
    elif last.endswith("ies") and len(last) > 3:
        out = last[:-3] + "y"
    elif re.search(r"(ss|x|ch|sh|zz)es$", last):
        out = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        out = last[:-1]
    else:
        out = last
    return f"{head}_{out}" if head else out


def plural(word: str) -> str:
    """Singular noun (snake_case) -> plural; only the last word changes."""
    head, _, last = word.rpartition("_")
    reverse = {v: k for k, v in IRREGULAR.items()}
    if last in reverse:
        out = reverse[last]
    elif re.search(r"[^aeiou]y$", last):
        out = last[:-1] + "ies"
    elif re.search(r"(s|x|ch|sh|z)$", last):
        out = last + "es"
    else:
        out = last + "s"
    return f"{head}_{out}" if head else out


def entity_name(word: str) -> str:
    """Any spelling of an entity (`tasks`, `Task`, `order_items`) -> `Task`, `OrderItem`."""
    return pascal(singular(snake(word)))


def is_safe(name: str) -> bool:
    """Whether `name` can be a module, an attribute and a field of the generated code as it
    is (pydantic takes a leading underscore for a private attribute, not a field)."""
    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and not name.startswith("_")
        and name not in TAKEN
    )


def identifier(name: str) -> str:
    """A safe Python name for `name`: itself when it is one; else `from` -> `from_`,
    `first-name` -> `first_name`, `2fa` -> `field_2fa`."""
    if is_safe(name):
        return name
    out = re.sub(r"[^0-9A-Za-z_]+", "_", name)
    if not out[:1].isalpha():
        out = "field_" + out.lstrip("_")
    return out if is_safe(out) else out + "_"
