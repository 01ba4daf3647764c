"""The evidence a model gets back: what failed, trimmed to what matters.

Failing test ids, their assertion messages, the first traceback frames in the service's
own code, ruff codes with lines, the last lines of a failed migration. Not whole logs.
"""

from __future__ import annotations

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


def brief(evidence: Evidence) -> list[dict[str, Any]]:
    """Per failed check: name, summary, and up to a dozen trimmed failures."""
    out = []
    for check in evidence.checks:
        if check.passed:
            continue
        failures = [
            {"where": f.where, "message": f.message, "detail": _detail(f)}
            for f in check.failures[:MAX_FAILURES]
        ]
        out.append({"name": check.name, "summary": check.summary, "failures": failures})
    return out
