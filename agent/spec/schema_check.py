"""Check a backlog's schemas before anything reads them: every problem with its path.

How a schema object is read (the README's rule):
- **JSON Schema** when every key is a JSON Schema keyword (or an `x-` extension) and it says
  what it is: a `type` naming JSON types, `properties` as an object, a `oneOf` / `anyOf` /
  `allOf` list, a `$ref`, or `items` as a list; and no free-text keyword (`title`,
  `description`, `default`, `example`) holds a type word, which would make it a field.
- **shorthand** otherwise: every key is a field, every value a type word (`string(1-200)`,
  `integer(0-)?`, `enum[open|done]`, `date?`) or that field's JSON Schema.
A field's JSON Schema (a `properties` entry, a shorthand value, an entity's field) is
always JSON Schema: a key that is not a keyword is refused with its path, not guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from agent.spec.schemas import FREE_TEXT, JSON_TYPES, TYPE_WORDS, _from_word, _is_word

# JSON Schema 2020-12's keywords, OpenAPI's additions, and ours (`unique`, a fragment's
# boolean `required`).
KEYWORDS = {
    *("type", "format", "enum", "const", "default", "example", "examples", "title"),
    *("description", "minLength", "maxLength", "minimum", "maximum", "pattern", "items"),
    *("nullable", "readOnly", "writeOnly", "contentMediaType", "contentEncoding", "unique"),
    *("minItems", "maxItems", "uniqueItems", "exclusiveMinimum", "exclusiveMaximum"),
    *("properties", "required", "additionalProperties", "oneOf", "anyOf", "allOf", "not"),
    *("$ref", "$schema", "$id", "$comment", "$defs", "definitions", "multipleOf"),
    *("minProperties", "maxProperties", "patternProperties", "propertyNames", "deprecated"),
    *("discriminator", "xml", "externalDocs", "prefixItems", "contains", "if", "then"),
    *("else", "dependentRequired", "dependentSchemas", "unevaluatedProperties"),
}
COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
NUMBERS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
FLAGS = ("nullable", "readOnly", "writeOnly", "uniqueItems", "unique", "deprecated")
TEXTS = ("format", "title", "description", "$ref", "$comment", "contentMediaType")
UNIONS = ("oneOf", "anyOf", "allOf")


def _keyword(key: object) -> bool:
    return isinstance(key, str) and (key in KEYWORDS or key.startswith("x-"))


def _types(value: object) -> list[str] | None:
    """The JSON type names `type` gives, or None when it gives something else."""
    kinds = value if isinstance(value, list) else [value]
    if not kinds or not all(isinstance(k, str) and k in JSON_TYPES for k in kinds):
        return None
    return [str(k) for k in kinds]


def is_json_schema(schema: dict[str, Any]) -> bool:
    """Whether `schema` is read as JSON Schema (else as shorthand): see the module's rule."""
    if not schema or not all(_keyword(k) for k in schema):
        return False
    if any(isinstance(schema.get(k), str) and _is_word(schema[k]) for k in FREE_TEXT):
        return False
    return (
        _types(schema.get("type")) is not None
        or isinstance(schema.get("properties"), dict)
        or any(isinstance(schema.get(k), list) for k in UNIONS)
        or isinstance(schema.get("$ref"), str)
        or isinstance(schema.get("items"), list)
    )


def schema_problems(schema: object, where: str) -> list[str]:
    """A request or response schema (or an array's `items`), either spelling."""
    if not isinstance(schema, dict):
        return [f"{where}: expected a schema object, got {_kind(schema)}"]
    if not schema:
        return []
    if is_json_schema(schema):
        return _json_schema(schema, where, field=False)
    return fields_problems(schema, where)


def fields_problems(fields: object, where: str) -> list[str]:
    """Shorthand fields (`{"title": "string(1-200)", "due": {"type": "string"}}`), as a
    shorthand schema or an entity's `fields` give them."""
    if not isinstance(fields, dict):
        return [f"{where}: expected an object of fields, got {_kind(fields)}"]
    problems: list[str] = []
    for name, value in fields.items():
        at = _at(where, name)
        if not str(name).strip():
            problems.append(f"{at}: a field needs a name")
        elif isinstance(value, str):
            problems += _word(value, at)
        elif isinstance(value, dict):
            problems += _json_schema(value, at, field=True)
        else:
            problems.append(
                f"{at}: expected a type word (string, integer(0-), enum[a|b], date?) or a "
                f"JSON Schema object, got {_kind(value)}"
            )
    if problems and not is_json_schema(fields) and any(k in fields for k in ("type", "properties")):
        strays = [k for k in fields if not _keyword(k)]
        why = f"{', '.join(map(repr, strays))} is not a JSON Schema keyword" if strays else ""
        problems.append(f"{where}: read as shorthand (a field per key){': ' + why if why else ''}")
    return problems


