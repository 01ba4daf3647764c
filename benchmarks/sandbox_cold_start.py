"""Sandbox cold start against a bare container start, plus the per-command overhead.

Prints one JSON object (median of --repeat runs, seconds):
- `bare_container_s`: `docker run --rm IMAGE true` through the SDK: the engine's floor.
- `sandbox_up_s`: DockerSandbox.open: mirror, locked-down container started.
- `services_ready_s`: start_services(): initdb in tmpfs, PostgreSQL and Redis answering.
- `cold_start_s`: the two together, what a run waits for before its first verify.
- `exec_overhead_s`: a warm `true` through run() (sync both ways + exec + kill check).
- `warm_verify_s`: a warm verify stand-in on a small FastAPI app (ruff check, pytest with
  coverage and junit); the real example service replaces it once the graph runs verify.
- `close_s`: removing the container and its mirror.

Usage: .venv/bin/python benchmarks/sandbox_cold_start.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import docker

from sandbox.docker import DockerSandbox, connect
from sandbox.image import ensure_image

T = TypeVar("T")
CACHE_DIR = Path.home() / ".cache" / "backend-agent"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/health')\ndef health() -> dict[str, str]:\n    return {'status': 'ok'}\n"  # noqa: E501
TEST = "from fastapi.testclient import TestClient\n\nfrom app import app\n\n\ndef test_health() -> None:\n    assert TestClient(app).get('/health').json() == {'status': 'ok'}\n"  # noqa: E501
VERIFY = [
    ["ruff", "check", "."],
    [
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--cov=app",
        "--cov-report=json:coverage.json",
        "--junitxml=junit.xml",
    ],
]


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    value = action()
    return value, time.monotonic() - started


def one_round(client: docker.DockerClient, image: str) -> dict[str, float]:
    _, bare = timed(lambda: client.containers.run(image, ["true"], remove=True))
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        (workspace / "app.py").write_text(APP)
        (workspace / "test_app.py").write_text(TEST)
        box, up = timed(
            lambda: DockerSandbox.open(
                client, image, workspace, mirror_root=CACHE_DIR / "mirrors", run_id="benchmark"
            )
        )
        _, services = timed(box.start_services)
        _, overhead = timed(lambda: box.run(["true"], timeout=30))
        results, verify = timed(lambda: [box.run(argv, timeout=300) for argv in VERIFY])
        assert all(r.ok for r in results), [r.stdout + r.stderr for r in results]
        _, close = timed(box.close)
    return {
        "bare_container_s": bare,
        "sandbox_up_s": up,
        "services_ready_s": services,
        "cold_start_s": up + services,
        "exec_overhead_s": overhead,
        "warm_verify_s": verify,
        "close_s": close,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    client = connect()
    image = ensure_image(client, CACHE_DIR)
    rounds = [one_round(client, image) for _ in range(args.repeat)]
    figures = {key: round(statistics.median(r[key] for r in rounds), 3) for key in rounds[0]}
    ratio = figures["cold_start_s"] / figures["bare_container_s"]
    print(
        json.dumps(
            {
                "image": image,
                "repeat": args.repeat,
                **figures,
                "cold_start_vs_bare": round(ratio, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
