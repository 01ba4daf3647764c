"""What every gate gets: the sandbox, its services, the repo, the spec and the run's thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.spec.types import ServiceSpec
from sandbox.base import Sandbox, Services

OUT_DIR = ".verify"  # inside the workspace the sandbox syncs; git-ignored in the service


@dataclass(frozen=True)
class GateContext:
    """One verify pass's surroundings. `spec` is the service spec of the items built so far
    (None: the gates that need it check nothing spec-derived); `backlog` the items built
    so far as the backlog writes them (`{"index": i, "item": {...}}`, i its place in the
    file): the contract gate's oracle, read without the spec compiler; `min_coverage` is
    the line coverage (percent) below which the tests gate warns; `p95_ms` the load test's
    SLA."""

    sandbox: Sandbox
    services: Services
    repo: Path
    db_prefix: str
    timeout_s: float
    spec: ServiceSpec | None = None
    backlog: list[dict[str, Any]] = field(default_factory=list)
    min_coverage: float = 90.0
    p95_ms: float = 200.0
