"""The oracle's state: the seeded world, the served schema, and what its checks found.

`send` makes one request and keeps its exchange as evidence; `find` records a finding
(the same backlog path broken again on one endpoint is counted, not listed again); `skip`
records a check that could not be exercised, with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from .backlog import Endpoint
from .world import World

TRIM = 500
Sent = tuple[httpx.Response, dict[str, Any]]  # the answer, and the exchange that shows it


@dataclass
class Oracle:
    """The world, the served schema, and what the checks found so far."""

    world: World
    served: dict[str, Any]
    optional: set[str]
    findings: list[dict[str, Any]] = field(default_factory=list)
    not_exercised: list[dict[str, Any]] = field(default_factory=list)
    checks: int = 0
    limited: set[str] = field(default_factory=set)
    accepted: list[dict[str, Any]] = field(default_factory=list)  # bodies a 2xx took
    left: list[str] = field(default_factory=list)  # what the run reports not implemented

    def left_to_model(self, name: str) -> str | None:
        """The not-implemented rule or calculation that names field `name` (`ends_at`), if
        any: a response the run already reports unfilled is not exercised, not a finding —
        the item cannot pass while that gap is left, so nothing false gets through."""
        return next((gap for gap in self.left if name and f"`{name}`" in gap), None)

    def send(
        self, ep: Endpoint, path: str, payload: Any = None
    ) -> tuple[httpx.Response | None, dict[str, Any]]:
        """One request; its exchange (for evidence); None when the endpoint is rate limited."""
        user = self.world.users[0] if self.world.users else None
        kwargs: dict[str, Any] = {"headers": user.auth if user else {}}
        kwargs["params" if ep.method in ("GET", "DELETE") else "json"] = payload
        self.checks += 1
        try:
            reply = self.world.http.request(ep.method, path, **kwargs)
        except httpx.TransportError as exc:
            exchange = {
                "method": ep.method,
                "path": path,
                "body": payload,
                "status": None,
                "response": str(exc),
            }
            return None, exchange
        exchange = {
            "method": ep.method,
            "path": path,
            "body": payload,
            "status": reply.status_code,
            "response": reply.text[:TRIM],
        }
        if reply.status_code == 429:
            self.limited.add(ep.where)
            self.skip(
                ep,
                "rate limited (429): the remaining checks of this endpoint were not sent",
                exchange,
            )
            return None, exchange
        return reply, exchange

    def find(
        self, ep: Endpoint, message: str, expected: str, source: str, exchange: dict[str, Any]
    ) -> None:
        """A finding; the same backlog path broken again on the same endpoint is counted on
        the first one (one cause, one failure), not listed again."""
        same = next(
            (f for f in self.findings if (f["where"], f["source"]) == (ep.where, source)), None
        )
        if same is not None:
            same["repeats"] = same.get("repeats", 0) + 1
            return
        self.findings.append(
            {
                "where": ep.where,
                "message": message,
                "expected": expected,
                "source": source,
                "exchange": exchange,
            }
        )

    def skip(self, ep: Endpoint, reason: str, exchange: dict[str, Any] | None = None) -> None:
        if all((n["where"], n["reason"]) != (ep.where, reason) for n in self.not_exercised):
            self.not_exercised.append(
                {"check": "contract", "where": ep.where, "reason": reason, "exchange": exchange}
            )


def blamed(data: Any, names: set[str]) -> set[str]:
    """Properties a structured validation error points at (`loc` lists, as FastAPI writes)."""
    if isinstance(data, list):
        return set().union(*(blamed(d, names) for d in data)) if data else set()
    if not isinstance(data, dict):
        return set()
    found = (
        {str(p) for p in data["loc"] if str(p) in names}
        if isinstance(data.get("loc"), list)
        else set()
    )
    return found.union(*(blamed(v, names) for v in data.values() if isinstance(v, dict | list)))


def answer_json(reply: httpx.Response) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None
