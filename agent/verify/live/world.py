"""Seed data through the API: users with tokens, and a few rows of every entity.

Rows are made by the spec's create endpoints (parents first), so each row knows the path
parameters that reach it; the probes and the load test then address real resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from . import tokens, values

Op = dict[str, Any]  # an Operation of the spec, as JSON


@dataclass
class User:
    id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Row:
    entity: str
    id: str
    owner: User | None
    params: dict[str, str]  # path parameters of its parents


@dataclass
class World:
    """The running service, as seeded: its spec, users, rows, and what seeding could not do."""

    http: httpx.Client
    spec: dict[str, Any]
    secret: str
    users: list[User] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)

    def ops(self, *kinds: str) -> list[Op]:
        return [o for o in self.spec["operations"] if not kinds or o["kind"] in kinds]

    def stubs(self, doc: dict[str, Any]) -> list[Op]:
        """Endpoints the scaffold could not build, still served by its 501 stub (`doc` is
        the served /openapi.json): reported as not implemented, so neither compared, fuzzed
        nor attacked until a model implements them."""
        paths = doc.get("paths", {})
        return [
            op
            for op in self.ops("custom")
            if "501" in paths.get(op["path"], {}).get(op["method"].lower(), {}).get("responses", {})
        ]

    def entity(self, name: str | None) -> dict[str, Any] | None:
        return next((e for e in self.spec["entities"] if e["name"] == name), None)

    def row(self, entity: str | None, owner: User | None = None) -> Row | None:
        rows = self.rows.get(entity or "", [])
        return next((r for r in rows if owner is None or r.owner is owner), None)


def where(op: Op) -> str:
    return f"{op['method']} {op['path']}"


def fill(op: Op, row: Row | None, overrides: dict[str, str] | None = None) -> str:
    """The op's path with its parameters from `row` (and its parents); unknown ones random."""
    params = dict(row.params) if row else {}
    if row and op.get("item_param"):
        params[op["item_param"]] = row.id
    params.update(overrides or {})
    path: str = op["path"]
    for name in op.get("path_params") or []:
        path = path.replace(
            "{" + name + "}", params.get(name, "00000000-0000-4000-8000-000000000000")
        )
    return path


def register(world: World) -> User | None:
    """A new user through the register endpoint, with a token minted for its id."""
    op = next(iter(world.ops("register")), None)
    if op is None:
        return None
    reply = world.http.post(op["path"], json=values.body(op["body"], {}))
    if reply.status_code >= 300 or "id" not in reply.json():
        world.problems.append({"where": where(op), "message": f"register: {reply.status_code}"})
        return None
    user = User(str(reply.json()["id"]), "")
    user.token = tokens.jwt(user.id, world.secret)
    world.users.append(user)
    return user


def _refs(world: World, entity: dict[str, Any], owner: User | None) -> dict[str, str]:
    refs = {}
    for fk in entity.get("foreign_keys") or []:
        if fk["column"] != entity.get("owner_column"):
            parent = world.row(fk["ref_entity"], owner) or create(world, fk["ref_entity"], owner)
            if parent:
                refs[fk["column"]] = parent.id
    return refs


def create(world: World, name: str, owner: User | None, depth: int = 0) -> Row | None:
    """One new row of entity `name` owned by `owner`, through its create endpoint."""
    op = next((o for o in world.ops("create") if o["entity"] == name), None)
    entity = world.entity(name)
    if op is None or entity is None or depth > 5:
        return None
    params: dict[str, str] = {}
    if op.get("parent_param"):
        parent = world.row(op["parent_entity"], owner) or create(
            world, op["parent_entity"], owner, depth + 1
        )
        if parent is None:
            return None
        params = {**parent.params, op["parent_param"]: parent.id}
    probe = Row(name, "", owner, params)
    headers = owner.auth if owner and op["auth_required"] else {}
    body = values.body(op["body"], _refs(world, entity, owner))
    reply = world.http.post(fill(op, probe), json=body, headers=headers)
    if reply.status_code >= 300:
        world.problems.append({"where": where(op), "message": f"seeding got {reply.status_code}"})
        return None
    probe.id = str(reply.json()["id"])
    world.rows.setdefault(name, []).append(probe)
    return probe


def seed(world: World, users: int = 2, per_entity: int = 3) -> World:
    """`users` users, and `per_entity` rows of every creatable entity for the first one."""
    for _ in range(users):
        register(world)
    owner = world.users[0] if world.users else None
    for entity in world.spec["entities"]:
        for _ in range(per_entity):
            create(world, entity["name"], owner)
    return world
