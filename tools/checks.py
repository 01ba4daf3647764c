"""run_tests and run_lint: pytest and ruff, run through the Sandbox, never on the host directly.

A failing test or a lint finding is an ordinary result (the tool worked); only a command
that timed out is an error result.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from sandbox.base import CommandResult, Sandbox
from tools.base import ToolError
from tools.workspace import Workspace

PYTEST_EXITS = {
    0: "all tests passed",
    1: "some tests failed",
    2: "interrupted (collection errors?)",
    3: "pytest internal error",
    4: "pytest usage error",
    5: "no tests were collected",
}


class RunTestsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tests: list[str] = Field(
        default_factory=list,
        description="Test files or node ids (tests/test_x.py::test_y); empty runs them all.",
    )
    keyword: str | None = Field(None, description="Only tests matching this -k expression.")


class RunLintArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paths: list[str] = Field(default_factory=list, description="Files or folders; empty: all.")
    fix: bool = Field(False, description="Apply ruff's safe fixes and format the files.")


def _confined(ws: Workspace, selections: list[str]) -> list[str]:
    for selection in selections:
        if selection.startswith("-"):
            raise ToolError(f"{selection!r} looks like an option; give paths or node ids only")
        ws.resolve(selection.split("::", 1)[0])
    return selections


def _report(title: str, result: CommandResult) -> str:
    streams = "\n".join(s.rstrip() for s in (result.stdout, result.stderr) if s.strip())
    return f"$ {title} (exit {result.exit_code})\n{streams}".rstrip()


def _timed_out(result: CommandResult, timeout: float) -> None:
    if result.timed_out:
        tail = (result.stdout + result.stderr)[-2000:]
        raise ToolError(f"{' '.join(result.argv[1:4])} timed out after {timeout:.0f}s\n{tail}")


def run_tests(
    ws: Workspace,
    sandbox: Sandbox,
    timeout: float,
    args: RunTestsArgs,
    env: Mapping[str, str] | None = None,
) -> str:
    """pytest -q on the selection (with `env`, e.g. DATABASE_URL); the exit code's meaning
    first, then the output."""
    argv = [sandbox.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--color=no"]
    argv += _confined(ws, args.tests)
    if args.keyword:
        argv += ["-k", args.keyword]
    result = sandbox.run(argv, timeout=timeout, env=env)
    _timed_out(result, timeout)
    meaning = PYTEST_EXITS.get(result.exit_code, "unexpected exit")
    return f"pytest: {meaning}\n{_report('pytest', result)}"


def run_lint(ws: Workspace, sandbox: Sandbox, timeout: float, args: RunLintArgs) -> str:
    """ruff check and ruff format --check (or their fixing forms) on the paths."""
    paths = _confined(ws, args.paths) or ["."]
    ruff = [sandbox.python, "-m", "ruff"]
    check = [*ruff, "check", "--no-cache", "--output-format", "concise"]
    check += ["--fix"] if args.fix else []
    fmt = [*ruff, "format", "--no-cache"] + ([] if args.fix else ["--check"])
    reports = []
    verdicts = []
    for title, argv in (("ruff check", check), ("ruff format", fmt)):
        result = sandbox.run([*argv, *paths], timeout=timeout)
        _timed_out(result, timeout)
        verdicts.append(f"{title}: {'clean' if result.exit_code == 0 else 'findings'}")
        reports.append(_report(" ".join(argv[3:]), result))
    return "; ".join(verdicts) + "\n" + "\n".join(reports)
