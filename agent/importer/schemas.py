"""OpenAPI schemas (already `$ref`-resolved) as the backlog's JSON Schema subset.

`allOf` parts are merged. A `oneOf`/`anyOf` whose only other branch is `null` (or OpenAPI
3.0's `nullable`, or a type list such as `[string, "null"]` or the text `"string | null"`)
becomes a nullable type; a true union (two or more non-null branches) is kept as written,
each branch cleaned. Request bodies drop `readOnly` properties and responses drop `writeOnly`
ones (a shared `User` schema holds both `id` and `password`). A property's `x-unique: true`
becomes `unique: true`, which the spec compiler turns into a unique index.

A schema that is not what JSON Schema allows where it stands (`properties` a list, a
branch that is not an object) raises `SchemaError` with the JSON pointer of the spot.
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
    "contentMediaType",
)
UNIONS = ("oneOf", "anyOf")


class SchemaError(ValueError):
    """A schema of the wrong shape, at `where` (a JSON pointer)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def _expect_dict(value: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaError(where, f"{what} must be an object, got {type(value).__name__}")
    return value


def _merge_all_of(schema: dict[str, Any], where: str) -> dict[str, Any]:
    """The parts of an `allOf` merged in order (a later part wins), the schema's own keys
    last."""
    parts = schema.get("allOf")
    parts = [] if parts is None else parts
    if not isinstance(parts, list):
        raise SchemaError(f"{where}/allOf", "must be a list of schemas")
    merged: dict[str, Any] = {"properties": {}, "required": []}
    own = {k: v for k, v in schema.items() if k != "allOf"}
    for i, part in enumerate([*parts, own]):
        at = f"{where}/allOf/{i}" if i < len(parts) else where
        part = _expect_dict(part, at, "an allOf part")
        part = _merge_all_of(part, at) if "allOf" in part else part
        props = _expect_dict(part.get("properties") or {}, f"{at}/properties", "properties")
        required = part.get("required") or []
        if not isinstance(required, list):
            raise SchemaError(f"{at}/required", "must be a list of property names")
        merged.update({k: v for k, v in part.items() if k not in {"properties", "required"}})
        merged["properties"] = {**merged["properties"], **props}
        merged["required"] = list(dict.fromkeys([*merged["required"], *map(str, required)]))
    if not merged["properties"] and "properties" not in schema and "allOf" not in schema:
        del merged["properties"]
    if not merged["required"]:
        del merged["required"]
    return merged


def _type_list(kind: Any) -> Any:
    """`"string | null"` (a union written as text) as the type list `["string", "null"]`."""
    if isinstance(kind, str) and "|" in kind:
        parts = [p.strip() for p in kind.split("|") if p.strip()]
        return parts[0] if len(parts) == 1 else parts
    return kind


def _is_null(branch: Any) -> bool:
    return isinstance(branch, dict) and branch.get("type") in ("null", ["null"])


def _union(schema: dict[str, Any], where: str) -> tuple[str, list[Any], bool] | None:
    """The schema's `oneOf`/`anyOf`: its key, its non-null branches, whether null is one."""
    for key in UNIONS:
        branches = schema.get(key)
        if branches is None:
            continue
        if not isinstance(branches, list) or not branches:
            raise SchemaError(f"{where}/{key}", "must be a non-empty list of schemas")
        for i, branch in enumerate(branches):
            _expect_dict(branch, f"{where}/{key}/{i}", "a branch")
        real = [b for b in branches if not _is_null(b)]
        return key, real, len(real) < len(branches)
    return None


def clean(schema: Any, direction: Direction, where: str = "#") -> dict[str, Any]:
    """One schema in the backlog's subset, for a request body or for a response."""
    if schema is None:
        return {}
    schema = _merge_all_of(_expect_dict(schema, where, "a schema"), where)
    nullable = schema.get("nullable") is True
    union = _union(schema, where)
    if union is not None:
        key, real, with_null = union
        rest = {k: v for k, v in schema.items() if k != key}
        if len(real) > 1:
            return _kept_union(union, rest, direction, where)
        schema = _merge_all_of({**(real[0] if real else {}), **rest}, where)
        nullable = nullable or with_null
    out: dict[str, Any] = {k: schema[k] for k in KEPT if k in schema}
    if "type" in out:
        out["type"] = _type_list(out["type"])
    elif "properties" in schema:
        out["type"] = "object"
    if schema.get("x-unique") is True:
        out["unique"] = True
    if nullable:
        out["type"] = _with_null(out.get("type", "string"))
    if "items" in schema:
        out["items"] = clean(schema["items"], direction, f"{where}/items")
    if "properties" in schema:
        props = _expect_dict(schema["properties"], f"{where}/properties", "properties")
        out["properties"], out["required"] = _properties(schema, props, direction, where)
    return out


def _with_null(kind: Any) -> Any:
    if isinstance(kind, list):
        return kind if "null" in kind else [*kind, "null"]
    return [kind, "null"]


def _kept_union(
    union: tuple[str, list[Any], bool], rest: dict[str, Any], direction: Direction, where: str
) -> dict[str, Any]:
    """A union of two or more shapes, as written: each branch cleaned, `null` kept."""
    key, real, with_null = union
    branches = [clean(b, direction, f"{where}/{key}/{i}") for i, b in enumerate(real)]
    if with_null or rest.get("nullable") is True:
        branches.append({"type": "null"})
    out: dict[str, Any] = {key: branches}
    out.update({k: rest[k] for k in KEPT if k in rest and k != "type"})
    return out


def _properties(
    schema: dict[str, Any], props: dict[str, Any], direction: Direction, where: str
) -> tuple[dict[str, Any], list[str]]:
    hidden = "readOnly" if direction == "request" else "writeOnly"
    out = {
        str(name): clean(value, direction, f"{where}/properties/{_escape(str(name))}")
        for name, value in props.items()
        if not (isinstance(value, dict) and value.get(hidden) is True)
    }
    if direction == "response":
        for value in out.values():
            value.pop("writeOnly", None)
    required = schema.get("required", [])
    if not isinstance(required, list):
        raise SchemaError(f"{where}/required", "must be a list of property names")
    return out, [str(n) for n in required if str(n) in out]


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


PAGINATION = {"limit", "offset"}  # every generated list endpoint has them already


def query_schema(parameters: list[tuple[str, Any]]) -> dict[str, Any]:
    """`in: query` parameters (each with its JSON pointer) as an object schema (GET and
    DELETE `request_schema`); `limit` and `offset` are left out, as pagination comes with
    every list endpoint."""
    props: dict[str, Any] = {}
    required: list[str] = []
    for where, param in parameters:
        param = _expect_dict(param, where, "a parameter")
        if param.get("in") != "query":
            continue
        if param.get("name") in PAGINATION or "name" not in param:
            continue
        name = str(param["name"])
        schema = param.get("schema", {"type": "string"})
        props[name] = clean(schema, "request", f"{where}/schema")
        if param.get("required") is True:
            required.append(name)
    if not props:
        return {}
    return {"type": "object", "properties": props, "required": required}
