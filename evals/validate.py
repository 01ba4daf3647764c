"""`backend-agent eval validate SUITE`: are the suite's hidden tests fit to judge?

For every task:
- on the starter (an empty tree for greenfield tasks: no service, the tests run against a
  port nobody listens on) no hidden functional test may pass;
- on the reference (when the task has one) every hidden test, functional and security,
  must pass;
- repeated gradings (`repeat`) of the reference (else of the starter) give the same
  outcome for every test.
A task failing any of these is broken.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, Field

from evals.grading import Grade, SandboxOpener, grade
from evals.tasks import NoReference, Task


class TaskCheck(BaseModel):
    """The verdict on one task, with every problem found."""

    task: str
    problems: list[str] = Field(default_factory=list)
    starter_passing: list[str] = Field(default_factory=list)
    reference: str = "absent"  # absent | passed | failed
    stable: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


def _starter(task: Task, work: Path, open_box: SandboxOpener, check: TaskCheck) -> Grade:
    tree = work / "starter"
    task.materialize_starter(tree)
    result = grade(tree, task.hidden_dir, work / "grade-starter", open_box)
    check.starter_passing = [t.name for t in result.hidden.functional if t.passed]
    if not result.hidden.tests:
        check.problems.append("no hidden test ran on the starter (collection error?)")
    for name in check.starter_passing:
        check.problems.append(f"passes on the starter: {name}")
    return result


def _reference(
    task: Task, work: Path, open_box: SandboxOpener, check: TaskCheck, repeat: int
) -> list[Grade]:
    tree = work / "reference"
    try:
        task.materialize_reference(tree)
    except NoReference:
        return []
    results = [
        grade(tree, task.hidden_dir, work / f"grade-reference-{n}", open_box)
        for n in range(1, repeat + 1)
    ]
    failing = [t for t in results[0].hidden.tests if not t.passed]
    check.reference = "failed" if failing or not results[0].hidden.tests else "passed"
    if not results[0].build_ok:
        check.problems.append(f"the reference does not start: {results[0].error}")
    check.problems += [f"fails on the reference: {t.name} ({t.message[:160]})" for t in failing]
    return results


def check_task(task: Task, work: Path, open_box: SandboxOpener, repeat: int) -> TaskCheck:
    check = TaskCheck(task=task.id)
    try:
        starter = _starter(task, work, open_box, check)
        gradings = _reference(task, work, open_box, check, repeat)
        if not gradings:
            gradings = [starter] + [
                grade(work / "starter", task.hidden_dir, work / f"grade-starter-{n}", open_box)
                for n in range(2, repeat + 1)
            ]
    except Exception as exc:  # a task that cannot even be graded is broken
        check.problems.append(f"{type(exc).__name__}: {exc}"[:800])
        return check
    outcomes = [g.hidden.outcomes() for g in gradings]
    flaky = sorted(
        {name for o in outcomes for name in o if any(x.get(name) != o[name] for x in outcomes)}
    )
    check.stable = not flaky
    check.problems += [f"unstable over {repeat} gradings: {name}" for name in flaky]
    return check


def validate_suite(
    tasks: list[Task],
    work: Path,
    open_box: SandboxOpener,
    *,
    repeat: int = 2,
    workers: int = 2,
    progress: Callable[[TaskCheck], None] | None = None,
) -> list[TaskCheck]:
    """Check every task (K at a time); the verdicts in the tasks' order."""

    def one(task: Task) -> TaskCheck:
        check = check_task(task, work / task.id, open_box, max(1, repeat))
        if progress is not None:
            progress(check)
        return check

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, tasks))
