"""Read an endpoint path: which collection it addresses, its parameters, and what kind it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.spec.names import entity_name
from agent.spec.types import OpKind

PARAM = re.compile(r"^\{(\w+)\}$")
PREFIX = re.compile(r"^(api|v\d+(\.\d+)?)$", re.IGNORECASE)
AUTH_WORDS: dict[str, OpKind] = {
    "register": "register",
    "signup": "register",
    "login": "login",
    "token": "login",
    "me": "me",
}


@dataclass(frozen=True)
class PathShape:
    """What a path addresses. `collection` is a segment such as `tasks`."""

    collection: str | None
    item_param: str | None
    parent_collection: str | None
    parent_param: str | None
    action: str | None  # a trailing verb after an item: /orders/{id}/cancel
    auth_word: str | None
    params: list[str]


def shape(path: str) -> PathShape:
    """Split `/api/v1/projects/{project_id}/tasks` into its collection and parent."""
    segments = [s for s in path.strip("/").split("/") if s]
    while segments and PREFIX.match(segments[0]):
        segments = segments[1:]
    params = [m[1] for s in segments if (m := PARAM.match(s))]
    if segments and segments[-1].lower() in AUTH_WORDS:
        return PathShape(None, None, None, None, None, segments[-1].lower(), params)
    pairs: list[tuple[str, str | None]] = []
    for seg in segments:
        param = PARAM.match(seg)
        if param and pairs and pairs[-1][1] is None:
            pairs[-1] = (pairs[-1][0], param[1])
        elif not param:
            pairs.append((seg, None))
    if not pairs:
        return PathShape(None, None, None, None, None, None, params)
    action = None
    if (
        len(pairs) >= 2
        and pairs[-1][1] is None
        and pairs[-2][1] is not None
        and not looks_like_collection(pairs[-1][0])
    ):
        action = pairs.pop()[0]
    collection, item_param = pairs[-1]
    parent = pairs[-2] if len(pairs) >= 2 else (None, None)
    return PathShape(collection, item_param, parent[0], parent[1], action, None, params)


def looks_like_collection(segment: str) -> bool:
    """A plural noun (`tasks`, `order-items`), not a verb or a computed value (`cancel`)."""
    word = segment.replace("-", "_").lower()
    return word.endswith("s") and not word.endswith("ss") and word not in {"stats", "status"}


def operation_kind(method: str, found: PathShape) -> OpKind:
    """The CRUD (or auth) kind a method on a path shape stands for; `action` otherwise."""
    if found.auth_word:
        kind = AUTH_WORDS[found.auth_word]
        wanted = "GET" if kind == "me" else "POST"
        return kind if method == wanted else "action"
    if found.collection is None or found.action:
        return "action"
    if found.item_param is None:
        return {"POST": "create", "GET": "list"}.get(method, "action")  # type: ignore[return-value]
    return {
        "GET": "read",
        "PATCH": "update",
        "PUT": "replace",  # type: ignore[return-value]
        "DELETE": "delete",
    }.get(method, "action")


def collection_entity(found: PathShape) -> str | None:
    """The entity a path's collection names (`tasks` -> `Task`)."""
    return entity_name(found.collection) if found.collection else None
