"""Where a probe aims: the path of a seeded row an operation addresses, and a valid body
for it (`values`, with the variant seeding found the service accepts for that entity; the
values that flow from another endpoint's answer, from that endpoint: `flows`)."""

from __future__ import annotations

from typing import Any

from . import flows, values
from .world import Op, Row, User, World, fill


def payload(world: World, op: Op, owner: User | None) -> dict[str, Any]:
    """A valid body (or query) for `op`, its ids from `owner`'s rows and its flowed values
    from their producers (left to the generator when one gave none: see `lacking`)."""
    fields = op["query"] if op["method"] in ("GET", "DELETE") else op["body"]
    entity = world.entity(op["entity"])
    refs = {}
    for fk in (entity or {}).get("foreign_keys") or []:
        row = world.row(fk["ref_entity"], owner)
        if row:
            refs[fk["column"]] = row.id
    role, attempt = world.role(op["entity"] or ""), world.attempts.get(op["entity"] or "", 0)
    made = values.body(fields, refs, role, attempt) if fields else {}
    return {**made, **flows.supply(world, op, owner).payload(op)}


def lacking(world: World, op: Op, owner: User | None, check: str) -> bool:
    """Whether a value `op` takes from another endpoint could not be obtained: then the
    case `check` is not exercised, with the producer's exchange and why."""
    flowed = flows.supply(world, op, owner)
    if flowed.missing:
        world.skip(check, op, flowed.missing, flowed.exchange)
    return flowed.missing is not None


def needed(op: Op) -> str | None:
    """The entity whose row the op's path addresses (itself, or its parent), if any."""
    if op.get("item_param"):
        return str(op["entity"])
    return op.get("parent_entity") if op.get("parent_param") else None


def target(world: World, op: Op, owner: User | None) -> Row | None:
    return world.row(needed(op), owner) if needed(op) else None


def path_of(world: World, op: Op, owner: User | None) -> str:
    """The op's path, addressing `owner`'s row (or its parent row, for a collection), its
    flowed parameters from their producers."""
    row = target(world, op, owner)
    if row and op.get("parent_param") and not op.get("item_param"):
        row = Row(row.entity, "", row.owner, {**row.params, op["parent_param"]: row.id})
    flowed = flows.supply(world, op, owner).path if op.get("flows") else {}
    return fill(op, row, flowed)
