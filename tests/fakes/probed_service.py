"""A fake generated service for the in-sandbox probes (`agent/verify/live`), over
`httpx.MockTransport`: what the probes see of a service, without starting one.

It routes by the spec's own endpoints: register and create endpoints store a row and
answer 201 with its id (a nested create answers 404 under a parent it does not know),
every other endpoint answers 200. `rules` refuse creates the way a service's business
rules do (a status, or None to accept); `limits` enforce a sliding-window rate limit
(429, with Retry-After unless `retry_after` is off); `delay_s` makes every answer slow,
`costly_s` only those to a request with a body, after the limit (a password to hash).
Every request is recorded in `requests` as (method, path, JSON body).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

Rule = Callable[["ProbedService", dict[str, str], dict[str, Any]], int | None]


@dataclass
class ProbedService:
    spec: dict[str, Any]  # a ServiceSpec, as JSON
    rules: dict[str, Rule] = field(default_factory=dict)  # "POST /path" -> rule
    limits: dict[str, tuple[int, float]] = field(default_factory=dict)  # "GET /p" -> limit
    delay_s: float = 0.0
    costly_s: float = 0.0
    retry_after: bool = True
    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    hits: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle), base_url="http://svc")

    def count(self, entity: str, **params: str) -> int:
        """Rows of `entity` made under these path parameters."""
        rows = self.rows.get(entity, {}).values()
        return sum(all(r["params"].get(k) == v for k, v in params.items()) for r in rows)

    def bodies(self, entity: str, **params: str) -> list[dict[str, Any]]:
        rows = self.rows.get(entity, {}).values()
        return [r["body"] for r in rows if all(r["params"].get(k) == v for k, v in params.items())]

    def route(self, request: httpx.Request) -> tuple[dict[str, Any], dict[str, str]] | None:
        for op in self.spec["operations"]:
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(op["path"]))
            found = re.fullmatch(regex, request.url.path)
            if found and op["method"] == request.method:
                return op, found.groupdict()
        return None

    def limited(self, key: str) -> httpx.Response | None:
        if key not in self.limits:
            return None
        count, seconds = self.limits[key]
        with self.lock:
            now = time.monotonic()
            recent = [t for t in self.hits.get(key, []) if t > now - seconds]
            self.hits[key] = recent
            if len(recent) >= count:
                headers = {"Retry-After": "1"} if self.retry_after else {}
                return httpx.Response(429, json={"detail": "slow down"}, headers=headers)
            recent.append(now)
        return None

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        with self.lock:
            self.requests.append((request.method, request.url.path, body))
        routed = self.route(request)
        if routed is None:
            return httpx.Response(404, json={"detail": "no such route"})
        op, params = routed
        key = f"{op['method']} {op['path']}"
        time.sleep(self.delay_s)
        refused = self.limited(key)
        if refused is not None:
            return refused
        if body:
            time.sleep(self.costly_s)
        if op["kind"] not in ("create", "register"):
            return httpx.Response(200, json={})
        return self.create(op, key, params, body or {})

    def create(
        self, op: dict[str, Any], key: str, params: dict[str, str], body: dict[str, Any]
    ) -> httpx.Response:
        parent = op.get("parent_entity")
        if parent and params.get(op["parent_param"]) not in self.rows.get(parent, {}):
            return httpx.Response(404, json={"detail": f"{parent} not found"})
        rule = self.rules.get(key)
        status = rule(self, params, body) if rule else None
        if status is not None:
            return httpx.Response(status, json={"detail": "refused by a rule"})
        made = str(uuid.uuid4())
        with self.lock:
            self.rows.setdefault(op["entity"], {})[made] = {"params": params, "body": body}
        return httpx.Response(201, json={"id": made, **body})
