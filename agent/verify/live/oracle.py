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

from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from . import conformance, instances
from .backlog import Body, Endpoint, endpoints
from .world import Op, Row, World, create, fill

TRIM = 500
Sent = tuple[httpx.Response, dict[str, Any]]  # the answer, and the exchange that shows it


@dataclass
class Oracle:
    """The world, the served schema, and what the checks found so far."""

    world: World
    served: dict[str, Any]
    optional: set[str]
    findings: list[dict[str, Any]] = field(default_factory=list)
    not_exercised: list[dict[str, Any]] = field(default_factory=list)
    checks: int = 0
    limited: set[str] = field(default_factory=set)
    accepted: list[dict[str, Any]] = field(default_factory=list)  # bodies a 2xx took
    left: list[str] = field(default_factory=list)  # what the run reports not implemented

    def left_to_model(self, name: str) -> str | None:
        """The not-implemented rule or calculation that names field `name` (`ends_at`), if
        any: a response the run already reports unfilled is not exercised, not a finding —
        the item cannot pass while that gap is left, so nothing false gets through."""
        return next((gap for gap in self.left if name and f"`{name}`" in gap), None)

    def send(
        self, ep: Endpoint, path: str, payload: Any = None
    ) -> tuple[httpx.Response | None, dict[str, Any]]:
        """One request; its exchange (for evidence); None when the endpoint is rate limited."""
        user = self.world.users[0] if self.world.users else None
        kwargs: dict[str, Any] = {"headers": user.auth if user else {}}
        kwargs["params" if ep.method in ("GET", "DELETE") else "json"] = payload
        self.checks += 1
        try:
            reply = self.world.http.request(ep.method, path, **kwargs)
        except httpx.TransportError as exc:
            exchange = {
                "method": ep.method,
                "path": path,
                "body": payload,
                "status": None,
                "response": str(exc),
            }
            return None, exchange
        exchange = {
            "method": ep.method,
            "path": path,
            "body": payload,
            "status": reply.status_code,
            "response": reply.text[:TRIM],
        }
        if reply.status_code == 429:
            self.limited.add(ep.where)
            self.skip(
                ep,
                "rate limited (429): the remaining checks of this endpoint were not sent",
                exchange,
            )
            return None, exchange
        return reply, exchange

    def find(
        self, ep: Endpoint, message: str, expected: str, source: str, exchange: dict[str, Any]
    ) -> None:
        """A finding; the same backlog path broken again on the same endpoint is counted on
        the first one (one cause, one failure), not listed again."""
        same = next(
            (f for f in self.findings if (f["where"], f["source"]) == (ep.where, source)), None
        )
        if same is not None:
            same["repeats"] = same.get("repeats", 0) + 1
            return
        self.findings.append(
            {
                "where": ep.where,
                "message": message,
                "expected": expected,
                "source": source,
                "exchange": exchange,
            }
        )

    def skip(self, ep: Endpoint, reason: str, exchange: dict[str, Any] | None = None) -> None:
        if all((n["where"], n["reason"]) != (ep.where, reason) for n in self.not_exercised):
            self.not_exercised.append(
                {"check": "contract", "where": ep.where, "reason": reason, "exchange": exchange}
            )


def _op(world: World, ep: Endpoint) -> Op | None:
    path = ep.path.rstrip("/") or "/"
    return next(
        (
            o
            for o in world.ops()
            if o["method"] == ep.method and (o["path"].rstrip("/") or "/") == path
        ),
        None,
    )


def _address(world: World, op: Op) -> str | None:
    """The endpoint's path with its parameters from seeded rows (None: nothing to address)."""
    owner = world.users[0] if world.users else None
    if op.get("item_param"):
        row = world.row(op["entity"], owner) or world.row(op["entity"])
        return fill(op, row) if row else None
    if (
        op.get("parent_param")
        and owner
        and op.get("parent_entity") == world.spec.get("user_entity")
    ):
        return fill(op, Row(op["parent_entity"], "", owner, {op["parent_param"]: owner.id}))
    if op.get("parent_param"):
        parent = world.row(op.get("parent_entity"), owner) or world.row(op.get("parent_entity"))
        if parent is None:
            return None
        return fill(
            op,
            Row(parent.entity, "", parent.owner, {**parent.params, op["parent_param"]: parent.id}),
        )
    return None if op.get("path_params") else fill(op, None)


