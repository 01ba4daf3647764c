"""Our containers are labelled; those whose owner died are reaped, now or by a later run.

Labels: `backend-agent.sandbox=1` marks every container of ours; `run-id`, `owner-host` and
`owner-pid` say whose it is; `mirror` is its workspace mirror folder on the owner's host.
A process that exits normally closes its sandboxes (atexit, and SIGTERM turned into a
normal exit where that is ours to decide); one killed outright leaves them behind for
`reap_orphans()`, which the next `open_sandbox` calls.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Protocol

import docker
import docker.errors

LABEL = "backend-agent.sandbox"
MAX_AGE_S = 24 * 3600.0
"""A container older than this is reaped whoever owns it (its owner is surely stuck)."""


class Closable(Protocol):
    def close(self) -> None: ...


_open: set[Closable] = set()
_lock = threading.Lock()
_hooks_installed = False


def owner_labels(run_id: str, mirror: Path) -> dict[str, str]:
    """The labels a new container of this process carries."""
    return {
        LABEL: "1",
        f"{LABEL}.run-id": run_id,
        f"{LABEL}.owner-host": socket.gethostname(),
        f"{LABEL}.owner-pid": str(os.getpid()),
        f"{LABEL}.mirror": str(mirror),
    }


def _close_all() -> None:
    with _lock:
        pending = list(_open)
    for sandbox in pending:
        with contextlib.suppress(Exception):
            sandbox.close()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _install_hooks() -> None:
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(_close_all)
    # Only take SIGTERM when nobody else did, and only where Python allows it.
    in_main = threading.current_thread() is threading.main_thread()
    if in_main and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def track(sandbox: Closable) -> None:
    """Close `sandbox` when this process exits, unless it was closed before."""
    with _lock:
        _install_hooks()
        _open.add(sandbox)


def untrack(sandbox: Closable) -> None:
    with _lock:
        _open.discard(sandbox)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_orphan(labels: dict[str, str], created: str, now: float) -> bool:
    age = now - datetime.fromisoformat(created[:26].rstrip("Z") + "+00:00").timestamp()
    if age > MAX_AGE_S:
        return True
    if labels.get(f"{LABEL}.owner-host") != socket.gethostname():
        return False  # another machine's: only its age can tell
    pid = labels.get(f"{LABEL}.owner-pid", "")
    return not (pid.isdigit() and _pid_alive(int(pid)))


def reap_orphans(client: docker.DockerClient) -> list[str]:
    """Remove our containers whose owner process is gone; return their names."""
    reaped: list[str] = []
    now = time.time()
    for container in client.containers.list(all=True, filters={"label": f"{LABEL}=1"}):
        labels: dict[str, str] = container.labels
        if not _is_orphan(labels, container.attrs["Created"], now):
            continue
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True, v=True)
        mirror = labels.get(f"{LABEL}.mirror")
        if mirror and labels.get(f"{LABEL}.owner-host") == socket.gethostname():
            shutil.rmtree(mirror, ignore_errors=True)
        reaped.append(container.name)
    return reaped
