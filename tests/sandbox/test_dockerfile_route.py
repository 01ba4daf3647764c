"""The registry route (`Dockerfile` on python:3.11-slim), built where no registry answers:
a local stand-in for python:3.11-slim (Debian bookworm's Python 3.11 at the same path)
takes the base's place through the Dockerfile's BASE argument; every step of the route
itself (apt, the wheelhouse, the runtime, user and PATH) runs as it would on the real base."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import pytest

from sandbox.check import run_check
from sandbox.docker import DockerSandbox
from sandbox.image.dockerfile import build_from_dockerfile
from sandbox.image.inputs import inputs_hash
from tests.sandbox.conftest import CACHE_DIR, SMALL, python_slim_standin, services_answer

pytestmark = [pytest.mark.docker, pytest.mark.slow]

BUILT = f"backend-agent-sandbox-dockerfile-route:{inputs_hash()}"


@pytest.fixture(scope="module")
def dockerfile_image(docker_client: docker.DockerClient) -> Iterator[str]:
    build_from_dockerfile(docker_client, BUILT, CACHE_DIR, base=python_slim_standin(docker_client))
    yield BUILT
    docker_client.images.remove(BUILT, force=True)


def test_the_dockerfile_route_builds_an_isolated_sandbox(
    docker_client: docker.DockerClient, dockerfile_image: str
) -> None:
    """The image built from the Dockerfile passes every isolation property of `sandbox
    check` (no network, no host env, non-root, memory, pids and time limits enforced)."""
    findings = run_check(docker_client, dockerfile_image, cache_dir=CACHE_DIR, limits=SMALL)
    assert findings["ok"] is True, findings


def test_the_dockerfile_image_runs_postgres_redis_and_the_runtime(
    docker_client: docker.DockerClient, dockerfile_image: str, tmp_path: Path
) -> None:
    """PostgreSQL and Redis start inside, and the runtime from the wheelhouse reaches them."""
    box = DockerSandbox.open(
        docker_client, dockerfile_image, tmp_path, mirror_root=tmp_path / "m",
        run_id="pytest-dockerfile-route", limits=SMALL,
    )  # fmt: skip
    try:
        services_answer(box)
    finally:
        box.close()
