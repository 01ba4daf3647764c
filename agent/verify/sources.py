"""Where in the backlog an expectation comes from, as a path a reader can follow:
`backlog_items[1].api_requirements[0].rate_limit`, `...request_schema.properties.title`.

The probes say which part of an endpoint's declaration a finding holds it to (`declared`:
auth_required, rate_limit, endpoint, request_schema.<field>, or "" for the requirement as a
whole); this finds that endpoint in the backlog items as written (`GateContext.backlog`:
`{"index": i, "item": {...}}`). None when it cannot be named (an endpoint an earlier
backlog declared, a field the schema does not list): a source is never guessed.
"""

from __future__ import annotations

from typing import Any

from agent.spec.types import ServiceSpec

Written = list[dict[str, Any]]  # GateContext.backlog


def _requirement(
    backlog: Written, spec: ServiceSpec | None, where: str
) -> tuple[str, dict[str, Any]] | None:
    """`backlog_items[i].api_requirements[j]` of the endpoint "METHOD /path", and it."""
    item_id = next(
        (o.item_id for o in (spec.operations if spec else []) if f"{o.method} {o.path}" == where),
        None,
    )
    found = [
        (f"backlog_items[{entry['index']}].api_requirements[{j}]", req, entry["item"].get("id"))
        for entry in backlog
        for j, req in enumerate(entry["item"].get("api_requirements") or [])
        if f"{str(req.get('method', '')).upper()} {req.get('endpoint')}" == where
    ]
    found.sort(key=lambda f: f[2] != item_id)  # the item the spec took the endpoint from
    return (found[0][0], found[0][1]) if found else None


def _field(req: dict[str, Any], name: str) -> str | None:
    schema = req.get("request_schema") or {}
    if isinstance(schema.get("properties"), dict):
        return f"request_schema.properties.{name}" if name in schema["properties"] else None
    return f"request_schema.{name}" if name in schema else None


def source(
    backlog: Written, spec: ServiceSpec | None, where: str, declared: str | None
) -> str | None:
    """The backlog path of `declared` on the endpoint `where` ("METHOD /path")."""
    found = _requirement(backlog, spec, where) if declared is not None else None
    if found is None or declared is None:
        return None
    path, req = found
    if declared.startswith("request_schema."):
        part = _field(req, declared.removeprefix("request_schema."))
        return f"{path}.{part}" if part else None
    if declared in ("auth_required", "rate_limit") and not req.get(declared):
        return None
    return f"{path}.{declared}" if declared else path
