"""The operations of an OpenAPI document as backlog endpoints, grouped by tag.

An operation's first tag names its backlog item (untagged ones: the collection the path
addresses, or `auth`). `security` (the operation's, else the document's) decides
`auth_required`: an empty list (`security: []`) or an empty requirement among the
alternatives (`[{}]`, "a token is optional") means public, and an auth endpoint (`/login`,
`/register`, `/signup`, `/token`) is always public, with a warning when the document asked
otherwise. `x-rate-limit` reads `"5/minute"` or `{requests: 5, per: minute}`. Server URLs
with a path (`/api/v1`) prefix every endpoint.

Bodies: a JSON media type is read as JSON; `application/x-www-form-urlencoded` as the
object it describes; anything else (`text/plain`, `application/octet-stream`,
`multipart/form-data`, `application/pdf`, `image/png`...) makes the endpoint an `action`,
its schema kept as far as JSON Schema says it (`{"type": "string", "format": "binary"}` when
the document gives none). Each non-JSON media type is named in the description.

`responses` keep every status code with its description; a range (`4XX`) stands for its
`N00` when no code of that class is declared, `default` is left out. The response schema is
that of the lowest 2xx with a JSON body (else the lowest with any body, else `default`'s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from agent.errors import BacklogError
from agent.importer.document import pointer
from agent.importer.schemas import SchemaError, clean, query_schema
from agent.spec.paths import shape

METHODS = ("get", "post", "put", "patch", "delete")
AUTH = {"register", "signup", "login", "token"}
FORM = "application/x-www-form-urlencoded"
CODE = re.compile(r"^[1-5]\d\d$")
RANGE = re.compile(r"^([1-5])XX$", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    """One operation, as an `api_requirements` entry, with where it came from and what
    the importer had to decide about it (`warnings`, one line each)."""

    tag: str
    requirement: dict[str, Any]
    where: str
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Body:
    """The body an operation takes or answers: its media type and its schema."""

    media: str
    schema: dict[str, Any]

    @property
    def is_json(self) -> bool:
        return is_json(self.media)

    @property
    def is_structured(self) -> bool:
        """JSON, or a form: an object the compiler can read as fields."""
        return self.is_json or self.media.lower().startswith(FORM)


def is_json(media: str) -> bool:
    """`application/json`, `application/problem+json`, `*/*`: JSON is acceptable."""
    base = media.split(";")[0].strip().lower()
    return base == "*/*" or base.endswith("/json") or base.endswith("+json")


def base_path(doc: dict[str, Any]) -> str:
    servers = doc.get("servers") or []
    first = servers[0] if isinstance(servers, list) and servers else None
    url = first.get("url", "") if isinstance(first, dict) else ""
    return urlparse(str(url)).path.rstrip("/")


def _dict(value: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaError(where, f"{what} must be an object, got {type(value).__name__}")
    return value


def _default_schema(media: str) -> dict[str, Any]:
    base = media.split(";")[0].strip().lower()
    if base.startswith("text/"):
        return {"type": "string"}
    if base.startswith("multipart/") or base.startswith(FORM):
        return {"type": "object"}
    return {"type": "string", "format": "binary"}


def body(content: Any, direction: str, where: str) -> Body | None:
    """The body of a `content` map: its JSON media type if it has one, else a form, else
    its first media type; None when it has none."""
    if content is None:
        return None
    content = _dict(content, where, "content")
    if not content:
        return None
    media = [str(m) for m in content]
    ranked = sorted(media, key=lambda m: (not is_json(m), not m.lower().startswith(FORM)))
    chosen = ranked[0]
    at = f"{where}/{chosen.replace('~', '~0').replace('/', '~1')}"
    entry = content[chosen]
    entry = {} if entry is None else _dict(entry, at, "a media type object")
    raw = entry.get("schema")
    schema = clean(raw, "request" if direction == "request" else "response", f"{at}/schema")
    if not schema and not is_json(chosen):
        schema = _default_schema(chosen)
    return Body(chosen, schema)


def _description(answer: dict[str, Any]) -> str:
    return " ".join(str(answer.get("description") or "").split())


def responses(op: dict[str, Any], where: str) -> tuple[dict[str, str], Body | None]:
    """The operation's status codes with their descriptions, and its success body."""
    raw = op.get("responses")
    if raw is None:
        return {}, None
    answers = {str(k).strip(): v for k, v in _dict(raw, f"{where}/responses", "responses").items()}
    for code, answer in answers.items():
        if answer is not None:
            _dict(answer, f"{where}/responses/{code}", "a response")
    codes: dict[str, str] = {
        code: _description(answer or {}) for code, answer in answers.items() if CODE.match(code)
    }
    for code, answer in answers.items():
        found = RANGE.match(code)
        if found and not any(c.startswith(found[1]) for c in codes):
            codes[f"{found[1]}00"] = _description(answer or {})
    ordered = dict(sorted(codes.items()))
    success = sorted(c for c in answers if CODE.match(c) and c.startswith("2"))
    success += [c for c in answers if RANGE.match(c) and c.startswith("2")]
    success += [c for c in answers if c.lower() == "default"]
    bodies = []
    for code in success:
        content = (answers[code] or {}).get("content")
        found_body = body(content, "response", f"{where}/responses/{code}/content")
        if found_body is not None:
            bodies.append(found_body)
    best = next((b for b in bodies if b.is_json), bodies[0] if bodies else None)
    return ordered, best


