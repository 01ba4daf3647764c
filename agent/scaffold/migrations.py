"""Migrations: each item's schema change, as the difference between two sets of entities."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent.scaffold.render import environment
from agent.spec.names import snake
from agent.spec.types import EntitySpec, FieldSpec, IndexSpec


class MigrationRecord(BaseModel):
    """One migration the scaffold wrote: what it changes, for the report."""

    revision: str
    item_id: str
    path: str
    tables_created: list[str] = Field(default_factory=list)
    tables_altered: list[str] = Field(default_factory=list)
    indexes_created: list[str] = Field(default_factory=list)

    @property
    def tables_affected(self) -> list[str]:
        return self.tables_created + self.tables_altered


def diff(old: list[EntitySpec], new: list[EntitySpec]) -> dict[str, Any]:
    """Tables, columns and indexes in `new` and not in `old`."""
    before = {e.name: e for e in old}
    tables: list[EntitySpec] = []
    columns: list[tuple[str, FieldSpec, str | None]] = []
    indexes: list[IndexSpec] = []
    fk_tables: dict[str, dict[str, str]] = {}
    for entity in new:
        fks = {fk.column: fk.ref_table for fk in entity.foreign_keys}
        fk_tables[entity.name] = fks
        previous = before.get(entity.name)
        if previous is None:
            tables.append(entity)
            indexes += entity.indexes
            continue
        known = {f.name for f in previous.fields}
        columns += [
            (entity.table, f, fks.get(f.name)) for f in entity.fields if f.name not in known
        ]
        had = {i.name for i in previous.indexes}
        indexes += [i for i in entity.indexes if i.name not in had]
    return {
        "new_tables": _parents_first(tables),
        "new_columns": columns,
        "new_indexes": indexes,
        "fk_tables": fk_tables,
    }


def _parents_first(tables: list[EntitySpec]) -> list[EntitySpec]:
    """Order new tables so every foreign key points at a table created before it."""
    pending = {e.name: e for e in tables}
    ordered: list[EntitySpec] = []
    while pending:
        ready = [
            e
            for e in pending.values()
            if all(fk.ref_entity not in pending or fk.ref_entity == e.name for fk in e.foreign_keys)
        ] or list(pending.values())[:1]
        for entity in ready:
            ordered.append(pending.pop(entity.name))
    return ordered


def render_migration(
    number: int, item_id: str, down: str | None, change: dict[str, Any]
) -> tuple[str, str, MigrationRecord]:
    """(path, content, record) of migration `number` for `item_id`; `down` is the previous."""
    revision = f"{number:04d}_{snake(item_id)}"[:32]
    path = f"alembic/versions/{revision}.py"
    content = (
        environment()
        .get_template("alembic/versions/migration.py.j2")
        .render(
            message=f"{item_id}: schema for this backlog item",
            revision=revision,
            down_revision=down,
            **change,
        )
    )
    record = MigrationRecord(
        revision=revision,
        item_id=item_id,
        path=path,
        tables_created=[t.table for t in change["new_tables"]],
        tables_altered=sorted({t for t, _, _ in change["new_columns"]}),
        indexes_created=[i.name for i in change["new_indexes"]],
    )
    return path, content, record


def is_empty(change: dict[str, Any]) -> bool:
    return not (change["new_tables"] or change["new_columns"] or change["new_indexes"])


REVISION = re.compile(r"^revision(?:: str)? = ['\"]([^'\"]+)['\"]", re.MULTILINE)
DOWN = re.compile(r"^down_revision(?:: [^=]+)? = ['\"]([^'\"]+)['\"]", re.MULTILINE)


def repo_head(repo: Path, recorded: str | None) -> str | None:
    """The revision a new migration follows: the one head of `alembic/versions` (a model
    may have added migrations after the scaffold's `recorded` one); `recorded` when the
    folder cannot say (none, or several heads)."""
    revisions, downs = set(), set()
    for path in (repo / "alembic" / "versions").glob("*.py"):
        text = path.read_text(errors="replace")
        found = REVISION.search(text)
        if found:
            revisions.add(found[1])
        below = DOWN.search(text)
        if below:
            downs.add(below[1])
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else recorded
