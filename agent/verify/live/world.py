"""Seed data through the API: users with tokens, and a few rows of every entity.

Rows are made by the spec's create endpoints (parents first), so each row knows the path
parameters that reach it; the probes and the load test then address real resources.

A service's own rules may refuse a row (a unique ISBN, a full lesson, an overlapping
appointment, a book already on loan): each body is a row of its own (`values`), and a
refused one (400, 403, 404, 409, 422) is tried again a few times with a fresh parent and
other values. What still cannot be seeded is "not exercised", with the refused request and
its answer, never a failure of the service; a 5xx or a valid token refused is a problem.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from . import tokens, values
from .exchange import exchange, made_id

if TYPE_CHECKING:
    from .flows import Produced

Op = dict[str, Any]  # an Operation of the spec, as JSON
Entry = dict[str, Any]  # {"check", "where", "reason", "exchange"}: a case not exercised
Exchange = dict[str, Any]  # a request and its answer, trimmed (`exchange.exchange`)
ATTEMPTS = 4  # bodies tried per row: the first, then a fresh parent and other values
REFUSALS = {400, 403, 404, 409, 422}  # how a service's rule says no to a valid body


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
    """The running service, as seeded: its spec, users, rows, what seeding could not do
    (`problems`: the service failed; `not_exercised`: a rule refused every body tried) and
    which attempt (`values`' variant) made each entity's rows."""

    http: httpx.Client
    spec: dict[str, Any]
    secret: str
    users: list[User] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    not_exercised: list[Entry] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    unseedable: dict[str, Entry] = field(default_factory=dict)
    produced: dict[tuple[str, str], Produced] = field(default_factory=dict)  # `flows`' answers

    def ops(self, *kinds: str) -> list[Op]:
        return [o for o in self.spec["operations"] if not kinds or o["kind"] in kinds]

    def stubs(self, doc: dict[str, Any]) -> list[Op]:
        """Endpoints the scaffold could not build, still served by its 501 stub (`doc` is
        the served /openapi.json): reported as not implemented, so neither compared, fuzzed
        nor attacked until a model implements them."""
        paths = doc.get("paths", {})
        return [
            op
            for op in self.ops("action")
            if "501" in paths.get(op["path"], {}).get(op["method"].lower(), {}).get("responses", {})
        ]

    def entity(self, name: str | None) -> dict[str, Any] | None:
        return next((e for e in self.spec["entities"] if e["name"] == name), None)

    def row(self, entity: str | None, owner: User | None = None) -> Row | None:
        """The first row of `entity` (`owner`'s, if given); of the user entity, the user."""
        rows = self.rows.get(entity or "", [])
        found = next((r for r in rows if owner is None or r.owner is owner), None)
        if found is None and entity and entity == self.spec.get("user_entity"):
            user = owner or next(iter(self.users), None)
            return Row(entity, user.id, user, {}) if user else None
        return found

    def role(self, name: str) -> str:
        """ "parent" when other rows refer to it, "child" when it only refers to others."""
        for other in self.spec["entities"]:
            for fk in other.get("foreign_keys") or []:
                if fk["ref_entity"] == name and fk["column"] != other.get("owner_column"):
                    return "parent"
        entity = self.entity(name) or {}
        keys = [
            k for k in entity.get("foreign_keys") or [] if k["column"] != entity.get("owner_column")
        ]
        return "child" if keys else "plain"

    def missing(self, entity: str | None, depth: int = 0) -> str:
        """Why there is no row of `entity` to probe with (or of a parent it needs)."""
        if entity in self.unseedable:
            return f"seeding it was refused ({self.unseedable[entity]['reason']})"
        op = next((o for o in self.ops("create") if o["entity"] == entity), None)
        if op is None:
            return f"no create endpoint makes a {entity}"
        found = self.entity(entity) or {}
        keys = [
            k for k in found.get("foreign_keys") or [] if k["column"] != found.get("owner_column")
        ]
        for parent in [op.get("parent_entity")] + [k["ref_entity"] for k in keys]:
            if parent and parent != entity and depth < 5 and self.row(parent) is None:
                return f"its {parent} is missing: {self.missing(parent, depth + 1)}"
        return f"no {entity} could be seeded (see the seeding problems)"

    def skip(self, check: str, op: Op, reason: str, sent: dict[str, Any] | None = None) -> None:
        """A case not exercised, and why."""
        self.not_exercised.append(
            {"check": check, "where": where(op), "reason": reason, "exchange": sent}
        )


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


def id_names(op: Op) -> list[str]:
    """Where a create's answer may carry the id of what it made: `id`, or the entity's own
    identifier the backlog declares in its response (`cart_id`, `cartId`)."""
    noun = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", op.get("entity") or "").lower()
    camel = noun.split("_")[0] + "".join(w.title() for w in noun.split("_")[1:])
    return ["id", f"{noun}_id", f"{camel}Id"] if noun else ["id"]


def _answer(
    world: World, op: Op, path: str, body: Any, reply: httpx.Response
) -> str | Exchange | None:
    """A row's id, the exchange the service refused, or None (a problem, noted)."""
    name = op["entity"] or "user"
    sent = exchange(op["method"], path, body, reply)
    if reply.status_code < 300:
        made = made_id(reply, id_names(op))
        if made is None:
            reason = f"{reply.status_code} came without an id to address the {name} by"
            world.unseedable[name] = {"check": "seed", "where": where(op), "reason": reason}
            world.skip("seed", op, reason, sent)
        return made
    if reply.status_code in REFUSALS:
        return sent
    expected = "2xx for a valid body (or a 4xx refusal), never 5xx"
    if reply.status_code == 401:
        expected = "a valid bearer token accepted"
    message = f"seeding got {reply.status_code}"
    world.problems.append(
        {"where": where(op), "message": message, "expected": expected, "exchange": sent}
    )
    return None


def register(world: World) -> User | None:
    """A new user through the register endpoint, with a token minted for its id."""
    op = next(iter(world.ops("register")), None)
    if op is None or op["entity"] in world.unseedable:
        return None
    refused = None
    for attempt in range(ATTEMPTS):
        body = values.body(op["body"], {}, attempt=attempt)
        try:
            reply = world.http.post(op["path"], json=body)
        except httpx.TransportError as exc:
            world.problems.append({"where": where(op), "message": f"register: {exc!r}"})
            return None
        got = _answer(world, op, op["path"], body, reply)
        if isinstance(got, str):
            user = User(got, tokens.jwt(got, world.secret))
            world.users.append(user)
            return user
        if got is None:
            return None
        refused = got
    _give_up(world, op["entity"], op, refused)
    return None


def _give_up(world: World, name: str, op: Op, refused: Exchange | None) -> None:
    status = refused["status"] if refused else None
    reason = (
        f"the service refused all {ATTEMPTS} valid bodies tried (fresh parents, other "
        f"numbers, times and enum values), the last with {status}"
    )
    entry = {"check": "seed", "where": where(op), "reason": reason, "exchange": refused}
    world.unseedable[name] = entry
    world.not_exercised.append(entry)


def _parent(world: World, name: str, owner: User | None, fresh: bool, depth: int) -> Row | None:
    """A row of `name` for a child: the first one, or a fresh one after a refusal."""
    if fresh:
        return create(world, name, owner, depth + 1) or world.row(name, owner)
    return world.row(name, owner) or create(world, name, owner, depth + 1)


def _refs(
    world: World, entity: dict[str, Any], owner: User | None, fresh: bool = False, depth: int = 0
) -> dict[str, str]:
    refs = {}
    for fk in entity.get("foreign_keys") or []:
        if fk["column"] != entity.get("owner_column"):
            parent = _parent(world, fk["ref_entity"], owner, fresh, depth)
            if parent:
                refs[fk["column"]] = parent.id
    return refs


def _attempt(
    world: World, op: Op, owner: User | None, *, variant: int, fresh: bool, depth: int
) -> Row | Exchange | None:
    """One body for a new row: a Row, the refused exchange, or None (give up)."""
    name, entity = op["entity"], world.entity(op["entity"]) or {}
    if op["auth_required"] and owner is None:
        reason = f"no user to hold a token: {world.missing(world.spec.get('user_entity'))}"
        world.unseedable[name] = {"check": "seed", "where": where(op), "reason": reason}
        world.skip("seed", op, reason)
        return None
    from .flows import supply  # flows seeds through this module: imported when needed

    flowed = supply(world, op, owner, fresh=fresh)
    if flowed.missing:
        entry = {"check": "seed", "where": where(op), "reason": flowed.missing}
        world.unseedable[name] = {**entry, "exchange": flowed.exchange}
        world.skip("seed", op, flowed.missing, flowed.exchange)
        return None
    params: dict[str, str] = dict(flowed.path)
    if op.get("parent_param"):
        parent = _parent(world, op["parent_entity"], owner, fresh, depth)
        if parent is None:
            return None
        params.update({**parent.params, op["parent_param"]: parent.id})
    row = Row(name, "", owner, params)
    headers = owner.auth if owner and op["auth_required"] else {}
    refs = _refs(world, entity, owner, fresh, depth)
    body = {**values.body(op["body"], refs, world.role(name), variant), **flowed.body}
    path = fill(op, row)
    try:
        reply = world.http.post(path, json=body, headers=headers)
    except httpx.TransportError as exc:
        world.problems.append({"where": where(op), "message": f"seeding: {exc!r}"})
        return None
    got = _answer(world, op, path, body, reply)
    if isinstance(got, str):
        row.id = got
        return row
    return got


def create(world: World, name: str, owner: User | None, depth: int = 0) -> Row | None:
    """One new row of entity `name` owned by `owner`, through its create endpoint."""
    op = next((o for o in world.ops("create") if o["entity"] == name), None)
    if op is None or world.entity(name) is None or depth > 5 or name in world.unseedable:
        return None
    known, refused = world.attempts.get(name, 0), None
    for n in range(ATTEMPTS):
        got = _attempt(world, op, owner, variant=known + n, fresh=n > 0, depth=depth)
        if isinstance(got, Row):
            world.attempts[name] = known + n
            world.rows.setdefault(name, []).append(got)
            return got
        if got is None:
            return None
        refused = got
    _give_up(world, name, op, refused)
    return None


def _subjects(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


def seed(world: World, users: int = 2, per_entity: int = 3) -> World:
    """`users` users, and `per_entity` rows of every creatable entity for the first one."""
    for _ in range(users):
        register(world)
    needs_token = any(o["auth_required"] for o in world.ops())
    if needs_token and not world.ops("register") and not world.spec.get("user_entity"):
        # tokens issued elsewhere, checked with the shared secret: any subject is a caller
        world.users = [User(s, tokens.jwt(s, world.secret)) for s in _subjects(users)]
    owner = world.users[0] if world.users else None
    for entity in world.spec["entities"]:
        for _ in range(per_entity):
            create(world, entity["name"], owner)
    return world
