"""The operations of an OpenAPI document as backlog endpoints, grouped by tag.

An operation's first tag names its backlog item (untagged ones: the collection the path
addresses, or `auth`). `security` (the operation's, else the document's) decides
`auth_required`; an empty list (`security: []`) means public. `x-rate-limit` reads `"5/minute"` or
`{requests: 5, per: minute}`. Server URLs with a path (`/api/v1`) prefix every endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from agent.importer.document import pointer
from agent.importer.schemas import clean, query_schema
from agent.spec.paths import shape

METHODS = ("get", "post", "put", "patch", "delete")
SUCCESS = ("200", "201", "202", "2XX", "2xx", "default")


@dataclass(frozen=True)
class Endpoint:
    """One operation, as an `api_requirements` entry, with where it came from."""

    tag: str
    requirement: dict[str, Any]
    where: str


def base_path(doc: dict[str, Any]) -> str:
    servers = doc.get("servers") or []
    url = servers[0].get("url", "") if servers and isinstance(servers[0], dict) else ""
    return urlparse(str(url)).path.rstrip("/")


def _json_schema(content: Any) -> Any:
    if not isinstance(content, dict):
        return None
    for media, body in content.items():
        if "json" in media and isinstance(body, dict):
            return body.get("schema")
    return None


def _response(op: dict[str, Any]) -> dict[str, Any]:
    responses = op.get("responses") or {}
    for code in SUCCESS:
        answer = responses.get(code) or responses.get(int(code) if code.isdigit() else code)
        if isinstance(answer, dict):
            return clean(_json_schema(answer.get("content")), "response")
    return {}


def rate_limit(value: Any) -> str | None:
    if isinstance(value, dict):
        per = str(value.get("per") or value.get("window") or "minute").removesuffix("s")
        return f"{value.get('requests', value.get('limit'))}/{per}"
    return None if value is None else str(value)


def _requirement(doc: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> dict[str, Any]:
    params = [*(doc["paths"][path].get("parameters") or []), *(op.get("parameters") or [])]
    body = (op.get("requestBody") or {}).get("content")
    request = (
        query_schema(params)
        if method in {"get", "delete"}
        else clean(_json_schema(body), "request")
    )
    security = op.get("security", doc.get("security") or [])
    found: dict[str, Any] = {
        "method": method.upper(),
        "endpoint": base_path(doc) + path,
        "description": str(op.get("summary") or op.get("description") or "").strip(),
        "request_schema": request,
        "response_schema": _response(op),
        "auth_required": bool(security),
    }
    limit = rate_limit(op.get("x-rate-limit"))
    if limit is not None:
        found["rate_limit"] = limit
    return found


def _untagged(path: str) -> str:
    found = shape(path)
    return "auth" if found.auth_word else found.collection or "root"


def endpoints(doc: dict[str, Any]) -> list[Endpoint]:
    """Every operation of the (resolved) document, in document order."""
    out = []
    for path, item in doc["paths"].items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if method not in METHODS or not isinstance(op, dict):
                continue
            tags = op.get("tags") or [_untagged(path)]
            where = pointer("paths", path, method)
            out.append(Endpoint(str(tags[0]), _requirement(doc, path, method, op), where))
    return out
