"""A short, bounded load test: fixed concurrency for a fixed time on read and write endpoints.

Actions are left out for now (listed as not exercised), and so are endpoints with a rate
limit (the limit would turn the test into a count of 429s); 429s that still happen are
counted apart from errors, and so are creates a rule refuses (409, 422: a full lesson, a
book already on loan), which are not errors of the service. An endpoint with no seeded row
to address, or a value from another endpoint's answer that it did not give (`flows`), or
whose creates were mostly refused, is reported "not exercised" with why. Each endpoint
keeps its first error and its slowest request as evidence.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import flows, values
from .exchange import exchange
from .world import Op, World, fill, where

REFUSALS = (409, 422)  # a create a rule refused under load: counted apart from errors


@dataclass
class Target:
    name: str  # "GET /path/{id}"
    method: str
    path: str
    op: Op
    refs: dict[str, str]
    role: str = "plain"
    attempt: int = 0  # the values' variant seeding found the service accepts
    flowed: dict[str, Any] = field(default_factory=dict)  # from other endpoints' answers
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    limited: int = 0
    refused: int = 0
    error: dict[str, Any] | None = None  # the first error: request and answer
    slowest: tuple[float, dict[str, Any]] | None = None

    def note(self, seconds: float, body: Any, reply: httpx.Response | None) -> None:
        """Count one answer; keep the first error and the slowest request."""
        status = reply.status_code if reply is not None else 599
        self.samples.append(seconds)
        self.limited += status == 429
        refusals = {*REFUSALS, self.op.get("invalid_status", 422)}  # 400 where declared
        refused = self.method == "POST" and status in refusals
        self.refused += refused
        failed = status >= 400 and status != 429 and not refused
        self.errors += failed
        if failed and self.error is None:
            self.error = exchange(self.method, self.path, body, reply)
        if self.slowest is None or seconds > self.slowest[0]:
            self.slowest = (seconds, exchange(self.method, self.path, body, reply))


def targets(world: World) -> tuple[list[Target], list[str]]:
    """The endpoints under load (reads by id, lists, creates) and those left out, with why
    (rate-limited ones; one with no seeded row to address is not exercised)."""
    chosen, left = [], []
    owner = world.users[0] if world.users else None
    for op in world.ops("action"):
        reason = "an action: the load test covers reads, lists and creates (not actions yet)"
        world.skip("load", op, reason)
    for op in world.ops("read", "list", "create"):
        if op.get("rate_limit"):
            left.append(f"{where(op)}: rate-limited ({op['rate_limit']['text']})")
            continue
        flowed = flows.supply(world, op, owner)
        if flowed.missing:
            world.skip("load", op, flowed.missing, flowed.exchange)
            continue
        needed = op["entity"] if op.get("item_param") else op.get("parent_entity")
        row = world.row(needed, owner)
        if op.get("path_params") and row is None:
            world.skip("load", op, f"no {needed} row to address: {world.missing(needed)}")
            continue
        params = dict(row.params) if row else {}
        if row and op.get("parent_param") and not op.get("item_param"):
            params[op["parent_param"]] = row.id
        refs = {
            fk["column"]: r.id
            for fk in (world.entity(op["entity"]) or {}).get("foreign_keys", [])
            if (r := world.row(fk["ref_entity"], owner))
        }
        if op.get("item_param"):
            path = fill(op, row, flowed.path)
        else:
            path = fill(op, None, {**params, **flowed.path})
        entity = op["entity"] or ""
        role, attempt = world.role(entity), world.attempts.get(entity, 0)
        chosen.append(
            Target(where(op), op["method"], path, op, refs, role, attempt, flowed.payload(op))
        )
    return chosen, left


async def _worker(
    client: httpx.AsyncClient, pick: Any, deadline: float, headers: dict[str, str]
) -> None:
    while time.perf_counter() < deadline:
        target: Target = next(pick)
        body, query = None, target.flowed or None
        if target.method == "POST":
            made = values.body(target.op["body"], target.refs, target.role, target.attempt)
            body, query = {**made, **target.flowed}, None
        started = time.perf_counter()
        try:
            reply: httpx.Response | None = await client.request(
                target.method, target.path, json=body, params=query, headers=headers
            )
        except httpx.HTTPError:
            reply = None
        target.note(time.perf_counter() - started, body, reply)


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def figures(
    samples: list[float], errors: int, limited: int, seconds: float, refused: int = 0
) -> dict[str, Any]:
    count = len(samples)
    return {
        "requests": count,
        "rps": round(count / seconds, 1),
        "p50_ms": round(quantile(samples, 0.50), 1),
        "p95_ms": round(quantile(samples, 0.95), 1),
        "p99_ms": round(quantile(samples, 0.99), 1),
        "error_rate": round(errors / count, 4) if count else 0.0,
        "rate_limited": limited,
        "refused": refused,
    }


async def hammer(
    base_url: str, chosen: list[Target], headers: dict[str, str], concurrency: int, seconds: float
) -> float:
    """Run the load; returns the seconds it really took."""
    pick = itertools.cycle(chosen)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(_worker(client, pick, deadline, headers) for _ in range(concurrency))
        )
        return time.perf_counter() - started


def _mostly_refused(world: World, chosen: list[Target]) -> None:
    """A create whose requests a rule mostly refused was not really loaded: say so."""
    for t in chosen:
        if t.samples and t.refused * 2 > len(t.samples):
            reason = (
                f"{t.refused} of {len(t.samples)} creates under load were refused by a rule "
                f"(409/422, e.g. a full parent or a duplicate): its figures are mostly refusals"
            )
            world.skip("load", t.op, reason)


def run(world: World, options: dict[str, Any]) -> dict[str, Any]:
    chosen, left = targets(world)
    done = {"left_out": left, "seed_problems": world.problems}
    if not chosen:
        return {"overall": None, "endpoints": {}, **done, "not_exercised": world.not_exercised}
    headers = world.users[0].auth if world.users else {}
    seconds = asyncio.run(
        hammer(
            str(world.http.base_url), chosen, headers, options["concurrency"], options["duration_s"]
        )
    )
    _mostly_refused(world, chosen)
    samples = [s for t in chosen for s in t.samples]
    overall = figures(
        samples,
        sum(t.errors for t in chosen),
        sum(t.limited for t in chosen),
        seconds,
        sum(t.refused for t in chosen),
    )
    return {
        "overall": overall,
        "endpoints": {
            t.name: figures(t.samples, t.errors, t.limited, seconds, t.refused) for t in chosen
        },
        "evidence": {
            t.name: {"error": t.error, "slowest": t.slowest[1] if t.slowest else None}
            for t in chosen
        },
        "duration_s": round(seconds, 2),
        "concurrency": options["concurrency"],
        **done,
        "not_exercised": world.not_exercised,
    }
