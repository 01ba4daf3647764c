"""A worker subprocess on real RabbitMQ and PostgreSQL: one job in, one PR out, progress
comments on the issue, a run record, /health and /metrics; SIGTERM requeues and exits 0."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from agent.config import RunConfig
from agent.jobs.job import Job
from agent.runs.store import RunsStore
from tests.fakes.github_server import FakeGitHub, serve
from tests.jobs.helpers import (
    TOKEN,
    bare_remote,
    depth,
    free_port,
    publish,
    runs_of,
    start_worker,
    tiny_item,
    trajectory,
    wait_until,
    worker_env,
    workers,
)

pytestmark = pytest.mark.slow


def test_a_job_becomes_one_pull_request_with_progress_comments(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """A job for issue 7 of octo/svc: the worker clones the bare remote, runs the item,
    pushes its branch and opens one PR whose body closes #7; the issue gets the plan,
    first-green and PR comments; the run is recorded as passed in PostgreSQL; the message
    is acked (queue empty); /health and /metrics answer with the job counted."""
    bare = bare_remote(tmp_path / "git")
    job = Job(
        backlog={"backlog_items": [tiny_item("PING-1", 50)]}, clone_url=str(bare),
        repository="octo/svc", issue=7, gates=["lint"], source="webhook",
    )  # fmt: skip
    port = free_port()
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        publish(queue_name, [job])
        log = tmp_path / "worker.log"
        proc = start_worker(env, queue_name, tmp_path / "work", log, metrics_port=port)
        with workers([proc]):
            wait_until(lambda: "succeeded_total 1.0" in _metrics(port), 120, "the job done")
            health = httpx.get(f"http://127.0.0.1:{port}/health").json()
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
    assert depth(queue_name) == (0, 0)  # acked: the worker is gone and the job is not back
    [pull] = github.pulls
    assert (pull.owner, pull.repo, pull.head, pull.base) == (
        "octo",
        "svc",
        "backend-agent/PING-1",
        "main",
    )
    assert (pull.body or "").rstrip().endswith("Closes #7")
    comments = [c["body"] for c in github.comments[("octo/svc", 7)]]
    assert len(comments) == 3, comments
    assert "planned:" in comments[0] and "first green verify (PING-1)" in comments[1]
    assert "pull request #1 opened" in comments[2]
    [run] = runs_of(database)
    assert (run["run_id"], run["status"], run["attempts"], run["source"]) == (
        job.job_id,
        "passed",
        1,
        "webhook",
    )
    assert run["pull_request_url"] and run["items_passed"] == 1
    assert [e["node"] for e in trajectory(tmp_path / "work", job.job_id)][-1] == "publish"
    assert health == {"status": "ok", "running": 0}
    assert "backend_agent_jobs_succeeded_total 1.0" in metrics
    assert "backend_agent_jobs_received_total 1.0" in metrics
    assert "backend_agent_job_duration_seconds_count 1.0" in metrics


def test_sigterm_checkpoints_requeues_and_exits_0(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """SIGTERM while the second of two items runs: the worker finishes the current step,
    requeues the job (it is back on the queue, its run recorded as stopped) and exits 0
    with no PR opened. A second worker then resumes it: the first item is not redone."""
    bare = bare_remote(tmp_path / "git")
    workdir = tmp_path / "work"
    job = Job(
        backlog={"backlog_items": [tiny_item("FIRST-1", 90), tiny_item("SECOND-1", 10)]},
        clone_url=str(bare), repository="octo/svc", gates=["lint", "tests"],
    )  # fmt: skip

    def scaffolded() -> list[str]:
        steps = trajectory(workdir, job.job_id)
        return [e.get("item", "") for e in steps if e["node"] == "scaffold"]

    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        publish(queue_name, [job])
        log1 = tmp_path / "worker1.log"
        with workers([start_worker(env, queue_name, workdir, log1)]) as [first]:
            wait_until(lambda: "SECOND-1" in scaffolded(), 300, "SECOND-1 scaffolded")
            first.send_signal(signal.SIGTERM)
            assert first.wait(timeout=120) == 0, log1.read_text()[-3000:]
        assert f"job {job.job_id} stopped after a checkpoint: requeued" in log1.read_text()
        assert github.pulls == [] and depth(queue_name) == (1, 0)
        [run] = runs_of(database)
        assert run["status"] == "stopped"
        log2 = tmp_path / "worker2.log"
        with workers([start_worker(env, queue_name, workdir, log2)]):
            wait_until(lambda: runs_of(database)[0]["status"] == "passed", 300, "the record")
    assert depth(queue_name) == (0, 0) and len(github.pulls) == 1
    assert scaffolded().count("FIRST-1") == 1
    [run] = runs_of(database)
    assert (run["status"], run["attempts"]) == ("passed", 2)


def test_a_failing_job_is_retried_then_dead_lettered_with_a_comment(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """A job whose clone fails (no such repository), with 2 attempts allowed: tried twice,
    then moved to `<queue>.dead`; its issue gets one failure comment naming the error."""
    job = Job(
        backlog={"backlog_items": [tiny_item("LOST-1", 50)]},
        clone_url=str(tmp_path / "missing.git"), repository="octo/svc", issue=5,
    )  # fmt: skip
    port = free_port()
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database, BACKEND_AGENT_MAX_ATTEMPTS="2")
        publish(queue_name, [job])
        log = tmp_path / "worker.log"
        proc = start_worker(env, queue_name, tmp_path / "work", log, metrics_port=port)
        with workers([proc]):
            wait_until(lambda: depth(queue_name) == (0, 1), 120, "the dead letter")
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    [comment] = [c["body"] for c in github.comments[("octo/svc", 5)]]
    assert f"job `{job.job_id}` failed after 2 attempt(s)" in comment
    assert "DeliveryError: cannot clone" in comment
    assert "backend_agent_jobs_failed_total 2.0" in metrics
    assert "backend_agent_jobs_dead_lettered_total 1.0" in metrics
    assert github.pulls == [] and runs_of(database) == []


def _metrics(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics").text
    except httpx.TransportError:
        return ""  # not listening yet


def test_a_job_that_keeps_killing_its_workers_is_dead_lettered(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """Its run record says `running` after 2 starts (two workers died in it; nobody holds
    its lock) and 2 attempts are allowed: the next worker does not start it a third
    time; it dead-letters it and says why on the issue."""
    job = Job(backlog={"backlog_items": [tiny_item("OOM-1", 50)]}, clone_url=str(tmp_path),
              repository="octo/svc", issue=9)  # fmt: skip
    store = RunsStore.open(database)
    config = RunConfig(run_id=job.job_id, backlog=tmp_path / "b.json", repo=tmp_path / "r")
    for _ in range(2):
        store.started(config, source="cli", sandbox="local")
    store.close()
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database, BACKEND_AGENT_MAX_ATTEMPTS="2")
        publish(queue_name, [job])
        with workers([start_worker(env, queue_name, tmp_path / "work", tmp_path / "w.log")]):
            wait_until(lambda: depth(queue_name) == (0, 1), 120, "the dead letter")
    [comment] = [c["body"] for c in github.comments[("octo/svc", 9)]]
    assert f"the worker running job {job.job_id} died 2 time(s)" in comment
    assert not (tmp_path / "work" / job.job_id).exists()  # never cloned


@pytest.mark.docker
def test_a_worker_on_the_docker_sandbox(tmp_path: Path, queue_name: str, database: str) -> None:
    """`worker --sandbox docker`: the job's gates (lint, tests) run in the sandbox
    container; the run is recorded with that sandbox and passes; one PR."""
    bare = bare_remote(tmp_path / "git")
    job = Job(backlog={"backlog_items": [tiny_item("PING-1", 50)]}, clone_url=str(bare),
              repository="octo/svc", gates=["lint", "tests"])  # fmt: skip
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        publish(queue_name, [job])
        log = tmp_path / "worker.log"
        proc = start_worker(env, queue_name, tmp_path / "work", log, sandbox="docker")
        with workers([proc]):
            wait_until(lambda: runs_of(database) and runs_of(database)[0]["finished_at"], 600,
                       "the run's end", step=1)  # fmt: skip
    [run] = runs_of(database)
    assert (run["sandbox"], run["status"]) == ("docker", "passed"), log.read_text()[-3000:]
    assert len(github.pulls) == 1 and depth(queue_name) == (0, 0)
