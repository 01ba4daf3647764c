"""deliver and its router: commit the item on the run's branch, then the next item."""

from __future__ import annotations

import json
from typing import Any, Literal

from git import Actor
from langgraph.runtime import Runtime

from agent.context import RunContext
from agent.delivery.git import checkout_branch, commit_all, open_repo
from agent.models.base import Message
from agent.nodes.checking import criteria_line, why_stop
from agent.state import ItemRecord, RunState, item, put_item


def commit_message(record: ItemRecord, run_id: str) -> str:
    """An honest message: what was built, what the gates measured, what is missing."""
    lines = [f"{record.id}: scaffold the backlog item's endpoints", ""]
    if record.evidence:
        last = record.evidence[-1]
        for check in last.checks:
            lines.append(
                f"- {check.name}: {'passed' if check.passed else 'FAILED'} ({check.summary})"
            )
        lines += [f"- {criteria_line(record)}", "", f"Status: {record.verdict}"]
    if record.not_implemented:
        lines += ["", "Not implemented:"]
        lines += [f"- ({g.kind}) {g.text}" for g in record.not_implemented]
    lines += ["", f"backend-agent run {run_id}"]
    return "\n".join(lines)


def deliver(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Commit this item's changes on the run's branch (idempotent on resume)."""
    config, record = runtime.context.config, item(state)
    author = Actor(config.author_name, config.author_email)
    repo = open_repo(config.repo, author)
    branch = config.branch or repo.active_branch.name
    checkout_branch(repo, branch)
    record.stop_reason = why_stop(state, runtime.context)
    _close_conversation(record, runtime.context)
    record.commit = commit_all(repo, commit_message(record, state["run_id"]), author)
    record.status = "delivered"
    runtime.context.record(
        "deliver",
        item=record.id,
        commit=record.commit,
        message=f"committed {record.commit[:10]} on {branch}",
    )
    return {**put_item(state, record), "branch": branch}


def _close_conversation(record: ItemRecord, context: RunContext) -> None:
    """A model's last conversation on the item gets one closing message saying why the
    work stops (in its transcript; no answer is asked for), unless the item passed."""
    if context.model.offline or record.passed or not record.evidence:
        return
    node = "repair" if record.repairs else "implement"
    transcript = context.config.run_dir / f"conversation-{record.id}-{node}-{record.repairs}.jsonl"
    if not transcript.exists():
        return
    closing = Message(
        role="user",
        content=(
            f"The run stops working on item {record.id}: {record.stop_reason or 'stopped'}. "
            f"It is delivered as {record.verdict}, with what is left listed in the report. "
            "No answer is needed."
        ),
    )
    with transcript.open("a") as out:
        out.write(json.dumps(closing.model_dump(mode="json", exclude_defaults=True)) + "\n")


def after_deliver(state: RunState) -> Literal["next_item"]:
    return "next_item"


def after_next_item(state: RunState) -> Literal["scaffold", "report"]:
    return "scaffold" if state.get("current") else "report"
