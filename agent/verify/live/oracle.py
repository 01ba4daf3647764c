"""The backlog is the oracle: the running service against the backlog as written.

For every endpoint of the backlog (its own schemas, read by `backlog.py`, never by the
spec compiler that generated the code):
- valid request bodies (the whole instance, only the required properties, each enum value,
  each bound met exactly) are accepted: a refusal whose validation error points at a
  property the backlog allows is a finding;
- one invalid instance per constraint (type, enum, minimum/maximum, minLength/maxLength,
  pattern, format, required) is refused with a 4xx;
- every declared query parameter is read by the service and honoured with its own bounds;
- every 2xx response validates against the backlog's response schema (`conformance.py`).
The seeded world (`world.py`) only says where things are: which row to address, which
token to send. A refusal the oracle cannot attribute to validation (a rule's 409, an
unknown parent's 404, a rate limit's 429) is "not exercised", with its request and answer.
"""

from __future__ import annotations

from typing import Any

from . import address
from .backlog import Endpoint, endpoints
from .oracle_cases import bodies, conforms, declared, queries
from .oracle_state import Oracle
from .world import Op, World


def _op(world: World, ep: Endpoint) -> Op | None:
    """The plan's operation for a backlog endpoint: only where it is (its path, its rows)."""
    path = ep.path.rstrip("/") or "/"
    same = [o for o in world.ops() if o["method"] == ep.method]
    return next((o for o in same if (o["path"].rstrip("/") or "/") == path), None)


def _address(world: World, op: Op) -> str | None:
    """The endpoint's path with its parameters from the caller's seeded rows (None:
    nothing seeded to address)."""
    owner = world.users[0] if world.users else None
    if address.needed(op):
        return address.path_of(world, op, owner) if address.target(world, op, owner) else None
    return None if op.get("path_params") else address.path_of(world, op, owner)


def check(o: Oracle, ep: Endpoint, stubs: set[tuple[str, str]]) -> None:
    """All the oracle's checks of one endpoint."""
    op = _op(o.world, ep)
    paths = o.served.get("paths", {})
    served = (paths.get(ep.path) or paths.get(op["path"] if op else "") or {}).get(
        ep.method.lower()
    )
    if served is None:
        o.find(
            ep,
            "not served: the service's /openapi.json has no such operation",
            "served",
            ep.source,
            {},
        )
        return
    if op is None or (op["method"], op["path"]) in stubs:
        o.skip(
            ep,
            "not implemented (the scaffold's 501 stub): nothing to check yet"
            if op
            else "not in the plan",
        )
        return
    if ep.method in ("GET", "DELETE") and ep.request and ep.request.properties:
        declared(o, ep, served)
    path = _address(o.world, op)
    if path is None:
        o.skip(ep, "no seeded row to address it (seeding did not create its parent or its row)")
        return
    if ep.method in ("POST", "PUT", "PATCH") and ep.request and ep.request.properties:
        bodies(o, ep, op, path)
    if ep.method == "GET":
        if ep.request and ep.request.properties:
            queries(o, ep, path)
        if ep.where not in o.limited:
            reply, exchange = o.send(ep, path)
            if reply is not None and reply.status_code < 300:
                conforms(o, ep, reply, exchange)


def run(
    world: World,
    items: list[dict[str, Any]],
    served: dict[str, Any],
    stubs: list[Op],
    left: list[str] | None = None,
) -> dict[str, Any]:
    """Check every endpoint of `items` (the backlog as written) on the running service."""
    found = endpoints(items)
    optional = {
        name
        for ep in found
        if ep.request and ep.method not in ("GET", "DELETE")
        for name in ep.request.properties
        if name not in ep.request.required
    }
    oracle = Oracle(world, served, optional, left=left or [])
    skipped = {(op["method"], op["path"]) for op in stubs}
    for ep in found:
        check(oracle, ep, skipped)
    return {
        "findings": oracle.findings,
        "not_exercised": oracle.not_exercised,
        "checks": oracle.checks,
    }
