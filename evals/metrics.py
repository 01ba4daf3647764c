"""Aggregates of task-run records: mean ± standard error over runs, per task and overall.

Per task, each metric is averaged over the task's runs (booleans as 0/1), its standard
error being the sample standard deviation over √n. Overall, each run index gives one
score (the metric averaged over the tasks of that run), and the mean ± standard error is
taken over those run scores, so the error says how much a whole eval would move if run
again. Null figures (not measured) are left out; with fewer than two values there is no
standard error (null).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from pydantic import BaseModel

from evals.records import TaskRunRecord

METRICS: dict[str, Callable[[TaskRunRecord], float | None]] = {
    "resolved": lambda r: float(r.resolved),
    "partial": lambda r: r.partial,
    "secure_resolved": lambda r: float(r.secure_resolved),
    "build_ok": lambda r: float(r.build_ok),
    "contract_ok": lambda r: None if r.contract_ok is None else float(r.contract_ok),
    "p95_met": lambda r: None if r.p95_met is None else float(r.p95_met),
    "p95_ms": lambda r: r.p95_ms,
    "repair_iterations": lambda r: (
        None if r.repair_iterations is None else float(r.repair_iterations)
    ),
    "tokens": lambda r: None if r.tokens is None else float(r.tokens),
    "cost_usd": lambda r: r.cost_usd,
    "wall_s": lambda r: r.wall_s,
}
RATES = ("resolved", "partial", "secure_resolved", "build_ok", "contract_ok", "p95_met")


class Estimate(BaseModel):
    """A mean over `n` values and its standard error (null below two values)."""

    mean: float | None
    stderr: float | None
    n: int

    def text(self, percent: bool = False, digits: int = 2) -> str:
        if self.mean is None:
            return "n/a"
        scale, unit = (100.0, "%") if percent else (1.0, "")
        body = f"{self.mean * scale:.{0 if percent else digits}f}"
        if self.stderr is not None:
            body += f" ± {self.stderr * scale:.{0 if percent else digits}f}"
        return body + unit


def mean_stderr(values: Iterable[float | None]) -> Estimate:
    """Mean and standard error of the non-null `values`."""
    xs = [v for v in values if v is not None]
    if not xs:
        return Estimate(mean=None, stderr=None, n=0)
    mean = sum(xs) / len(xs)
    if len(xs) < 2:
        return Estimate(mean=mean, stderr=None, n=1)
    variance = sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)
    return Estimate(mean=mean, stderr=math.sqrt(variance / len(xs)), n=len(xs))


def _mean(values: list[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


def per_task(records: list[TaskRunRecord]) -> dict[str, dict[str, Estimate]]:
    """Task id -> metric -> mean ± stderr over that task's runs."""
    by_task: dict[str, list[TaskRunRecord]] = defaultdict(list)
    for record in records:
        by_task[record.task].append(record)
    return {
        task: {name: mean_stderr(get(r) for r in runs) for name, get in METRICS.items()}
        for task, runs in sorted(by_task.items())
    }


def overall(records: list[TaskRunRecord]) -> dict[str, Estimate]:
    """Metric -> mean ± stderr over runs of the per-run average across tasks."""
    by_run: dict[int, list[TaskRunRecord]] = defaultdict(list)
    for record in records:
        by_run[record.run].append(record)
    return {
        name: mean_stderr(_mean([get(r) for r in runs]) for runs in by_run.values())
        for name, get in METRICS.items()
    }