def _word(word: str, at: str) -> list[str]:
    try:
        spec = _from_word("_", word)
    except ValueError as exc:
        words = ", ".join(sorted(TYPE_WORDS))
        return [f"{at}: {exc}; a type word is one of {words}, with (min-max), enum[a|b] or ?"]
    problems = []
    for low, high, what in [
        (spec.min_length, spec.max_length, "length"),
        (spec.minimum, spec.maximum, "value"),
    ]:
        if low is not None and high is not None and low > high:
            problems.append(f"{at}: {word!r}: the least {what} {low} is above the most {high}")
    if spec.min_length is not None and spec.min_length < 0:
        problems.append(f"{at}: {word!r}: a length cannot be negative")
    if spec.enum is not None and not spec.enum:
        problems.append(f"{at}: {word!r}: an enum needs at least one value")
    return problems


def _json_schema(schema: dict[str, Any], where: str, *, field: bool) -> list[str]:
    """A JSON Schema object (`field`: one field's, where every key must be a keyword)."""
    problems = [
        f"{_at(where, k)}: not a JSON Schema keyword (an extension starts with x-)"
        for k in schema
        if not _keyword(k)
    ]
    if "type" in schema:
        problems += _type(schema["type"], _at(where, "type"), field=field)
    if "$ref" in schema:
        problems.append(
            f"{_at(where, '$ref')}: a backlog has nothing to refer to: write the schema out "
            "(import-openapi resolves an OpenAPI document's references)"
        )
    return problems + _values(schema, where, field=field) + _parts(schema, where)


def _values(schema: dict[str, Any], where: str, *, field: bool) -> list[str]:
    """The keywords that hold a value: counts, numbers, flags, texts, a pattern, an enum."""
    checks: list[tuple[tuple[str, ...], Callable[[Any], bool], str]] = [
        (COUNTS, lambda v: _integer(v) and v >= 0, "expected a whole number, 0 or more"),
        (NUMBERS, _number, "expected a number"),
        (FLAGS, lambda v: isinstance(v, bool), "expected true or false"),
        (TEXTS, lambda v: isinstance(v, str), "expected a string"),
    ]
    problems = [
        f"{_at(where, key)}: {message}"
        for keys, fits, message in checks
        for key in keys
        if key in schema and not fits(schema[key])
    ]
    problems += _bounds(schema, where)
    if "pattern" in schema:
        problems += _pattern(schema["pattern"], _at(where, "pattern"))
    if "enum" in schema:
        problems += _enum(schema["enum"], _at(where, "enum"))
    if "required" in schema:
        value = schema["required"]
        strings = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if not strings and not (field and isinstance(value, bool)):
            problems.append(f"{_at(where, 'required')}: expected a list of field names")
    extra = schema.get("additionalProperties")
    if "additionalProperties" in schema and not isinstance(extra, bool | dict):
        problems.append(f"{_at(where, 'additionalProperties')}: expected true, false or a schema")
    return problems


def _parts(schema: dict[str, Any], where: str) -> list[str]:
    """The keywords that hold schemas: `properties`, `items`, and the unions' branches."""
    problems = []
    if "properties" in schema:
        props = schema["properties"]
        if isinstance(props, dict):
            problems += fields_problems(props, _at(where, "properties"))
        else:
            problems.append(f"{_at(where, 'properties')}: expected an object of fields")
    items = schema.get("items")
    if isinstance(items, list):
        for i, part in enumerate(items):
            problems += schema_problems(part, f"{_at(where, 'items')}[{i}]")
    elif "items" in schema:
        problems += schema_problems(items, _at(where, "items"))
    for key in UNIONS:
        if key not in schema:
            continue
        branches = schema[key]
        if not isinstance(branches, list) or not branches:
            problems.append(f"{_at(where, key)}: expected a non-empty list of schemas")
            continue
        for i, part in enumerate(branches):
            problems += schema_problems(part, f"{_at(where, key)}[{i}]")
    return problems


def _type(value: object, at: str, *, field: bool) -> list[str]:
    kinds = value if isinstance(value, list) else [value]
    names = JSON_TYPES | set(TYPE_WORDS) if field else JSON_TYPES
    if not kinds or not all(isinstance(k, str) and k in names for k in kinds):
        return [f"{at}: {value!r} is not a type; JSON Schema's are {', '.join(sorted(JSON_TYPES))}"]
    if field and all(k == "null" for k in kinds):
        return [f"{at}: a field that can only be null holds nothing"]
    return []


def _bounds(schema: dict[str, Any], where: str) -> list[str]:
    problems = []
    for low, high in [("minLength", "maxLength"), ("minimum", "maximum"), ("minItems", "maxItems")]:
        lo, hi = schema.get(low), schema.get(high)
        if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
            problems.append(f"{_at(where, low)}: {lo} is above {high} {hi}: no value fits")
    return problems


def _pattern(value: object, at: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{at}: expected a regular expression string"]
    try:
        re.compile(value)
    except re.error as exc:
        return [f"{at}: not a regular expression the service can use: {exc}"]
    return []


def _enum(value: object, at: str) -> list[str]:
    if not isinstance(value, list) or not [v for v in value if v is not None]:
        return [f"{at}: expected a list of at least one value"]
    if not all(v is None or isinstance(v, str | int | float | bool) for v in value):
        return [f"{at}: enum values are strings, numbers or booleans"]
    return []


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _at(where: str, key: object) -> str:
    text = str(key)
    return f"{where}.{text}" if re.fullmatch(r"[A-Za-z_$][\w$\-]*", text) else f"{where}[{text!r}]"
