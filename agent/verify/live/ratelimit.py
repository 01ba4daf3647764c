"""The rate-limit probe: past its declared limit an endpoint answers 429 with Retry-After.

Requests go out in concurrent batches until a 429 comes, or until the service has clearly
let the limit pass: 2 x count + 2 requests answered without a 429 within one window (a
fixed window lets at most twice its count through across a boundary, a sliding one its
count), which is a finding (CWE-770). A limit the probe cannot outpace within its time
bound (a 600/minute login that hashes a password per request) is not exercised, with why:
never a finding it did not prove.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from .address import needed, path_of, payload, target
from .exchange import exchange
from .world import Op, User

if TYPE_CHECKING:
    from .security import Probe

BATCH = 8  # requests in flight at once
DEADLINE_S = 60.0  # the most one endpoint's probe may take
BUDGET_S = 240.0  # the most all of them may take (the gate's command times out at 600 s)


@dataclass(frozen=True)
class Answer:
    """One request of the probe: when it went out and came back, and what it got."""

    sent_at: float
    answered_at: float
    body: Any
    reply: httpx.Response | None


def _send(http: httpx.Client, op: Op, path: str, headers: dict[str, str], body: Any) -> Answer:
    kwargs: dict[str, Any] = {"headers": headers}
    kwargs["params" if op["method"] in ("GET", "DELETE") else "json"] = body
    sent_at = time.monotonic()
    try:
        reply: httpx.Response | None = http.request(op["method"], path, **kwargs)
    except httpx.HTTPError:
        reply = None
    return Answer(sent_at, time.monotonic(), body, reply)


def past_limit(answers: list[Answer], count: int, seconds: float) -> bool:
    """Whether the last 2 x count + 2 answers (none a 429) all fell within one window."""
    needed = 2 * count + 2
    if len(answers) < needed:
        return False
    last = answers[-needed:]
    return max(a.answered_at for a in last) - min(a.sent_at for a in last) < seconds


def expectation(op: Op) -> str:
    limit = op["rate_limit"]
    return f"429 with Retry-After within 2x{limit['count']}+2 requests in {limit['seconds']}s"


def probe(sec: Probe, op: Op, user: User | None, deadline_s: float = DEADLINE_S) -> int:
    """Run the probe on `op`; findings and skips go to `sec` and its world. Returns the
    number of requests sent."""
    world, limit = sec.world, op["rate_limit"]
    headers = user.auth if user and op["auth_required"] else {}
    path, started = path_of(world, op, user), time.monotonic()
    answers: list[Answer] = []
    with ThreadPoolExecutor(BATCH) as pool:
        while time.monotonic() - started < deadline_s:
            bodies = [payload(world, op, user) for _ in range(BATCH)]
            batch = list(pool.map(lambda b: _send(world.http, op, path, headers, b), bodies))
            limited = next((a for a in batch if a.reply and a.reply.status_code == 429), None)
            if limited is not None:
                _limited(sec, op, path, limited)
                return len(answers) + len(batch)
            answers += [a for a in batch if a.reply is not None]
            if past_limit(answers, limit["count"], limit["seconds"]):
                _unlimited(
                    sec,
                    op,
                    path,
                    answers[-1],
                    missing=bool(needed(op)) and target(world, op, user) is None,
                )
                return len(answers)
    reason = (
        f"sent {len(answers)} requests in {deadline_s:g}s without a 429, short of "
        f"2x{limit['count']}+2 answered within {limit['seconds']}s: the limit of "
        f"{limit['text']} could not be outpaced in time"
    )
    last = answers[-1] if answers else None
    world.skip("rate_limit", op, reason, _exchange(op, path, last))
    return len(answers)


def _exchange(op: Op, path: str, answer: Answer | None) -> dict[str, Any] | None:
    return exchange(op["method"], path, answer.body, answer.reply) if answer else None


def _limited(sec: Probe, op: Op, path: str, answer: Answer) -> None:
    assert answer.reply is not None
    if "retry-after" not in answer.reply.headers:
        sent = _exchange(op, path, answer)
        message = "429 without a Retry-After header"
        sec.find("CWE-770", op, message, sent, expected=expectation(op), declared="rate_limit")


def _unlimited(sec: Probe, op: Op, path: str, answer: Answer, missing: bool) -> None:
    limit = op["rate_limit"]
    if missing:  # a handler-side limit may come after the lookup of a row we could not make
        reason = f"no 429 on a path without a seeded row: {sec.world.missing(needed(op))}"
        sec.world.skip("rate_limit", op, reason, _exchange(op, path, answer))
        return
    message = (
        f"no 429 past the limit of {limit['text']}: "
        f"{2 * limit['count'] + 2} requests answered within {limit['seconds']}s"
    )
    sent = _exchange(op, path, answer)
    sec.find("CWE-770", op, message, sent, expected=expectation(op), declared="rate_limit")
