"""Read a backlog's request/response schema into fields.

Two spellings are accepted, as backlog authors write both:
- JSON Schema: `{"type": "object", "properties": {...}, "required": [...]}` (or an array
  of such objects, for list responses);
- shorthand: `{"title": "string", "priority": "integer(1-5)", "status": "enum[open|done]",
  "due": "date?"}` where `?` marks an optional field, or a JSON Schema fragment per field.
"""

from __future__ import annotations

import re
from typing import Any

from agent.spec.types import EnumValue, FieldSpec, FieldType

TYPE_WORDS: dict[str, tuple[FieldType, str | None]] = {
    "string": ("string", None),
    "str": ("string", None),
    "text": ("text", None),
    "integer": ("integer", None),
    "int": ("integer", None),
    "number": ("number", None),
    "float": ("number", None),
    "decimal": ("number", None),
    "boolean": ("boolean", None),
    "bool": ("boolean", None),
    "uuid": ("uuid", "uuid"),
    "datetime": ("datetime", "date-time"),
    "date-time": ("datetime", "date-time"),
    "timestamp": ("datetime", "date-time"),
    "date": ("date", "date"),
    "email": ("string", "email"),
    "url": ("string", "uri"),
    "uri": ("string", "uri"),
    "password": ("string", "password"),
    "object": ("json", None),
    "json": ("json", None),
    "array": ("array", None),
}
FORMAT_TYPES: dict[str, FieldType] = {"uuid": "uuid", "date-time": "datetime", "date": "date"}
NUMBER_FORMATS = {"int32", "int64", "float", "double"}
SHORTHAND = re.compile(r"^(?P<word>[a-z\-]+)(?:\((?P<lo>-?[\d.]+)?-(?P<hi>-?[\d.]+)?\))?$")
ENUM = re.compile(r"^enum\[(?P<values>[^\]]*)\]$")


def _number(text: str | None) -> float | None:
    return float(text) if text not in (None, "") else None


def _from_word(name: str, word: str) -> FieldSpec:
    optional = word.endswith("?")
    word = word.rstrip("?").strip().lower()
    enum = ENUM.match(word)
    if enum:
        values = [v.strip() for v in enum["values"].split("|") if v.strip()]
        return FieldSpec(name=name, enum=values, required=not optional)
    match = SHORTHAND.match(word)
    if not match or match["word"] not in TYPE_WORDS:
        raise ValueError(f"unknown type {word!r}")
    ftype, fmt = TYPE_WORDS[match["word"]]
    spec = FieldSpec(
        name=name,
        type=ftype,
        format=fmt,
        required=not optional,
        secret=match["word"] == "password" or name == "password",
    )
    lo, hi = _number(match["lo"]), _number(match["hi"])
    if ftype == "string":
        spec.min_length = int(lo) if lo is not None else None
        spec.max_length = int(hi) if hi is not None else None
    else:
        spec.minimum, spec.maximum = lo, hi
    return spec


def _branch_kind(branch: object) -> str | None:
    """The one type a union's branch names (`{"type": ["string", "null"]}`: string)."""
    kind = branch.get("type") if isinstance(branch, dict) else None
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null" if kind else None)
    return kind if isinstance(kind, str) else None


def _union_type(fragment: dict[str, Any]) -> FieldType:
    """A `oneOf`/`anyOf` field: its branches' one type when they share it, else `any` (a
    string-or-integer field takes both; `json` would take objects only)."""
    branches = fragment.get("oneOf") or fragment.get("anyOf") or []
    kinds = {k for b in branches if (k := _branch_kind(b)) not in (None, "null")}
    kind = next(iter(kinds)) if len(kinds) == 1 else None
    return TYPE_WORDS[kind][0] if isinstance(kind, str) and kind in TYPE_WORDS else "any"


def _json_type(fragment: dict[str, Any]) -> tuple[FieldType, str | None]:
    if "type" not in fragment and ("oneOf" in fragment or "anyOf" in fragment):
        return _union_type(fragment), None
    raw = fragment.get("type", "string")
    kind = next((t for t in raw if t != "null"), "string") if isinstance(raw, list) else raw
    fmt = fragment.get("format")
    if kind == "string" and fmt in FORMAT_TYPES:
        return FORMAT_TYPES[fmt], fmt
    word = TYPE_WORDS.get(str(kind))
    if word is None:
        raise ValueError(f"unknown type {kind!r}")
    if kind != "string" and fmt not in NUMBER_FORMATS:  # JSON Schema: a string's format
        fmt = None  # says nothing of a number (`{"type": "number", "format": "email"}`)
    return word[0], fmt or word[1]


ENUM_TYPES: dict[type, FieldType] = {bool: "boolean", int: "integer", float: "number"}


