"""Reaching a Docker engine, or saying clearly how to start one."""

from __future__ import annotations

import docker
import docker.errors
import requests

from sandbox.base import SandboxError

DEFAULT_DOCKER_URL = "unix:///var/run/docker.sock"
HOW_TO_START = (
    "start one with `bash scripts/ensure-docker.sh` (installs docker.io and runs dockerd), "
    "or `sudo dockerd &`; point DOCKER_HOST at a remote engine; or pass `--sandbox local` "
    "to run generated code unisolated on this machine"
)


class EngineUnavailable(SandboxError):
    """No Docker engine answers at the given address."""


def connect(base_url: str = DEFAULT_DOCKER_URL, *, timeout: float = 10.0) -> docker.DockerClient:
    """Return a client of the engine at `base_url` after it answered a ping."""
    try:
        client = docker.DockerClient(base_url=base_url, timeout=int(timeout))
        client.ping()
    except (docker.errors.DockerException, requests.RequestException) as exc:
        raise EngineUnavailable(
            f"no Docker engine answers at {base_url} ({exc.__class__.__name__}); {HOW_TO_START}"
        ) from exc
    return client
