"""`backend-agent eval SUITE`: every task and run on a fresh repo, K at a time, graded by the
hidden tests in a fresh sandbox, each finished task-run written to `results.json` at once.

Layout of the out folder: `results.json`, `summary.md`, `report.html`, and
`work/<task>/run-<n>-<attempt>/` holding `repo/` (what the agent wrote), `agent.log` and
`grade/` (the grading copy, its JUnit XML and service log).
"""

from __future__ import annotations

import logging
import os
import platform
import secrets
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evals.agent_run import AgentChoices, run_agent
from evals.figures import add_grade, add_report
from evals.grading import SandboxOpener, grade
from evals.records import ResultSet, ResultsFile, TaskRunRecord
from evals.tasks import Task

log = logging.getLogger(__name__)

Progress = Callable[[TaskRunRecord], None]


@dataclass(frozen=True)
class EvalPlan:
    """What to run: the suite's tasks, how many runs each, K workers, where results go."""

    suite_name: str
    tasks: list[Task]
    runs: int
    workers: int
    out: Path
    redo: bool = False


def machine() -> dict[str, str]:
    return {
        "host": platform.node(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": str(os.cpu_count()),
    }


def _record(task: Task, run: int, choices: AgentChoices) -> TaskRunRecord:
    return TaskRunRecord(
        task=task.id,
        run=run,
        model=choices.model_for(task.id),
        kind=task.kind,
        domain=task.domain,
        expected_offline=task.offline,
        p95_target_ms=float(task.p95_ms),
    )


def task_run(
    task: Task, run: int, out: Path, choices: AgentChoices, open_box: SandboxOpener
) -> TaskRunRecord:
    """Starter → agent run → hidden tests; a harness failure lands in `harness_error`."""
    record = _record(task, run, choices)
    folder = out / "work" / task.id / f"run-{run}-{secrets.token_hex(3)}"
    record.workdir = str(folder)
    try:
        repo = folder / "repo"
        task.materialize_starter(repo)
        backlog = task.backlog_path(folder / "input")
        agent = run_agent(backlog, repo, task.id, float(task.p95_ms), choices)
        record.agent_exit, record.wall_s, record.agent_error = (
            agent.exit_code,
            agent.wall_s,
            agent.error,
        )
        add_report(record, agent.report, choices.gates)
        if agent.exit_code in (2, 3):  # bad input, no sandbox: the harness's problem
            record.harness_error = agent.error
            return record
        started = time.monotonic()
        result = grade(repo, task.hidden_dir, folder / "grade", open_box)
        record.grade_s = round(time.monotonic() - started, 2)
        add_grade(record, result)
        record.finished_at = datetime.now(UTC).isoformat()
    except Exception as exc:  # one task-run's harness failure must not stop the others
        log.exception("task %s run %d", task.id, run)
        record.harness_error = f"{type(exc).__name__}: {exc}"[:1500]
    return record


def pending(plan: EvalPlan, done: set[tuple[str, int]]) -> list[tuple[Task, int]]:
    return [(t, n) for n in range(1, plan.runs + 1) for t in plan.tasks if (t.id, n) not in done]


def run_eval(
    plan: EvalPlan, choices: AgentChoices, open_box: SandboxOpener, progress: Progress
) -> ResultSet:
    """Run every unfinished task-run; return the whole result set (old records kept)."""
    fresh = ResultSet(
        suite=plan.suite_name, model=choices.model, gates=choices.gates, machine=machine()
    )
    results = ResultsFile(plan.out, fresh, redo=plan.redo)
    if plan.redo:
        shutil.rmtree(plan.out / "work", ignore_errors=True)
    todo = pending(plan, results.done())
    with ThreadPoolExecutor(max_workers=max(1, plan.workers)) as pool:
        futures = [pool.submit(task_run, t, n, plan.out, choices, open_box) for t, n in todo]
        for future in as_completed(futures):
            record = future.result()
            results.add(record)
            progress(record)
    return results.data