def _refs(world: World, op: Op) -> dict[str, str]:
    """Ids the body can point at: seeded rows of each foreign key's entity, the caller."""
    entity = world.entity(op.get("entity")) or {}
    owner = world.users[0] if world.users else None
    refs = {}
    for fk in entity.get("foreign_keys") or []:
        if fk["ref_entity"] == world.spec.get("user_entity") and owner:
            refs[fk["column"]] = owner.id
        elif row := world.row(fk["ref_entity"], owner) or world.row(fk["ref_entity"]):
            refs[fk["column"]] = row.id
    return refs


def _blamed(data: Any, names: set[str]) -> set[str]:
    """Properties a structured validation error points at (`loc` lists, as FastAPI writes)."""
    if isinstance(data, list):
        return set().union(*(_blamed(d, names) for d in data)) if data else set()
    if not isinstance(data, dict):
        return set()
    found = (
        {str(p) for p in data["loc"] if str(p) in names}
        if isinstance(data.get("loc"), list)
        else set()
    )
    return found.union(*(_blamed(v, names) for v in data.values() if isinstance(v, dict | list)))


def _json(reply: httpx.Response) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None


def _known(o: Oracle, body: Body) -> dict[str, Any]:
    """Values an earlier endpoint accepted for every required property of this one (the
    credentials a register took, for the login that follows it), else nothing."""
    needed = set(body.required) or set(body.properties)
    if not any("password" in name.lower() for name in needed):
        return {}
    for sent in reversed(o.accepted):
        if needed and needed <= set(sent):
            return {k: v for k, v in sent.items() if k in body.properties}
    return {}


def _variants(
    body: Body, refs: dict[str, str], partial: bool, known: dict[str, Any]
) -> list[instances.Variant]:
    """The whole instance, the required part, each edge value, each broken constraint."""
    schema, Variant = body.schema, instances.Variant

    def base(required_only: bool = False) -> dict[str, Any]:
        return instances.instance(schema, instances.tag(), required_only=required_only, refs=refs)

    out = [Variant("every property", {**base(), **known}, None, None, True)]
    if set(body.properties) - set(body.required):
        out.append(Variant("only the required properties", base(True), None, "required", True))
    for name, prop in body.properties.items():
        if name in refs or not isinstance(prop, dict):
            continue
        for keyword, good in instances.boundaries(prop, name):
            out.append(
                Variant(f"{name}={good!r} ({keyword})", {**base(), name: good}, name, keyword, True)
            )
        for keyword, bad in instances.invalids(prop):
            out.append(
                Variant(
                    f"{name}={str(bad)[:40]!r} (breaks {keyword})",
                    {**base(), name: bad},
                    name,
                    keyword,
                    False,
                )
            )
        if name in body.required and not partial:
            whole = base()
            whole.pop(name, None)
            out.append(Variant(f"without {name} (required)", whole, name, "required", False))
    return [v for v in out if conformance.accepts(schema, v.body) in (v.valid, None)]


def _conforms(o: Oracle, ep: Endpoint, reply: httpx.Response, exchange: dict[str, Any]) -> None:
    if ep.response is None or not reply.content:
        return
    collection = ep.method == "GET" and not ep.path.rstrip("/").endswith("}")
    for problem in conformance.violations(ep.response, _json(reply), o.optional, collection):
        gap = o.left_to_model(problem["unfilled"])
        if gap:
            o.skip(ep, f"{problem['message']}: left to a model ({gap})", exchange)
        else:
            o.find(
                ep, problem["message"], "the backlog's response schema", problem["source"], exchange
            )


def _accepted(o: Oracle, ep: Endpoint, body: Body, v: instances.Variant, sent: Sent) -> None:
    """A valid request: 2xx, its response conforming; a validation refusal is a finding."""
    reply, exchange = sent
    status = reply.status_code
    if status < 300:
        _conforms(o, ep, reply, exchange)
    elif status >= 500:
        o.find(
            ep,
            f"server error on a valid request ({v.label})",
            "2xx",
            body.source(v.prop, v.keyword),
            exchange,
        )
    else:
        blamed = _blamed(_json(reply), set(body.properties))
        for name in sorted(blamed):
            keyword = v.keyword if name == v.prop else None
            o.find(
                ep,
                f"refused a valid request ({v.label}): its validation error points at {name!r}, "
                "which the backlog allows as sent",
                "accepted (2xx)",
                body.source(name, keyword),
                exchange,
            )
        if not blamed:
            o.skip(
                ep,
                f"a valid request was refused with {status} without a validation error "
                "(a rule, a conflict or a missing parent): what it accepts was not fully exercised",
                exchange,
            )


