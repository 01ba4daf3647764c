"""report: the Output Schema from the run's measurements, as JSON and Markdown."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import RunContext
from agent.report.build import build_report
from agent.report.markdown import render_markdown
from agent.scaffold.workspace import Manifest
from agent.spec.types import ServiceSpec
from agent.state import ItemRecord, RunState


def report(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Write `report.json` and `report.md` into the run's folder."""
    ctx = runtime.context
    records = [ItemRecord.model_validate(state["items"][i]) for i in state["order"]]
    built = build_report(
        records=records,
        spec=ServiceSpec.model_validate(state["spec"]),
        migrations=Manifest.load(ctx.config.repo).migrations,
        config=ctx.config,
        sandbox=ctx.sandbox.name,
        started_at=state["started_at"],
        branch=ctx.config.branch,
        ledger=ctx.ledger,
    )
    path = ctx.config.run_dir / "report.json"
    path.write_text(built.model_dump_json(indent=2))
    (ctx.config.run_dir / "report.md").write_text(render_markdown(built))
    ctx.record("report", message=str(path))
    return {"report_path": str(path)}
