"""Render the generated service: which file comes from which template, with what context."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.scaffold import context as ctx
from agent.scaffold.pyexpr import (
    column,
    migration_column,
    query_field,
    request_field,
    response_field,
)
from agent.spec.names import identifier, pascal
from agent.spec.types import EntitySpec, FieldSpec, Operation, ServiceSpec
from tools.service import MAKO

TEMPLATES = Path(__file__).with_name("templates")
STATIC = [
    "backend/__init__.py",
    "backend/main.py",
    "backend/core/__init__.py",
    "backend/core/config.py",
    "backend/core/logging.py",
    "backend/core/errors.py",
    "backend/core/security.py",
    "backend/core/ratelimit.py",
    "backend/core/pagination.py",
    "backend/core/middleware.py",
    "backend/infrastructure/__init__.py",
    "backend/infrastructure/db.py",
    "backend/infrastructure/metrics.py",
    "backend/api/__init__.py",
    "backend/api/deps.py",
    "backend/api/schemas/__init__.py",
    "backend/api/routers/__init__.py",
    "backend/domain/__init__.py",
    "backend/domain/models/__init__.py",
    "backend/domain/rules/__init__.py",
    "backend/repository/__init__.py",
    "backend/tests/__init__.py",
    "backend/tests/conftest.py",
    "backend/tests/factories.py",
    "backend/tests/test_health.py",
    "alembic.ini",
    "alembic/env.py",
    "pyproject.toml",
    "README.md",
    "Dockerfile",
    "docker-compose.yml",
    ".github/workflows/ci.yml",
    ".gitignore",
]


def _url_fstring(path: str, item: str | None, parent: str | None, row: str, par: str) -> str:
    out = path
    if item:
        out = out.replace(f"{{{item}}}", f"{{{row}}}")
    if parent:
        out = out.replace(f"{{{parent}}}", f"{{{par}}}")
    return re.sub(r"\{(?!row\}|parent\})\w+\}", "x", out)


def _url_literal(path: str, item: str | None, parent: str | None) -> str:
    """A Python literal for the test URL: an f-string only when it has placeholders."""
    text = _url_fstring(path, item, parent, "row", "parent")
    return f"f{text!r}" if "{" in text else repr(text)


def _response_field_for(field: FieldSpec, entity: EntitySpec | None) -> str:
    """A declared response field, typed like the column it returns when there is one."""
    if field.name == "id":
        return "id: uuid.UUID | None = None"
    if field.name in {"created_at", "updated_at"}:
        return f"{field.name}: datetime | None = None"
    if entity is None:
        return response_field(field, strict=True)  # an action's: as declared, no row
    return response_field(entity.field(field.name) or field)


# Names a generated handler (or its module) uses itself: a path parameter called so gets
# another Python name (`/users/{user_id}/posts` behind auth has `user_id` the caller's id).
HANDLER_NAMES = frozenset(
    {"session", "user_id", "user", "settings", "body", "query", "page", "values", "filters",
     "rows", "total", "row", "changes", "parent_owner", "router", "uuid", "Any", "Annotated",
     "Response", "Query", "Path", "Depends", "HTTPException", "APIRouter", "Page"}
)  # fmt: skip


def path_variable(param: str) -> str:
    """The handler's Python name of path parameter `param` (the path keeps `param`)."""
    name = identifier(param)
    return f"path_{name.rstrip('_')}" if name in HANDLER_NAMES else name


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(
        column=column,
        migration_column=migration_column,
        request_field=request_field,
        query_field=query_field,
        paging_call=ctx.paging_call,
        response_field=response_field,
        response_field_for=_response_field_for,
        url_literal=_url_literal,
        pascal=pascal,
        pyvar=path_variable,
        pyrepr=repr,
        url_fstring=_url_fstring,
        slug=lambda s: re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") or "service",
        doc=docstring_text,
    )
    return env


def docstring_text(text: object) -> str:
    """Backlog text made safe inside a Python docstring: one line (no line breaks, which
    could end a comment early), no character Python source cannot hold (NUL, controls:
    shown as U+FFFD), backslashes doubled, no closing triple quote, no trailing quote."""
    line = " ".join(str(text).split())
    line = "".join(ch if ch.isprintable() else "\ufffd" for ch in line)
    line = line.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return line + " " if line.endswith('"') else line


def _fk_tables(entity: EntitySpec) -> dict[str, str]:
    return {fk.column: fk.ref_table for fk in entity.foreign_keys}


