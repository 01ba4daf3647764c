"""The spec compiler: a backlog in, a `ServiceSpec` out. Deterministic; no model."""

from __future__ import annotations

from agent.backlog.schema import Backlog, BacklogItem
from agent.spec.criteria import match
from agent.spec.entities import (
    apply_relations,
    collect_entities,
    mentioned_names,
    relations,
    user_entity_name,
)
from agent.spec.flows import find_flows
from agent.spec.identifiers import name_attributes
from agent.spec.kinds import Reading
from agent.spec.names import snake
from agent.spec.operations import build_operation, query_gaps
from agent.spec.relations import parse_index, table_matches
from agent.spec.responses import response_columns
from agent.spec.schemas import object_fields
from agent.spec.types import (
    CriterionTest,
    EntitySpec,
    FieldSpec,
    ForeignKey,
    Gap,
    GapKind,
    IndexSpec,
    Operation,
    ServiceSpec,
)

FREE_TEXT: tuple[tuple[str, GapKind], ...] = (
    ("rules", "rule"),
    ("validations", "validation"),
    ("calculations", "calculation"),
)


def compile_backlog(backlog: Backlog, base: ServiceSpec | None = None) -> ServiceSpec:
    """Everything the scaffold can build from the backlog alone, and what it cannot.

    `base` is what earlier backlogs built in the same repo: its entities and endpoints stay,
    the new backlog's are added (an endpoint declared again replaces the old one).
    """
    base = base or ServiceSpec()
    user = base.user_entity or user_entity_name(backlog)
    entities = collect_entities(backlog, user, base.entities)
    rels, gaps = relations(backlog, entities)
    apply_relations(rels, entities, mentioned_names(backlog, entities))
    login_field = _auth_fields(backlog, entities, user)
    gaps += _indexes(backlog, entities)
    reading = Reading.of(backlog, frozenset(e.name for e in base.entities))
    new_ops, op_gaps = _operations(
        backlog, entities, user, {o.handler for o in base.operations}, reading
    )
    gaps += op_gaps
    routes = {(o.method, o.path) for o in new_ops}
    ops = [o for o in base.operations if (o.method, o.path) not in routes] + new_ops
    gaps += response_columns(entities, ops)
    find_flows(ops)
    gaps += [g for o in new_ops for g in query_gaps(o, entities.get(o.entity or ""))]
    _owners(entities, ops)
    _built_when_first_needed(backlog, entities, ops, user)
    name_attributes(entities.values(), ops)
    for entity in entities.values():
        _implied_indexes(entity)
    tests: list[CriterionTest] = []
    for item in backlog.by_priority():
        gaps += _free_text(item)
        for i, text in enumerate(item.acceptance_criteria):
            found = match(item, i, text, [o for o in ops if o.item_id == item.id], entities)
            (tests if isinstance(found, CriterionTest) else gaps).append(found)  # type: ignore[arg-type]
    new_items = {item.id for item in backlog.backlog_items}
    return ServiceSpec(
        title=base.title,
        entities=list(entities.values()),
        operations=ops,
        criteria_tests=[t for t in base.criteria_tests if t.item_id not in new_items] + tests,
        gaps=[g for g in base.gaps if g.item_id not in new_items] + gaps,
        user_entity=user,
        login_field=login_field or base.login_field,
    )


def _operations(
    backlog: Backlog,
    entities: dict[str, EntitySpec],
    user: str | None,
    taken: set[str],
    reading: Reading,
) -> tuple[list[Operation], list[Gap]]:
    ops: list[Operation] = []
    gaps: list[Gap] = []
    for item in backlog.by_priority():
        for req in item.api_requirements:
            op, found = build_operation(item, req, entities, user, taken, reading)
            if op.parent_entity and op.parent_entity in entities:
                fk = (
                    next(
                        (
                            k
                            for k in entities[op.entity or ""].foreign_keys
                            if k.ref_entity == op.parent_entity
                        ),
                        None,
                    )
                    if op.entity
                    else None
                )
                op.parent_column = fk.column if fk else None
            ops.append(op)
            gaps += found
    return ops, gaps


def _auth_fields(backlog: Backlog, entities: dict[str, EntitySpec], user: str | None) -> str | None:
    """The login identifier (unique on the user entity) and the password field."""
    if user is None or user not in entities:
        return None
    entity = entities[user]
    login = "email" if entity.field("email") else None
    for item in backlog.backlog_items:
        for req in item.api_requirements:
            if req.endpoint.rstrip("/").rsplit("/", 1)[-1] in {"login", "token"}:
                names = [f.name for f in object_fields(req.request_schema) if not f.secret]
                login = names[0] if names else login
    login = login or "email"
    field = entity.field(login)
    if field is None:
        entity.fields.insert(0, FieldSpec(name=login, format="email" if login == "email" else None))
        field = entity.field(login)
    assert field is not None
    field.unique = True
    if not any(f.secret for f in entity.fields):
        entity.fields.append(FieldSpec(name="password", secret=True, format="password"))
    return login


