"""`DockerSandbox`: one long-lived, locked-down container per run; commands by exec."""

from __future__ import annotations

import contextlib
import logging
import posixpath
import re
import secrets
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import docker
import docker.errors
from docker.models.containers import Container

from sandbox.base import CommandResult, SandboxError, Services
from sandbox.docker import reaper
from sandbox.docker.execution import SIGKILL_EXIT, ExecOutcome, in_container_argv, run_exec
from sandbox.docker.limits import Limits
from sandbox.docker.sync import WorkspaceMirror

log = logging.getLogger(__name__)

WORKDIR = "/workspace"
USER = "1000:1000"
PYTHON = "/opt/runtime/bin/python"
WHEELHOUSE = "/wheelhouse"  # the host's wheelhouse, mounted read-only when given
BASE_ENV = {
    "PATH": "/opt/runtime/bin:/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "XDG_CACHE_HOME": "/tmp/.cache",
}
"""The container's whole environment: nothing of the host's is ever added."""
SERVICES = Services(
    postgres_url="postgresql://postgres@127.0.0.1:5432/postgres",
    redis_url="redis://127.0.0.1:6379/0",
)
OOM_COUNTER = (
    "cat /sys/fs/cgroup/memory.events 2>/dev/null "
    "|| cat /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null || true"
)


def _volumes(mirror: Path, wheelhouse: Path | None) -> dict[str, dict[str, str]]:
    volumes = {str(mirror): {"bind": WORKDIR, "mode": "rw"}}
    if wheelhouse is not None:
        volumes[str(wheelhouse)] = {"bind": WHEELHOUSE, "mode": "ro"}
    return volumes


def _container_config(
    image: str,
    mirror: Path,
    limits: Limits,
    labels: dict[str, str],
    ncpu: int,
    *,
    wheelhouse: Path | None = None,
) -> dict[str, object]:
    return {
        "image": image,
        "command": ["sleep", "infinity"],
        "detach": True,
        "init": True,
        "user": USER,
        "working_dir": WORKDIR,
        "environment": dict(BASE_ENV),
        "network_mode": "none",
        "read_only": True,
        "labels": labels,
        "hostname": "sandbox",
        "volumes": _volumes(mirror, wheelhouse),
        # exec: the package gate's clean virtualenv lives here, and its compiled extensions
        # must map executable (noexec would not hold back Python code anyway).
        "tmpfs": {"/tmp": f"rw,exec,nosuid,nodev,size={limits.tmp_size},mode=1777"},
        "mem_limit": limits.memory,
        "memswap_limit": limits.memory,
        "nano_cpus": int(min(limits.cpus, ncpu) * 1e9),
        "pids_limit": limits.pids,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
    }


def _oom_kills(counter_text: str) -> int:
    match = re.search(r"^oom_kill (\d+)$", counter_text, re.MULTILINE)
    return int(match.group(1)) if match else 0