def base_context(spec: ServiceSpec) -> dict[str, Any]:
    models = {e.name: e for e in spec.entities}
    user = models.get(spec.user_entity or "")
    secret = next((f for f in user.fields if f.secret), None) if user else None
    return {
        "spec": spec,
        "models": models,
        "user": user,
        "entities": spec.entities,
        "secret_field": secret.name if secret else "password",  # on the wire
        "secret_attr": secret.attr if secret else "password",  # in Python
        "secret_hash_attr": secret.hash_attr if secret else "password_hash",
        "login_attr": user.attr_of(spec.login_field) if user and spec.login_field else None,
        "secret_names": {f.name for e in spec.entities for f in e.fields if f.secret},
        "fk_columns": {e.name: set(_fk_tables(e)) for e in spec.entities},
        "factory_values": {e.name: ctx.factory_values(e) for e in spec.entities},
        "list_ops": [o for o in spec.operations if o.kind == "list"],
        "paging_names": ctx.PAGING_NAMES,
        "columns_of": {e.name: [f.name for f in e.fields] for e in spec.entities},
        "invalid_status": {
            f"{o.method} {o.path}": o.invalid_status
            for o in spec.operations
            if o.invalid_status != 422
        },
    }


def files(spec: ServiceSpec) -> dict[str, str]:
    """Every file the spec determines (migrations excepted), path -> content."""
    env = environment()
    base = base_context(spec)
    out = {path: env.get_template(f"{path}.j2").render(**base) for path in STATIC}
    out["alembic/script.py.mako"] = MAKO  # what a model's `make_migration` writes from
    for entity in spec.entities:
        out.update(_entity_files(env, base, spec, entity))
    groups: dict[str, list[Any]] = {}
    for op in spec.operations:
        groups.setdefault(ctx.group_of(op, spec), []).append(op)
    for group, ops in groups.items():
        out.update(_group_files(env, base, spec, group, ops))
    actions = _free_actions(spec)
    if actions:
        out["backend/api/schemas/actions.py"] = env.get_template(
            "backend/api/schemas/actions.py.j2"
        ).render(**base, ops=actions)
    return out


def _free_actions(spec: ServiceSpec) -> list[Operation]:
    """Actions on no entity: their models live in `backend/api/schemas/actions.py`."""
    return [o for o in spec.operations if o.kind == "action" and o.entity is None]


def _entity_files(
    env: Environment, base: dict[str, Any], spec: ServiceSpec, entity: EntitySpec
) -> dict[str, str]:
    fks = _fk_tables(entity)
    imports, sa_names = ctx.entity_imports(entity, fks)
    chain = [entity] + [base["models"][fk.ref_entity] for fk in entity.owner_chain[:-1]]
    local = {
        **base,
        "entity": entity,
        "fk_tables": fks,
        "py_imports": imports,
        "sa_names": sa_names,
        "chain_models": chain,
        "models_by_table": {e.table: e for e in spec.entities},
        "ops": [o for o in spec.operations if o.entity == entity.name],
        "rules": [
            g
            for g in spec.gaps
            if g.kind in {"rule", "validation", "calculation"}
            and g.item_id in {o.item_id for o in spec.operations if o.entity == entity.name}
        ],
    }
    return {
        f"backend/domain/models/{entity.module}.py": env.get_template(
            "backend/domain/models/entity.py.j2"
        ).render(**local),
        f"backend/domain/rules/{entity.module}.py": env.get_template(
            "backend/domain/rules/entity.py.j2"
        ).render(**local),
        f"backend/repository/{entity.module}.py": env.get_template(
            "backend/repository/entity.py.j2"
        ).render(**local),
        f"backend/api/schemas/{entity.module}.py": env.get_template(
            "backend/api/schemas/entity.py.j2"
        ).render(**local),
    }


def _group_files(
    env: Environment, base: dict[str, Any], spec: ServiceSpec, group: str, ops: list[Any]
) -> dict[str, str]:
    names = sorted(
        {o.entity for o in ops if o.entity} | {o.parent_entity for o in ops if o.parent_entity}
    )
    schema_names = {name: _schema_names(spec, name) for name in names}
    free = [o for o in ops if o.kind == "action" and o.entity is None]
    local = {
        **base,
        "group": group,
        "ops": ops,
        "entity_names": names,
        "schema_names": schema_names,
        "action_schema_names": _op_schema_names(free),
        "tests": ctx.test_cases(ops, spec),
        "examples": {o.handler: ctx.op_examples(o) for o in ops},
    }
    return {
        f"backend/api/routers/{group}.py": env.get_template(
            "backend/api/routers/router.py.j2"
        ).render(**local),
        f"backend/tests/test_{group}.py": env.get_template("backend/tests/test_group.py.j2").render(
            **local
        ),
    }


def _schema_names(spec: ServiceSpec, entity: str) -> list[str]:
    """Classes `backend/api/schemas/<entity>.py` defines (unused imports are fixed later)."""
    names = [f"{entity}Out", *_op_schema_names(o for o in spec.operations if o.entity == entity)]
    if spec.entity(entity) and spec.entity(entity).is_user:  # type: ignore[union-attr]
        names.append("TokenOut")
    return names


def _op_schema_names(ops: Iterable[Operation]) -> list[str]:
    """The request, response and query models of `ops` (`schemas/_ops.j2`)."""
    names = []
    for op in ops:
        names += [f"{pascal(op.handler)}Response"] if op.response else []
        names += [f"{pascal(op.handler)}Request"] if op.body else []
        if op.kind == "list" or (op.kind == "action" and op.query):
            names.append(f"{pascal(op.handler)}Query")
    return names
