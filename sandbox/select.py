"""Choosing where generated code runs: `open_sandbox("auto" | "docker" | "local", ...)`.

`auto` means Docker whenever an engine answers, and a clear error otherwise: generated code
never falls back to running on the host by itself. `local` runs it on the host, unisolated,
only because the caller asked.

"No engine" is an `EngineUnavailable` (a `SandboxError`) whose message says how to start
one; the edge turns it into the operator error it reports.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from sandbox.base import Sandbox, Services
from sandbox.docker import (
    DEFAULT_DOCKER_URL,
    DockerSandbox,
    Limits,
    connect,
    reap_orphans,
)
from sandbox.image import BuildRoute, ensure_image, ensure_wheelhouse
from sandbox.local import LocalSandbox
from sandbox.runtime import ensure_runtime

log = logging.getLogger(__name__)

SandboxKind = Literal["auto", "docker", "local"]


def open_sandbox(
    kind: SandboxKind,
    workspace: Path,
    *,
    cache_dir: Path,
    host_services: Services,
    run_id: str,
    docker_url: str = DEFAULT_DOCKER_URL,
    limits: Limits | None = None,
    image_route: BuildRoute = "auto",
) -> Sandbox:
    """Open the sandbox of one run on `workspace`; the caller must `close()` it.

    - `kind`: `auto` and `docker` both need a Docker engine at `docker_url` (the edge passes
      DOCKER_HOST here when set) and raise `EngineUnavailable` saying how to start one;
      `local` runs on the host with the runtime venv and `host_services`, and logs a warning.
    - `cache_dir`: where the wheelhouse, the offline image's Debian root filesystem, the
      local runtime venv and the workspace mirrors live (e.g. `~/.cache/backend-agent`).
      Either sandbox gets the wheelhouse (Docker: read-only at /wheelhouse), so the
      generated service can be installed from its own pyproject offline.
    - `host_services`: the PostgreSQL and Redis the local backend hands out (unused by
      Docker, whose servers run inside the container).
    - `run_id`: labels the container so a later run can tell whose it is.
    - `limits`, `image_route`: the container's ceilings, and how a missing image is built.
    """
    if kind == "local":
        log.warning("sandbox=local: generated code runs on this machine, UNISOLATED")
        runtime = ensure_runtime(cache_dir)
        return LocalSandbox(workspace, runtime, host_services, ensure_wheelhouse(cache_dir))
    client = connect(docker_url)
    reaped = reap_orphans(client)
    if reaped:
        log.info("reaped %d orphaned sandbox container(s): %s", len(reaped), ", ".join(reaped))
    image = ensure_image(client, cache_dir, route=image_route)
    return DockerSandbox.open(
        client,
        image,
        workspace,
        mirror_root=cache_dir / "mirrors",
        run_id=run_id,
        limits=limits,
        wheelhouse=ensure_wheelhouse(cache_dir),
    )