def _refused(o: Oracle, ep: Endpoint, body: Body, v: instances.Variant, sent: Sent) -> None:
    """An invalid request: any 4xx; a 2xx or a 5xx is a finding."""
    reply, exchange = sent
    source = body.source(v.prop, v.keyword)
    if reply.status_code < 300:
        o.find(
            ep,
            f"accepted an invalid request ({v.label})",
            f"4xx: the backlog's {v.keyword} refuses it",
            source,
            exchange,
        )
    elif reply.status_code >= 500:
        o.find(ep, f"server error on an invalid request ({v.label})", "4xx", source, exchange)


def _fresh(o: Oracle, op: Op, path: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The same request under new parents: a fresh parent row for a nested create, fresh
    rows for the ids the body points at (a unique pair, a parent's capacity, is then free)."""
    world, owner = o.world, (o.world.users[0] if o.world.users else None)
    users = world.spec.get("user_entity")
    if op.get("parent_param") and op.get("parent_entity") not in (None, users):
        parent = create(world, op["parent_entity"], owner)
        if parent is not None:
            params = {**parent.params, op["parent_param"]: parent.id}
            path = fill(op, Row(parent.entity, "", owner, params))
    for fk in (world.entity(op.get("entity")) or {}).get("foreign_keys") or []:
        if fk["column"] in body and fk["ref_entity"] != users:
            row = create(world, fk["ref_entity"], owner)
            body = {**body, fk["column"]: row.id} if row else body
    return path, body


def _bodies(o: Oracle, ep: Endpoint, op: Op, path: str) -> None:
    assert ep.request is not None
    known = _known(o, ep.request)
    for v in _variants(ep.request, _refs(o.world, op), ep.method == "PATCH", known):
        reply, exchange = o.send(ep, path, v.body)
        if reply is not None and v.valid and reply.status_code == 409 and ep.method == "POST":
            fresh_path, fresh_body = _fresh(o, op, path, v.body)
            if (fresh_path, fresh_body) != (path, v.body):  # a conflict with what was there
                v = replace(v, body=fresh_body)
                reply, exchange = o.send(ep, fresh_path, fresh_body)
        if reply is None:
            return
        if v.valid and reply.status_code < 300:
            o.accepted.append(v.body)
        (_accepted if v.valid else _refused)(o, ep, ep.request, v, (reply, exchange))


def _wire(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _declared(o: Oracle, ep: Endpoint, path: str, served: dict[str, Any]) -> None:
    """Every query parameter the backlog declares is one the service reads."""
    assert ep.request is not None
    names = {p.get("name") for p in served.get("parameters", []) if p.get("in") == "query"}
    for name in ep.request.properties:
        if name not in names:
            o.find(
                ep,
                f"query parameter {name!r} is not read by the service (not in its /openapi.json)",
                "declared and applied",
                ep.request.source(name),
                {"method": ep.method, "path": path},
            )


def _queries(o: Oracle, ep: Endpoint, path: str) -> None:
    """Every declared query parameter held to its own bounds: edges and a plain value
    accepted, each broken constraint refused."""
    assert ep.request is not None
    Variant = instances.Variant
    for name, prop in ep.request.properties.items():
        if not isinstance(prop, dict):
            continue
        good = [
            *instances.boundaries(prop, name),
            (None, instances.value(prop, name, instances.tag())),
        ]
        bad = [
            (k, b)
            for k, b in instances.invalids(prop)
            if not (k == "type" and instances.kind(prop) == "string")
        ]
        checks = [
            Variant(f"{name}={g!r}", {name: _wire(g)}, name, k, True)
            for k, g in good
            if g is not None
        ]
        checks += [
            Variant(f"{name}={b!r} (breaks {k})", {name: _wire(b)}, name, k, False) for k, b in bad
        ]
        for v in checks:
            reply, exchange = o.send(ep, path, v.body)
            if reply is None:
                return
            (_accepted if v.valid else _refused)(o, ep, ep.request, v, (reply, exchange))


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
        _declared(o, ep, ep.path, served)
    path = _address(o.world, op)
    if path is None:
        o.skip(ep, "no seeded row to address it (seeding did not create its parent or its row)")
        return
    if ep.method in ("POST", "PUT", "PATCH") and ep.request and ep.request.properties:
        _bodies(o, ep, op, path)
    if ep.method == "GET":
        if ep.request and ep.request.properties:
            _queries(o, ep, path)
        if ep.where not in o.limited:
            reply, exchange = o.send(ep, path)
            if reply is not None and reply.status_code < 300:
                _conforms(o, ep, reply, exchange)


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
