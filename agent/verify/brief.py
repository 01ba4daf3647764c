"""The evidence a model gets back: what failed, trimmed to what matters.

Failing test ids, their assertion messages, the first traceback frames in the service's
own code, ruff codes with lines, the last lines of a failed migration. Not whole logs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agent.verify.evidence import Evidence, Failure

MAX_FAILURES = 12
MAX_FRAMES = 3
OWN_FRAME = re.compile(r"^(backend/[\w/]+\.py:\d+:.*|alembic/[\w/]+\.py:\d+:.*)$", re.M)
ASSERTION = re.compile(r"^E\s+.*$", re.M)


def _detail(failure: Failure) -> str:
    if failure.check != "tests":
        return failure.detail[-800:]
    lines = ASSERTION.findall(failure.detail)[:6]
    frames = OWN_FRAME.findall(failure.detail)[:MAX_FRAMES]
    return "\n".join([*lines, *(f"  at {f}" for f in frames)])


def _shown(failure: Failure) -> dict[str, Any]:
    """One failure for the model: where, what, and — for a finding on the running service —
    the request and response that show it, what was expected and the backlog path of that
    expectation."""
    exchange = failure.exchange
    sent = response = ""
    if exchange is not None:
        body = f" {json.dumps(exchange.body)[:400]}" if exchange.body is not None else ""
        sent = f"{exchange.method} {exchange.path}{body}"
        response = (
            "no answer"
            if exchange.status is None
            else (f"{exchange.status} {exchange.response[:400]}")
        )
    return {
        "where": failure.where,
        "message": failure.message,
        "detail": _detail(failure),
        "expected": failure.expected or "",
        "source": failure.source or "",
        "request": sent,
        "response": response,
    }


def _key(check: str, failure: Failure) -> tuple[str, str, str, str]:
    return (check, failure.check, failure.where, failure.message)


def brief(evidence: Evidence, before: Evidence | None = None) -> list[dict[str, Any]]:
    """Per failed check: name, summary, and up to a dozen trimmed failures, each marked
    `repeated` when the verify `before` this one had it too."""
    seen = {_key(c.name, f) for c in before.checks for f in c.failures} if before else set()
    out = []
    for check in evidence.checks:
        if check.passed:
            continue
        failures = [
            _shown(f) | {"repeated": _key(check.name, f) in seen}
            for f in check.failures[:MAX_FAILURES]
        ]
        out.append({"name": check.name, "summary": check.summary, "failures": failures})
    return out


def whole(evidence: Evidence) -> list[str]:
    """Every failure of `evidence`, each in full (the `show_evidence` tool pages them)."""
    out = []
    for check in evidence.checks:
        for failure in check.failures:
            lines = [
                f"gate {check.name}, check {failure.check}",
                f"where: {failure.where}",
                f"what: {failure.message}",
            ]
            if failure.expected:
                source = f" (the backlog: {failure.source})" if failure.source else ""
                lines.append(f"expected: {failure.expected}{source}")
            if failure.exchange is not None:
                sent = failure.exchange
                lines.append(f"request: {sent.method} {sent.path} {json.dumps(sent.body)}")
                lines.append(f"response: {sent.status} {sent.response}")
            if failure.detail:
                lines.append(f"detail:\n{failure.detail}")
            out.append("\n".join(lines))
    return out
