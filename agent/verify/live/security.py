"""Security probes derived from the spec, against the running service.

Every finding names its CWE: the refused-token probes (306, 287, 613, 347), one user
reaching another's resource (639), SQL injection answered with a 5xx (89), oversized
input accepted or crashing (770 / 400), a missing rate limit (770), a stack trace in an
error body (209).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from . import tokens, values
from .world import Op, Row, User, World, fill, where

SQLI = ["'", "' OR '1'='1' --", "'; DROP TABLE users; --", '" OR 1=1 --', "1 UNION SELECT NULL--"]
OVERSIZED = "x" * 1_048_576
CLOSED = 499  # not an HTTP answer: the connection was closed on the request
LEAKS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.", "asyncpg.", "psycopg")


@dataclass
class Probe:
    """The world plus what the probes found so far."""

    world: World
    sent: int = 0
    findings: list[dict[str, str]] = field(default_factory=list)

    def find(self, cwe: str, op: Op, message: str) -> None:
        self.findings.append({"cwe": cwe, "where": where(op), "message": message})

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
            self.find(
                "CWE-209",
                op,
                f"error body ({reply.status_code}) carries a stack trace or driver text",
            )
        return reply


def _payload(world: World, op: Op, owner: User | None) -> dict[str, Any]:
    fields = op["query"] if op["method"] in ("GET", "DELETE") else op["body"]
    entity = world.entity(op["entity"])
    refs = {}
    for fk in (entity or {}).get("foreign_keys") or []:
        row = world.row(fk["ref_entity"], owner)
        if row:
            refs[fk["column"]] = row.id
    return values.body(fields, refs) if fields else {}


def _target(world: World, op: Op, owner: User | None) -> Row | None:
    if op.get("item_param"):
        return world.row(op["entity"], owner)
    return world.row(op.get("parent_entity"), owner) if op.get("parent_param") else None


def _parent_row(row: Row | None, op: Op) -> Row | None:
    if row and op.get("parent_param") and not op.get("item_param"):
        return Row(row.entity, "", row.owner, {**row.params, op["parent_param"]: row.id})
    return row


def auth(probe: Probe, op: Op, user: User) -> None:
    """Missing, malformed, expired, wrongly-signed and unsigned tokens all get 401."""
    path = fill(op, _parent_row(_target(probe.world, op, user), op))
    for name, cwe, headers in tokens.refused(user.id, probe.world.secret):
        reply = probe.send(op, path, headers, _payload(probe.world, op, user))
        if reply.status_code not in (401, 429):
            probe.find(cwe, op, f"{name} answered {reply.status_code}, not 401")


def ownership(probe: Probe, op: Op, owner: User, other: User) -> None:
    """A user other than the owner cannot read, change or add under the owner's resource."""
    row = _target(probe.world, op, owner)
    if row is None:
        return
    reply = probe.send(
        op, fill(op, _parent_row(row, op)), other.auth, _payload(probe.world, op, other)
    )
    leaked = op["kind"] == "list" and row.id in reply.text
    if (reply.status_code < 300 and op["kind"] != "list") or leaked:
        probe.find("CWE-639", op, f"another user's {op['entity']} answered {reply.status_code}")


def injection(probe: Probe, op: Op, user: User | None) -> None:
    """SQL-injection and 1 MB strings in every text field: a 4xx (or a plain 2xx), never 5xx."""
    headers = user.auth if user and op["auth_required"] else {}
    path = fill(op, _parent_row(_target(probe.world, op, user), op))
    fields = op["query"] if op["method"] in ("GET", "DELETE") else op["body"]
    for field_ in filter(values.is_text, fields):
        for text in SQLI:
            payload = {**_payload(probe.world, op, user), field_["name"]: text}
            status = probe.send(op, path, headers, payload).status_code
            if status >= 500:
                probe.find("CWE-89", op, f"{field_['name']}={text!r} answered {status}")
        if op["method"] in ("GET", "DELETE"):
            continue
        status = probe.send(
            op, path, headers, {**_payload(probe.world, op, user), field_["name"]: OVERSIZED}
        ).status_code
        if status >= 500 or status < 400:
            cwe = "CWE-400" if status >= 500 else "CWE-770"
            probe.find(cwe, op, f"a 1 MB {field_['name']} answered {status}, not 4xx")
    for name in op.get("path_params") or []:
        status = probe.send(
            op, fill(op, None, {name: "1' OR '1'='1"}), headers, _payload(probe.world, op, user)
        ).status_code
        if status >= 500 or status < 400:
            probe.find("CWE-89", op, f"path parameter {name} with SQL answered {status}, not 4xx")


def rate_limit(probe: Probe, op: Op, user: User | None) -> None:
    """Past its limit the endpoint answers 429 with Retry-After (within two windows' worth)."""
    limit = op["rate_limit"]["count"]
    headers = user.auth if user and op["auth_required"] else {}
    path = fill(op, _parent_row(_target(probe.world, op, user), op))
    for _ in range(min(2 * limit + 2, 400)):
        reply = probe.send(op, path, headers, _payload(probe.world, op, user))
        if reply.status_code == 429:
            if "retry-after" not in reply.headers:
                probe.find("CWE-770", op, "429 without a Retry-After header")
            return
    probe.find("CWE-770", op, f"no 429 past the limit of {op['rate_limit']['text']}")


def run(world: World) -> dict[str, Any]:
    probe = Probe(world)
    owner = world.users[0] if world.users else None
    other = world.users[1] if len(world.users) > 1 else None
    for op in world.ops():
        if op["auth_required"] and owner:
            auth(probe, op, owner)
    for op in world.ops("read", "list", "update", "replace", "create", "delete"):
        entity = world.entity(op.get("parent_entity") if op["kind"] == "create" else op["entity"])
        if owner and other and op["auth_required"] and entity and entity.get("owner_chain"):
            ownership(probe, op, owner, other)
    stubs = world.stubs(world.http.get("/openapi.json").json())  # nothing to attack yet
    for op in world.ops():
        if op["kind"] != "delete" and op not in stubs:
            injection(probe, op, owner)
    for op in world.ops():
        if op.get("rate_limit"):
            rate_limit(probe, op, owner)
    return {"probes": probe.sent, "findings": probe.findings, "seed_problems": world.problems}