def _enum(fragment: dict[str, Any], ftype: FieldType) -> tuple[FieldType, list[EnumValue]]:
    """An enum's type and values as its JSON writes them: `[15, 30]` of an integer stays
    integers (typed, or untyped with integers only), likewise numbers and booleans; any
    other enum is a string enum, its values as text. `null` is nullability, not a value."""
    values = [v for v in fragment["enum"] if v is not None]
    kinds = {ENUM_TYPES.get(type(v), "string") for v in values}
    if "type" not in fragment and len(kinds) == 1:
        ftype = next(iter(kinds))
    numeric = kinds <= {"integer", "number"}
    if ftype == "integer" and numeric and all(v == int(v) for v in values):
        return "integer", [int(v) for v in values]
    if ftype == "number" and numeric:  # floats: `Literal[0.0, 12.5]` is typed "number"
        return "number", [float(v) for v in values]
    if ftype == "boolean" and kinds == {"boolean"}:
        return "boolean", values
    return "string", [str(v) for v in values]


def _branches(fragment: dict[str, Any]) -> list[FieldType] | None:
    """The types of a union's branches (`oneOf: [string, integer]`), when each says one."""
    branches = fragment.get("oneOf") or fragment.get("anyOf") or []
    kinds = [k for b in branches if (k := _branch_kind(b)) != "null"]
    if not kinds or not all(isinstance(k, str) and k in TYPE_WORDS for k in kinds):
        return None
    return list(dict.fromkeys(TYPE_WORDS[str(k)][0] for k in kinds))


def _from_fragment(name: str, fragment: dict[str, Any], required: bool) -> FieldSpec:
    ftype, fmt = _json_type(fragment)
    union = _branches(fragment) if ftype == "any" else None
    enum = None
    if "enum" in fragment:
        ftype, enum = _enum(fragment, ftype)
    raw_type = fragment.get("type")
    return FieldSpec(
        name=name,
        type=ftype,
        format=fmt,
        required=bool(fragment.get("required", required)),
        nullable=not (isinstance(raw_type, list) and "null" not in raw_type),
        min_length=fragment.get("minLength"),
        max_length=fragment.get("maxLength"),
        minimum=fragment.get("minimum"),
        maximum=fragment.get("maximum"),
        pattern=fragment.get("pattern"),
        enum=enum,
        union=union,
        default=fragment.get("default"),
        example=fragment.get("example", (fragment.get("examples") or [None])[0]),
        secret=fmt == "password" or name == "password" or bool(fragment.get("writeOnly")),
        unique=bool(fragment.get("unique", False)),
    )


def field_from(name: str, value: Any, required: bool = True) -> FieldSpec:
    """One field from a shorthand word or a JSON Schema fragment."""
    if isinstance(value, str):
        return _from_word(name, value)
    if isinstance(value, dict):
        return _from_fragment(name, value, required)
    raise ValueError(f"field {name!r}: expected a type name or a schema object")


JSON_TYPES = {"string", "integer", "number", "boolean", "null", "array", "object"}
KEYWORDS = {
    *("type", "format", "enum", "const", "default", "example", "examples", "title"),
    *("description", "minLength", "maxLength", "minimum", "maximum", "pattern", "items"),
    *("nullable", "readOnly", "writeOnly", "contentMediaType", "contentEncoding", "unique"),
    *("minItems", "maxItems", "uniqueItems", "exclusiveMinimum", "exclusiveMaximum"),
}


FREE_TEXT = ("title", "description", "default", "example")


def _is_word(value: Any) -> bool:
    try:
        _from_word("_", value)
    except ValueError:
        return False
    return True


def _json_kinds(schema: dict[str, Any]) -> set[str]:
    """The JSON types a JSON Schema of a non-object names (`{"type": "string", "example":
    "Login successful"}`, `{"type": ["number", "null"]}`), or none when `schema` reads as
    shorthand: a key beyond JSON Schema's, or a key whose JSON Schema value is free text
    given a type word (`{"type": "string", "title": "string"}`: two fields)."""
    raw = schema.get("type")
    kinds = raw if isinstance(raw, list) else [raw]
    if not kinds or not all(isinstance(k, str) and k in JSON_TYPES for k in kinds):
        return set()
    if not set(schema) <= KEYWORDS:
        return set()
    if any(isinstance(schema.get(k), str) and _is_word(schema[k]) for k in FREE_TEXT):
        return set()
    return set(kinds)


def object_fields(schema: dict[str, Any]) -> list[FieldSpec]:
    """Fields of an object schema in either spelling (array schemas: their items'). A JSON
    Schema of a non-object (a string, a number, a union of shapes) has no fields."""
    if not schema:
        return []
    kinds = _json_kinds(schema)
    is_array = schema.get("type") == "array" or "array" in kinds
    if is_array and isinstance(schema.get("items"), dict):
        return object_fields(schema["items"])
    if "properties" in schema and isinstance(schema["properties"], dict):
        required = set(schema.get("required", []))
        return [field_from(n, v, n in required) for n, v in schema["properties"].items()]
    if isinstance(schema.get("items"), list):
        return object_fields(schema["items"][0]) if schema["items"] else []
    union = "oneOf" in schema or "anyOf" in schema
    if schema.get("type") in ("object", "array") or kinds or union:
        return []
    return [field_from(name, value) for name, value in schema.items()]


def is_list_schema(schema: dict[str, Any]) -> bool:
    """Whether a response schema describes a list (array, or `{"items": [...]}`)."""
    return schema.get("type") == "array" or isinstance(schema.get("items"), list)
