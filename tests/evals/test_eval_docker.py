"""The eval harness end to end: the `backend-agent eval` commands in a child process, the
agent's runs and the hidden tests in real Docker sandboxes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import REPO_ROOT
from tests.e2e.notes_flow import repaired, write_script
from tests.evals.png import pixels
from tests.evals.suites import small_suite

pytestmark = [pytest.mark.slow, pytest.mark.docker]
EVAL = [sys.executable, "-m", "agent.cli", "eval"]
FAST_GATES = "lint,migrations"  # the hidden tests judge; the agent's gates only cost time
BLUE, GREEN = (0x3B, 0x6F, 0xD8), (0x3A, 0x9D, 0x5D)


def backend_agent(*args: str, timeout: float = 1500) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EVAL, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
    )


def records(out: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((out / "results.json").read_text())["records"]
    return found


def near(counts: Any, colour: tuple[int, int, int], within: int = 8) -> int:
    return sum(
        n
        for c, n in counts.items()
        if all(abs(a - b) <= within for a, b in zip(c, colour, strict=True))
    )


def test_validate_reports_a_broken_task(tmp_path: Path) -> None:
    """A hidden test that passes with no service at all makes its task broken (exit 1,
    named); the sound task passes on its reference and fails on its empty starter."""
    suite = small_suite(tmp_path, broken=True)
    done = backend_agent("validate", str(suite), "--out", str(tmp_path / "v"), "--repeat", "2")
    assert done.returncode == 1, done.stderr[-3000:]
    assert "notes: BROKEN" in done.stderr
    assert "passes on the starter: tests.test_broken::test_passes_without_any_service" in (
        done.stderr.replace("\n    ", " ")
    )
    assert "bookmarks: ok (reference passed)" in done.stderr
    assert "1/2 task(s) ok" in done.stderr


def screenshot(page: Path, png: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is missing: scripts/setup.sh installs it"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={png}",
            "--window-size=1400,1000",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )


def test_offline_eval_resolves_its_tasks_and_the_page_shows_the_charts(tmp_path: Path) -> None:
    """`eval --model offline --workers 2` on two offline-resolvable tasks resolves both,
    writes results, summary and a page whose charts Chromium draws (blue resolved bars,
    green partial bars in the screenshot)."""
    out = tmp_path / "out"
    suite = small_suite(tmp_path)
    done = backend_agent(
        str(suite),
        "--model",
        "offline",
        "--workers",
        "2",
        "--out",
        str(out),
        "--gates",
        FAST_GATES,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = {r["task"]: r for r in records(out)}
    assert set(found) == {"notes", "bookmarks"}
    for record in found.values():
        assert record["resolved"] and record["secure_resolved"] and record["build_ok"], record
        assert record["tokens"] == 0 and record["cost_usd"] == 0.0
        assert record["notes"]["p95_ms"] == "the load gate was not run (--gates)"
    assert found["notes"]["functional_total"] == 2 and found["notes"]["security_total"] == 1
    assert "| **overall** | 100% |" in (out / "summary.md").read_text()
    png = tmp_path / "page.png"
    screenshot(out / "report.html", png)
    counts = pixels(png)
    assert len(counts) > 20, "a blank screenshot"
    assert near(counts, BLUE) > 2000 and near(counts, GREEN) > 2000


def test_scripted_eval_shows_tokens_cost_and_iterations(tmp_path: Path) -> None:
    """Through `scripted:FILE` on two tasks, each run implements a buggy rule, is repaired
    once, and its record carries the script's tokens, the priced cost and one iteration."""
    script = write_script(tmp_path / "notes.jsonl", repaired(), {})
    model = f"scripted:{script}"
    prices = tmp_path / "prices.json"
    price = {"input": 3.0, "output": 15.0, "cached_input": 0.3}
    prices.write_text(json.dumps({"models": {model: price}}))
    suite = small_suite(tmp_path)
    shutil.rmtree(suite / "bookmarks")
    shutil.copytree(suite / "notes", suite / "notes-again")
    toml = suite / "notes-again" / "task.toml"
    toml.write_text(toml.read_text().replace('id = "notes"', 'id = "notes-again"'))
    out = tmp_path / "out"
    done = backend_agent(
        str(suite),
        "--model",
        model,
        "--workers",
        "2",
        "--out",
        str(out),
        "--gates",
        "lint,tests,migrations",
        "--prices",
        str(prices),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    expected_cost = 4 * (1200 * 3.0 + 300 * 15.0) / 1_000_000
    for record in records(out):
        assert record["model_calls"] == 4 and record["tokens"] == 4 * 1500, record
        assert record["cost_usd"] == pytest.approx(expected_cost)
        assert record["repair_iterations"] == 1 and record["agent_passed"] is True
        assert record["agent_verdict"] == "passed" and record["agent_exit"] == 0
        assert record["resolved"], record["failed_tests"]
    summary = (out / "summary.md").read_text()
    assert "6000" in summary and "1.0" in summary


def test_a_killed_eval_resumes_without_rerunning_finished_task_runs(tmp_path: Path) -> None:
    """SIGKILL the eval once its first task-run is in results.json; the second invocation
    keeps that record as it was, runs only what was left, and completes."""
    out = tmp_path / "out"
    suite = small_suite(tmp_path)
    args = [str(suite), "--workers", "1", "--out", str(out), "--gates", "lint"]
    proc = subprocess.Popen(
        [*EVAL, *args], cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "results.json").exists() and records(out):
            break
        time.sleep(1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    [first] = records(out)
    done = backend_agent(*args)
    assert done.returncode == 0, done.stderr[-3000:]
    after = {r["task"]: r for r in records(out)}
    assert set(after) == {"notes", "bookmarks"}
    assert after[first["task"]] == first
    assert len(list((out / "work" / first["task"]).iterdir())) == 1
    assert f"{first['task']} run 1" not in done.stderr
