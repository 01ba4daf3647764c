"""Response-only fields: what an entity's endpoints return that no request and no entity
declares (`ends_at`, `due_at`, `total`).

Such a field becomes a nullable column of the entity, so the row carries it and a model's
rule hook can fill it, and it is reported (a calculation) so the model is told; it is never
silently dropped from the response.
"""

from __future__ import annotations

from agent.spec.types import EntitySpec, FieldSpec, Gap, Operation

RESOURCE_KINDS = frozenset({"create", "list", "read", "update", "replace"})  # return rows
BASE = frozenset({"id", "created_at", "updated_at", "deleted_at"})  # every row has them
REASON = "the backlog returns it but never says how it is set: a model fills it"


def _column(field: FieldSpec) -> FieldSpec:
    """The response field as a column: optional, nullable, with no default and not unique."""
    return field.model_copy(
        update={"required": False, "nullable": True, "default": None, "unique": False}
    )


def response_columns(entities: dict[str, EntitySpec], ops: list[Operation]) -> list[Gap]:
    """Add each response-only field of the entities' resource endpoints as a column; one
    gap per column, naming the endpoints that return it."""
    returned: dict[tuple[str, str], list[Operation]] = {}
    for op in ops:
        entity = entities.get(op.entity or "")
        if entity is None or op.kind not in RESOURCE_KINDS:
            continue
        for field in op.response or []:
            if field.name in BASE or field.secret or field.name.endswith("_hash"):
                continue
            key = (entity.name, field.name)
            if entity.field(field.name) is None:
                entity.fields.append(_column(field))
                returned[key] = []
            if key in returned:
                returned[key].append(op)
    return [_gap(entity, field, found) for (entity, field), found in returned.items()]


def _gap(entity: str, field: str, ops: list[Operation]) -> Gap:
    where = ", ".join(f"{o.method} {o.path}" for o in ops)
    return Gap(
        item_id=ops[0].item_id,
        kind="calculation",
        text=f"`{field}` returned by {where}: a column of {entity} that nothing sets yet",
        reason=REASON,
    )
