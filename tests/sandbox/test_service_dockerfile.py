"""The generated service's Dockerfile builds and its image serves: built on a local stand-in
for python:3.11-slim (no registry here: Debian bookworm's Python 3.11 with a pip at
/usr/local, as the real image has), pip taking the wheelhouse from the host over HTTP
through the Dockerfile's own build arguments; the container migrates the machine's
PostgreSQL (`--network host`) and answers /health with 200 on `$PORT`."""

from __future__ import annotations

import functools
import http.server
import io
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import httpx
import pytest

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from sandbox.image import ensure_wheelhouse
from sandbox.image.inputs import base_hash
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.e2e.helpers import free_port, fresh_database
from tests.sandbox.conftest import CACHE_DIR, python_slim_standin

pytestmark = [pytest.mark.docker, pytest.mark.slow]

EXAMPLE = Path(__file__).parents[2] / "examples" / "taskboard.json"
WITH_PIP = f"backend-agent-test-python-slim-pip:{base_hash()}"


def _slim_with_pip(client: docker.DockerClient) -> str:
    """The stand-in with `python` and `pip` in /usr/local/bin, as python:3.11-slim has them
    (a virtualenv at /usr/local: Debian's own Python refuses pip installs)."""
    try:
        client.images.get(WITH_PIP)
    except docker.errors.ImageNotFound:
        layer = f"FROM {python_slim_standin(client)}\nRUN python3 -m venv /usr/local\n"
        client.images.build(fileobj=io.BytesIO(layer.encode()), tag=WITH_PIP, rm=True)
    return WITH_PIP


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def wheels_url() -> Iterator[str]:
    """The wheelhouse served on the host's loopback, as pip's find-links."""
    handler = functools.partial(_Quiet, directory=str(ensure_wheelhouse(CACHE_DIR)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture
def service_image(
    docker_client: docker.DockerClient, wheels_url: str, tmp_path: Path, service_python: Path
) -> Iterator[str]:
    """The example's service built from its own Dockerfile, as generated."""
    spec = compile_backlog(load_backlog(EXAMPLE))
    box = LocalSandbox(tmp_path, service_python, HOST_SERVICES)
    for item in spec.item_ids():
        scaffold_item(tmp_path, spec, item, ruff_formatter(box))
    tag = f"backend-agent-test-service:{uuid.uuid4().hex[:8]}"
    args = {
        "BASE": _slim_with_pip(docker_client),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": wheels_url,
    }
    try:
        docker_client.images.build(
            path=str(tmp_path), tag=tag, buildargs=args, network_mode="host", rm=True, forcerm=True
        )
    except docker.errors.BuildError as exc:
        log = "".join(str(step.get("stream", "")) for step in exc.build_log)
        pytest.fail(f"the generated Dockerfile did not build: {exc.msg}\n{log[-3000:]}")
    yield tag
    docker_client.images.remove(tag, force=True)


def _healthy(port: int, limit_s: float) -> int | None:
    deadline = time.monotonic() + limit_s
    status = None
    while time.monotonic() < deadline:
        try:
            status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code
        except httpx.TransportError:
            status = None
        if status == 200:
            return status
        time.sleep(0.5)
    return status


def test_the_generated_dockerfile_builds_and_its_image_serves(
    docker_client: docker.DockerClient, service_image: str
) -> None:
    """The image's own command (alembic upgrade head, then uvicorn on $PORT) brings the
    service up against a fresh database: /health answers 200, the tables are there."""
    name = f"ba_t_docker_{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {
        "DATABASE_URL": fresh_database(name),
        "JWT_SECRET": uuid.uuid4().hex,
        "PORT": str(port),
    }
    container = docker_client.containers.run(
        service_image, detach=True, network_mode="host", environment=env
    )
    try:
        status = _healthy(port, 90)
        logs = container.logs().decode(errors="replace")[-3000:]
        assert status == 200, logs
        tables = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-Atc", "\\dt"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PGCONNECT_TIMEOUT": "5"},
        ).stdout
        assert "|tasks|" in tables and "|alembic_version|" in tables, tables
    finally:
        container.remove(force=True)
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-c",
                f'DROP DATABASE "{name}" WITH (FORCE)',
            ],
            capture_output=True,
            check=False,
        )
