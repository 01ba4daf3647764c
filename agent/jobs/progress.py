"""A job's progress: every event of its run in the worker's log (one JSON line each, the
events `backend-agent run --progress json` prints), and comments on its issue at plan, at
the first green verify, at the PR.

Fed by the run's `observe` hook (every progress event, `agent.events`); the comments come
from the `step` events (the trajectory's entries). A resumed job reads what the earlier
attempt already said from the trajectory, so no comment is posted twice. A comment the
forge refuses is logged, never fatal: the run and its PR matter more.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from agent.delivery.forge import Forge
from agent.errors import DeliveryError
from agent.jobs.job import Job

log = logging.getLogger(__name__)
events_log = logging.getLogger("agent.jobs.events")


class Progress:
    """The comments of one job's run (nothing when the job names no issue or forge)."""

    def __init__(self, job: Job, forge: Forge | None, trajectory: Path) -> None:
        self.job, self.forge = job, forge
        self.said: set[str] = set()
        for entry in _entries(trajectory):
            self._what(entry)  # marks what an earlier attempt already said

    def observe(self, event: dict[str, Any]) -> None:
        """Log the event; comment on the issue when it is a step that calls for one."""
        events_log.info("%s", json.dumps(event, default=str))
        if event.get("event") != "step":
            return
        text = self._what(event)
        if text is not None:
            self.comment(text)

    def comment(self, text: str) -> None:
        if self.forge is None or self.job.issue is None:
            return
        try:
            self.forge.comment_on_issue(self.job.issue, f"backend-agent job `{self.job.job_id}`: "
                                        + text)  # fmt: skip
        except DeliveryError as exc:
            log.warning("job %s: progress comment refused: %s", self.job.job_id, exc)

    def _what(self, entry: dict[str, Any]) -> str | None:
        """The comment an entry calls for, once per kind: plan, green, pr."""
        node, message = entry.get("node"), str(entry.get("message", ""))
        kind = None
        if node == "plan":
            kind, text = "plan", f"planned: {message}"
        elif node == "verify" and entry.get("passed"):
            kind, text = "green", f"first green verify ({entry.get('item')}): {message}"
        elif node == "publish" and entry.get("pull_request"):
            kind, text = "pr", message
        if kind is None or kind in self.said:
            return None
        self.said.add(kind)
        return text


def _entries(trajectory: Path) -> list[dict[str, Any]]:
    if not trajectory.exists():
        return []
    return [json.loads(line) for line in trajectory.read_text().splitlines() if line.strip()]
