"""A short, bounded load test: fixed concurrency for a fixed time on read and write endpoints.

Endpoints with a rate limit are left out (the limit would turn the test into a count of
429s); 429s that still happen are counted apart from errors.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import values
from .world import Op, World, fill, where


@dataclass
class Target:
    name: str  # "GET /path/{id}"
    method: str
    path: str
    op: Op
    refs: dict[str, str]
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    limited: int = 0


def targets(world: World) -> tuple[list[Target], list[str]]:
    """The endpoints under load (reads by id, lists, creates) and those left out, with why."""
    chosen, left = [], []
    owner = world.users[0] if world.users else None
    for op in world.ops("read", "list", "create"):
        if op.get("rate_limit"):
            left.append(f"{where(op)}: rate-limited ({op['rate_limit']['text']})")
            continue
        row = world.row(op["entity"] if op.get("item_param") else op.get("parent_entity"), owner)
        if op.get("path_params") and row is None:
            left.append(f"{where(op)}: no seeded row to address")
            continue
        params = dict(row.params) if row else {}
        if row and op.get("parent_param") and not op.get("item_param"):
            params[op["parent_param"]] = row.id
        refs = {
            fk["column"]: r.id
            for fk in (world.entity(op["entity"]) or {}).get("foreign_keys", [])
            if (r := world.row(fk["ref_entity"], owner))
        }
        path = fill(op, row) if op.get("item_param") else fill(op, None, params)
        chosen.append(Target(where(op), op["method"], path, op, refs))
    return chosen, left


async def _worker(
    client: httpx.AsyncClient, pick: Any, deadline: float, headers: dict[str, str]
) -> None:
    while time.perf_counter() < deadline:
        target: Target = next(pick)
        body = values.body(target.op["body"], target.refs) if target.method == "POST" else None
        started = time.perf_counter()
        try:
            reply = await client.request(target.method, target.path, json=body, headers=headers)
            status = reply.status_code
        except httpx.HTTPError:
            status = 599
        target.samples.append(time.perf_counter() - started)
        target.limited += status == 429
        target.errors += status >= 400 and status != 429


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def figures(samples: list[float], errors: int, limited: int, seconds: float) -> dict[str, Any]:
    count = len(samples)
    return {
        "requests": count,
        "rps": round(count / seconds, 1),
        "p50_ms": round(quantile(samples, 0.50), 1),
        "p95_ms": round(quantile(samples, 0.95), 1),
        "p99_ms": round(quantile(samples, 0.99), 1),
        "error_rate": round(errors / count, 4) if count else 0.0,
        "rate_limited": limited,
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


def run(world: World, options: dict[str, Any]) -> dict[str, Any]:
    chosen, left = targets(world)
    if not chosen:
        return {"overall": None, "endpoints": {}, "left_out": left, "seed_problems": world.problems}
    headers = world.users[0].auth if world.users else {}
    seconds = asyncio.run(
        hammer(
            str(world.http.base_url), chosen, headers, options["concurrency"], options["duration_s"]
        )
    )
    samples = [s for t in chosen for s in t.samples]
    overall = figures(
        samples, sum(t.errors for t in chosen), sum(t.limited for t in chosen), seconds
    )
    return {
        "overall": overall,
        "endpoints": {t.name: figures(t.samples, t.errors, t.limited, seconds) for t in chosen},
        "left_out": left,
        "duration_s": round(seconds, 2),
        "concurrency": options["concurrency"],
        "seed_problems": world.problems,
    }
