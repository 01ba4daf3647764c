"""Security probes derived from the spec, against the running service.

Every finding names its CWE: the refused-token probes (306, 287, 613, 347), one user
reaching another's resource (639), SQL injection answered with a 5xx (89), oversized
input accepted or crashing (770 / 400), a missing rate limit (770, `ratelimit`), a stack
trace in an error body (209). Each carries the request that showed it and the answer
(`exchange`), what was expected, and which part of the endpoint's declaration asked for it
(`declared`: auth_required, rate_limit, request_schema.<field>, endpoint). A probe that
needs a row seeding could not make, or a value another endpoint did not give (`flows`), is
"not exercised", with why. Actions are probed like any endpoint; the scaffold's 501 stubs
are not probed at all until a model implements them.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import ratelimit, tokens, values
from .address import lacking, needed, path_of, payload, target
from .exchange import exchange
from .world import Op, User, World, fill, where

SQLI = ["'", "' OR '1'='1' --", "'; DROP TABLE users; --", '" OR 1=1 --', "1 UNION SELECT NULL--"]
OVERSIZED = "x" * 1_048_576
CLOSED = 499  # not an HTTP answer: the connection was closed on the request
LEAKS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.", "asyncpg.", "psycopg")


@dataclass
class Probe:
    """The world plus what the probes found so far."""

    world: World
    sent: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)

    def find(
        self, cwe: str, op: Op, message: str, sent: dict[str, Any] | None = None, **why: str
    ) -> None:
        """A finding; `why` holds `expected` and `declared` (see the module's docstring)."""
        self.findings.append(
            {"cwe": cwe, "where": where(op), "message": message, "exchange": sent, **why}
        )

    def send(
        self, op: Op, path: str, headers: dict[str, str], payload: Any = None
    ) -> httpx.Response:
        self.sent += 1
        kwargs: dict[str, Any] = {"headers": headers}
        if op["method"] in ("GET", "DELETE"):
            kwargs["params"] = payload
        else:
            kwargs["json"] = payload
        try:
            reply = self.world.http.request(op["method"], path, **kwargs)
        except httpx.TransportError:
            # the service closed the connection before reading the body (a big one): refused
            return httpx.Response(CLOSED)
        if reply.status_code >= 400 and any(mark in reply.text for mark in LEAKS):
            message = f"error body ({reply.status_code}) carries a stack trace or driver text"
            sent = exchange(op["method"], path, payload, reply)
            self.find("CWE-209", op, message, sent, expected="an error body without internals")
        return reply


def auth(probe: Probe, op: Op, user: User) -> None:
    """Missing, malformed, expired, wrongly-signed and unsigned tokens all get 401."""
    path = path_of(probe.world, op, user)
    for name, cwe, headers in tokens.refused(user.id, probe.world.secret):
        body = payload(probe.world, op, user)
        reply = probe.send(op, path, headers, body)
        if reply.status_code not in (401, 429):
            sent = exchange(op["method"], path, body, reply)
            message = f"{name} answered {reply.status_code}, not 401"
            probe.find(cwe, op, message, sent, expected="401", declared="auth_required")


def ownership(probe: Probe, op: Op, owner: User, other: User) -> None:
    """A user other than the owner cannot read, change or add under the owner's resource."""
    entity = needed(op) or op["entity"]  # a top-level list: one of the rows it lists
    row = probe.world.row(entity, owner)
    if row is None:
        reason = f"no {entity} row to try another user on: {probe.world.missing(entity)}"
        probe.world.skip("ownership", op, reason)
        return
    if lacking(probe.world, op, other, "ownership"):
        return
    path, body = path_of(probe.world, op, owner), payload(probe.world, op, other)
    reply = probe.send(op, path, other.auth, body)
    leaked = op["kind"] == "list" and row.id in reply.text
    if (reply.status_code < 300 and op["kind"] != "list") or leaked:
        message = f"another user's {op['entity']} answered {reply.status_code}"
        sent = exchange(op["method"], path, body, reply)
        expected = "the owner's rows left out" if leaked else "404 (or 403) for another user"
        probe.find("CWE-639", op, message, sent, expected=expected, declared="auth_required")


def _oversized(probe: Probe, op: Op, user: User | None, name: str) -> None:
    headers = user.auth if user and op["auth_required"] else {}
    path = path_of(probe.world, op, user)
    body = {**payload(probe.world, op, user), name: OVERSIZED}
    reply = probe.send(op, path, headers, body)
    status = reply.status_code
    if status >= 500 or status < 400:
        cwe = "CWE-400" if status >= 500 else "CWE-770"
        sent = exchange(op["method"], path, body, reply)
        message = f"a 1 MB {name} answered {status}, not 4xx"
        probe.find(cwe, op, message, sent, expected="4xx", declared=f"request_schema.{name}")


def injection(probe: Probe, op: Op, user: User | None) -> None:
    """SQL-injection and 1 MB strings in every text field: a 4xx (or a plain 2xx), never 5xx."""
    if needed(op) and target(probe.world, op, user) is None:
        reason = f"no {needed(op)} row to address: {probe.world.missing(needed(op))}"
        probe.world.skip("injection", op, reason)
        return
    if lacking(probe.world, op, user, "injection"):
        return
    headers = user.auth if user and op["auth_required"] else {}
    path = path_of(probe.world, op, user)
    fields = op["query"] if op["method"] in ("GET", "DELETE") else op["body"]
    for field_ in filter(values.is_text, fields):
        for text in SQLI:
            body = {**payload(probe.world, op, user), field_["name"]: text}
            reply = probe.send(op, path, headers, body)
            if reply.status_code >= 500:
                sent = exchange(op["method"], path, body, reply)
                message = f"{field_['name']}={text!r} answered {reply.status_code}"
                declared = f"request_schema.{field_['name']}"
                probe.find(
                    "CWE-89", op, message, sent, expected="4xx or 2xx, never 5xx", declared=declared
                )
        if op["method"] not in ("GET", "DELETE"):
            _oversized(probe, op, user, field_["name"])
    for name in op.get("path_params") or []:
        bad = fill(op, None, {name: "1' OR '1'='1"})
        body = payload(probe.world, op, user)
        reply = probe.send(op, bad, headers, body)
        if reply.status_code >= 500 or reply.status_code < 400:
            sent = exchange(op["method"], bad, body, reply)
            message = f"path parameter {name} with SQL answered {reply.status_code}, not 4xx"
            probe.find("CWE-89", op, message, sent, expected="4xx", declared="endpoint")


def limited(probe: Probe, owner: User | None, stubs: list[Op]) -> None:
    """The rate-limit probe on every limited endpoint, within one time budget overall (the
    gate's command has a timeout; a slow limit must not spend it all)."""
    deadline = time.monotonic() + ratelimit.BUDGET_S
    for op in probe.world.ops():
        if not op.get("rate_limit") or op in stubs:
            continue
        left = min(ratelimit.DEADLINE_S, deadline - time.monotonic())
        if left <= 1:
            reason = f"the rate-limit probes' budget of {ratelimit.BUDGET_S:g}s was spent"
            probe.world.skip("rate_limit", op, reason)
            continue
        probe.sent += ratelimit.probe(probe, op, owner, deadline_s=left)


def run(world: World) -> dict[str, Any]:
    """Every probe that applies to each endpoint: actions too (their auth, their injection
    strings and oversized bodies, their limits), their flowed values from their producers;
    the scaffold's 501 stubs are nothing to attack yet (reported not implemented)."""
    probe = Probe(world)
    owner = world.users[0] if world.users else None
    other = world.users[1] if len(world.users) > 1 else None
    stand_in = owner or User(str(uuid.uuid4()), "")  # refused tokens need no real user
    stubs = world.stubs(world.http.get("/openapi.json").json())
    built = [op for op in world.ops() if op not in stubs]
    for op in built:
        if op["auth_required"]:
            auth(probe, op, stand_in)
    for op in world.ops("read", "list", "update", "replace", "create", "delete"):
        entity = world.entity(op.get("parent_entity") if op["kind"] == "create" else op["entity"])
        if owner and other and op["auth_required"] and entity and entity.get("owner_chain"):
            ownership(probe, op, owner, other)
    for op in built:
        if op["kind"] != "delete":
            injection(probe, op, owner)
    limited(probe, owner, stubs)
    return {
        "probes": probe.sent,
        "findings": probe.findings,
        "seed_problems": world.problems,
        "not_exercised": world.not_exercised,
        "not_implemented": [where(op) for op in stubs],
    }
