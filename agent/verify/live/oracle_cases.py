"""The oracle's cases on one endpoint: request bodies (valid instances accepted, each
constraint refused), query parameters (read, and held to their own bounds), and every 2xx
response against the backlog's response schema."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from . import conformance, instances
from .backlog import Body, Endpoint
from .flows import Supplied
from .oracle_state import Oracle, Sent, answer_json, blamed
from .world import Op, Row, World, create, fill


def refs(world: World, op: Op) -> dict[str, Any]:
    """Ids the body can point at: the caller's rows of each foreign key's entity (the
    caller itself for a key to the user)."""
    entity = world.entity(op.get("entity")) or {}
    owner = world.users[0] if world.users else None
    found = {}
    for fk in entity.get("foreign_keys") or []:
        if row := world.row(fk["ref_entity"], owner) or world.row(fk["ref_entity"]):
            found[fk["column"]] = row.id
    return found


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
    body: Body, refs: dict[str, Any], partial: bool, known: dict[str, Any]
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


def conforms(o: Oracle, ep: Endpoint, reply: httpx.Response, exchange: dict[str, Any]) -> None:
    if ep.response is None or not reply.content:
        return
    collection = ep.method == "GET" and not ep.path.rstrip("/").endswith("}")
    for problem in conformance.violations(ep.response, answer_json(reply), o.optional, collection):
        gap = o.left_to_model(problem["unfilled"])
        if gap:
            o.skip(ep, f"{problem['message']}: left to a model ({gap})", exchange)
        else:
            o.find(
                ep, problem["message"], "the backlog's response schema", problem["source"], exchange
            )


def succeeded(o: Oracle, ep: Endpoint, label: str, sent: Sent) -> None:
    """A 2xx: the success code the backlog declares (any 2xx where it declares none), the
    response conforming."""
    reply, exchange = sent
    if ep.success and reply.status_code not in ep.success:
        codes = " or ".join(map(str, ep.success))
        o.find(
            ep,
            f"answered {reply.status_code} to a valid request ({label})",
            f"{codes}: the backlog declares {codes} for a success",
            ep.codes[ep.success[0]],
            exchange,
        )
    conforms(o, ep, reply, exchange)


def _accepted(o: Oracle, ep: Endpoint, body: Body, v: instances.Variant, sent: Sent) -> None:
    """A valid request: 2xx, its response conforming; a validation refusal is a finding."""
    reply, exchange = sent
    status = reply.status_code
    if status < 300:
        succeeded(o, ep, v.label, sent)
    elif status >= 500:
        o.find(
            ep,
            f"server error on a valid request ({v.label})",
            "2xx",
            body.source(v.prop, v.keyword),
            exchange,
        )
    else:
        named = blamed(answer_json(reply), set(body.properties))
        for name in sorted(named):
            keyword = v.keyword if name == v.prop else None
            o.find(
                ep,
                f"refused a valid request ({v.label}): its validation error points at {name!r}, "
                "which the backlog allows as sent",
                "accepted (2xx)",
                body.source(name, keyword),
                exchange,
            )
        if not named:
            o.skip(
                ep,
                f"a valid request was refused with {status} without a validation error "
                "(a rule, a conflict or a missing parent): what it accepts was not fully exercised",
                exchange,
            )


def _refused(
    o: Oracle, ep: Endpoint, body: Body, v: instances.Variant, sent: Sent, *, coded: bool = True
) -> None:
    """An invalid request: a 4xx (the one the backlog declares for invalid input, where it
    declares 400 or 422 and not both: `coded`); a 2xx or a 5xx is a finding."""
    reply, exchange = sent
    source = body.source(v.prop, v.keyword)
    status, declared = reply.status_code, ep.invalid
    if status < 300:
        o.find(
            ep,
            f"accepted an invalid request ({v.label})",
            f"4xx: the backlog's {v.keyword} refuses it",
            source,
            exchange,
        )
    elif status >= 500:
        o.find(ep, f"server error on an invalid request ({v.label})", "4xx", source, exchange)
    elif coded and declared and status in (400, 422) and status != declared:
        o.find(
            ep,
            f"refused an invalid request ({v.label}) with {status}",
            f"{declared}: the backlog declares {declared} for invalid input",
            ep.codes[declared],
            exchange,
        )


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


def bodies(o: Oracle, ep: Endpoint, op: Op, path: str, flowed: Supplied) -> None:
    """Each valid and invalid body: ids from the caller's rows, flowed values from their
    producers. Without a flowed value no valid body is sent (not exercised, with the
    producer's answer); invalid ones still are, held to any 4xx only."""
    assert ep.request is not None
    known = _known(o, ep.request)
    if flowed.missing:
        o.skip(ep, f"no valid request sent: {flowed.missing}", flowed.exchange)
    given = {**refs(o.world, op), **flowed.body}
    for v in _variants(ep.request, given, ep.method == "PATCH", known):
        if v.valid and flowed.missing:
            continue
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
        if v.valid:
            _accepted(o, ep, ep.request, v, (reply, exchange))
        else:
            _refused(o, ep, ep.request, v, (reply, exchange), coded=not flowed.missing)


def bare(o: Oracle, ep: Endpoint, path: str) -> None:
    """A POST, PUT or PATCH the backlog declares without a request body (`/create_cart`):
    sent as declared, its success held to the declared code and response schema."""
    reply, exchange = o.send(ep, path)
    if reply is None:
        return
    if reply.status_code < 300:
        succeeded(o, ep, "as declared, without a body", (reply, exchange))
    elif reply.status_code >= 500:
        o.find(ep, "server error on a request as declared (no body)", "2xx", ep.source, exchange)
    else:
        o.skip(
            ep,
            f"the request as declared (no body) was refused with {reply.status_code}: "
            "its success was not exercised",
            exchange,
        )


def _wire(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def declared(o: Oracle, ep: Endpoint, served: dict[str, Any]) -> None:
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
                {},  # read off the served schema: no request shows it
            )


def queries(o: Oracle, ep: Endpoint, path: str, flowed: dict[str, Any]) -> None:
    """Every declared query parameter held to its own bounds: edges and a plain value
    accepted, each broken constraint refused (the flowed ones sent as their producer gave
    them, with each)."""
    assert ep.request is not None
    Variant = instances.Variant
    base = {name: _wire(value) for name, value in flowed.items()}
    for name, prop in ep.request.properties.items():
        if not isinstance(prop, dict) or name in flowed:
            continue
        good = [
            *instances.boundaries(prop, name),
            (None, instances.value(prop, name, instances.tag())),
        ]
        bad = [
            (k, b)
            for k, b in instances.invalids(prop, body=False)
            if not (k == "type" and instances.kind(prop) == "string")
        ]
        checks = [
            Variant(f"{name}={g!r}", {**base, name: _wire(g)}, name, k, True)
            for k, g in good
            if g is not None
        ]
        checks += [
            Variant(f"{name}={b!r} (breaks {k})", {**base, name: _wire(b)}, name, k, False)
            for k, b in bad
        ]
        for v in checks:
            reply, exchange = o.send(ep, path, v.body)
            if reply is None:
                return
            (_accepted if v.valid else _refused)(o, ep, ep.request, v, (reply, exchange))
