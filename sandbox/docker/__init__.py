"""The Docker backend: a locked-down container per run, its workspace mirror, its reaper.

engine.py     connect to an engine, or say how to start one
sandbox.py    DockerSandbox: the container, exec, kill and OOM interpretation
execution.py  one exec: in-container timeout, host watchdog, capped demuxed output
sync.py       the workspace mirror, synced both ways around each command
reaper.py     labels, close-at-exit, reap_orphans
limits.py     memory / cpu / pids / tmpfs / output ceilings
services.sh   PostgreSQL and Redis inside the container
"""

from sandbox.docker.engine import DEFAULT_DOCKER_URL, EngineUnavailable, connect
from sandbox.docker.limits import Limits
from sandbox.docker.reaper import LABEL, reap_orphans
from sandbox.docker.sandbox import DockerSandbox

__all__ = [
    "DEFAULT_DOCKER_URL",
    "LABEL",
    "DockerSandbox",
    "EngineUnavailable",
    "Limits",
    "connect",
    "reap_orphans",
]
