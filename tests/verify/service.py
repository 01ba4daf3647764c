"""A small generated service to plant defects in: tests/data/vault.json (or another backlog),
scaffolded once.

Each test copies the clean tree, edits one file, runs one gate with the local sandbox and
the machine's PostgreSQL and Redis, and reads the failure back through the report.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.backlog import load_backlog
from agent.config import RunConfig
from agent.nodes.building import ruff_formatter
from agent.report.build import build_report
from agent.report.markdown import render_markdown
from agent.report.schema import Report
from agent.scaffold.workspace import Manifest, scaffold_item
from agent.spec.compiler import compile_backlog
from agent.spec.types import ServiceSpec
from agent.state import ItemRecord
from agent.verify.evidence import Evidence
from agent.verify.gates import GateContext, run_gates
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES

BACKLOG = Path(__file__).parents[1] / "data" / "vault.json"
LIBRARY = Path(__file__).parents[1] / "data" / "library.json"
GYM = Path(__file__).parents[2] / "evals/suites/builtin/gym-lesson-capacity/backlog.json"


def vault_spec(backlog: Path = BACKLOG) -> ServiceSpec:
    return compile_backlog(load_backlog(backlog))


def scaffold(repo: Path, box: LocalSandbox, backlog: Path = BACKLOG) -> None:
    spec = vault_spec(backlog)
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, ruff_formatter(box))


def copy(clean: Path, to: Path) -> Path:
    shutil.copytree(clean, to, ignore=shutil.ignore_patterns(".verify", ".ruff_cache"))
    return to


def plant(repo: Path, rel: str, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in one file of the service."""
    path = repo / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))


def as_written(backlog: Path) -> list[dict[str, Any]]:
    """Every item of `backlog` as written, with its place in the file (`GateContext.backlog`)."""
    items = load_backlog(backlog).backlog_items
    return [{"index": i, "item": it.model_dump(mode="json")} for i, it in enumerate(items)]


def verify(
    repo: Path, box: LocalSandbox, gates: list[str], backlog: Path = BACKLOG, **thresholds: float
) -> Evidence:
    ctx = GateContext(
        sandbox=box,
        services=HOST_SERVICES,
        repo=repo,
        db_prefix=f"ba_t_{uuid.uuid4().hex[:8]}",
        timeout_s=300,
        spec=vault_spec(backlog),
        backlog=as_written(backlog),
        **thresholds,  # type: ignore[arg-type]
    )
    return run_gates(ctx, gates, 1)


def report(repo: Path, evidence: Evidence, backlog: Path = BACKLOG) -> tuple[Report, str]:
    """The report of a run whose last item ended with `evidence`, and its Markdown."""
    items = load_backlog(backlog).backlog_items
    records = [ItemRecord(id=it.id, priority=it.priority) for it in items[:-1]]
    last = ItemRecord(id=items[-1].id, priority=items[-1].priority, evidence=[evidence])
    built = build_report(
        records=[*records, last],
        spec=vault_spec(backlog),
        migrations=Manifest.load(repo).migrations,
        config=RunConfig(run_id="t", backlog=backlog, repo=repo, gates=["lint"]),
        sandbox="local",
        started_at=datetime.now(UTC).isoformat(),
        branch=None,
    )
    return built, render_markdown(built)
