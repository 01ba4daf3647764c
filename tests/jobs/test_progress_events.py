"""A job's progress: the run's events in the worker's log, and its issue comments made from
the same events (the `step` ones), once each."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from agent.delivery.forge import InMemoryForge
from agent.jobs.job import Job
from agent.jobs.progress import Progress


def test_every_event_is_logged_and_only_steps_make_comments(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Each event is one JSON line in the worker's log (what `run --progress json` prints);
    a node's start is not a comment, its `step` is, once per kind: plan, first green
    verify."""
    forge = InMemoryForge()
    job = Job(backlog={"backlog_items": []}, clone_url="/x", issue=7)
    progress = Progress(job, forge, tmp_path / "trajectory.jsonl")
    events = [
        {"event": "node.start", "node": "plan", "item": None},
        {"event": "step", "node": "plan", "message": "3 endpoint(s)"},
        {"event": "gate.end", "node": "verify", "gate": "tests", "passed": True},
        {"event": "step", "node": "verify", "item": "A-1", "passed": True, "message": "ok"},
        {"event": "step", "node": "verify", "item": "A-2", "passed": True, "message": "ok"},
    ]
    with caplog.at_level(logging.INFO, logger="agent.jobs.events"):
        for event in events:
            progress.observe(event)
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "agent.jobs.events"]
    assert logged == events
    assert [text.split(": ", 1)[1] for _, text in forge.comments] == [
        "planned: 3 endpoint(s)",
        "first green verify (A-1): ok",
    ]
