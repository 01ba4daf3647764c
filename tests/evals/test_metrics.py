"""Aggregates of an eval: mean ± standard error per task and over runs."""

from __future__ import annotations

import math

import pytest

from evals.metrics import mean_stderr, overall, per_task
from evals.records import TaskRunRecord


def rec(task: str, run: int, resolved: bool, cost: float | None = 0.0) -> TaskRunRecord:
    return TaskRunRecord(
        task=task,
        run=run,
        model="m",
        resolved=resolved,
        partial=1.0 if resolved else 0.5,
        cost_usd=cost,
    )


def test_mean_and_standard_error_of_values() -> None:
    """Sample standard deviation over √n; nulls are left out."""
    estimate = mean_stderr([1.0, 0.0, 1.0, None, 0.0])
    assert estimate.n == 4
    assert estimate.mean == pytest.approx(0.5)
    assert estimate.stderr == pytest.approx(math.sqrt((4 * 0.25) / 3 / 4))


def test_one_value_has_no_standard_error_and_none_has_no_mean() -> None:
    """A single run cannot say how much a figure moves; no value, no figure."""
    assert mean_stderr([0.7]).stderr is None
    assert mean_stderr([None, None]).mean is None
    assert mean_stderr([]).text() == "n/a"


def test_per_task_averages_each_task_over_its_runs() -> None:
    """Booleans count as 0/1 per task; an unpriced run leaves cost out, not zero."""
    records = [rec("a", 1, True), rec("a", 2, False, None), rec("b", 1, True)]
    figures = per_task(records)
    assert figures["a"]["resolved"].mean == 0.5
    assert figures["a"]["cost_usd"].n == 1
    assert figures["b"]["partial"].mean == 1.0


def test_overall_is_taken_over_run_scores() -> None:
    """Each run's score is its mean across tasks; the error is over those scores."""
    records = [rec("a", 1, True), rec("b", 1, True), rec("a", 2, True), rec("b", 2, False)]
    resolved = overall(records)["resolved"]
    assert resolved.n == 2
    assert resolved.mean == pytest.approx(0.75)
    assert resolved.stderr == pytest.approx(0.25)
    assert resolved.text(percent=True) == "75 ± 25%"
