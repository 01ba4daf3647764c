"""`backend-agent show` on what a run folder holds, without running anything."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from agent.cli import app

runner = CliRunner()


def test_an_unknown_run_is_bad_input(tmp_path: Path) -> None:
    """A run id with no folder: exit 2, saying where it looked."""
    done = runner.invoke(app, ["show", "nope", "--repo", str(tmp_path)])
    assert done.exit_code == 2 and "no run 'nope'" in done.output


def test_a_run_from_before_the_events_shows_its_steps(tmp_path: Path) -> None:
    """A run that wrote only `trajectory.jsonl` (an earlier version) still shows its steps,
    each with its time from the first, its item, node and message."""
    folder = tmp_path / ".backend-agent" / "runs" / "old1"
    folder.mkdir(parents=True)
    steps = [
        {"ts": "2026-01-01T10:00:00+00:00", "node": "plan", "message": "3 endpoint(s)"},
        {"ts": "2026-01-01T10:01:05+00:00", "node": "verify", "item": "A-1",
         "message": "lint ok (0 finding(s))"},
    ]  # fmt: skip
    (folder / "trajectory.jsonl").write_text("\n".join(json.dumps(s) for s in steps) + "\n")
    done = runner.invoke(app, ["show", "old1", "--repo", str(tmp_path)], env={"COLUMNS": "150"})
    assert done.exit_code == 0, done.output
    lines = [" ".join(line.split()) for line in done.output.splitlines()]
    assert "0:00.0 plan 3 endpoint(s)" in lines
    assert "1:05.0 A-1 verify lint ok (0 finding(s))" in lines
