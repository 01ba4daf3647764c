"""Values an operation takes from another's answer (the plan's `flows`), obtained the way a
client would: by calling the producer and reading the field of its JSON answer.

`cart_id` in the body of `POST /add_to_cart` is the `cart_id` that `POST /create_cart`
answers: a probe that sends to `/add_to_cart` first calls `/create_cart` (with a valid body
of its own, recursively with the producer's own flows) and sends what came back. The answer
is kept per producer and caller, so a hundred probes share one cart. When the producer
gives no value (not implemented, a refusal, no such field in its answer) the consumer's
case is "not exercised", with the producer's exchange and why: never a value invented and
presented as valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from . import values
from .exchange import exchange
from .world import Op, User, World, fill, where

DEPTH = 5  # producers of producers followed at most


@dataclass(frozen=True)
class Produced:
    """A producer's JSON answer (None: none to read), why, and the exchange that shows it."""

    answer: dict[str, Any] | None
    reason: str = ""
    exchange: dict[str, Any] | None = None


@dataclass
class Supplied:
    """The flowed values of one operation by where they go, or why one is missing."""

    path: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None
    exchange: dict[str, Any] | None = None

    def payload(self, op: Op) -> dict[str, Any]:
        """The values that go where `op` sends its fields (the query of a GET or DELETE)."""
        return self.query if op["method"] in ("GET", "DELETE") else self.body


def _row_path(world: World, op: Op, owner: User | None, flowed: dict[str, str]) -> str | None:
    """The producer's path: its seeded row (or parent row), its flowed parameters; None when
    it addresses a row nothing seeded."""
    entity = op["entity"] if op.get("item_param") else None
    if entity is None and op.get("parent_param"):
        entity = op.get("parent_entity")
    row = world.row(entity, owner) if entity else None
    if entity and row is None:
        return None
    params = dict(flowed)
    if row is not None:
        params.update(row.params)
        params[op.get("item_param") or op["parent_param"]] = row.id
    return fill(op, None, params)


def _refs(world: World, op: Op, owner: User | None) -> dict[str, str]:
    entity = world.entity(op.get("entity")) or {}
    found = {}
    for fk in entity.get("foreign_keys") or []:
        if row := world.row(fk["ref_entity"], owner):
            found[fk["column"]] = row.id
    return found


def _read(reply: httpx.Response, sent: dict[str, Any]) -> Produced:
    """What a producer answered: its JSON object, or why there is none to read."""
    if reply.status_code == 501:
        return Produced(None, "is not implemented (501)", sent)
    if reply.status_code >= 300:
        return Produced(None, f"answered {reply.status_code} to a valid request", sent)
    try:
        data = reply.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Produced(None, f"answered {reply.status_code} without a JSON object", sent)
    return Produced(data, "", sent)


def _call(world: World, op: Op, owner: User | None, depth: int, chain: frozenset[str]) -> Produced:
    """One valid request to the producer, and its answer."""
    if op["auth_required"] and owner is None:
        return Produced(None, "needs a token and no user could be made")
    inner = supply(world, op, owner, depth=depth + 1, chain=chain | {op["handler"]})
    if inner.missing:
        return Produced(None, f"needs a value it could not get: {inner.missing}", inner.exchange)
    path = _row_path(world, op, owner, inner.path)
    if path is None:
        return Produced(None, "addresses a row nothing seeded")
    fields = op["query"] if op["method"] in ("GET", "DELETE") else op["body"]
    entity = op.get("entity") or ""
    made = values.body(fields, _refs(world, op, owner), world.role(entity)) if fields else {}
    payload = {**made, **inner.payload(op)}
    kwargs: dict[str, Any] = {"headers": owner.auth if owner and op["auth_required"] else {}}
    if op["method"] in ("GET", "DELETE"):
        kwargs["params"] = payload or None
    elif fields or payload:
        kwargs["json"] = payload
    try:
        reply = world.http.request(op["method"], path, **kwargs)
    except httpx.TransportError as exc:
        sent = exchange(op["method"], path, payload, None)
        return Produced(None, f"could not be called ({exc!r})", sent)
    return _read(reply, exchange(op["method"], path, payload, reply))


def produce(
    world: World,
    handler: str,
    owner: User | None,
    *,
    fresh: bool = False,
    depth: int = 0,
    chain: frozenset[str] = frozenset(),
) -> tuple[Op | None, Produced]:
    """The producer's answer for `owner`: kept from an earlier call unless `fresh`."""
    op = next((o for o in world.ops() if o["handler"] == handler), None)
    if op is None:
        return None, Produced(None, f"{handler} is not in the plan")
    if depth > DEPTH or handler in chain:
        return op, Produced(None, "its values flow in a cycle")
    key = (handler, owner.id if owner else "")
    if fresh or key not in world.produced:
        world.produced[key] = _call(world, op, owner, depth, chain)
    return op, world.produced[key]


def supply(
    world: World,
    op: Op,
    owner: User | None,
    *,
    fresh: bool = False,
    depth: int = 0,
    chain: frozenset[str] = frozenset(),
) -> Supplied:
    """Every flowed value of `op` for `owner`, by where it goes; or the first one missing.
    `fresh`: call each producer again (a value already used, refused as a conflict)."""
    got, called = Supplied(), set[str]()
    for flow in op.get("flows") or []:
        again = fresh and flow["producer"] not in called
        called.add(flow["producer"])
        producer, made = produce(
            world, flow["producer"], owner, fresh=again, depth=depth, chain=chain
        )
        value = (made.answer or {}).get(flow["field"])
        if value is None:
            why = made.reason or f"answered without a value for `{flow['field']}`"
            source = where(producer) if producer else flow["producer"]
            got.missing = (
                f"`{flow['name']}` comes from the `{flow['field']}` of {source}, which {why}"
            )
            got.exchange = made.exchange
            return got
        target: dict[str, Any] = getattr(got, flow["location"])
        target[flow["name"]] = str(value) if flow["location"] == "path" else value
    return got
