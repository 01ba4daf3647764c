"""Entities of a backlog: which tables exist, their columns, keys and indexes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agent.backlog.schema import Backlog, BacklogItem
from agent.backlog.schema import EntitySpec as EntityInput
from agent.spec.kinds import Reading, endpoint_kind
from agent.spec.names import entity_name, identifier, plural, snake
from agent.spec.paths import collection_entity, operation_kind, shape
from agent.spec.relations import Relation, parse_index, parse_relationship, table_matches
from agent.spec.schemas import field_from, object_fields
from agent.spec.types import EntitySpec, FieldSpec, ForeignKey, Gap

RESERVED = {"id", "created_at", "updated_at", "deleted_at"}
USER_NAMES = ("User", "Account", "Member", "Customer")
BODY_KINDS = {"create", "replace", "update", "register"}


def new_entity(name: str, item_id: str) -> EntitySpec:
    noun = snake(name)
    return EntitySpec(name=name, table=plural(noun), module=identifier(noun), item_id=item_id)


def _declared(item: BacklogItem) -> list[tuple[str, list[FieldSpec]]]:
    out = []
    for raw in item.data_requirements.entities:
        if isinstance(raw, EntityInput):
            fields = [field_from(n, v, required=False) for n, v in raw.fields.items()]
            out.append((entity_name(raw.name), fields))
        else:
            out.append((entity_name(raw), []))
    return out


def _merge_field(entity: EntitySpec, new: FieldSpec) -> None:
    if new.name in RESERVED or new.name.endswith("_hash"):
        return
    old = entity.field(new.name)
    if old is None:
        entity.fields.append(new.model_copy())
        return
    for key, value in new.model_dump(exclude_defaults=True).items():
        if getattr(old, key) in (None, False):
            setattr(old, key, value)


def user_entity_name(backlog: Backlog) -> str | None:
    """The entity that register/login endpoints act on, when the backlog has them."""
    declared = {name for item in backlog.backlog_items for name, _ in _declared(item)}
    for item in backlog.backlog_items:
        for req in item.api_requirements:
            kind = req.kind or operation_kind(req.method, shape(req.endpoint))
            if kind in {"register", "login", "me"}:
                return next((n for n in USER_NAMES if n in declared), "User")
    return None


def _endpoint_entities(
    item: BacklogItem,
    user: str | None,
    ensure: Callable[[str, str], EntitySpec],
    reading: Reading,
) -> None:
    """Entities an item's endpoints address (and their parents), with their body fields.
    An action makes no table: only the item it acts on (`/orders/{id}/cancel`) is one."""
    for req in item.api_requirements:
        found = shape(req.endpoint)
        kind, _ = endpoint_kind(req, reading)
        if kind == "action" and not found.action:
            continue
        name = user if kind in {"register", "login", "me"} else collection_entity(found)
        if name is None:
            continue
        entity = ensure(name, item.id)
        if found.parent_collection:
            ensure(entity_name(found.parent_collection), item.id)
        if kind in BODY_KINDS:
            for field in object_fields(req.request_schema):
                _merge_field(entity, field.model_copy(update={"required": False}))


def collect_entities(
    backlog: Backlog, user: str | None, initial: Sequence[EntitySpec] = ()
) -> dict[str, EntitySpec]:
    """Every entity the backlog declares or its endpoints address, in priority order,
    added to `initial` (the entities an earlier backlog already built)."""
    entities: dict[str, EntitySpec] = {e.name: e.model_copy(deep=True) for e in initial}

    def ensure(name: str, item_id: str) -> EntitySpec:
        if name not in entities:
            entities[name] = new_entity(name, item_id)
        return entities[name]

    reading = Reading.of(backlog, frozenset(entities))
    for item in backlog.by_priority():
        for name, fields in _declared(item):
            entity = ensure(name, item.id)  # declared by name alone: still a table
            for field in fields:
                _merge_field(entity, field)
        _endpoint_entities(item, user, ensure, reading)
    if user and user in entities:
        entities[user].is_user = True
    return entities


def relations(
    backlog: Backlog, entities: dict[str, EntitySpec]
) -> tuple[list[Relation], list[Gap]]:
    """Many-to-one relationships, from the backlog's words and from nested paths."""
    found: list[tuple[str, str, Relation]] = []  # (item id, as written, relation)
    gaps: list[Gap] = []
    for item in backlog.by_priority():
        for raw in item.data_requirements.relationships:
            rel = parse_relationship(raw)
            if rel is None or rel.child not in entities or rel.parent not in entities:
                gaps.append(
                    Gap(
                        item_id=item.id,
                        kind="relationship",
                        text=str(raw),
                        reason="not a many-to-one relationship between known entities",
                    )
                )
                continue
            found.append((item.id, str(raw), rel))
        for req in item.api_requirements:
            path = shape(req.endpoint)
            if path.parent_collection and path.collection and path.parent_param:
                child, parent = entity_name(path.collection), entity_name(path.parent_collection)
                column = path.parent_param if path.parent_param.endswith("_id") else None
                found.append(
                    (item.id, f"{req.method} {req.endpoint}", Relation(child, parent, column))
                )
    kept, cyclic = _acyclic(found, entities)
    return kept, gaps + cyclic


