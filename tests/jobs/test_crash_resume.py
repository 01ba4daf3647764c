"""A worker killed with SIGKILL mid-job: the broker redelivers the job to a second worker,
which resumes from the PostgreSQL checkpoint, and exactly one PR exists at the end."""

from __future__ import annotations

import signal
from pathlib import Path

import git
import pytest

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
    trajectory,
    wait_until,
    worker_env,
    workers,
)

pytestmark = pytest.mark.slow


def test_sigkill_mid_job_resumes_on_a_second_worker(
    tmp_path: Path, queue_name: str, database: str
) -> None:
    """Worker 1 delivers FIRST-1 and starts SECOND-1, then dies (SIGKILL): the job goes
    back to the queue unacked. Worker 2 resumes it: FIRST-1 is not scaffolded, verified or
    committed again (one commit, one scaffold in the trajectory), the run record counts two
    attempts, worker 2 says it resumed, the plan comment is not repeated, and one PR is open."""
    bare = bare_remote(tmp_path / "git")
    workdir = tmp_path / "work"
    job = Job(
        backlog={"backlog_items": [tiny_item("FIRST-1", 90), tiny_item("SECOND-1", 10)]},
        clone_url=str(bare), repository="octo/svc", issue=3, gates=["lint", "tests"],
    )  # fmt: skip

    def seen(node: str, item: str) -> bool:
        return any(
            e["node"] == node and e.get("item") == item for e in trajectory(workdir, job.job_id)
        )

    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        publish(queue_name, [job])
        first = start_worker(env, queue_name, workdir, tmp_path / "worker1.log")
        with workers([first]):
            wait_until(lambda: seen("scaffold", "SECOND-1"), 300, "SECOND-1 scaffolded")
            assert first.poll() is None, "worker 1 ended before it could be killed"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        assert github.pulls == []
        wait_until(lambda: depth(queue_name) == (1, 0), 30, "the job back on the queue")
        log2 = tmp_path / "worker2.log"
        second = start_worker(env, queue_name, workdir, log2)
        with workers([second]):
            wait_until(lambda: github.pulls, 300, "the pull request", step=0.5)
            wait_until(lambda: runs_of(database)[0]["status"] == "passed", 60, "the record")
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=60) == 0, log2.read_text()[-3000:]
        assert depth(queue_name) == (0, 0)  # acked: worker 2 is gone and the job is not back

    steps = trajectory(workdir, job.job_id)
    assert [e["item"] for e in steps if e["node"] == "scaffold"].count("FIRST-1") == 1
    assert [e["item"] for e in steps if e["node"] == "verify"].count("FIRST-1") == 1
    assert [e["item"] for e in steps if e["node"] == "deliver"] == ["FIRST-1", "SECOND-1"]
    assert [e["node"] for e in steps].count("load_backlog") == 1
    repo = git.Repo(workdir / job.job_id / "repo")
    subjects = [
        c.summary.split(":")[0] for c in repo.iter_commits(f"backend-agent/run-{job.job_id}")
    ]
    assert subjects.count("FIRST-1") == 1 and subjects.count("SECOND-1") == 1
    assert f"job {job.job_id}: resuming from its last checkpoint" in log2.read_text()
    [pull] = github.pulls
    assert pull.head == f"backend-agent/run-{job.job_id}"
    calls = [(r.method, r.path) for r in github.requests]
    assert calls.count(("POST", "/repos/octo/svc/pulls")) == 1
    comments = [c["body"] for c in github.comments[("octo/svc", 3)]]
    assert sum("planned:" in c for c in comments) == 1
    [run] = runs_of(database)
    assert (run["status"], run["attempts"], run["items_passed"]) == ("passed", 2, 2)
