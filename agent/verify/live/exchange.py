"""A request the probes sent and the answer, trimmed, as the evidence of a finding or of a
case they could not set up (the host side reads it as an `Exchange`); and what a create
or register answer says was made."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

TEXT_CHARS = 200  # a longer string in a request body is cut, with its length said
RESPONSE_CHARS = 500


def _trim(value: Any) -> Any:
    if isinstance(value, str) and len(value) > TEXT_CHARS:
        return f"{value[:40]}… ({len(value)} characters)"
    if isinstance(value, dict):
        return {k: _trim(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_trim(v) for v in value[:20]]
    return value


def exchange(method: str, path: str, body: Any, reply: httpx.Response | None) -> dict[str, Any]:
    """{"method", "path", "body", "status", "response"}; status None: no answer came."""
    return {
        "method": method,
        "path": path,
        "body": _trim(body) if body not in (None, {}) else None,
        "status": reply.status_code if reply is not None else None,
        "response": reply.text[:RESPONSE_CHARS] if reply is not None else "",
    }


def _subject(token: str) -> str | None:
    """The `sub` of a JWT the service issued (a register that answers with a token)."""
    try:
        claims = token.split(".")[1]
        sub = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"]
    except (IndexError, ValueError, KeyError, TypeError):
        return None
    return str(sub)


def made_id(reply: httpx.Response, names: list[str] | None = None) -> str | None:
    """The id of what a create or register made: the first of `names` (`id`, `cart_id`)
    the answer carries with a value, or the subject of its token; None when it has none
    (never assumed to be there)."""
    try:
        data = reply.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for name in names or ["id"]:
        if data.get(name) is not None:
            return str(data[name])
    token = data.get("access_token")
    return _subject(token) if isinstance(token, str) else None
