"""The ceilings of one sandbox container and its commands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits of a sandbox container (Docker's units) and of each command's output.

    `memory` is RAM with no swap on top (tmpfs data such as PostgreSQL's counts in it);
    `cpus` is clamped to what the engine has; `pids` caps processes and threads together;
    `tmp_size` is the tmpfs at /tmp; `output_cap` is how many bytes of each stream's tail
    a command keeps; `watchdog_grace_s` is how long past its timeout the host waits for a
    command before it stops the container itself.
    """

    memory: str = "2g"
    cpus: float = 2.0
    pids: int = 512
    tmp_size: str = "1g"
    output_cap: int = 256_000
    watchdog_grace_s: float = 20.0


_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_bytes(size: str) -> int:
    """Docker's size notation (`512m`, `2g`, `1048576`) in bytes."""
    text = size.strip().lower()
    unit = text[-1] if text[-1:].isalpha() else ""
    return int(float(text[: len(text) - len(unit)]) * _UNITS[unit])
