"""The backlog is the oracle: the running service against the backlog as written.

For every endpoint of the backlog (its own schemas, read by `backlog.py`, never by the
spec compiler that generated the code):
- valid request bodies (the whole instance, only the required properties, each enum value,
  each bound met exactly) are accepted: a refusal whose validation error points at a
  property the backlog allows is a finding;
- one invalid instance per constraint (type, enum, minimum/maximum, minLength/maxLength,
  pattern, format, required) is refused with a 4xx;
- every declared query parameter is read by the service and honoured with its own bounds;
- every 2xx response validates against the backlog's response schema (`conformance.py`);
- where the backlog declares status codes (an endpoint's `responses`, a criterion "POST
  /path returns 400"), a success answers a declared 2xx and an invalid request the
  declared 400 or 422 (where it declares one of them, not both); where it declares none,
  any 2xx and any 4xx, as before.
Values one endpoint takes from another's answer (the plan's `flows`: a `cart_id` from
`POST /create_cart`) are obtained from that endpoint (`flows.py`); when it gives none, the
valid requests are not exercised, with its answer, and no value is invented for them.
The seeded world (`world.py`) only says where things are: which row to address, which
token to send. A refusal the oracle cannot attribute to validation (a rule's 409, an
unknown parent's 404, a rate limit's 429) is "not exercised", with its request and answer.
"""

from __future__ import annotations

from typing import Any

from . import address, flows
from .backlog import Endpoint, endpoints
from .oracle_cases import bare, bodies, declared, queries, succeeded
from .oracle_state import Oracle
from .world import Op, World


def _op(world: World, ep: Endpoint) -> Op | None:
    """The plan's operation for a backlog endpoint: only where it is (its path, its rows)."""
    path = ep.path.rstrip("/") or "/"
    same = [o for o in world.ops() if o["method"] == ep.method]
    return next((o for o in same if (o["path"].rstrip("/") or "/") == path), None)


def _address(world: World, op: Op) -> str | None:
    """The endpoint's path with its parameters from the caller's seeded rows and the values
    that flow from other endpoints (None: nothing seeded to address)."""
    owner = world.users[0] if world.users else None
    if address.needed(op):
        return address.path_of(world, op, owner) if address.target(world, op, owner) else None
    flowed = {f["name"] for f in op.get("flows") or [] if f["location"] == "path"}
    unknown = set(op.get("path_params") or []) - flowed
    return None if unknown else address.path_of(world, op, owner)


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
    flowed = flows.supply(o.world, op, o.world.users[0] if o.world.users else None)
    in_path = any(f["location"] == "path" for f in op.get("flows") or [])
    if flowed.missing and (ep.method == "GET" or in_path):
        o.skip(ep, f"no valid request sent: {flowed.missing}", flowed.exchange)
        return
    path = _address(o.world, op)
    if path is None:
        o.skip(ep, "no seeded row to address it (seeding did not create its parent or its row)")
        return
    exercise(o, ep, op, path, flowed)


def exercise(o: Oracle, ep: Endpoint, op: Op, path: str, flowed: flows.Supplied) -> None:
    """The requests of one endpoint at `path`: its bodies or queries, and its answer."""
    if ep.method in ("POST", "PUT", "PATCH"):
        if ep.request and ep.request.properties:
            bodies(o, ep, op, path, flowed)
        elif not flowed.missing:
            bare(o, ep, path)
    if ep.method == "GET":
        if ep.request and ep.request.properties:
            queries(o, ep, path, flowed.query)
        if ep.where not in o.limited:
            reply, exchange = o.send(ep, path, flowed.query or None)
            if reply is not None and reply.status_code < 300:
                succeeded(o, ep, "as declared", (reply, exchange))


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
