"""Operations: each endpoint of the backlog, bound to its entity and its handler."""

from __future__ import annotations

from agent.backlog.schema import RATE_LIMIT, ApiRequirement, BacklogItem
from agent.spec.names import entity_name, plural
from agent.spec.paths import collection_entity, operation_kind, shape
from agent.spec.responses import RESOURCE_KINDS
from agent.spec.schemas import is_list_schema, object_fields
from agent.spec.types import EntitySpec, FieldSpec, Gap, Operation, OpKind, RateLimit

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # by the unit's first letter
STATUS: dict[str, int] = {"create": 201, "register": 201, "delete": 204}
PAGING = ("limit", "offset")  # the page's query parameters: served, never filters


def rate_limit(text: str | None) -> RateLimit | None:
    found = RATE_LIMIT.match(text or "")
    if not found:
        return None
    return RateLimit(count=int(found[1]), seconds=SECONDS[found[2][0].lower()], text=text or "")


def _handler(kind: OpKind, entity: EntitySpec | None, parent: str | None, taken: set[str]) -> str:
    noun = entity.noun if entity else "endpoint"
    if kind == "list":
        noun = plural(noun)
    base = f"{kind}_{parent + '_' if parent else ''}{noun}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _fields(req: ApiRequirement, kind: OpKind) -> tuple[list[FieldSpec], list[FieldSpec]]:
    fields = object_fields(req.request_schema)
    if req.method in {"GET", "DELETE"}:
        return [], [f.model_copy(update={"required": False}) for f in fields]
    if kind == "update":
        fields = [f.model_copy(update={"required": False}) for f in fields]
    return fields, []


def _response(req: ApiRequirement, kind: OpKind) -> list[FieldSpec] | None:
    if kind in {"login", "delete"} or not req.response_schema:
        return None
    fields = object_fields(req.response_schema)
    if kind == "list" and not is_list_schema(req.response_schema):
        return None
    return fields or None


def _entity_body(entity: EntitySpec) -> list[FieldSpec]:
    """A write endpoint with no request schema takes the entity's own fields (not its
    keys, not its secrets): the data requirements say what a row holds."""
    keys = {fk.column for fk in entity.foreign_keys}
    return [f for f in entity.fields if not f.secret and f.name not in keys]


def build_operation(
    item: BacklogItem,
    req: ApiRequirement,
    entities: dict[str, EntitySpec],
    user: str | None,
    taken: set[str],
) -> tuple[Operation, list[Gap]]:
    """One endpoint as an `Operation`, with the gaps the scaffold leaves in it."""
    found = shape(req.endpoint)
    kind = operation_kind(req.method, found)
    name = user if kind in {"register", "login", "me"} else collection_entity(found)
    entity = entities.get(name) if name else None
    lookup = _field_lookup(found.item_param, entity, kind)
    if lookup:
        kind = "custom"
    parent = entity_name(found.parent_collection) if found.parent_collection else None
    parent_spec = entities.get(parent) if parent else None
    body, query = _fields(req, kind)
    if not body and kind in {"create", "replace", "update"} and entity is not None:
        body = _entity_body(entity)
    op = Operation(
        item_id=item.id,
        method=req.method,
        path=req.endpoint,
        kind=kind,
        entity=entity.name if entity else None,
        handler=_handler(kind, entity, parent_spec.noun if parent_spec else None, taken),
        description=req.description,
        auth_required=req.auth_required or kind == "me",
        rate_limit=rate_limit(req.rate_limit),
        path_params=found.params,
        item_param=found.item_param,
        parent_param=found.parent_param,
        parent_entity=parent,
        body=body,
        query=query,
        response=_response(req, kind),
        status_code=STATUS.get(kind, 200),
    )
    return op, _gaps(item, op, entity, lookup)


def _field_lookup(param: str | None, entity: EntitySpec | None, kind: OpKind) -> str | None:
    """The field an item path names its row by (`/books/{isbn}`), when it is not the id:
    the scaffold looks rows up by id only, so such an endpoint is left to a model."""
    if kind not in {"read", "replace", "update", "delete"} or entity is None or param is None:
        return None
    if param.lower().endswith("id"):
        return None
    return param if entity.field(param) is not None else None


def _gaps(
    item: BacklogItem, op: Operation, entity: EntitySpec | None, lookup: str | None
) -> list[Gap]:
    gaps = []
    if op.kind == "custom":
        reason = "not a CRUD or auth endpoint: served as 501 until implemented"
        if lookup and entity is not None:
            reason = (
                f"finds a {entity.name} by its `{lookup}`, and the scaffold finds rows by id "
                "only: served as 501 until implemented"
            )
        gaps.append(
            Gap(item_id=item.id, kind="endpoint", text=f"{op.method} {op.path}", reason=reason)
        )
    if entity is not None and op.response and op.kind not in RESOURCE_KINDS:
        known = {f.name for f in entity.fields} | {"id", "created_at", "updated_at"}
        for field in op.response:
            if field.name not in known and not field.secret:
                gaps.append(
                    Gap(
                        item_id=item.id,
                        kind="calculation",
                        text=f"{op.method} {op.path} -> {field.name}",
                        reason="response field is not stored: returned as null",
                    )
                )
    return gaps


def query_gaps(op: Operation, entity: EntitySpec | None) -> list[Gap]:
    """Declared query parameters the scaffold does not apply: on a list, those that are not
    a column (kept in its query model, validated, not filtered by); on the other resource
    endpoints, all of them (a custom endpoint is reported whole)."""
    if op.kind == "list" and entity is not None:
        columns = {f.name for f in entity.fields} | set(PAGING)
        unapplied = [f.name for f in op.query if f.name not in columns]
        what, why = "is not a field", "accepted and validated, not applied: filters are columns"
    elif op.kind != "custom":
        unapplied = [f.name for f in op.query]
        what, why = "is not read", "the scaffold reads the query parameters of lists only"
    else:
        return []
    return [
        Gap(
            item_id=op.item_id,
            kind="endpoint",
            text=f"query parameter `{name}` of {op.method} {op.path} {what}: a model must apply it",
            reason=why,
        )
        for name in unapplied
    ]