def _acyclic(
    found: list[tuple[str, str, Relation]], entities: dict[str, EntitySpec]
) -> tuple[list[Relation], list[Gap]]:
    """The relationships whose foreign keys the tables can take, one table after another.

    `A has many B` beside `B has many A` is many-to-many: neither side gets a foreign key
    (the scaffold builds no join table; a join entity belonging to both does it). Any other
    relationship whose key would close a cycle of keys (A -> B -> C -> A) is left out too.
    Both are reported, never dropped silently. A table pointing at itself is fine."""
    pairs = {(rel.child, rel.parent) for _, _, rel in found if rel.child != rel.parent}
    parents = {name: {fk.ref_entity for fk in e.foreign_keys} for name, e in entities.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        if start == goal:
            return True
        seen.add(start)
        return any(reaches(p, goal, seen) for p in parents.get(start, set()) - seen)

    kept: list[Relation] = []
    gaps: list[Gap] = []
    for item_id, text, rel in found:
        if (rel.parent, rel.child) in pairs:
            reason = (
                f"many-to-many ({rel.parent} and {rel.child} each have many of the other): "
                "the scaffold builds no join table; declare a join entity that belongs to both"
            )
        elif rel.child != rel.parent and reaches(rel.parent, rel.child, set()):
            reason = f"a foreign key from {rel.child} to {rel.parent} would close a cycle of keys"
        else:
            parents.setdefault(rel.child, set()).add(rel.parent)
            kept.append(rel)
            continue
        gaps.append(Gap(item_id=item_id, kind="relationship", text=text, reason=reason))
    return kept, gaps


def mentioned_names(backlog: Backlog, entities: dict[str, EntitySpec]) -> dict[str, set[str]]:
    """Column names the backlog gives each entity: its fields, its endpoints' response
    fields and its indexes' columns (to name foreign keys as the backlog does)."""
    out: dict[str, set[str]] = {name: {f.name for f in e.fields} for name, e in entities.items()}
    for item in backlog.backlog_items:
        for req in item.api_requirements:
            name = collection_entity(shape(req.endpoint))
            if name in out:
                out[name] |= {f.name for f in object_fields(req.response_schema)}
        for raw in item.data_requirements.indexes:
            index = parse_index(raw)
            for name in out:
                if index and table_matches(index.table, name):
                    out[name] |= set(index.columns)
    return out


def apply_relations(
    rels: list[Relation], entities: dict[str, EntitySpec], mentioned: dict[str, set[str]]
) -> None:
    """Add a foreign-key column to each child, once per parent."""
    for rel in rels:
        child, parent = entities[rel.child], entities[rel.parent]
        if any(fk.ref_entity == parent.name for fk in child.foreign_keys) or child is parent:
            continue
        column = rel.column or _fk_column(parent, mentioned.get(child.name, set()), entities)
        child.foreign_keys.append(
            ForeignKey(
                table=child.table, column=column, ref_entity=parent.name, ref_table=parent.table
            )
        )
        child.fields = [f for f in child.fields if f.name != column]
        child.fields.append(FieldSpec(name=column, type="uuid", format="uuid"))


def _fk_column(parent: EntitySpec, mentioned: set[str], entities: dict[str, EntitySpec]) -> str:
    """A child's key to `parent`: `<parent>_id`; to the user entity, the name the backlog
    gives the child's column when it gives one (`user_id`, `owner_id`, or `member_id` where
    no Member entity exists), else `owner_id`."""
    own = f"{parent.noun}_id"
    if not parent.is_user or own in mentioned:
        return own
    aliases = [f"{snake(name)}_id" for name in USER_NAMES if name not in entities]
    return next((a for a in ["owner_id", *aliases] if a in mentioned), "owner_id")
