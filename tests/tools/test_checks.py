"""run_tests and run_lint through a real LocalSandbox on a tiny project."""

from __future__ import annotations


def test_run_tests_reports_failures_and_selection(toolbox):
    """The whole suite shows the failing test and its assertion; a selection runs only it."""
    everything = toolbox.call("run_tests", {})
    assert not everything.is_error
    assert everything.output.startswith("pytest: some tests failed")
    assert "test_discount_at_100" in everything.output and "assert 100 == 90" in everything.output
    assert "1 failed, 1 passed" in everything.output

    one = toolbox.call(
        "run_tests", {"tests": ["tests/test_pricing.py::test_no_discount_below_100"]}
    )
    assert one.output.startswith("pytest: all tests passed") and "1 passed" in one.output

    picked = toolbox.call("run_tests", {"keyword": "below"})
    assert "1 passed, 1 deselected" in picked.output


def test_run_tests_refuses_options_and_paths_outside(toolbox):
    """Selections are paths or node ids inside the workspace, never pytest options."""
    assert "looks like an option" in toolbox.call("run_tests", {"tests": ["--co"]}).output
    assert toolbox.call("run_tests", {"tests": ["/etc/x.py"]}).is_error


def test_run_lint_finds_then_fixes(toolbox, workspace):
    """ruff reports an unused import and bad formatting; fix=true repairs both."""
    (workspace / "app" / "messy.py").write_text("import os\nx=1\n")
    found = toolbox.call("run_lint", {})
    assert found.output.startswith("ruff check: findings; ruff format: findings")
    assert "F401" in found.output and "messy.py" in found.output

    fixed = toolbox.call("run_lint", {"fix": True})
    assert "ruff format:" in fixed.output
    assert (workspace / "app" / "messy.py").read_text() == "x = 1\n"
    assert toolbox.call("run_lint", {}).output.startswith("ruff check: clean; ruff format: clean")
