"""What the service answers GitHub, and what it writes on the issue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.jobs.job import Job


@dataclass(frozen=True)
class Answer:
    """The HTTP answer to one delivery, and its outcome (the metric's label)."""

    status: int
    body: dict[str, Any]
    outcome: str


@dataclass(frozen=True)
class Comment:
    """A comment to post on an issue after answering."""

    repository: str
    issue: int
    body: str
    installation: int | None = None  # the delivery's GitHub App installation


def refused(status: int, outcome: str, reason: str) -> Answer:
    return Answer(status, {"status": "refused", "reason": reason}, outcome)


def ignored(reason: str, outcome: str = "ignored") -> Answer:
    return Answer(202, {"status": "ignored", "reason": reason}, outcome)


def queued_comment(job: Job) -> str:
    items = [str(i.get("id")) for i in job.backlog.get("backlog_items", [])]
    return (
        f"backend-agent queued job `{job.job_id}` for this issue "
        f"(item{'s' if len(items) != 1 else ''}: {', '.join(items)}; model: {job.model}). "
        "A worker will open a pull request that closes it."
    )


def problems_comment(problems: list[str]) -> str:
    # Each problem in code spans (quoted text from the issue pings nobody, renders nothing).
    lines = "\n".join("- `" + p.replace("`", "'") + "`" for p in problems)
    return (
        "backend-agent could not turn this issue into a backlog item, so no job was queued:\n\n"
        f"{lines}\n\n"
        "Paths are those of the backlog built from the issue (`backlog_items[0]` is its item). "
        "Edit the issue (a ```json block with the item, or the backend-agent issue form), "
        "then add the label again."
    )
