"""The CPU and memory the sandbox gives its commands, read from cgroup v2 (or v1)."""

from __future__ import annotations

import os
from pathlib import Path

CG = Path("/sys/fs/cgroup")


def _read(*names: str) -> str | None:
    for name in names:
        path = CG / name
        if path.exists():
            return path.read_text().strip()
    return None


def measure() -> dict[str, float | int | None]:
    """cpus (None: no quota), memory_bytes (None: no limit), host_cpus."""
    cpus: float | None = None
    quota = _read("cpu.max")
    if quota and not quota.startswith("max"):
        limit, period = quota.split()[:2]
        cpus = int(limit) / int(period)
    memory = _read("memory.max", "memory/memory.limit_in_bytes")
    mem: int | None = int(memory) if memory and memory.isdigit() and int(memory) < 1 << 60 else None
    return {"cpus": cpus, "memory_bytes": mem, "host_cpus": os.cpu_count()}
