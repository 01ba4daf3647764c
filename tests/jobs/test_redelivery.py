"""Delivery is idempotent: a finished job delivered again, and a second job for the same
item (a fresh clone), both leave exactly one PR, updated in place."""

from __future__ import annotations

import signal
from pathlib import Path

import git
import pytest

from agent.jobs.checkpoints import job_lock, setup_database
from agent.jobs.job import Job
from tests.fakes.github_server import FakeGitHub, serve
from tests.jobs.helpers import (
    TOKEN,
    bare_remote,
    depth,
    publish,
    runs_of,
    start_worker,
    tiny_item,
    wait_until,
    worker_env,
    workers,
)

pytestmark = pytest.mark.slow


def test_the_same_item_again_updates_the_one_pull_request(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """Job J opens PR #1. J delivered again (an ack lost): it resumes at its end; no push,
    no second PR. Job K for the same item (new id, fresh clone): it continues the pushed
    branch (a fast-forward, never a force) and updates PR #1. One POST, PATCHes after."""
    bare = bare_remote(tmp_path / "git")
    backlog = {"backlog_items": [tiny_item("PING-1", 50)]}
    first = Job(backlog=backlog, clone_url=str(bare), repository="octo/svc", gates=["lint"])
    again = Job(backlog=backlog, clone_url=str(bare), repository="octo/svc", gates=["lint"])
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        log = tmp_path / "worker.log"
        with workers([start_worker(env, queue_name, tmp_path / "work", log)]) as [proc]:
            publish(queue_name, [first])
            wait_until(lambda: _status(database, first.job_id) == "passed", 120, "job J")
            pushed = git.Repo(bare).heads["backend-agent/PING-1"].commit.hexsha
            publish(queue_name, [first])
            wait_until(lambda: _attempts(database, first.job_id) == 2, 60, "the redelivery")
            publish(queue_name, [again])
            wait_until(lambda: _status(database, again.job_id) == "passed", 120, "job K")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
    assert depth(queue_name) == (0, 0)
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


def test_a_job_held_by_another_worker_waits(tmp_path: Path, queue_name: str, database: str) -> None:
    """While another session holds the job's lock (a worker still running it after the
    broker took the delivery back), a worker hands the job back instead of running it a
    second time; once the lock is free it runs it once: one run, one attempt."""
    bare = bare_remote(tmp_path / "git")
    job = Job(backlog={"backlog_items": [tiny_item("PING-1", 50)]}, clone_url=str(bare),
              repository="octo/svc", gates=["lint"])  # fmt: skip
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        log = tmp_path / "worker.log"
        setup_database(database)
        with workers([start_worker(env, queue_name, tmp_path / "work", log)]):
            with job_lock(database, job.job_id) as held:
                assert held
                publish(queue_name, [job])
                wait_until(lambda: log.read_text().count("running on another worker") >= 2,
                           120, "two hand-backs")  # fmt: skip
                assert github.pulls == [] and runs_of(database) == []
            wait_until(lambda: github.pulls, 120, "the pull request")
            wait_until(lambda: _status(database, job.job_id) == "passed", 30, "the record")
    [run] = runs_of(database)
    assert run["attempts"] == 1


def test_two_jobs_for_the_same_item_run_one_after_the_other(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """An issue labelled twice queues two jobs for one item. On two workers they never run
    at once (they would push one branch): the second waits for the first, then continues
    its branch and updates its PR. Both pass; one PR."""
    bare = bare_remote(tmp_path / "git")
    backlog = {"backlog_items": [tiny_item("PING-1", 50)]}
    first, second = (
        Job(backlog=backlog, clone_url=str(bare), repository="octo/svc", issue=7,
            gates=["lint"])
        for _ in range(2)
    )  # fmt: skip
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
        procs = [start_worker(env, queue_name, tmp_path / "work", log) for log in logs]
        with workers(procs):
            publish(queue_name, [first, second])
            wait_until(lambda: {_status(database, j.job_id) for j in (first, second)}
                       == {"passed"}, 240, "both jobs")  # fmt: skip
    assert depth(queue_name) == (0, 0)
    assert any("another job is working on the same items" in log.read_text() for log in logs)
    runs = sorted((_run(database, j.job_id) for j in (first, second)), key=_started)
    assert runs[0]["finished_at"] <= runs[1]["started_at"], runs
    [pull] = github.pulls
    calls = [(r.method, r.path) for r in github.requests]
    assert calls.count(("POST", "/repos/octo/svc/pulls")) == 1
    assert pull.head == "backend-agent/PING-1"


def _started(run: dict[str, object]) -> str:
    return str(run["started_at"])
