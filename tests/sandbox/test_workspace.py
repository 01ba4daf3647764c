"""The workspace contract: writes inside land in the host folder, host edits reach the next run."""

from __future__ import annotations

import json

import pytest

from sandbox.docker import DockerSandbox

pytestmark = pytest.mark.docker


def test_junit_and_coverage_written_inside_are_read_from_the_host(box: DockerSandbox) -> None:
    """pytest's junit.xml and coverage.json, written inside, are in the host folder after run()."""
    (box.workspace / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (box.workspace / "test_calc.py").write_text(
        "from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n"
    )
    argv = [
        box.python,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--junitxml=junit.xml",
        "--cov=calc",
        "--cov-report=json:coverage.json",
    ]
    result = box.run(argv, timeout=120)
    assert result.ok, result.stdout + result.stderr
    assert 'tests="1"' in (box.workspace / "junit.xml").read_text()
    coverage = json.loads((box.workspace / "coverage.json").read_text())
    assert coverage["totals"]["percent_covered"] == 100


def test_host_edits_and_deletions_reach_the_next_run(box: DockerSandbox) -> None:
    """Both ways: a host edit is seen inside; a file deleted inside is deleted on the host."""
    (box.workspace / "note.txt").write_text("one")
    assert box.run(["cat", "note.txt"], timeout=10).stdout == "one"
    (box.workspace / "note.txt").write_text("two, longer")
    assert box.run(["cat", "note.txt"], timeout=10).stdout == "two, longer"
    (box.workspace / "pkg").mkdir()
    (box.workspace / "pkg" / "gone.txt").write_text("x")
    assert box.run(["rm", "-r", "pkg"], timeout=10).ok
    assert not (box.workspace / "pkg").exists()
    assert (box.workspace / "note.txt").stat().st_uid == 0  # the user's files stay the user's


def test_git_folder_never_enters_the_container(box: DockerSandbox) -> None:
    """`.git` (history, maybe credentials in its config) stays on the host."""
    (box.workspace / ".git").mkdir()
    (box.workspace / ".git" / "config").write_text("[credential]\n")
    result = box.run(["ls", "-A"], timeout=10)
    assert ".git" not in result.stdout.split()
    assert (box.workspace / ".git" / "config").exists()
