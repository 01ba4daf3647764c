"""Containers of ours never outlive their run: closed, reaped after a crash, or refused early."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import docker
import pytest

from sandbox.base import Services
from sandbox.docker import LABEL, DockerSandbox, EngineUnavailable, reap_orphans
from sandbox.select import open_sandbox
from tests.sandbox.conftest import CACHE_DIR, SMALL

ROOT = Path(__file__).resolve().parents[2]
HOST_SERVICES = Services("postgresql://postgres@127.0.0.1:5432/postgres", "redis://127.0.0.1/0")


def _ours(client: docker.DockerClient, name: str) -> list[str]:
    found = client.containers.list(all=True, filters={"label": f"{LABEL}=1", "name": name})
    return [c.name for c in found if c.name == name]


@pytest.mark.docker
def test_close_removes_the_container_and_its_mirror(
    docker_client: docker.DockerClient, image: str, workspace: Path, tmp_path: Path
) -> None:
    """After close() (twice: idempotent) neither the container nor its mirror folder is left."""
    box = DockerSandbox.open(
        docker_client,
        image,
        workspace,
        mirror_root=tmp_path / "m",
        run_id="pytest-close",
        limits=SMALL,
    )
    assert _ours(docker_client, box.container_name)
    box.close()
    box.close()
    assert not _ours(docker_client, box.container_name)
    assert not any((tmp_path / "m").iterdir())


@pytest.mark.docker
def test_a_run_killed_midway_leaves_a_container_that_reaping_removes(
    docker_client: docker.DockerClient, image: str, workspace: Path, tmp_path: Path
) -> None:
    """SIGKILL skips every cleanup; reap_orphans() (a later run) removes what it left."""
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from sandbox.docker import DockerSandbox, connect
        box = DockerSandbox.open(connect(), {image!r}, Path({str(workspace)!r}),
                                 mirror_root=Path({str(tmp_path / "m")!r}), run_id="pytest-kill")
        print(box.container_name, flush=True)
        time.sleep(120)
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    name = child.stdout.readline().strip()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert _ours(docker_client, name), "the killed run's container should still be there"
    assert name in reap_orphans(docker_client)
    assert not _ours(docker_client, name)


@pytest.mark.docker
def test_sigterm_closes_the_sandbox(
    image: str, workspace: Path, tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    """A run stopped with SIGTERM removes its own container on the way out."""
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from sandbox.docker import DockerSandbox, connect
        box = DockerSandbox.open(connect(), {image!r}, Path({str(workspace)!r}),
                                 mirror_root=Path({str(tmp_path / "m")!r}), run_id="pytest-term")
        print(box.container_name, flush=True)
        time.sleep(120)
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    name = child.stdout.readline().strip()
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=30)
    assert not _ours(docker_client, name)


def test_auto_without_an_engine_says_how_to_start_one(tmp_path: Path) -> None:
    """No engine at the given address and no `local` flag: a clear EngineUnavailable."""
    with pytest.raises(EngineUnavailable) as raised:
        open_sandbox(
            "auto",
            tmp_path,
            cache_dir=tmp_path / "cache",
            host_services=HOST_SERVICES,
            run_id="pytest",
            docker_url=f"unix://{tmp_path}/dead.sock",
        )
    assert "ensure-docker.sh" in str(raised.value)
    assert "--sandbox local" in str(raised.value)


@pytest.mark.docker
def test_auto_with_an_engine_opens_a_docker_sandbox(image: str, tmp_path: Path) -> None:
    """With an engine answering, `auto` is Docker: commands run as the sandbox user inside."""
    workspace = tmp_path / "repo"
    workspace.mkdir()
    box = open_sandbox(
        "auto",
        workspace,
        cache_dir=CACHE_DIR,
        host_services=HOST_SERVICES,
        run_id="pytest-auto",
        limits=SMALL,
    )
    try:
        assert box.name == "docker"
        assert box.run(["id", "-un"], timeout=10).stdout == "sandbox\n"
    finally:
        box.close()


def test_local_is_explicit_and_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`local` runs on the host only when asked, and says loudly that it is unisolated."""
    with caplog.at_level(logging.WARNING):
        box = open_sandbox(
            "local",
            tmp_path,
            cache_dir=CACHE_DIR,
            host_services=HOST_SERVICES,
            run_id="pytest-local",
        )
    assert box.name == "local"
    assert "UNISOLATED" in caplog.text
    assert box.start_services() == HOST_SERVICES
