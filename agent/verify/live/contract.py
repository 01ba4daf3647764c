"""Contract: the backlog as written against the running service (`oracle.py`), then
schemathesis from the served /openapi.json (no 5xx, responses conform to what it serves).

The served schema is no longer compared with the plan's endpoints: the plan is the spec
compiler's reading, the one the code was generated from, so a misreading would be checked
against itself; the oracle reads the backlog instead."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import oracle
from .world import Op, World, where


def fuzz(
    world: World, options: dict[str, Any], report: Path, skip: list[Op]
) -> tuple[list[dict[str, str]], int]:
    """Schemathesis (positive data) from the served schema: no 5xx, responses conform."""
    argv = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(world.http.base_url).rstrip("/") + "/openapi.json",
    ]
    argv += ["--checks", "not_a_server_error,response_schema_conformance", "--mode", "positive"]
    argv += ["--phases", "examples,fuzzing", "--max-examples", str(options["max_examples"])]
    argv += ["--seed", "1", "--no-shrink", "--generation-database", "none", "--workers", "1"]
    argv += ["--request-timeout", "10", "--report", "json", "--report-json-path", str(report)]
    if world.users:
        argv += ["-H", f"Authorization: Bearer {world.users[0].token}"]
    for op in skip:
        argv += ["--exclude-name", f"{op['method']} {op['path']}"]
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=options["fuzz_time_s"], check=False
        )
    except subprocess.TimeoutExpired:
        return [
            {"where": "schemathesis", "message": f"did not finish within {options['fuzz_time_s']}s"}
        ], 0
    if not report.exists():
        tail = (done.stdout + done.stderr)[-600:]
        return [{"where": "schemathesis", "message": f"wrote no report: {tail}"}], 0
    data = json.loads(report.read_text())
    out = [
        {"where": name, "message": f"{f['title']} ({f.get('code', '')}, x{f.get('count', 1)})"}
        for f in data.get("failures", [])
        for name in f.get("operations", [])
    ]
    out += [
        {"where": "schemathesis", "message": f"{e['title']} (x{e.get('count', 1)})"}
        for e in data.get("errors", [])
    ]
    return out, int(data.get("test_cases", {}).get("generated", 0))


def run(world: World, options: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    doc = world.http.get("/openapi.json").json()
    skip = world.stubs(doc)
    checked = oracle.run(world, options.get("backlog", []), doc, skip, options.get("left"))
    failures, cases = fuzz(world, options, out_dir / "schemathesis.json", skip)
    return {
        "oracle": checked,
        "fuzz_failures": failures,
        "fuzz_cases": cases,
        "not_implemented": [where(op) for op in skip],
        "not_exercised": world.not_exercised,  # what seeding could not make, and why
    }
