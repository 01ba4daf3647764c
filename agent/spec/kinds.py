"""What kind of endpoint each api requirement is, and why: a CRUD operation on a
collection, an auth endpoint, or an *action* (it computes or acts, and stores nothing of
its own unless the backlog's data requirements say so).

The backlog's own `kind` wins. Otherwise the path decides, with what the rest of the
backlog says about its collection:
- `/orders/{id}/cancel` (a verb after an item) and paths with no collection are actions;
- a segment that starts with a verb (`/add_to_cart`, `/create_cart`, `/calculate`) is an
  action: it names what the endpoint does, not a collection (unless the backlog declares
  it or addresses an item of it: `/leave-requests/{id}`);
- a single singular segment (`/calculator`, `/health`) is an action unless the backlog
  declares that entity or addresses one of its items (`/calculator/{id}`);
- a list of a collection nothing creates, declares or addresses (`GET /formats`) is an
  action: there would be no row to list;
- everything else is read as CRUD by its method, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.backlog.schema import ApiRequirement, Backlog
from agent.spec.names import entity_name
from agent.spec.paths import PathShape, looks_like_collection, operation_kind, shape
from agent.spec.types import OpKind

VERBS = frozenset(
    {
        "add",
        "append",
        "apply",
        "approve",
        "archive",
        "assign",
        "authenticate",
        "book",
        "calculate",
        "cancel",
        "change",
        "check",
        "checkout",
        "clear",
        "close",
        "complete",
        "compute",
        "confirm",
        "convert",
        "count",
        "create",
        "decline",
        "delete",
        "download",
        "estimate",
        "evaluate",
        "export",
        "fetch",
        "find",
        "generate",
        "get",
        "import",
        "insert",
        "join",
        "leave",
        "list",
        "lookup",
        "make",
        "merge",
        "move",
        "notify",
        "pay",
        "place",
        "post",
        "process",
        "publish",
        "put",
        "read",
        "recalculate",
        "redeem",
        "refresh",
        "register",
        "reject",
        "remove",
        "rename",
        "render",
        "replace",
        "reserve",
        "reset",
        "resize",
        "resolve",
        "restore",
        "retrieve",
        "return",
        "run",
        "save",
        "search",
        "send",
        "set",
        "share",
        "show",
        "start",
        "stop",
        "submit",
        "subscribe",
        "summarize",
        "sync",
        "toggle",
        "transfer",
        "translate",
        "unsubscribe",
        "update",
        "upload",
        "validate",
        "verify",
        "view",
        "withdraw",
    }
)


@dataclass(frozen=True)
class Reading:
    """The backlog-wide facts a path is read against."""

    declared: frozenset[str]  # entities the data requirements declare
    addressed: frozenset[str]  # collections some endpoint addresses an item of
    created: frozenset[str] = frozenset()  # collections some endpoint POSTs to

    @classmethod
    def of(cls, backlog: Backlog, known: frozenset[str] = frozenset()) -> Reading:
        """What `backlog` declares and addresses, with the entities `known` from an earlier
        backlog of the same repo."""
        declared = set(known)
        addressed, created = set(), set()
        for item in backlog.backlog_items:
            for raw in item.data_requirements.entities:
                declared.add(entity_name(raw if isinstance(raw, str) else raw.name))
            for req in item.api_requirements:
                found = shape(req.endpoint)
                if found.collection and found.item_param:
                    addressed.add(found.collection)
                if found.collection and not found.item_param and req.method == "POST":
                    created.add(found.collection)
        return cls(frozenset(declared), frozenset(addressed), frozenset(created))


def _verb_segment(segment: str, reading: Reading) -> bool:
    """`add_to_cart`, `createCart`, `search`: a verb first. One word alone (`search`,
    `book`) counts only when it is not a collection the backlog knows."""
    words = [w.lower() for w in re.split(r"[_\-]|(?<=[a-z])(?=[A-Z])", segment) if w]
    if not words or words[0] not in VERBS:
        return False
    known = entity_name(segment) in reading.declared or segment in reading.addressed
    if known:
        return False  # `leave-requests` with a `/leave-requests/{id}`: a collection
    return len(words) > 1 or not looks_like_collection(segment)


def endpoint_kind(req: ApiRequirement, reading: Reading) -> tuple[OpKind, str]:
    """The kind of one endpoint, and the reason the plan gives for it."""
    found = shape(req.endpoint)
    if req.kind is not None:
        return req.kind, "the backlog says so (`kind`)"
    kind = operation_kind(req.method, found)
    if kind in {"register", "login", "me"}:
        return kind, f"an auth endpoint (`{found.auth_word}`)"
    if kind == "action":
        return "action", _why_not_crud(req.method, found)
    segment = found.collection or ""
    computed = _computed(kind, found, segment, reading)
    if computed is not None:
        return "action", computed
    return kind, f"{req.method} on the collection `{segment}`"


def _computed(kind: str, found: PathShape, segment: str, reading: Reading) -> str | None:
    """Why a CRUD-looking path is an action after all (None: it is a collection)."""
    if _verb_segment(segment, reading):
        return f"`{segment}` names what it does, not a collection"
    unknown = entity_name(segment) not in reading.declared and segment not in reading.addressed
    alone = found.item_param is None and found.parent_collection is None
    if alone and unknown and not looks_like_collection(segment):
        return f"`{segment}` is singular, not a declared entity, and no item of it is addressed"
    if kind == "list" and alone and unknown and segment not in reading.created:
        return (
            f"nothing in the backlog creates, declares or addresses a `{segment}`: "
            "the list is computed, not stored"
        )
    return None


def _why_not_crud(method: str, found: PathShape) -> str:
    if found.auth_word:
        return f"{method} on the auth path `{found.auth_word}` is not an auth operation"
    if found.action:
        return f"`{found.action}` is an action on a {entity_name(found.collection or '')}"
    if found.collection is None:
        return "the path addresses no collection"
    return f"{method} is not a CRUD method on `{found.collection}`"
