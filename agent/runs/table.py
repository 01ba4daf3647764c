"""The runs store as a rich table (`backend-agent runs`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table

COLUMNS = ("run", "source", "repository", "status", "items", "repairs", "attempts",
           "tokens", "cost", "duration", "started", "pull request")  # fmt: skip


def _cost(value: float | None) -> str:
    return "-" if value is None else f"${value:.4f}"


def _row(run: dict[str, Any]) -> list[str]:
    started: datetime = run["started_at"]
    items = "-" if run["items_total"] is None else f"{run['items_passed']}/{run['items_total']}"
    tokens = (run["input_tokens"] or 0) + (run["output_tokens"] or 0)
    duration = "-" if run["duration_s"] is None else f"{run['duration_s']:.1f}s"
    return [
        run["run_id"], run["source"], run["repository"] or run["repo"], run["status"], items,
        str(run["repair_iterations"] if run["repair_iterations"] is not None else "-"),
        str(run["attempts"]), str(tokens), _cost(run["cost_usd"]), duration,
        started.strftime("%Y-%m-%d %H:%M:%S"), run["pull_request_url"] or "-",
    ]  # fmt: skip


def runs_table(runs: list[dict[str, Any]]) -> Table:
    table = Table(*COLUMNS, title=f"{len(runs)} run(s), latest first")
    for run in runs:
        table.add_row(*_row(run))
    return table
