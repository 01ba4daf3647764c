"""One verify iteration of the example backlog: Docker sandbox against the local baseline.

Scaffolds `examples/taskboard.json` into a temporary repo, then measures, in the same run:
- `docker.cold_start_s`: DockerSandbox.open + start_services (PostgreSQL and Redis ready);
- `docker.verify_s`: the gates (lint, tests, migrations) on the example, warm container;
- `local.verify_s`: the same gates with the local (unisolated) backend: the baseline;
- the tests each gate counted, so both sides are seen doing the same work.
Median of --repeat runs, seconds; one JSON object on stdout.

Usage: .venv/bin/python benchmarks/verify_example.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.verify.gates import GateContext, run_gates
from sandbox.base import Sandbox, Services
from sandbox.docker import DockerSandbox, connect
from sandbox.image import ensure_image
from sandbox.local import LocalSandbox
from sandbox.runtime import ensure_runtime

CACHE = Path.home() / ".cache" / "backend-agent"
EXAMPLE = Path(__file__).parents[1] / "examples" / "taskboard.json"
HOST = Services("postgresql://postgres@127.0.0.1:5432/postgres", "redis://127.0.0.1:6379/0")
GATES = ["lint", "tests", "migrations"]


def _scaffold(repo: Path, box: Sandbox) -> None:
    spec = compile_backlog(load_backlog(EXAMPLE))
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, ruff_formatter(box))


def _verify(box: Sandbox, repo: Path, tag: str) -> tuple[float, int]:
    ctx = GateContext(
        sandbox=box,
        services=box.start_services(),
        repo=repo,
        db_prefix=f"ba_bench_{tag}",
        timeout_s=600,
    )
    started = time.perf_counter()
    evidence = run_gates(ctx, GATES, iteration=1)
    elapsed = time.perf_counter() - started
    assert evidence.passed, [f.message for f in evidence.failures()]
    return elapsed, len(evidence.tests)


def _docker_round(repo: Path, image: str) -> dict[str, Any]:
    client = connect("unix:///var/run/docker.sock")
    started = time.perf_counter()
    box = DockerSandbox.open(client, image, repo, mirror_root=CACHE / "mirrors", run_id="benchmark")
    box.start_services()
    cold = time.perf_counter() - started
    try:
        _verify(box, repo, "warmup")
        verify, tests = _verify(box, repo, "docker")
    finally:
        box.close()
    return {"cold_start_s": cold, "verify_s": verify, "tests": tests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    image = ensure_image(connect("unix:///var/run/docker.sock"), CACHE)
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        local = LocalSandbox(repo, ensure_runtime(CACHE), HOST)
        _scaffold(repo, local)
        rounds = [_docker_round(repo, image) for _ in range(repeat)]
        local_runs = [_verify(local, repo, "local") for _ in range(repeat)]
    result = {
        "repeat": repeat,
        "docker": {
            key: round(statistics.median(r[key] for r in rounds), 3)
            for key in ("cold_start_s", "verify_s")
        }
        | {"tests": rounds[0]["tests"]},
        "local": {
            "verify_s": round(statistics.median(t for t, _ in local_runs), 3),
            "tests": local_runs[0][1],
        },
    }
    result["docker_over_local"] = round(
        result["docker"]["verify_s"] / result["local"]["verify_s"], 2
    )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
