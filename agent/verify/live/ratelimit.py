"""The rate-limit probe: past its declared limit an endpoint answers 429 with Retry-After.

Valid requests go out in concurrent batches until a 429 comes, or until the service has
clearly let the limit pass: 2 x count + 2 requests answered without a 429 within one window
(a fixed window lets at most twice its count through across a boundary, a sliding one its
count), which is a finding (CWE-770). When valid requests come back too slowly to get
there in time (a 600/minute register that hashes a password per request), requests with an
empty body try to reach the limiter before the costly work: a 429 still passes, nothing
more is concluded from them. A limit the probe cannot outpace within its time bound is not
exercised, with why: never a finding it did not prove.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from .address import lacking, needed, path_of, payload, target
from .exchange import exchange
from .world import Op, User

if TYPE_CHECKING:
    from .security import Probe

BATCH = 8  # requests in flight at once
BODIED = ("POST", "PUT", "PATCH")
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


@dataclass
class Aim:
    """Where the probe sends (one op, one path, one caller) and how many it has sent."""

    http: httpx.Client
    op: Op
    path: str
    headers: dict[str, str]
    sent: int = 0

    def batch(self, pool: ThreadPoolExecutor, bodies: list[Any]) -> list[Answer]:
        self.sent += len(bodies)
        return list(
            pool.map(lambda b: _send(self.http, self.op, self.path, self.headers, b), bodies)
        )


def outpaced(answers: list[Answer], count: int, ends: float) -> bool:
    """Whether requests come back too slowly to reach 2 x count + 2 before `ends`."""
    if not answers:
        return False
    rate = len(answers) / max(answers[-1].answered_at - answers[0].sent_at, 1e-6)
    return (2 * count + 2 - len(answers)) / rate > ends - time.monotonic()


def _valid(
    sec: Probe, aim: Aim, pool: ThreadPoolExecutor, user: User | None, ends: float
) -> list[Answer] | None:
    """Valid requests until a 429 or clearly past the limit (judged: None), or until they
    prove too slow to get there in time (the answers so far)."""
    limit, answers = aim.op["rate_limit"], list[Answer]()
    while time.monotonic() < ends:
        batch = aim.batch(pool, [payload(sec.world, aim.op, user) for _ in range(BATCH)])
        limited = next((a for a in batch if a.reply and a.reply.status_code == 429), None)
        if limited is not None:
            _limited(sec, aim, limited)
            return None
        answers += [a for a in batch if a.reply is not None]
        if past_limit(answers, limit["count"], limit["seconds"]):
            missing = bool(needed(aim.op)) and target(sec.world, aim.op, user) is None
            _unlimited(sec, aim, answers[-1], missing)
            return None
        if outpaced(answers, limit["count"], ends):
            break
    return answers


def _cheap(sec: Probe, aim: Aim, pool: ThreadPoolExecutor, ends: float) -> list[Answer] | None:
    """Requests with an empty body (refused before any costly work, such as hashing a
    password) until a 429 (judged: None): a limit enforced before validation shows itself;
    no 429 proves nothing, as a limit may count valid requests only."""
    limit, answers = aim.op["rate_limit"], list[Answer]()
    while time.monotonic() < ends and not past_limit(answers, limit["count"], limit["seconds"]):
        batch = aim.batch(pool, [{} for _ in range(BATCH)])
        limited = next((a for a in batch if a.reply and a.reply.status_code == 429), None)
        if limited is not None:
            _limited(sec, aim, limited)
            return None
        answers += [a for a in batch if a.reply is not None]
    return answers


def probe(sec: Probe, op: Op, user: User | None, deadline_s: float = DEADLINE_S) -> int:
    """Run the probe on `op`; findings and skips go to `sec` and its world. Returns the
    number of requests sent."""
    world, limit = sec.world, op["rate_limit"]
    if lacking(world, op, user, "rate_limit"):
        return 0
    headers = user.auth if user and op["auth_required"] else {}
    aim = Aim(world.http, op, path_of(world, op, user), headers)
    ends = time.monotonic() + deadline_s
    with ThreadPoolExecutor(BATCH) as pool:
        valid = _valid(sec, aim, pool, user, ends)
        if valid is None:
            return aim.sent
        cheap = _cheap(sec, aim, pool, ends) if op["method"] in BODIED else []
        if cheap is None:
            return aim.sent
    reason = (
        f"{len(valid)} valid requests came back too slowly to pass 2x{limit['count']}+2 "
        f"within {limit['seconds']}s before {deadline_s:g}s were up"
        + (f", and {len(cheap)} with an empty body got no 429 either" if cheap else "")
        + f": the limit of {limit['text']} could not be outpaced in time"
    )
    last = valid[-1] if valid else None
    world.skip("rate_limit", op, reason, _exchange(aim, last))
    return aim.sent


def _exchange(aim: Aim, answer: Answer | None) -> dict[str, Any] | None:
    return exchange(aim.op["method"], aim.path, answer.body, answer.reply) if answer else None


def _limited(sec: Probe, aim: Aim, answer: Answer) -> None:
    assert answer.reply is not None
    if "retry-after" not in answer.reply.headers:
        sent, op = _exchange(aim, answer), aim.op
        message = "429 without a Retry-After header"
        sec.find("CWE-770", op, message, sent, expected=expectation(op), declared="rate_limit")


def _unlimited(sec: Probe, aim: Aim, answer: Answer, missing: bool) -> None:
    op, limit = aim.op, aim.op["rate_limit"]
    if missing:  # a handler-side limit may come after the lookup of a row we could not make
        reason = f"no 429 on a path without a seeded row: {sec.world.missing(needed(op))}"
        sec.world.skip("rate_limit", op, reason, _exchange(aim, answer))
        return
    message = (
        f"no 429 past the limit of {limit['text']}: "
        f"{2 * limit['count'] + 2} requests answered within {limit['seconds']}s"
    )
    sent = _exchange(aim, answer)
    sec.find("CWE-770", op, message, sent, expected=expectation(op), declared="rate_limit")