class DockerSandbox:
    """A `Sandbox` in a Docker container: no network, non-root, limited, removed on close.

    Build it with `DockerSandbox.open(...)`. `workspace` is the host folder; the container
    sees a mirror of it at /workspace (see `sync.py` for why a mirror), synced both ways
    around every `run()`. A wheelhouse given to `open` is at /wheelhouse, read-only.
    """

    name = "docker"
    python = PYTHON

    def __init__(
        self,
        client: docker.DockerClient,
        container: Container,
        mirror: WorkspaceMirror,
        limits: Limits,
        wheelhouse: str | None = None,
    ) -> None:
        self.workspace = mirror.source
        self.wheelhouse = wheelhouse
        self.container_name: str = container.name
        self._client = client
        self._container = container
        self._mirror = mirror
        self._limits = limits
        self._services: Services | None = None
        self._oom_seen = 0
        self._closed = False

    @classmethod
    def open(
        cls,
        client: docker.DockerClient,
        image: str,
        workspace: Path,
        *,
        mirror_root: Path,
        run_id: str,
        limits: Limits | None = None,
        wheelhouse: Path | None = None,
    ) -> DockerSandbox:
        """Start the run's container from `image` with `workspace` mirrored at /workspace
        (and the host folder `wheelhouse`, when given, read-only at /wheelhouse)."""
        limits = limits or Limits()
        slug = re.sub(r"[^a-zA-Z0-9_.-]", "-", run_id)[:40]
        name = f"backend-agent-{slug}-{secrets.token_hex(3)}"
        mirror = WorkspaceMirror(workspace.resolve(), mirror_root / name, owner=(1000, 1000))
        labels = reaper.owner_labels(run_id, mirror.mirror)
        ncpu = int(client.info().get("NCPU", 1))
        try:
            config = _container_config(
                image, mirror.mirror, limits, labels, ncpu, wheelhouse=wheelhouse
            )
            container = client.containers.run(name=name, **config)
        except docker.errors.DockerException as exc:
            mirror.remove()
            raise SandboxError(f"starting the sandbox container failed: {exc}") from exc
        sandbox = cls(client, container, mirror, limits, WHEELHOUSE if wheelhouse else None)
        reaper.track(sandbox)
        return sandbox

    def start_services(self) -> Services:
        if self._services is not None:
            return self._services
        script = resources.files("sandbox.docker").joinpath("services.sh").read_text()
        result = self._exec(["sh", "-c", script], timeout=90, workdir="/tmp", env={})
        if not result.ok:
            raise SandboxError(f"services did not start in the sandbox:\n{result.stderr[-2000:]}")
        self._services = SERVICES
        return SERVICES

    def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        cwd: str = ".",
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        workdir = posixpath.normpath(posixpath.join(WORKDIR, cwd))
        if workdir != WORKDIR and not workdir.startswith(WORKDIR + "/"):
            raise SandboxError(f"cwd {cwd!r} leaves the workspace")
        self._mirror.push()
        try:
            return self._exec(argv, timeout=timeout, workdir=workdir, env=env or {})
        finally:
            self._mirror.pull()

    def _exec(
        self, argv: Sequence[str], *, timeout: float, workdir: str, env: Mapping[str, str]
    ) -> CommandResult:
        if self._closed:
            raise SandboxError("the sandbox is closed")
        try:
            outcome = run_exec(
                self._client.api,
                self._container.id,
                in_container_argv(argv, timeout),
                workdir=workdir,
                env=env,
                user=USER,
                deadline_s=timeout + self._limits.watchdog_grace_s,
                output_cap=self._limits.output_cap,
            )
        except docker.errors.APIError as exc:
            raise SandboxError(f"exec in the sandbox failed: {exc.explanation}") from exc
        return self._interpret(tuple(argv), outcome, timeout)

    def _interpret(
        self, argv: tuple[str, ...], outcome: ExecOutcome, timeout: float
    ) -> CommandResult:
        stderr = outcome.stderr
        if outcome.exit_code is None:
            self._restart_wedged()
            stderr += f"\n[sandbox] no answer {self._limits.watchdog_grace_s}s past the timeout"
        timed_out = outcome.exit_code is None or (
            outcome.exit_code == SIGKILL_EXIT and outcome.duration_s >= timeout
        )
        oom = outcome.exit_code not in (0, None) and self._new_oom_kill()
        return CommandResult(
            argv=argv,
            exit_code=SIGKILL_EXIT if outcome.exit_code is None else outcome.exit_code,
            stdout=outcome.stdout,
            stderr=stderr,
            duration_s=outcome.duration_s,
            timed_out=timed_out and not oom,
            oom_killed=oom,
            truncated=outcome.truncated,
        )

    def _new_oom_kill(self) -> bool:
        """True when the container's cgroup counted an OOM kill since the last look."""
        exec_id = self._client.api.exec_create(
            self._container.id, ["sh", "-c", OOM_COUNTER], user=USER
        )["Id"]
        raw = self._client.api.exec_start(exec_id)
        count = _oom_kills(raw.decode(errors="replace"))
        seen, self._oom_seen = self._oom_seen, count
        return count > seen

    def _restart_wedged(self) -> None:
        """The in-container timeout did not end the command: restart the whole container."""
        log.warning("sandbox %s wedged past a timeout; restarting it", self.container_name)
        self._container.restart(timeout=0)
        self._services = None
        self._oom_seen = 0

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        reaper.untrack(self)
        with contextlib.suppress(docker.errors.NotFound):
            self._container.remove(force=True, v=True)
        self._mirror.remove()
