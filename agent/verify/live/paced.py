"""Endpoints a fixed-concurrency load cannot measure fairly, each measured in a way that fits it:

- a delete: on rows seeded for it (made before the load), each deleted once, one at a time
  (a row deleted twice is a 404, not a figure);
- register and login: one request at a time, a few within a time budget (bcrypt makes each
  take a fraction of a second on purpose); login with the credentials of a user registered
  just before. Their p95 is reported, not judged against the SLA: the hash is meant to be
  slow;
- a rate-limited endpoint: one request at a time, never more than its limit, stopping at the
  first 429 (not counted: the limit, not the service's speed).

Each endpoint's figures say how they were measured (`measured`); what could not be set up is
"not exercised", with why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import values
from .load import Target, figures
from .world import Op, Row, User, World, create, fill, where

DELETE_ROWS = 10  # fresh rows per delete endpoint
REQUESTS = 10  # at most, per endpoint measured one request at a time
AUTH_REQUESTS = 5  # register and login: bcrypt's cost bounds them
BUDGET_S = 3.0  # the most one endpoint's measurement may take (a request started is finished)
AUTH_KINDS = ("register", "login")


@dataclass
class Plan:
    """What the paced measurement needs: rows to delete (made before the load), and the body
    of a user registered while measuring (to log in with)."""

    deletes: dict[str, list[Row]] = field(default_factory=dict)  # "DELETE /path" -> rows
    registered: dict[str, Any] | None = None


def _limit(op: Op) -> int | None:
    limit = op.get("rate_limit")
    return int(limit["count"]) if limit else None


def prepare(world: World) -> Plan:
    """Rows for each delete endpoint, through the create endpoint (fewer where the create is
    rate-limited: a quarter of its limit, so that seeding stays below it)."""
    plan, owner = Plan(), world.users[0] if world.users else None
    for op in world.ops("delete"):
        maker = next((o for o in world.ops("create") if o["entity"] == op["entity"]), None)
        limit = _limit(maker) if maker else None
        wanted = min(DELETE_ROWS, max(1, limit // 4)) if limit else DELETE_ROWS
        rows = [r for _ in range(wanted) if (r := create(world, op["entity"], owner))]
        plan.deletes[where(op)] = rows
    return plan


def _send(world: World, target: Target, body: Any, headers: dict[str, str]) -> int:
    """One request, timed and noted (a 429 is not noted: see the module's docstring)."""
    started = time.perf_counter()
    try:
        reply: httpx.Response | None = world.http.request(
            target.method, target.path, json=body, headers=headers
        )
    except httpx.HTTPError:
        reply = None
    status = reply.status_code if reply is not None else 599
    if status != 429:
        target.note(time.perf_counter() - started, body, reply)
    return status


def _run(world: World, target: Target, bodies: list[Any], headers: dict[str, str]) -> float:
    """Send one body after another until done, a 429, or the budget is spent: seconds taken."""
    started = time.perf_counter()
    for body in bodies:
        if _send(world, target, body, headers) == 429:
            break
        if time.perf_counter() - started > BUDGET_S:
            break
    return time.perf_counter() - started


def _deletes(world: World, op: Op, rows: list[Row], headers: dict[str, str]) -> Target:
    target = Target(where(op), "DELETE", "", op, {})
    started = time.perf_counter()
    for row in rows:
        target.path = fill(op, row)
        _send(world, target, None, headers)
    target.path = op["path"]
    target.seconds = time.perf_counter() - started
    return target


def _register(world: World, op: Op, plan: Plan, count: int) -> Target:
    """Registrations of new users; the last body the service took is kept (for a login)."""
    target = Target(where(op), "POST", op["path"], op, {})
    started = time.perf_counter()
    for _ in range(count):
        body = values.body(op["body"], {})
        status = _send(world, target, body, {})
        if status < 300:
            plan.registered = body
        if status == 429 or time.perf_counter() - started > BUDGET_S:
            break
    target.seconds = time.perf_counter() - started
    return target


def _login(world: World, op: Op, plan: Plan, count: int) -> Target | None:
    if plan.registered is None:
        world.skip("load", op, "no user registered through the API to log in with")
        return None
    tag = values.unique()
    body = {f["name"]: plan.registered.get(f["name"], values.value(f, tag)) for f in op["body"]}
    target = Target(where(op), "POST", op["path"], op, {})
    target.seconds = _run(world, target, [body] * count, {})
    return target


def _one_at_a_time(world: World, op: Op, owner: User | None, count: int) -> Target | None:
    """A rate-limited read, list, create or update, addressed as the load would."""
    needed = op["entity"] if op.get("item_param") else op.get("parent_entity")
    row = world.row(needed, owner) if needed else None
    if op.get("path_params") and row is None:
        world.skip("load", op, f"no {needed} row to address: {world.missing(needed)}")
        return None
    path = fill(op, row) if op.get("item_param") else fill(op, None, _parent_params(op, row))
    target = Target(where(op), op["method"], path, op, {})
    refs = {
        fk["column"]: r.id
        for fk in (world.entity(op["entity"]) or {}).get("foreign_keys", [])
        if (r := world.row(fk["ref_entity"], owner))
    }
    bodied = op["method"] in ("POST", "PUT", "PATCH") and op.get("body")
    bodies = [values.body(op["body"], refs) if bodied else None for _ in range(count)]
    headers = owner.auth if owner else {}
    target.seconds = _run(world, target, bodies, headers)
    return target


def _parent_params(op: Op, row: Row | None) -> dict[str, str]:
    params = dict(row.params) if row else {}
    if row and op.get("parent_param"):
        params[op["parent_param"]] = row.id
    return params


def _how(kind: str, op: Op, target: Target) -> str:
    count = len(target.samples)
    if kind == "delete":
        return f"{count} deletes of rows seeded for it, one at a time"
    limit = op.get("rate_limit")
    below = f", below its rate limit of {limit['text']}" if limit else ""
    if kind in AUTH_KINDS:
        return f"{count} requests one at a time (bcrypt's pace){below}; not judged against the SLA"
    return f"{count} requests one at a time{below}"


def measure(world: World, plan: Plan, loaded: set[str]) -> list[tuple[Target, dict[str, Any]]]:
    """Every endpoint not in `loaded` that can be measured, with its figures, `measured` (how)
    and `judged` (whether the p95 SLA applies). Register goes first: login uses it."""
    owner = world.users[0] if world.users else None
    out: list[tuple[Target, dict[str, Any]]] = []
    for op in sorted(world.ops(), key=lambda o: o["kind"] != "register"):
        name, kind = where(op), op["kind"]
        if name in loaded or kind == "action":
            continue
        limit = _limit(op) or REQUESTS
        count = min(AUTH_REQUESTS if kind in AUTH_KINDS else REQUESTS, limit)
        target = _target(world, op, owner, plan, count)
        if target is None or not target.samples:
            continue
        fig = figures(target.samples, target.errors, target.limited, target.seconds)
        how = {"measured": _how(kind, op, target), "judged": kind not in AUTH_KINDS}
        out.append((target, {**fig, **how}))
    return out


def _target(world: World, op: Op, owner: User | None, plan: Plan, count: int) -> Target | None:
    kind = op["kind"]
    if kind == "register":
        return _register(world, op, plan, count)
    if kind == "login":
        return _login(world, op, plan, count)
    if kind == "delete":
        rows = plan.deletes.get(where(op), [])
        if not rows:
            world.skip("load", op, f"no row to delete: {world.missing(op['entity'])}")
            return None
        return _deletes(world, op, rows, owner.auth if owner else {})
    return _one_at_a_time(world, op, owner, count)
