"""A burst: 50 queued jobs with mixed priorities on 2 workers. All complete, the most
urgent first, none lost, none done twice.

Each job is a real run of the agent, kept cheap: a one-endpoint item, the lint gate only,
the local sandbox; it still clones, scaffolds, commits, pushes and opens its PR."""

from __future__ import annotations

import random
import time
from pathlib import Path

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

JOBS = 50
WINDOW = 3  # two workers with prefetch 1: a job starts at most a couple of places early


def test_fifty_jobs_on_two_workers(tmp_path: Path, queue_name: str, database: str) -> None:
    """All 50 published before the workers start. Then: 50 runs recorded, each passed
    with exactly one attempt and one load_backlog in its trajectory; 50 PRs, one per
    branch, one create call each; queue and dead letters empty; in start order, no job
    starts after one of a lower AMQP priority level placed WINDOW or more places later."""
    bare = bare_remote(tmp_path / "git")
    workdir = tmp_path / "work"
    rng = random.Random(7)
    jobs = [
        Job(
            backlog={"backlog_items": [tiny_item(f"BURST-{n:02d}", rng.randint(1, 100))]},
            clone_url=str(bare),
            repository="octo/svc",
            gates=["lint"],
        )
        for n in range(JOBS)
    ]
    with serve(FakeGitHub(tokens={TOKEN})) as github:
        env = worker_env(github.url, database)
        publish(queue_name, jobs)
        assert depth(queue_name) == (JOBS, 0)
        began = time.monotonic()
        procs = [
            start_worker(env, queue_name, workdir, tmp_path / f"worker{i}.log") for i in (1, 2)
        ]
        with workers(procs):
            wait_until(lambda: len(github.pulls) == JOBS, 170, "50 pull requests", step=0.5)
            wait_until(lambda: _passed(database) == JOBS, 60, "50 runs recorded")
        elapsed = time.monotonic() - began
    assert depth(queue_name) == (0, 0)  # the workers are gone: an unacked job would be back
    runs = runs_of(database)
    assert sorted(r["run_id"] for r in runs) == sorted(j.job_id for j in jobs)
    assert {(r["status"], r["attempts"]) for r in runs} == {("passed", 1)}
    assert len({r["worker"] for r in runs}) == 2, "both workers took jobs"
    for job in jobs:
        nodes = [e["node"] for e in trajectory(workdir, job.job_id)]
        assert nodes.count("load_backlog") == 1 and nodes.count("publish") == 1
    heads = sorted(p.head for p in github.pulls)
    assert heads == sorted({f"backend-agent/BURST-{n:02d}" for n in range(JOBS)})
    creates = [
        r for r in github.requests if (r.method, r.path) == ("POST", "/repos/octo/svc/pulls")
    ]
    assert len(creates) == JOBS
    level = {j.job_id: j.amqp_priority for j in jobs}
    order = [level[r["run_id"]] for r in sorted(runs, key=lambda r: r["started_at"])]
    late = [(i, j) for i in range(JOBS) for j in range(i + WINDOW, JOBS) if order[i] < order[j]]
    assert late == [], f"start order by level: {order}"
    assert order[0] == max(order) and order[-1] == min(order)
    print(f"50 jobs on 2 workers in {elapsed:.1f}s (workers' start included)")


def _passed(database: str) -> int:
    return sum(r["status"] == "passed" for r in runs_of(database))
