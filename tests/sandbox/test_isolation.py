"""What generated code cannot do inside the Docker sandbox (real engine, real image)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import threading
import time
from pathlib import Path

import docker
import pytest

from sandbox.base import CommandResult
from sandbox.docker import DockerSandbox
from tests.sandbox.conftest import SMALL, services_answer

pytestmark = pytest.mark.docker


def test_generated_test_opening_an_outside_socket_fails(box: DockerSandbox) -> None:
    """A generated pytest that connects to an outside address fails: no network inside."""
    (box.workspace / "test_net.py").write_text(
        "import socket\n\n"
        "def test_outside():\n"
        "    socket.create_connection(('1.1.1.1', 53), timeout=3).close()\n"
    )
    result = box.run([box.python, "-m", "pytest", "-q", "test_net.py"], timeout=60)
    assert result.exit_code == 1
    assert "Network is unreachable" in result.stdout


def test_allocating_twice_the_memory_limit_is_reported_as_oom(box: DockerSandbox) -> None:
    """2x the memory limit gets the process OOM-killed and reported as such, fast, not a hang."""
    code = "chunks = [b'x' * (16 << 20) for _ in range(32)]"  # 512 MiB against 256 MiB
    result = box.run([box.python, "-c", code], timeout=60)
    assert result.oom_killed
    assert not result.timed_out
    assert result.exit_code == 137
    assert result.duration_s < 30
    assert box.run(["true"], timeout=10).ok  # the sandbox lives on


def test_fork_bomb_is_contained_and_the_host_stays_responsive(box: DockerSandbox) -> None:
    """A shell fork bomb hits the pids limit, dies at the timeout, and the host keeps answering.

    The shell `exec`s its last command, so it needs no fork of its own once the bomb has
    taken every pid: the run always ends at the timeout (it used to end early, now and then,
    when the shell could not fork `sleep`)."""
    host_latencies: list[float] = []

    def probe_host() -> None:
        for _ in range(5):
            started = time.monotonic()
            subprocess.run(["true"], check=True)
            host_latencies.append(time.monotonic() - started)
            time.sleep(0.5)

    prober = threading.Thread(target=probe_host)
    prober.start()
    result = box.run(["sh", "-c", "bomb() { bomb | bomb & }; bomb; exec sleep 30"], timeout=4)
    prober.join()
    assert result.timed_out
    assert max(host_latencies) < 2.0
    ps = _answer_once_the_bomb_is_gone(box)
    assert ps.ok and int(ps.stdout) < SMALL.pids


def _answer_once_the_bomb_is_gone(box: DockerSandbox) -> CommandResult:
    """`ps` in the box, retried while the last of the bomb's shells still hold the pids."""
    deadline = time.monotonic() + 30
    while True:
        ps = box.run(["sh", "-c", "ps -e --no-headers | wc -l"], timeout=20)
        if ps.ok or time.monotonic() > deadline:
            return ps
        time.sleep(1)


def test_infinite_loop_is_cut_at_the_timeout(box: DockerSandbox) -> None:
    """`while True: pass` is killed inside the container at its timeout and reported timed_out."""
    result = box.run([box.python, "-c", "while True: pass"], timeout=2)
    assert result.timed_out
    assert not result.ok
    assert 2 <= result.duration_s < 8


def test_no_host_secret_is_visible_inside(
    docker_client: docker.DockerClient,
    image: str,
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Secrets in the host environment (API keys, tokens) never reach `os.environ` inside."""
    secrets = {"ANTHROPIC_API_KEY": "sk-ant-fake-123", "GITHUB_TOKEN": "ghp_fake_456"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    box = DockerSandbox.open(
        docker_client,
        image,
        workspace,
        mirror_root=tmp_path / "m",
        run_id="pytest-env",
        limits=SMALL,
    )
    try:
        code = "import json, os; print(json.dumps(dict(os.environ)))"
        seen = json.loads(box.run([box.python, "-c", code], timeout=30).stdout)
        passed = box.run(["printenv", "ONLY_THIS"], timeout=10, env={"ONLY_THIS": "yes"})
    finally:
        box.close()
    assert not set(secrets) & set(seen)
    assert not any(value in json.dumps(seen) for value in secrets.values())
    assert passed.stdout == "yes\n"


def test_postgres_and_redis_answer_after_start_services(box: DockerSandbox) -> None:
    """start_services() brings up both servers inside; the runtime's drivers reach them."""
    services_answer(box)


def test_stdout_and_stderr_come_back_apart_and_capped(box: DockerSandbox) -> None:
    """Both streams are kept apart with the exit code; a flood is cut to the cap, tail kept."""
    split = box.run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=10)
    assert (split.exit_code, split.stdout, split.stderr) == (3, "out\n", "err\n")
    flood = box.run([box.python, "-c", "print('x' * 2_000_000 + 'END')"], timeout=30)
    assert flood.truncated
    assert len(flood.stdout) == SMALL.output_cap
    assert flood.stdout.endswith("END\n")


def test_cwd_cannot_leave_the_workspace(box: DockerSandbox) -> None:
    """A cwd that climbs out of /workspace is refused before anything runs."""
    from sandbox.base import SandboxError

    with pytest.raises(SandboxError):
        box.run(["true"], timeout=5, cwd="../etc")


def test_host_watchdog_restarts_a_wedged_container(
    docker_client: docker.DockerClient, image: str, workspace: Path, tmp_path: Path
) -> None:
    """A frozen container (the in-container timeout cannot fire) is cut by the host watchdog."""
    limits = dataclasses.replace(SMALL, watchdog_grace_s=2)
    box = DockerSandbox.open(
        docker_client,
        image,
        workspace,
        mirror_root=tmp_path / "m",
        run_id="pytest-watchdog",
        limits=limits,
    )
    try:
        freeze = threading.Timer(0.5, docker_client.containers.get(box.container_name).pause)
        freeze.start()
        result = box.run(["sleep", "30"], timeout=1)
        assert result.timed_out
        assert result.duration_s < 10
        assert box.run(["echo", "alive"], timeout=10).stdout == "alive\n"
    finally:
        box.close()
