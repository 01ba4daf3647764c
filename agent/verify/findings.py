"""The in-sandbox probe's answer as evidence: each finding with its request and response,
the expectation and its backlog source; the seeding's problems; the cases not exercised.

The probe (`live/`) speaks JSON: a finding or a problem is `{"where", "message",
"exchange", "expected", "declared"}`, a case not exercised `{"check", "where", "reason",
"exchange"}` (`check`: seed, auth, ownership, injection, rate_limit, load).
"""

from __future__ import annotations

from typing import Any

from agent.verify.context import GateContext
from agent.verify.evidence import Exchange, Failure, NotExercised
from agent.verify.sources import source


def exchange(data: dict[str, Any] | None) -> Exchange | None:
    return Exchange.model_validate(data) if data else None


def failure(ctx: GateContext, check: str, found: dict[str, Any], where: str) -> Failure:
    """A finding (or a seeding problem) at `where`, with its evidence."""
    return Failure(
        check=check,
        where=where,
        message=found["message"],
        exchange=exchange(found.get("exchange")),
        expected=found.get("expected"),
        source=source(ctx.backlog, ctx.spec, found["where"], found.get("declared")),
    )


def seed_problems(ctx: GateContext, check: str, answer: dict[str, Any]) -> list[Failure]:
    """What went wrong while seeding that no rule explains (a 5xx, a valid token refused)."""
    return [
        failure(ctx, check, {"declared": "", **p}, p["where"])
        for p in answer.get("seed_problems", [])
    ]


def not_exercised(check: str, answer: dict[str, Any]) -> list[NotExercised]:
    """The cases the probe could not set up, each with why and the refused request."""
    return [
        NotExercised(
            check=check,
            where=f"{n['where']} ({n['check']})",
            reason=n["reason"],
            exchange=exchange(n.get("exchange")),
        )
        for n in answer.get("not_exercised", [])
    ]
