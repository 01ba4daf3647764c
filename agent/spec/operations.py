"""Operations: each endpoint of the backlog, bound to its entity and its handler."""

from __future__ import annotations

from dataclasses import replace

from agent.backlog.schema import RATE_LIMIT, ApiRequirement, BacklogItem
from agent.spec.codes import declared_responses, invalid_code, success_code
from agent.spec.kinds import VERBS, Reading, endpoint_kind
from agent.spec.names import entity_name, identifier, plural, snake
from agent.spec.paths import PathShape, collection_entity, shape
from agent.spec.responses import RESOURCE_KINDS
from agent.spec.schemas import is_list_schema, object_fields
from agent.spec.types import EntitySpec, FieldSpec, Gap, Operation, OpKind, RateLimit

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # by the unit's first letter
PAGING = ("limit", "offset")  # the page's query parameters: served, never filters


def rate_limit(text: str | None) -> RateLimit | None:
    found = RATE_LIMIT.match(text or "")
    if not found:
        return None
    return RateLimit(count=int(found[1]), seconds=SECONDS[found[2][0].lower()], text=text or "")


def _handler(  # noqa: PLR0917
    kind: OpKind,
    entity: EntitySpec | None,
    parent: str | None,
    taken: set[str],
    method: str,
    found: PathShape,
) -> str:
    noun = entity.noun if entity else "endpoint"
    if kind == "list":
        noun = plural(noun)
    base = f"{kind}_{parent + '_' if parent else ''}{noun}"
    if kind == "action":
        base = _action_name(method, found, entity)
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _action_name(method: str, found: PathShape, entity: EntitySpec | None) -> str:
    """`cancel_order` for /orders/{id}/cancel, `add_to_cart` for /add_to_cart,
    `post_calculator` for POST /calculator."""
    if found.action:
        return identifier(snake(f"{found.action}_{entity.noun if entity else found.collection}"))
    segment = snake(found.collection or found.auth_word or "root")
    words = segment.split("_")
    return identifier(segment if words[0] in VERBS else f"{method.lower()}_{segment}")


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
    try:
        fields = object_fields(req.response_schema)
    except ValueError:
        if kind == "action":
            return None  # not an object (a number, a text): the model returns it as declared
        raise
    if kind == "list" and not is_list_schema(req.response_schema):
        return None
    fields = [f for f in fields if not f.secret]  # a password is never sent back, declared or not
    return fields or None


def _entity_body(entity: EntitySpec) -> list[FieldSpec]:
    """A write endpoint with no request schema takes the entity's own fields (not its
    keys, not its secrets): the data requirements say what a row holds."""
    keys = {fk.column for fk in entity.foreign_keys}
    return [f for f in entity.fields if not f.secret and f.name not in keys]


def build_operation(  # noqa: PLR0917
    item: BacklogItem,
    req: ApiRequirement,
    entities: dict[str, EntitySpec],
    user: str | None,
    taken: set[str],
    reading: Reading,
) -> tuple[Operation, list[Gap]]:
    """One endpoint as an `Operation`, with the gaps the scaffold leaves in it."""
    found = shape(req.endpoint)
    kind, why = endpoint_kind(req, reading)
    name = user if kind in {"register", "login", "me"} else collection_entity(found)
    if kind == "action" and not found.action and not found.item_param:
        name = None  # an action on no collection: no table of its own
    entity = entities.get(name) if name else None
    lookup = _field_lookup(found.item_param, entity, kind)
    crud_kind = kind  # its convention stands when the backlog names no code
    if lookup and entity is not None:
        kind = "action"
        why = f"finds a {entity.name} by its `{lookup}`, and the scaffold finds rows by id only"
    if kind == "action" and entity is None:  # its path parameters name no row of ours
        found = replace(found, item_param=None, parent_collection=None, parent_param=None)
    parent = entity_name(found.parent_collection) if found.parent_collection else None
    parent_spec = entities.get(parent) if parent else None
    body, query = _fields(req, kind)
    if not body and kind in {"create", "replace", "update"} and entity is not None:
        body = _entity_body(entity)
    responses = declared_responses(item, req)
    status, status_why = success_code(crud_kind, responses)
    op = Operation(
        item_id=item.id,
        method=req.method,
        path=req.endpoint,
        kind=kind,
        entity=entity.name if entity else None,
        handler=_handler(
            kind, entity, parent_spec.noun if parent_spec else None, taken, req.method, found
        ),
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
        status_code=status,
        kind_reason=why,
        status_reason=status_why,
        invalid_status=invalid_code(responses),
        responses=responses,
    )
    return op, _gaps(item, op, entity)


def _field_lookup(param: str | None, entity: EntitySpec | None, kind: OpKind) -> str | None:
    """The field an item path names its row by (`/books/{isbn}`), when it is not the id:
    the scaffold looks rows up by id only, so such an endpoint is left to a model."""
    if kind not in {"read", "replace", "update", "delete"} or entity is None or param is None:
        return None
    if param.lower().endswith("id"):
        return None
    return param if entity.field(param) is not None else None


def _gaps(item: BacklogItem, op: Operation, entity: EntitySpec | None) -> list[Gap]:
    gaps = []
    if op.kind == "action":
        codes = ", ".join(f"{c}" + (f" ({w})" if w else "") for c, w in op.responses.items())
        reason = f"an action ({op.kind_reason}): served as 501 until implemented"
        if codes:
            reason += f"; the backlog declares {codes}"
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
    endpoints, all of them (an action is reported whole)."""
    if op.kind == "list" and entity is not None:
        columns = {f.name for f in entity.fields} | set(PAGING)
        unapplied = [f.name for f in op.query if f.name not in columns]
        what, why = "is not a field", "accepted and validated, not applied: filters are columns"
    elif op.kind != "action":
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
