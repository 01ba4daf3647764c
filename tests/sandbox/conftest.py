"""Fixtures of the sandbox tests: a real Docker engine, the real image, small limits."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import pytest

from sandbox.docker import DEFAULT_DOCKER_URL, DockerSandbox, EngineUnavailable, Limits, connect
from sandbox.image import ensure_image
from sandbox.image.inputs import base_hash
from sandbox.image.offline import DEBIAN_MIRROR, ensure_base

CACHE_DIR = Path.home() / ".cache" / "backend-agent"
SMALL = Limits(memory="256m", cpus=1.0, pids=64, tmp_size="256m", watchdog_grace_s=10)
STANDIN = f"backend-agent-test-python-slim:{base_hash()}"


def python_slim_standin(client: docker.DockerClient) -> str:
    """A local stand-in for python:3.11-slim (no registry here): Debian bookworm with
    python3 linked where python:3.11-slim keeps it. Built once per base, then kept."""
    try:
        client.images.get(STANDIN)
        return STANDIN
    except docker.errors.ImageNotFound:
        pass
    tar = ensure_base(CACHE_DIR, DEBIAN_MIRROR)
    imported = f"{STANDIN}-rootfs"
    repository, tag = imported.rsplit(":", 1)
    client.api.import_image_from_file(str(tar), repository=repository, tag=tag)
    layer = f"FROM {imported}\nRUN ln -sf /usr/bin/python3 /usr/local/bin/python3\n"
    client.images.build(fileobj=io.BytesIO(layer.encode()), tag=STANDIN, rm=True)
    client.images.remove(imported, noprune=True)
    return STANDIN


def services_answer(box: DockerSandbox) -> None:
    """Start PostgreSQL and Redis inside `box`; the runtime's drivers (and the generated
    service's main packages) must reach them: a query answers 42, a ping True."""
    services = box.start_services()
    assert box.start_services() == services  # idempotent
    code = (
        "import asyncio, sys, asyncpg, redis, fastapi, sqlalchemy, alembic\n"
        "async def main():\n"
        "    conn = await asyncpg.connect(sys.argv[1])\n"
        "    print(await conn.fetchval('select 40 + 2'))\n"
        "    await conn.close()\n"
        "asyncio.run(main())\n"
        "print(redis.Redis.from_url(sys.argv[2]).ping())\n"
    )
    argv = [box.python, "-c", code, services.postgres_url, services.redis_url]
    result = box.run(argv, timeout=60)
    assert result.stdout.split() == ["42", "True"], result.stderr


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    try:
        return connect(DEFAULT_DOCKER_URL)
    except EngineUnavailable as exc:
        pytest.fail(f"the docker tests need an engine: {exc}")


@pytest.fixture(scope="session")
def image(docker_client: docker.DockerClient) -> str:
    return ensure_image(docker_client, CACHE_DIR)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


@pytest.fixture
def box(
    docker_client: docker.DockerClient, image: str, workspace: Path, tmp_path: Path
) -> Iterator[DockerSandbox]:
    sandbox = DockerSandbox.open(
        docker_client,
        image,
        workspace,
        mirror_root=tmp_path / "mirrors",
        run_id="pytest",
        limits=SMALL,
    )
    yield sandbox
    sandbox.close()
