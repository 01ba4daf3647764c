"""The status codes an endpoint answers, as the backlog declares them.

Where the backlog says a code, it is the code: its `responses` (`{"200": "The sum"}`), a
criterion that names the endpoint (or the item's only endpoint) and a code ("returns 200",
"returns 400 when: Invalid input"), a code in the endpoint's description. The CRUD
convention (201 for a create, 204 for a delete, 422 for an invalid body) stands only when
the backlog is silent. Every gate and probe reads these codes from the plan.
"""

from __future__ import annotations

import re

from agent.backlog.schema import ApiRequirement, BacklogItem

CONVENTION: dict[str, int] = {"create": 201, "register": 201, "delete": 204}
CODE = re.compile(
    r"\b(?:returns?|responds?(?: with)?|answers?|status(?: code)?|gets?)\s+"
    r"(?:an? |with )?(?:http |status )?([1-5]\d\d)\b",
    re.I,
)
WHEN = re.compile(r"\b([1-5]\d\d)\b\s*(?:\([^)]*\))?\s*(?:when|if|for|on)\b:?\s*(.*)", re.I)


def _criteria_of(item: BacklogItem, req: ApiRequirement) -> list[str]:
    """The criteria that speak of this endpoint: by `METHOD /path` or `/path`; when the
    item has one endpoint, also those that name no endpoint at all."""
    mine, unnamed = [], []
    paths = [r.endpoint for r in item.api_requirements]
    for text in item.acceptance_criteria:
        lowered = text.lower()
        if f"{req.method} {req.endpoint}".lower() in lowered or _names_path(lowered, req):
            mine.append(text)
        elif not any(p.lower() in lowered for p in paths):
            unnamed.append(text)
    return mine + (unnamed if len(item.api_requirements) == 1 else [])


def _names_path(lowered: str, req: ApiRequirement) -> bool:
    """`/cart` named alone (not inside `/cart/items`), with no other method before it."""
    path = req.endpoint.lower()
    for found in re.finditer(re.escape(path) + r"(?![\w/{])", lowered):
        before = lowered[: found.start()].rstrip().rsplit(" ", 1)[-1].upper()
        if before in {"GET", "POST", "PUT", "PATCH", "DELETE"} and before != req.method:
            continue
        return True
    return False


def declared_responses(item: BacklogItem, req: ApiRequirement) -> dict[int, str]:
    """Every code the backlog gives this endpoint, with when it answers it."""
    out = {int(code): text for code, text in req.responses.items()}
    for text in _criteria_of(item, req):
        for found in WHEN.finditer(text):
            out.setdefault(int(found[1]), found[2].strip().rstrip("."))
        for found in CODE.finditer(text):
            out.setdefault(int(found[1]), "")
    for found in CODE.finditer(req.description):
        out.setdefault(int(found[1]), "")
    return dict(sorted(out.items()))


def success_code(kind: str, responses: dict[int, str]) -> tuple[int, str]:
    """The code of a success, and where it came from."""
    ok = [c for c in responses if 200 <= c < 300]
    if ok:
        return min(ok), "declared by the backlog"
    return CONVENTION.get(kind, 200), "the convention for this kind (the backlog names none)"


def invalid_code(responses: dict[int, str]) -> int:
    """The code for a request the schema refuses: 400 where the backlog says 400 for invalid
    input (or declares 400 and not 422), else 422."""
    if 422 in responses:
        return 422
    if 400 in responses:
        return 400
    return 422
