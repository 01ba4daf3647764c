"""Read relationships and index requirements, written in prose or as objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.spec.names import entity_name, plural, snake

WORD = r"([A-Za-z][\w\-]*)"
MANY_TO_ONE = [  # (pattern, group of the child, group of the parent)
    (re.compile(rf"^(?:an?\s+|each\s+)?{WORD}\s+has\s*[_ ]?many\s+{WORD}", re.I), 2, 1),
    (
        re.compile(
            rf"^(?:an?\s+|each\s+)?{WORD}\s+(?:belongs[_ ]to|references)\s+(?:an?\s+)?{WORD}", re.I
        ),
        1,
        2,
    ),
    (re.compile(rf"^{WORD}\s+(?:1\s*[:\-]\s*[nN*]|one[_\- ]to[_\- ]many)\s+{WORD}", re.I), 2, 1),
    (re.compile(rf"^{WORD}\s+(?:[nN*]\s*[:\-]\s*1|many[_\- ]to[_\- ]one)\s+{WORD}", re.I), 1, 2),
]
MANY_TO_MANY = re.compile(r"many[_\- ]to[_\- ]many|[nN*]\s*:\s*[mMnN*]", re.I)
INDEX_CALL = re.compile(r"(?P<table>[A-Za-z_]\w*)\s*\(\s*(?P<cols>[\w\s,]+)\)")
INDEX_DOT = re.compile(r"(?P<table>[A-Za-z_]\w*)\.(?P<cols>[A-Za-z_]\w*)")
INDEX_ON = re.compile(r"\bon\s+(?P<table>[A-Za-z_]\w*)\s*\.\s*(?P<cols>[A-Za-z_]\w*)", re.I)


@dataclass(frozen=True)
class Relation:
    """`child` has a foreign key to `parent` (many children to one parent)."""

    child: str
    parent: str
    column: str | None = None


@dataclass(frozen=True)
class IndexRequirement:
    table: str  # as written: a table or an entity name
    columns: tuple[str, ...]
    unique: bool


def parse_relationship(raw: str | dict[str, Any]) -> Relation | None:
    """A many-to-one relationship, or None when it cannot be read (or is many-to-many)."""
    if isinstance(raw, dict):
        return _relation_object(raw)
    text = raw.strip()
    if MANY_TO_MANY.search(text):
        return None
    for pattern, child, parent in MANY_TO_ONE:
        found = pattern.match(text)
        if found:
            return Relation(entity_name(found[child]), entity_name(found[parent]))
    return None


def _relation_object(raw: dict[str, Any]) -> Relation | None:
    kind = str(raw.get("type", "many-to-one")).lower().replace("_", "-")
    column = raw.get("field") or raw.get("column") or raw.get("foreign_key")
    if "child" in raw and "parent" in raw:
        return Relation(entity_name(raw["child"]), entity_name(raw["parent"]), column)
    if "from" not in raw or "to" not in raw or "many-to-many" in kind:
        return None
    first, second = entity_name(raw["from"]), entity_name(raw["to"])
    if kind in {"one-to-many", "1:n", "has-many"}:
        return Relation(second, first, column)
    return Relation(first, second, column)


def parse_index(raw: str | dict[str, Any]) -> IndexRequirement | None:
    """An index requirement, or None when it cannot be read."""
    if isinstance(raw, dict):
        table = raw.get("table") or raw.get("entity")
        columns = raw.get("columns") or ([raw["column"]] if "column" in raw else [])
        if not table or not columns:
            return None
        return IndexRequirement(
            str(table), tuple(snake(c) for c in columns), bool(raw.get("unique", False))
        )
    unique = bool(re.search(r"\bunique\b", raw, re.I))
    for pattern in (INDEX_CALL, INDEX_DOT, INDEX_ON):
        found = pattern.search(raw)
        if found and found["table"].lower() not in {"index", "unique", "on"}:
            cols = tuple(snake(c) for c in re.split(r"[\s,]+", found["cols"].strip()) if c)
            return IndexRequirement(found["table"], cols, unique)
    return None


def table_matches(written: str, entity: str) -> bool:
    """Whether `users`, `User` or `user` names the entity `User`."""
    return snake(written) in {snake(entity), plural(snake(entity))}