def _indexes(backlog: Backlog, entities: dict[str, EntitySpec]) -> list[Gap]:
    gaps = []
    for item in backlog.by_priority():
        for raw in item.data_requirements.indexes:
            req = parse_index(raw)
            entity = next(
                (e for e in entities.values() if req and table_matches(req.table, e.name)), None
            )
            columns = {f.name for f in entity.fields} if entity else set()
            if req is None or entity is None or not set(req.columns) <= columns | {"created_at"}:
                gaps.append(
                    Gap(
                        item_id=item.id,
                        kind="index",
                        text=str(raw),
                        reason="cannot tell which table and existing columns it means",
                    )
                )
                continue
            prefix = "uq" if req.unique else "ix"
            name = f"{prefix}_{entity.table}_{'_'.join(req.columns)}"
            if all(i.name != name for i in entity.indexes):
                entity.indexes.append(
                    IndexSpec(
                        name=name, table=entity.table, columns=list(req.columns), unique=req.unique
                    )
                )
            if req.unique and len(req.columns) == 1:
                field = entity.field(req.columns[0])
                if field:
                    field.unique = True
    return gaps


def _owners(entities: dict[str, EntitySpec], ops: list[Operation]) -> None:
    """An entity served behind auth and keyed (directly or through parents) to the user
    belongs to the token's user: other users see 404."""
    for entity in entities.values():
        if not any(o.entity == entity.name and o.auth_required for o in ops):
            continue
        chain = _chain_to_user(entity, entities, depth=3)
        if chain:
            entity.owner_chain = chain
            entity.owner_column = chain[0].column if len(chain) == 1 else None


def _built_when_first_needed(
    backlog: Backlog, entities: dict[str, EntitySpec], ops: list[Operation], user: str | None
) -> None:
    """Move each entity of this backlog to the first item (by priority) that needs its
    table: its own, a child's (a foreign key to it), or, for the user entity, any item with
    an endpoint behind auth. Items run in priority order, and an item's slice of the service
    must hold every table it points at (`/projects` behind auth before the item declaring
    `/auth/register` puts the users table in the projects item). Entities an earlier
    backlog built stay where they are."""
    rank = {item.id: n for n, item in enumerate(backlog.by_priority())}

    def needs(entity: EntitySpec, item_id: str) -> bool:
        if entity.item_id not in rank or item_id not in rank:
            return False
        if rank[item_id] >= rank[entity.item_id]:
            return False
        entity.item_id = item_id
        return True

    moved = True
    while moved:
        moved = False
        if user in entities:
            for op in ops:
                if op.auth_required:
                    moved |= needs(entities[user], op.item_id)
        for entity in entities.values():
            for fk in entity.foreign_keys:
                moved |= needs(entities[fk.ref_entity], entity.item_id)


def _chain_to_user(
    entity: EntitySpec, entities: dict[str, EntitySpec], depth: int
) -> list[ForeignKey]:
    if depth == 0:
        return []
    for fk in entity.foreign_keys:
        parent = entities[fk.ref_entity]
        if parent.is_user:
            return [fk]
        rest = _chain_to_user(parent, entities, depth - 1)
        if rest:
            return [fk, *rest]
    return []


def _implied_indexes(entity: EntitySpec) -> None:
    """A unique index for each unique field, an index for each foreign key."""
    covered = {(tuple(i.columns), i.unique) for i in entity.indexes}
    wanted = [(f.name, True) for f in entity.fields if f.unique]
    wanted += [(k.column, False) for k in entity.foreign_keys]
    for column, unique in wanted:
        if ((column,), unique) in covered or ((column,), True) in covered:
            continue
        prefix = "uq" if unique else "ix"
        entity.indexes.append(
            IndexSpec(
                name=f"{prefix}_{entity.table}_{column}",
                table=entity.table,
                columns=[column],
                unique=unique,
            )
        )
        covered.add(((column,), unique))


def _free_text(item: BacklogItem) -> list[Gap]:
    out = []
    if not item.api_requirements:
        out.append(
            Gap(
                item_id=item.id,
                kind="endpoint",
                text=item.user_story,
                reason="no api_requirements: planning endpoints from the user story needs a model",
            )
        )
    for attr, kind in FREE_TEXT:
        for text in getattr(item.business_logic, attr):
            out.append(
                Gap(
                    item_id=item.id,
                    kind=kind,
                    text=text,
                    reason="free text: the offline scaffold does not implement it",
                )
            )
    return out


def item_slug(item_id: str) -> str:
    return snake(item_id).replace(".", "_")
