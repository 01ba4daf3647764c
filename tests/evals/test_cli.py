"""The `eval` commands' own behaviour, without running any agent: routing, compare, report,
bad input."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from evals.cli import eval_app
from evals.records import ResultSet, TaskRunRecord
from tests.evals.suites import small_suite

runner = CliRunner()


def write(out: Path, model: str, resolved: bool) -> Path:
    record = TaskRunRecord(task="notes", run=1, model=model, resolved=resolved, partial=1.0)
    out.mkdir(parents=True)
    (out / "results.json").write_text(
        ResultSet(suite="small", model=model, records=[record]).model_dump_json()
    )
    return out


def test_compare_prints_both_and_writes_markdown_and_page(tmp_path: Path) -> None:
    """`eval compare A B --out DIR`: a terminal table with both models, compare.md and a
    two-model page."""
    a, b = write(tmp_path / "a", "offline", False), write(tmp_path / "b", "scripted:x", True)
    done = runner.invoke(eval_app, ["compare", str(a), str(b), "--out", str(tmp_path / "c")])
    assert done.exit_code == 0, done.output
    assert "offline" in done.output and "scripted:x" in done.output
    assert "| resolved | 0% | 100% |" in (tmp_path / "c" / "compare.md").read_text()
    assert (tmp_path / "c" / "report.html").read_text().count('class="chart"') == 3


def test_report_rewrites_summary_and_page(tmp_path: Path) -> None:
    """`eval report RESULTS --out DIR` rebuilds the reports of a finished eval."""
    a = write(tmp_path / "a", "offline", True)
    done = runner.invoke(eval_app, ["report", str(a), "--out", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output
    assert "| **overall** | 100% |" in (tmp_path / "r" / "summary.md").read_text()


def test_a_suite_is_run_by_default_and_unknown_tasks_are_refused(tmp_path: Path) -> None:
    """`eval SUITE ...` means `eval run SUITE ...`; `--tasks` naming no task is bad input
    (exit 2), refused before anything runs."""
    suite = small_suite(tmp_path)
    done = runner.invoke(eval_app, [str(suite), "--tasks", "nope", "--out", str(tmp_path / "o")])
    assert done.exit_code == 2
    assert "no task nope" in done.output
    assert not (tmp_path / "o").exists()


def test_missing_results_are_reported(tmp_path: Path) -> None:
    """Comparing a folder without results.json says where it looked."""
    done = runner.invoke(eval_app, ["compare", str(tmp_path), str(tmp_path)])
    assert done.exit_code == 2 and "no results at" in done.output


def test_no_engine_stops_the_eval_before_any_task(tmp_path: Path) -> None:
    """With no Docker engine answering, `eval` and `eval validate` exit 3 at once, saying
    how to start one, with no task run and nothing written (not one failure per task)."""
    suite = small_suite(tmp_path)
    nowhere = {"DOCKER_HOST": "tcp://127.0.0.1:9"}  # the discard port: nothing answers
    for args in ([str(suite)], ["validate", str(suite)]):
        done = runner.invoke(eval_app, [*args, "--out", str(tmp_path / "o")], env=nowhere)
        assert done.exit_code == 3, done.output
        assert "no Docker engine answers at tcp://127.0.0.1:9" in done.output
        assert not (tmp_path / "o").exists()
