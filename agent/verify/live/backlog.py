"""The backlog as written: its endpoints and their JSON Schemas, read independently.

This is the oracle's own reading (`oracle.py`). It never sees the spec compiler's output:
the scaffold is generated from the compiled spec, so checking the service against that
spec would check a misreading against itself. Here each request and response schema is
turned into plain JSON Schema, and every property keeps the path in the backlog it comes
from (`backlog_items[1].api_requirements[0].request_schema.properties.duration.enum`), so a
finding can name the line of the backlog it enforces.

Two spellings are read, as the README documents them:
- JSON Schema: an object with `properties` (and `required`), or `{"type": "array",
  "items": …}`; OpenAPI's `nullable: true` and a boolean `required` on a property are
  understood;
- shorthand: `{"title": "string(1-200)", "n": "integer(0-)?", "status": "enum[open|done]",
  "email": "email", "due": "date?"}` (`?` = optional), or a JSON Schema fragment per field.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]
WORD = re.compile(r"^(?P<word>[a-z\-]+)(?:\((?P<lo>-?[\d.]+)?-(?P<hi>-?[\d.]+)?\))?$")
ENUM = re.compile(r"^enum\[(?P<values>[^\]]*)\]$")
CRITERION = re.compile(
    r"\b(?P<method>GET|POST|PUT|PATCH|DELETE)\s+(?P<path>/\S*)\s+"
    r"(?:returns?|responds?(?:\s+with)?|answers?)\s+(?:with\s+)?(?:http\s+|status\s+)?"
    r"(?P<code>[1-5]\d\d)\b",
    re.I,
)
STRING, INTEGER, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}
WORDS: dict[str, Schema] = {
    "string": STRING,
    "str": STRING,
    "text": STRING,
    "password": STRING,
    "integer": INTEGER,
    "int": INTEGER,
    "number": NUMBER,
    "float": NUMBER,
    "decimal": NUMBER,
    "boolean": {"type": "boolean"},
    "bool": {"type": "boolean"},
    "uuid": {"type": "string", "format": "uuid"},
    "datetime": {"type": "string", "format": "date-time"},
    "date-time": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "email": {"type": "string", "format": "email"},
    "url": {"type": "string", "format": "uri"},
    "uri": {"type": "string", "format": "uri"},
    "object": {"type": "object"},
    "json": {"type": "object"},
    "array": {"type": "array"},
}


@dataclass
class Body:
    """An object schema in JSON Schema, and where each of its properties is written.

    `paths[name]` is the property's path in the backlog; `fragment[name]` says whether the
    property is written as a JSON Schema object (a keyword's path can be appended to it) or
    as a shorthand word (the word carries every constraint: the path stops at it)."""

    schema: Schema
    path: str
    paths: dict[str, str] = field(default_factory=dict)
    fragment: dict[str, bool] = field(default_factory=dict)
    is_list: bool = False  # the schema describes a list (an array, or its element)

    @property
    def properties(self) -> dict[str, Schema]:
        props: dict[str, Schema] = self.schema.get("properties", {})
        return props

    @property
    def required(self) -> list[str]:
        return list(self.schema.get("required", []))

    def source(self, name: str | None = None, keyword: str | None = None) -> str:
        """The backlog path of a property (and of one of its keywords, when written)."""
        if name is None:
            return self.path + (f".{keyword}" if keyword else "")
        base = self.paths.get(name, f"{self.path}{_key(name)}")
        return f"{base}.{keyword}" if keyword and self.fragment.get(name) else base


@dataclass
class Endpoint:
    """One api_requirement as written, with its schemas read into JSON Schema."""

    source: str  # backlog_items[i].api_requirements[j]
    method: str
    path: str
    auth_required: bool
    rate_limit: str | None
    request: Body | None  # GET / DELETE: the query parameters
    response: Body | None
    codes: dict[int, str] = field(default_factory=dict)  # declared code -> where it is said

    @property
    def where(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def success(self) -> list[int]:
        """The 2xx codes the backlog declares (none: any 2xx is a success)."""
        return sorted(c for c in self.codes if 200 <= c < 300)

    @property
    def invalid(self) -> int | None:
        """The code the backlog declares for invalid input: 400 where it declares 400 and
        not 422, 422 where it declares 422 and not 400 (None: any 4xx refuses)."""
        found = {400, 422} & set(self.codes)
        return found.pop() if len(found) == 1 else None


def _key(name: str) -> str:
    return f".{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else f"[{name!r}]"


def _number(text: str | None) -> float | int | None:
    if text in (None, ""):
        return None
    value = float(str(text))
    return int(value) if value.is_integer() else value


def word_schema(word: str) -> tuple[Schema, bool]:
    """A shorthand word as JSON Schema, and whether it is required (no `?`)."""
    optional = word.strip().endswith("?")
    word = word.strip().rstrip("?").strip().lower()
    enum = ENUM.match(word)
    if enum:
        values = [v.strip() for v in enum["values"].split("|") if v.strip()]
        return {"type": "string", "enum": values}, not optional
    match = WORD.match(word)
    if not match or match["word"] not in WORDS:
        raise ValueError(f"unknown type {word!r}")
    schema = dict(WORDS[match["word"]])
    low, high = _number(match["lo"]), _number(match["hi"])
    is_text = schema["type"] == "string"
    for key, value in (
        ("minLength" if is_text else "minimum", low),
        ("maxLength" if is_text else "maximum", high),
    ):
        if value is not None:
            schema[key] = int(value) if is_text else value
    return schema, not optional


def clean(schema: Any) -> Any:
    """JSON Schema a validator takes: OpenAPI's `nullable: true` as a null type, a boolean
    `required` on a property lifted into its parent's list, recursively."""
    if isinstance(schema, list):
        return [clean(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: clean(v) for k, v in schema.items() if k not in ("nullable", "required")}
    if isinstance(schema.get("required"), list):
        out["required"] = list(schema["required"])
    props = out.get("properties")
    if isinstance(props, dict):
        lifted = [
            n
            for n, p in schema["properties"].items()
            if isinstance(p, dict) and p.get("required") is True
        ]
        if lifted:
            out["required"] = sorted(
                set(out.get("required", [])) | set(lifted), key=list(props).index
            )
    if schema.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _shorthand(raw: Schema, path: str) -> Body:
    props, required, body = {}, [], Body({}, path)
    for name, value in raw.items():
        body.paths[name] = f"{path}{_key(name)}"
        if isinstance(value, str):
            props[name], needed = word_schema(value)
        elif isinstance(value, dict):
            props[name], needed = clean(value), value.get("required", True) is not False
            body.fragment[name] = True
        else:
            raise ValueError(f"{path}{_key(name)}: expected a type name or a schema object")
        if needed:
            required.append(name)
    body.schema = {"type": "object", "properties": props, "required": required}
    return body


def _json(raw: Schema, path: str) -> Body:
    body = Body(clean(raw), path)
    for name, value in (raw.get("properties") or {}).items():
        body.paths[name] = f"{path}.properties{_key(name)}"
        body.fragment[name] = isinstance(value, dict)
    return body


def read(raw: Schema | None, path: str) -> Body | None:
    """A request or response schema as written: an object body (a list's element for an
    array; its page for an object with an `items` list), or None when there is none."""
    if not raw:
        return None
    if raw.get("type") == "array" and isinstance(raw.get("items"), dict):
        element = read(raw["items"], f"{path}.items")
        return (
            Body(element.schema, element.path, element.paths, element.fragment, True)
            if element
            else None
        )
    if isinstance(raw.get("items"), list) and raw["items"] and isinstance(raw["items"][0], dict):
        element = read(raw["items"][0], f"{path}.items[0]")
        return (
            Body(element.schema, element.path, element.paths, element.fragment, True)
            if element
            else None
        )
    if "properties" in raw or raw.get("type") in ("object", "array") or "$ref" in raw:
        return _json(raw, path)
    return _shorthand(copy.deepcopy(raw), path)


def codes(entry: dict[str, Any], req: dict[str, Any], source: str) -> dict[int, str]:
    """The status codes the backlog declares for one endpoint, each with where it says so:
    its `responses` (`{"200": "The sum", "400": "Invalid input"}`), then the item's criteria
    that name the endpoint and a code (`POST /calculator returns 400 when: …`)."""
    out: dict[int, str] = {}
    for code in req.get("responses") or {}:
        if str(code).isdigit():
            out.setdefault(int(code), f"{source}.responses{_key(str(code))}")
    named = f"{str(req['method']).upper()} {req['endpoint']}".lower()
    for k, text in enumerate(entry["item"].get("acceptance_criteria") or []):
        for found in CRITERION.finditer(str(text)):
            if f"{found['method']} {found['path']}".lower().rstrip(".,;:") == named:
                place = f"backlog_items[{entry['index']}].acceptance_criteria[{k}]"
                out.setdefault(int(found["code"]), place)
    return out


def endpoints(items: list[dict[str, Any]]) -> list[Endpoint]:
    """Every api_requirement of `items` (`{"index": i, "item": <the item as written>}`)."""
    found = []
    for entry in items:
        for j, req in enumerate(entry["item"].get("api_requirements") or []):
            source = f"backlog_items[{entry['index']}].api_requirements[{j}]"
            found.append(
                Endpoint(
                    source=source,
                    method=str(req["method"]).upper(),
                    path=req["endpoint"],
                    auth_required=bool(req.get("auth_required")),
                    rate_limit=req.get("rate_limit") or None,
                    request=read(req.get("request_schema"), f"{source}.request_schema"),
                    response=read(req.get("response_schema"), f"{source}.response_schema"),
                    codes=codes(entry, req, source),
                )
            )
    return found
