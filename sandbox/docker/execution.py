"""One command in a running container: exec, a timeout inside, a watchdog outside.

The command runs as `timeout -s KILL T argv...`: coreutils' timeout puts itself and the
command in a process group and kills the whole group when T passes, inside the container.
The host reads both streams apart (demux) on a thread and keeps each one's tail; if the
stream has not ended `grace` seconds after T (the container is wedged), it gives up and
reports a timeout, and the caller restarts the container.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import docker

SIGKILL_EXIT = 137


class OutputTail:
    """The last `cap` bytes of one stream, and whether anything before them was dropped."""

    def __init__(self, cap: int) -> None:
        self._cap = cap
        self._buf = bytearray()
        self._dropped = False

    def add(self, chunk: bytes) -> None:
        self._buf += chunk
        if len(self._buf) > 2 * self._cap:
            del self._buf[: -self._cap]
            self._dropped = True

    def text(self) -> tuple[str, bool]:
        """The kept tail decoded (bad bytes replaced), and whether it was cut."""
        data = bytes(self._buf)
        cut = self._dropped or len(data) > self._cap
        return data[-self._cap :].decode("utf-8", errors="replace"), cut


@dataclass(frozen=True)
class ExecOutcome:
    """What came back from one exec, before the sandbox interprets kills."""

    exit_code: int | None  # None: the host watchdog fired, the stream never ended
    stdout: str
    stderr: str
    truncated: bool
    duration_s: float


def in_container_argv(argv: Sequence[str], timeout: float) -> list[str]:
    """`argv` wrapped so the container itself kills it, and all it spawned, at `timeout`."""
    return ["timeout", "-s", "KILL", f"{max(timeout, 0.1):.3f}s", *argv]


def run_exec(
    api: docker.APIClient,
    container_id: str,
    argv: Sequence[str],
    *,
    workdir: str,
    env: Mapping[str, str],
    user: str,
    deadline_s: float,
    output_cap: int,
) -> ExecOutcome:
    """Run `argv` by exec and wait at most `deadline_s` for its streams to end."""
    started = time.monotonic()
    exec_id = api.exec_create(
        container_id, list(argv), user=user, workdir=workdir, environment=dict(env)
    )["Id"]
    out, err = OutputTail(output_cap), OutputTail(output_cap)
    ended = threading.Event()

    def pump() -> None:
        try:
            for chunk_out, chunk_err in api.exec_start(exec_id, stream=True, demux=True):
                if chunk_out:
                    out.add(chunk_out)
                if chunk_err:
                    err.add(chunk_err)
        finally:
            ended.set()

    threading.Thread(target=pump, name=f"exec-{exec_id[:12]}", daemon=True).start()
    finished = ended.wait(deadline_s)
    exit_code = api.exec_inspect(exec_id)["ExitCode"] if finished else None
    stdout, cut_out = out.text()
    stderr, cut_err = err.text()
    return ExecOutcome(
        exit_code=exit_code,
        stdout=stdout,
        stderr=stderr,
        truncated=cut_out or cut_err,
        duration_s=time.monotonic() - started,
    )
