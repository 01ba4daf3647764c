"""Delivery is idempotent: a finished job delivered again, and a second job for the same
item (a fresh clone), both leave exactly one PR, updated in place."""

from __future__ import annotations

import signal
import uuid
from pathlib import Path

import git
import pytest

from agent.jobs.job import Job
from tests.fakes.github_server import FakeGitHub, serve
from tests.jobs.helpers import (
    TOKEN,
    bare_remote,
    depth,
    fresh_database,
    publish,
    runs_of,
    start_worker,
    tiny_item,
    wait_until,
    worker_env,
    workers,
)

pytestmark = pytest.mark.slow


def test_the_same_item_again_updates_the_one_pull_request(tmp_path: Path, queue_name: str) -> None:
    """Job J opens PR #1. J delivered again (an ack lost): it resumes at its end; no push,
    no second PR. Job K for the same item (new id, fresh clone): it continues the pushed
    branch (a fast-forward, never a force) and updates PR #1. One POST, PATCHes after."""
    bare = bare_remote(tmp_path / "git")
    database = fresh_database(f"ba_again_{uuid.uuid4().hex[:8]}")
    backlog = {"backlog_items": [tiny_item("PING-1", 50)]}
    first = Job(backlog=backlog, clone_url=str(bare), repository="octo/svc", gates=["lint"])
    again = Job(backlog=backlog, clone_url=str(bare), repository="octo/svc", gates=["lint"])
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        log = tmp_path / "worker.log"
        with workers([start_worker(env, queue_name, tmp_path / "work", log)]) as [proc]:
            publish(queue_name, [first])
            wait_until(lambda: github.pulls, 120, "the pull request")
            wait_until(lambda: depth(queue_name) == (0, 0), 30, "the ack")
            pushed = git.Repo(bare).heads["backend-agent/PING-1"].commit.hexsha
            publish(queue_name, [first])
            wait_until(lambda: _attempts(database, first.job_id) == 2, 60, "the redelivery")
            publish(queue_name, [again])
            wait_until(lambda: _status(database, again.job_id) == "passed", 120, "job K")
            wait_until(lambda: depth(queue_name) == (0, 0), 30, "the acks")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
    [pull] = github.pulls
    assert pull.head == "backend-agent/PING-1" and pull.number == 1
    calls = [(r.method, r.path) for r in github.requests]
    assert calls.count(("POST", "/repos/octo/svc/pulls")) == 1
    assert ("PATCH", "/repos/octo/svc/pulls/1") in calls
    head = git.Repo(bare).heads["backend-agent/PING-1"].commit
    assert pushed == head.hexsha or pushed in {c.hexsha for c in head.iter_parents()}
    assert _status(database, first.job_id) == "passed"


def _run(database: str, run_id: str) -> dict[str, object]:
    return next((r for r in runs_of(database) if r["run_id"] == run_id), {})


def _attempts(database: str, run_id: str) -> object:
    found = _run(database, run_id)
    return found.get("attempts") if found.get("status") == "passed" else None


def _status(database: str, run_id: str) -> object:
    return _run(database, run_id).get("status")
