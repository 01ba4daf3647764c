"""`backend-agent enqueue` and `backend-agent runs`, as a user runs them."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from agent.config import RunConfig
from agent.jobs.job import Job
from agent.jobs.queue import JobQueue
from agent.runs.store import RunsStore
from tests.e2e.helpers import cli
from tests.jobs.conftest import AMQP_URL
from tests.jobs.helpers import bare_remote, tiny_item

pytestmark = pytest.mark.slow  # each command starts the CLI in a subprocess

ENV = {**os.environ, "BACKEND_AGENT_AMQP_URL": AMQP_URL, "COLUMNS": "250"}


def _take(queue: str) -> list[tuple[Job, int]]:
    """Every job on `queue` (acknowledged) with its AMQP priority, in delivery order."""

    async def go() -> list[tuple[Job, int]]:
        async with await JobQueue.connect(AMQP_URL, queue) as q:
            found = []
            while (message := await q.queue.get(fail=False)) is not None:
                found.append((Job.model_validate_json(message.body), message.priority or 0))
                await message.ack()
            return found

    return asyncio.run(go())


def test_enqueue_puts_one_job_per_item(tmp_path: Path, queue_name: str) -> None:
    """The taskboard example (3 items) with --issue, --repository, --gates and a local
    remote: three jobs, most urgent first, each with its item, the resolved clone path and
    the options; their ids printed on stdout."""
    bare = bare_remote(tmp_path / "git")
    done = cli(
        "enqueue", "examples/taskboard.json", "--repo", str(bare), "--queue", queue_name,
        "--issue", "3", "--repository", "octo/svc", "--gates", "lint,tests", env=ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = [line.split("\t")[0] for line in done.stdout.splitlines()]
    taken = _take(queue_name)
    assert sorted(printed) == sorted(job.job_id for job, _ in taken) and len(taken) == 3
    assert [level for _, level in taken] == sorted((level for _, level in taken), reverse=True)
    items = json.loads(Path("examples/taskboard.json").read_text())["backlog_items"]
    assert sorted(j.backlog["backlog_items"][0]["id"] for j, _ in taken) == sorted(
        i["id"] for i in items
    )
    for job, level in taken:
        assert (job.clone_url, job.issue, job.repository) == (str(bare), 3, "octo/svc")
        assert (job.gates, job.model, job.source, level) == (
            ["lint", "tests"],
            "offline",
            "cli",
            job.amqp_priority,
        )


def test_enqueue_refuses_a_bad_backlog(tmp_path: Path, queue_name: str) -> None:
    """A backlog that fails the Input Schema: exit 2 with the path of the problem, and
    nothing on the queue."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"backlog_items": [{"id": "X-1", "priority": 500}]}))
    done = cli("enqueue", str(bad), "--repo", str(tmp_path), "--queue", queue_name, env=ENV)
    assert done.returncode == 2 and "backlog_items[0]" in done.stderr
    assert _take(queue_name) == []


def test_cli_runs_are_recorded_and_listed(tmp_path: Path) -> None:
    """`run` records its run in the repo's SQLite; `runs --repo` lists it as passed with
    its item count; a second `run` on the repo shows as a second row."""
    backlog = tmp_path / "tiny.json"
    backlog.write_text(json.dumps({"backlog_items": [tiny_item("PING-1", 5)]}))
    repo = tmp_path / "svc"
    for _ in range(2):
        done = cli("run", str(backlog), "--repo", str(repo), "--sandbox", "local",
                   "--gates", "lint", env=ENV)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
    listed = cli("runs", "--repo", str(repo), env=ENV)
    assert listed.returncode == 0, listed.stderr
    run_ids = [p.name for p in (repo / ".backend-agent" / "runs").iterdir()]
    for run_id in run_ids:
        row = next(line for line in listed.stdout.splitlines() if run_id in line)
        assert "passed" in row and "1/1" in row and "cli" in row
    assert "2 run(s)" in listed.stdout


def test_runs_lists_the_workers_database(tmp_path: Path, database: str) -> None:
    """`runs --database-url` reads PostgreSQL; `--repo owner/name` keeps that repository's
    runs only; a run that raised shows as error."""
    url = database
    store = RunsStore.open(url)
    for run_id, slug in (("aaa111", "octo/svc"), ("bbb222", "octo/other")):
        config = RunConfig(run_id=run_id, backlog=tmp_path / "b.json", repo=tmp_path / run_id)
        store.started(config, source="webhook", sandbox="local", repository=slug)
    store.ended("aaa111", status="error", error="DeliveryError: refused")
    store.close()
    everything = cli("runs", "--database-url", url, env=ENV)
    assert everything.returncode == 0, everything.stderr
    assert "aaa111" in everything.stdout and "bbb222" in everything.stdout
    mine = cli("runs", "--database-url", url, "--repo", "octo/svc", env=ENV)
    [row] = [line for line in mine.stdout.splitlines() if "aaa111" in line]
    assert "error" in row and "webhook" in row and "bbb222" not in mine.stdout
