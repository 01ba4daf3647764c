"""The job message: everything a worker needs to run one backlog and deliver its PR.

The job id is the LangGraph thread id (and the run id), so a job redelivered after its
worker died resumes from its checkpoint instead of starting again.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent.config import GateName

QUEUE = "agent.backend"
DEAD_LETTER_QUEUE = "agent.backend.dead"
# The items' priority (1..100) folds onto these AMQP levels; higher is served first, as the
# planner runs a backlog's items highest priority first (`Backlog.by_priority`).
PRIORITY_LEVELS = 5


def new_job_id() -> str:
    return uuid.uuid4().hex[:12]


class Job(BaseModel):
    """One unit of work on `agent.backend`. JSON on the wire; no secret ever goes in it."""

    model_config = ConfigDict(extra="forbid")

    job_id: str = Field(default_factory=new_job_id)
    # The backlog to run, in the Input Schema (`backlog_items`, `technical_constraints`, ...).
    backlog: dict[str, Any]
    # Where the worker clones the service from and pushes to: a git URL or a local path.
    clone_url: str
    # owner/name on the forge, when the job came from (or reports to) a GitHub issue.
    repository: str | None = None
    issue: int | None = Field(None, ge=1)
    # The GitHub App installation the repository belongs to (the webhook delivery names it);
    # None: the worker's GITHUB_APP_INSTALLATION_ID. Ignored with a token.
    installation_id: int | None = Field(None, ge=1)
    base: str | None = None  # the PR's base branch; default: the clone's default branch
    model: str = "offline"
    # The model API's root (an OpenAI-compatible server; no credentials in it), from
    # `enqueue` or `serve --base-url`; None: the worker's OPENAI_BASE_URL.
    base_url: str | None = None
    gates: list[GateName] | None = None  # None: the run's default gates
    labels: list[str] = Field(default_factory=list)
    open_pr: bool = True
    source: str = "cli"  # "webhook" | "cli": where it came from, for the runs table

    @property
    def work_key(self) -> str:
        """What two jobs must not work on at once: the same items of the same repo (one
        branch, one PR), e.g. an issue labelled again while its first job still runs."""
        items = sorted(str(i.get("id")) for i in self.backlog.get("backlog_items") or [])
        return f"work:{self.clone_url}#{','.join(items)}"

    @property
    def priority(self) -> int:
        """The most urgent item's priority (1..100; 100 is the most urgent, as in the plan)."""
        items = self.backlog.get("backlog_items") or []
        return max((int(i.get("priority", 1)) for i in items), default=1)

    @property
    def amqp_priority(self) -> int:
        """Priority 1..100 folded onto 0..PRIORITY_LEVELS-1 (1-20 -> 0, ..., 81-100 -> 4)."""
        return (self.priority - 1) * PRIORITY_LEVELS // 100
