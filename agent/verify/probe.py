"""Run one mode of the in-sandbox probe (`agent/verify/live`) and read its JSON back.

The probe's package is copied into the workspace's `.verify/live/`, the plan (spec and
options) beside it; the probe gets its own fresh database, a Redis prefix of its own and a
JWT secret made for this run only, which goes nowhere but into the sandbox.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.verify import database
from agent.verify.context import OUT_DIR, GateContext
from agent.verify.evidence import Failure

LIVE = Path(__file__).with_name("live")
MARK = "LIVE-RESULT "


@dataclass(frozen=True)
class ProbeOutcome:
    """The probe's JSON answer, or why there is none (as a failure for the repair loop)."""

    answer: dict[str, Any]
    failure: Failure | None


def _install(out: Path, plan: dict[str, Any]) -> None:
    target = out / "live"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(LIVE, target, ignore=shutil.ignore_patterns("__pycache__"))
    (out / "live_plan.json").write_text(json.dumps(plan))


def _answer(stdout: str) -> dict[str, Any] | None:
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith(MARK)), None)
    if line is None:
        return None
    loaded: dict[str, Any] = json.loads(line.removeprefix(MARK))
    return loaded


def run_probe(ctx: GateContext, mode: str, options: dict[str, Any]) -> ProbeOutcome:
    """Install the probe, give it a fresh database, run `python -m live.main MODE`."""
    spec = ctx.spec.model_dump(mode="json") if ctx.spec else {"operations": [], "entities": []}
    _install(ctx.repo / OUT_DIR, {"spec": spec, "options": options})
    name = f"{ctx.db_prefix}_{mode}"
    env = {
        "DATABASE_URL": database.create(ctx.sandbox, ctx.services.postgres_url, name),
        "REDIS_URL": ctx.services.redis_url,
        "JWT_SECRET": secrets.token_urlsafe(32),
        "RATE_LIMIT_PREFIX": f"{name}_{secrets.token_hex(4)}",
    }
    try:
        run = ctx.sandbox.run(
            [ctx.sandbox.python, "-m", "live.main", mode],
            timeout=ctx.timeout_s,
            cwd=OUT_DIR,
            env=env,
        )
    finally:
        database.drop(ctx.sandbox, ctx.services.postgres_url, name)
        shutil.rmtree(ctx.repo / OUT_DIR / "live", ignore_errors=True)  # not the service's code
    answer = _answer(run.stdout)
    if answer is None or "crash" in answer:
        why = "timed out" if run.timed_out else (answer or {}).get("crash", "no answer")
        detail = (run.stdout[-1500:] + "\n" + run.stderr[-1500:]).strip()
        return ProbeOutcome({}, Failure(check=mode, where="probe", message=why, detail=detail))
    return ProbeOutcome(answer, None)
