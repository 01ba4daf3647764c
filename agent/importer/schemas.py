"""OpenAPI schemas (already `$ref`-resolved) as the backlog's JSON Schema subset.

`allOf` parts are merged; a `oneOf`/`anyOf` with `null` (or OpenAPI 3.0's `nullable`)
becomes an optional type; request bodies drop `readOnly` properties and responses drop
`writeOnly` ones (a shared `User` schema holds both `id` and `password`). A property's
`x-unique: true` becomes `unique: true`, which the spec compiler turns into a unique index.
"""

from __future__ import annotations

from typing import Any, Literal

Direction = Literal["request", "response"]
KEPT = (
    "type",
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "pattern",
    "enum",
    "default",
    "example",
    "writeOnly",
)


def _merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """The parts of an `allOf` merged in order (a later part wins), the schema's own keys
    last."""
    merged: dict[str, Any] = {"properties": {}, "required": []}
    for part in [*(schema.get("allOf") or []), {k: v for k, v in schema.items() if k != "allOf"}]:
        part = _merge_all_of(part) if isinstance(part, dict) and "allOf" in part else part
        if not isinstance(part, dict):
            continue
        props, required = part.get("properties") or {}, part.get("required") or []
        merged.update({k: v for k, v in part.items() if k not in {"properties", "required"}})
        merged["properties"] = {**merged["properties"], **props}
        merged["required"] = list(dict.fromkeys([*merged["required"], *required]))
    if not merged["properties"] and "properties" not in schema and "allOf" not in schema:
        del merged["properties"]
    if not merged["required"]:
        del merged["required"]
    return merged


def _one_branch(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A `oneOf`/`anyOf` as its first non-null branch, and whether null was allowed."""
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            real = [b for b in branches if isinstance(b, dict) and b.get("type") != "null"]
            rest = {k: v for k, v in schema.items() if k != key}
            return {**(real[0] if real else {}), **rest}, len(real) < len(branches)
    return schema, False


def clean(schema: Any, direction: Direction) -> dict[str, Any]:
    """One schema in the backlog's subset, for a request body or for a response."""
    if not isinstance(schema, dict):
        return {}
    schema, nullable = _one_branch(_merge_all_of(schema))
    out: dict[str, Any] = {k: schema[k] for k in KEPT if k in schema}
    if schema.get("x-unique") is True:
        out["unique"] = True
    if schema.get("nullable") is True or nullable:
        kind = out.get("type", "string")
        out["type"] = [kind, "null"] if isinstance(kind, str) else kind
    if isinstance(schema.get("items"), dict):
        out["items"] = clean(schema["items"], direction)
    if isinstance(schema.get("properties"), dict):
        out["type"] = out.get("type", "object")
        out["properties"], out["required"] = _properties(schema, direction)
    return out


def _properties(schema: dict[str, Any], direction: Direction) -> tuple[dict[str, Any], list[str]]:
    hidden = "readOnly" if direction == "request" else "writeOnly"
    props = {
        name: clean(value, direction)
        for name, value in schema["properties"].items()
        if not (isinstance(value, dict) and value.get(hidden) is True)
    }
    if direction == "response":
        for value in props.values():
            value.pop("writeOnly", None)
    required = [n for n in schema.get("required", []) if n in props]
    return props, required


PAGINATION = {"limit", "offset"}  # every generated list endpoint has them already


def query_schema(parameters: list[Any]) -> dict[str, Any]:
    """`in: query` parameters as an object schema (GET and DELETE `request_schema`);
    `limit` and `offset` are left out, as pagination comes with every list endpoint."""
    props: dict[str, Any] = {}
    required: list[str] = []
    for param in parameters:
        if not isinstance(param, dict) or param.get("in") != "query":
            continue
        if param.get("name") in PAGINATION or "name" not in param:
            continue
        props[param["name"]] = clean(param.get("schema", {"type": "string"}), "request")
        if param.get("required") is True:
            required.append(param["name"])
    if not props:
        return {}
    return {"type": "object", "properties": props, "required": required}
