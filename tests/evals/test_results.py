"""results.json: written after every task-run, resumed from, compared and reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.errors import ConfigError
from evals.harness import EvalPlan, pending
from evals.records import ResultSet, ResultsFile, TaskRunRecord, load_results
from evals.reports.html import page
from evals.reports.markdown import compare, summary
from evals.tasks import Task


def task(task_id: str) -> Task:
    return Task(
        id=task_id,
        path=Path("/nowhere"),
        title=task_id,
        domain="d",
        kind="greenfield",
        offline=True,
        needs_model=None,
        p95_ms=200,
    )


def fresh(model: str = "offline") -> ResultSet:
    return ResultSet(suite="s", model=model, gates=["lint"])


def test_every_added_record_is_on_disk_at_once(tmp_path: Path) -> None:
    """A record reaches results.json as soon as its task-run ends; one per (task, run)."""
    results = ResultsFile(tmp_path, fresh(), redo=False)
    results.add(TaskRunRecord(task="a", run=1, model="offline", resolved=False))
    results.add(TaskRunRecord(task="a", run=1, model="offline", resolved=True))
    on_disk = json.loads((tmp_path / "results.json").read_text())
    assert [(r["task"], r["run"], r["resolved"]) for r in on_disk["records"]] == [("a", 1, True)]


def test_a_rerun_skips_finished_task_runs_and_retries_harness_errors(tmp_path: Path) -> None:
    """Finished records are kept and skipped; a harness failure is run again."""
    first = ResultsFile(tmp_path, fresh(), redo=False)
    first.add(TaskRunRecord(task="a", run=1, model="offline"))
    first.add(TaskRunRecord(task="b", run=1, model="offline", harness_error="no engine"))
    again = ResultsFile(tmp_path, fresh(), redo=False)
    plan = EvalPlan("s", [task("a"), task("b")], runs=2, workers=1, out=tmp_path)
    todo = [(t.id, n) for t, n in pending(plan, again.done())]
    assert todo == [("b", 1), ("a", 2), ("b", 2)]
    assert [r.task for r in load_results(tmp_path).records] == ["a"]


def test_redo_forgets_what_was_there(tmp_path: Path) -> None:
    """--redo starts the result set over."""
    ResultsFile(tmp_path, fresh(), redo=False).add(TaskRunRecord(task="a", run=1, model="offline"))
    assert ResultsFile(tmp_path, fresh(), redo=True).done() == set()


def test_another_model_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    """Results of two models never mix in one file."""
    ResultsFile(tmp_path, fresh(), redo=False)
    with pytest.raises(ConfigError, match="use another --out"):
        ResultsFile(tmp_path, fresh("anthropic:claude"), redo=False)


def results_of(model: str, resolved: list[bool]) -> ResultSet:
    records = [
        TaskRunRecord(
            task=f"t{i}",
            run=1,
            model=model,
            resolved=r,
            partial=1.0 if r else 0.0,
            repair_iterations=i,
            cost_usd=0.01 * i,
            tokens=100 * i,
        )
        for i, r in enumerate(resolved)
    ]
    return ResultSet(suite="s", model=model, records=records)


def test_compare_puts_two_result_sets_side_by_side() -> None:
    """Overall figures in two columns, then each task's resolved rate in A and B."""
    text = compare(results_of("offline", [True, False]), results_of("openai:gpt", [True, True]))
    assert "| resolved | 50% | 100% |" in text
    assert "| t1 | 0% | 100% | 0% | 100% |" in text


def test_summary_and_page_carry_the_figures() -> None:
    """The Markdown has the overall row; the page its three charts, inline, nothing fetched."""
    results = results_of("offline", [True, False, True])
    assert "| **overall** | 67% |" in summary(results)
    html = page([results, results_of("scripted:x", [False, False, False])])
    for chart in ('id="pass-rates"', 'id="cost-vs-pass"', 'id="iterations"'):
        assert chart in html
    assert html.count('class="point"') == 2 + 6
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
