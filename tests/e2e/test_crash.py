"""A bug in the middle of a run (planted in the verify node) ends the CLI in one line: the
run, the command and checkpoint to resume from, the traceback file in the run's folder;
exit 70, no traceback on the terminal. `resume` then finishes the run from that checkpoint."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.helpers import REPO_ROOT, cli, run_dir, trajectory

pytestmark = pytest.mark.slow

# The real CLI, with the verify node replaced by one that raises, before the graph is built.
PLANTED = """
import sys
import agent.graph

def verify(state, runtime):
    raise RuntimeError("planted bug in verify")

agent.graph.verify = verify
from agent.cli import main
sys.argv = ["backend-agent", *sys.argv[1:]]
main()
"""


def test_a_crash_mid_run_names_run_checkpoint_and_traceback_then_resumes(tmp_path: Path) -> None:
    """Exit 70; one line with the run id, `backend-agent resume RUN --repo REPO`, the node it
    continues at, and a traceback file in the run's folder holding the planted error."""
    repo = tmp_path / "svc"
    args = ["run", "examples/taskboard.json", "--repo", str(repo), "--sandbox", "local"]
    crashed = subprocess.run(
        [sys.executable, "-c", PLANTED, *args, "--gates", "lint"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert crashed.returncode == 70, crashed.stderr[-3000:]
    assert "Traceback (most recent call last)" not in crashed.stderr + crashed.stdout
    run_id = run_dir(repo).name
    line = next(x for x in crashed.stderr.splitlines() if "internal error" in x)
    assert f"run {run_id}" in line
    assert "RuntimeError: planted bug in verify" in line
    assert f"backend-agent resume {run_id} --repo {repo}" in line
    assert "continues at verify" in line
    written = re.search(r"traceback: (\S+)", line)
    assert written, line
    traceback_file = Path(written.group(1))
    assert traceback_file.parent == run_dir(repo)
    assert "planted bug in verify" in traceback_file.read_text()

    resumed = cli("resume", run_id, "--repo", str(repo))
    assert resumed.returncode in (0, 4), resumed.stderr[-3000:]  # 4: the rules need a model
    assert (run_dir(repo) / "report.json").exists()
    nodes = [e["node"] for e in trajectory(repo)]
    assert nodes.count("scaffold") == 3 and "verify" in nodes  # nothing scaffolded twice


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    """With --debug the same crash also prints its traceback."""
    repo = tmp_path / "svc"
    crashed = subprocess.run(
        [sys.executable, "-c", PLANTED, "--debug", "run", "examples/taskboard.json",
         "--repo", str(repo), "--sandbox", "local", "--gates", "lint"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert crashed.returncode == 70, crashed.stderr[-3000:]
    assert "Traceback (most recent call last)" in crashed.stderr
    assert "planted bug in verify" in crashed.stderr
