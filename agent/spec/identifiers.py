"""Python names for the spec's fields, distinct within each class that holds them.

A field keeps its name when that is safe (`names.is_safe`); any other gets
`names.identifier(name)`, numbered past the names its class already uses (`from` beside
`from_`: `from_2`). A body, query or response field takes the attribute of its entity's field
of the same name, so values pass between schemas, rules, repository and factories under one
name, while the wire and the database keep the name as written.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.spec.names import identifier, is_safe
from agent.spec.types import EntitySpec, FieldSpec, Operation

BASE_COLUMNS = frozenset({"id", "created_at", "updated_at", "deleted_at"})  # every row's


def _assign(fields: list[FieldSpec], fixed: dict[str, str], taken: Iterable[str]) -> None:
    """Each field's attribute: `fixed[name]`, else its name when safe, else a safe name
    numbered past every one taken or wanted."""
    wanted = [fixed.get(f.name) or (f.name if is_safe(f.name) else None) for f in fields]
    used = {*taken, *filter(None, wanted)}
    for field, want in zip(fields, wanted, strict=True):
        if want:
            field.attr = want
            continue
        base = identifier(field.name)
        attr, n = base, 2
        while attr in used:
            attr, n = f"{base.rstrip('_')}_{n}", n + 1
        used.add(attr)
        field.attr = attr


def name_attributes(entities: Iterable[EntitySpec], ops: Iterable[Operation]) -> None:
    """Set `attr` on every field of `entities` and of the operations on them."""
    by_name = {e.name: e for e in entities}
    for entity in by_name.values():
        _assign(entity.fields, {}, BASE_COLUMNS)
    for op in ops:
        found = by_name.get(op.entity or "")
        own = {f.name: f.attr for f in found.fields} if found else {}
        for fields in (op.body, op.query, op.response or []):
            _assign(fields, own, BASE_COLUMNS | set(own.values()))