def rate_limit(value: Any) -> str | None:
    if isinstance(value, dict):
        per = str(value.get("per") or value.get("window") or "minute").removesuffix("s")
        return f"{value.get('requests', value.get('limit'))}/{per}"
    return None if value is None else str(value)


def _parameters(
    doc: dict[str, Any], path: str, method: str, op: dict[str, Any]
) -> list[tuple[str, Any]]:
    """The path item's parameters, then the operation's, each with its JSON pointer."""
    found: list[tuple[str, Any]] = []
    owners = ((doc["paths"][path], pointer("paths", path)), (op, pointer("paths", path, method)))
    for owner, at in owners:
        params = owner.get("parameters") or []
        if not isinstance(params, list):
            raise SchemaError(f"{at}/parameters", "must be a list of parameters")
        found += [(f"{at}/parameters/{i}", p) for i, p in enumerate(params)]
    return found


def _auth_required(doc: dict[str, Any], op: dict[str, Any], where: str) -> tuple[bool, str]:
    """Whether a token is required, and whose `security` said so (operation or document)."""
    own = "security" in op
    reqs = op["security"] if own else doc.get("security")
    if reqs is None:
        return False, ""
    if not isinstance(reqs, list):
        at = f"{where}/security" if own else "#/security"
        raise SchemaError(at, "must be a list of security requirements")
    required = bool(reqs) and all(isinstance(r, dict) and r for r in reqs)
    return required, "operation" if own else "document"


def _requirement(
    doc: dict[str, Any], path: str, method: str, op: dict[str, Any], where: str
) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    endpoint = base_path(doc) + path
    key = f"{method.upper()} {endpoint}"
    request_body: Body | None = None
    parameters = _parameters(doc, path, method, op)
    if method in {"get", "delete"}:
        request = query_schema(parameters)
    else:
        raw_body = op.get("requestBody")
        content = None
        if raw_body is not None:
            content = _dict(raw_body, f"{where}/requestBody", "requestBody").get("content")
        request_body = body(content, "request", f"{where}/requestBody/content")
        request = request_body.schema if request_body else {}
    codes, answer = responses(op, where)
    required, source = _auth_required(doc, op, where)
    if required and shape(path).auth_word in AUTH:
        required = False
        whose = (
            "is under the document's global security"
            if source == "document"
            else "declares its own security"
        )
        warnings.append(
            f"{key} {whose}; an auth endpoint cannot need its own token: imported as public"
        )
    description = " ".join(str(op.get("summary") or op.get("description") or "").split())
    found: dict[str, Any] = {
        "method": method.upper(),
        "endpoint": endpoint,
        "description": description,
        "request_schema": request,
        "response_schema": answer.schema if answer else {},
        "auth_required": required,
    }
    plain = [b for b in (request_body, answer) if b is not None and not b.is_json]
    if plain:
        note = "; ".join(
            f"{side}: {b.media}"
            for side, b in (("request", request_body), ("response", answer))
            if b is not None
        )
        found["description"] = f"{description} ({note})".strip()
    if any(not b.is_structured for b in plain):
        found["kind"] = "action"
    if codes:
        found["responses"] = codes
    limit = rate_limit(op.get("x-rate-limit"))
    if limit is not None:
        found["rate_limit"] = limit
    return found, warnings


def _untagged(path: str) -> str:
    found = shape(path)
    return "auth" if found.auth_word else found.collection or "root"


def _tag(op: dict[str, Any], path: str) -> str:
    tags = op.get("tags")
    if isinstance(tags, str) and tags.strip():
        return tags.strip()
    if isinstance(tags, list) and tags and str(tags[0]).strip():
        return str(tags[0]).strip()
    return _untagged(path)


def endpoints(doc: dict[str, Any]) -> list[Endpoint]:
    """Every operation of the (resolved) document, in document order. A part of one that
    cannot be read is a `BacklogError` naming its JSON pointer (all of them, at once)."""
    out = []
    problems = []
    for path, item in doc["paths"].items():
        if not isinstance(item, dict):
            problems.append(f"{pointer('paths', path)}: a path item must be an object")
            continue
        for method, op in item.items():
            if method not in METHODS:
                continue
            where = pointer("paths", path, method)
            if not isinstance(op, dict):
                problems.append(f"{where}: an operation must be an object")
                continue
            try:
                requirement, warnings = _requirement(doc, path, method, op, where)
            except SchemaError as exc:
                problems.append(str(exc))
                continue
            except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
                problems.append(f"{where}: cannot read this operation: {exc!r}")
                continue
            out.append(Endpoint(_tag(op, path), requirement, where, tuple(warnings)))
    if problems:
        raise BacklogError(problems)
    return out
