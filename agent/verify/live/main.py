"""Entry point inside the sandbox: `python -m live.main MODE` (cwd: the workspace's .verify).

Reads `live_plan.json` (the spec, the options), runs MODE (migrations, contract,
security, load) and prints one line: `LIVE-RESULT {json}`. The JWT secret comes from the
environment, as the service gets it.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import httpx

from . import contract, limits, load, migrate, security, service
from .world import World, seed

MARK = "LIVE-RESULT "


def _live(mode: str, plan: dict[str, Any], root: Path) -> dict[str, Any]:
    out_dir = Path.cwd()
    with (
        service.running(root, out_dir / f"{mode}-service.log") as svc,
        httpx.Client(base_url=svc.base_url, timeout=30) as http,
    ):
        world = seed(World(http, plan["spec"], os.environ["JWT_SECRET"]))
        if mode == "contract":
            result = contract.run(world, plan["options"], out_dir)
        elif mode == "security":
            result = security.run(world)
        else:
            result = load.run(world, plan["options"])
    return {
        **result,
        "base_url": svc.base_url,
        "upgrade_s": round(svc.upgrade_s, 3),
        "limits": limits.measure(),
    }


def main(mode: str) -> dict[str, Any]:
    root = Path.cwd().parent
    plan = json.loads(Path("live_plan.json").read_text())
    if mode == "migrations":
        return migrate.run(root)
    return _live(mode, plan, root)


if __name__ == "__main__":
    try:
        answer = main(sys.argv[1])
    except Exception as exc:  # the gate turns any crash into a failure with this text
        answer = {"crash": "".join(traceback.format_exception_only(exc)).strip()[-1500:]}
    print(MARK + json.dumps(answer))
